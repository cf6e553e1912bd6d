/**
 * `eprscope pet lesions <pet.nii[.gz]> --labels <labels.nii[.gz]> --weight-kg W --injected-mbq A
 *  --injection-time ISO --scan-time ISO --nuclide cu-64` → one row per lesion label:
 *  { lesion, label, SUVmax, SUVpeak, SUVmean, volume_ml, pctID, lesion_to_blood, voxels, peak_voxels }.
 * SUV is body-weight SUV in g/mL, decay-corrected: the injected activity is decayed to the scan
 * time (image values = concentration at scan start, the DICOM DecayCorrection START convention;
 * or --decay-corrected-to injection). SUVpeak = the highest mean over a 1 cm³ sphere centred on a
 * lesion voxel (PERCIST 1.0). pctID = % of the injected activity in the lesion, decay-corrected to
 * injection. Formulas: src/core/scintigraphy/petLesions.ts and suv.ts.
 */
import type { Command } from "commander";
import { InputError } from "../../core/errors.js";
import type { Volume } from "../../core/image/volume.js";
import { getNuclide } from "../../core/nuclide/nuclides.js";
import { type ImageDecayReference, petLesionTable } from "../../core/scintigraphy/petLesions.js";
import { parseIsoDateTime } from "../../core/units/isoTime.js";
import { readNifti } from "../../io/nifti.js";
import { parseChoice, parseNumberOption } from "../options.js";
import { checkOutPath, emit } from "../output.js";

const UNITS: Record<string, number> = { "Bq/mL": 1, "kBq/mL": 1e3, "MBq/mL": 1e6 };

interface LesionOpts {
  labels: string;
  weightKg: string;
  injectedMbq: string;
  injectionTime: string;
  scanTime: string;
  nuclide: string;
  units: string;
  decayCorrectedTo: string;
  bloodLabel?: string;
  json?: boolean;
  out?: string;
}

function volume3d(v: Volume, file: string): void {
  if (v.dims.length > 3 && v.dims.slice(3).some((d) => d > 1))
    throw new InputError({ file, field: "dim", value: v.dims, expected: "a 3D volume (one frame)" });
}

function sameGrid(a: Volume, b: Volume, fileA: string, fileB: string): void {
  const same =
    [0, 1, 2].every((i) => a.dims[i] === b.dims[i]) &&
    [0, 1, 2].every((i) => Math.abs(a.spacingMm[i] - b.spacingMm[i]) <= 1e-4 * Math.max(1, a.spacingMm[i])) &&
    Array.from(a.affine).every((x, i) => Math.abs(x - b.affine[i]) <= 1e-3);
  if (!same)
    throw new InputError({
      file: fileB,
      field: "grid",
      value: { labels: b.dims.slice(0, 3), spacing_mm: b.spacingMm },
      expected: `the grid of ${fileA} (${a.dims.slice(0, 3).join("×")} voxels of ${a.spacingMm.map((s) => +s.toFixed(4)).join("×")} mm, same affine)`,
    });
}

export function register(program: Command): void {
  const pet = program.command("pet").description("PET (and quantitative SPECT) lesion uptake from images");
  pet
    .command("lesions")
    .description(
      "per-lesion SUVmax, SUVpeak (1 cm³ sphere, PERCIST), SUVmean, volume, %ID and lesion-to-blood from a PET volume and a label map",
    )
    .argument("<pet>", "3D NIfTI activity-concentration volume (.nii or .nii.gz)")
    .requiredOption(
      "--labels <labels>",
      "3D NIfTI label map on the same grid: 0 background, one integer per lesion",
    )
    .requiredOption("--weight-kg <W>", "patient body weight (kg)")
    .requiredOption("--injected-mbq <A>", "injected activity at the injection time (MBq, net of residue)")
    .requiredOption("--injection-time <iso8601>", "injection date-time, e.g. 2026-05-04T09:00:00Z")
    .requiredOption("--scan-time <iso8601>", "scan start date-time (the image's decay reference)")
    .requiredOption("--nuclide <name>", "radionuclide, e.g. cu-64, zr-89, f-18, ga-68")
    .option("--units <u>", `image units: ${Object.keys(UNITS).join(", ")}`, "Bq/mL")
    .option(
      "--decay-corrected-to <ref>",
      "scan: voxel values are concentrations at scan start (DICOM DecayCorrection START); injection: already decay-corrected to the injection",
      "scan",
    )
    .option(
      "--blood-label <n>",
      "label of a blood-pool VOI (e.g. left ventricle): adds lesion_to_blood, not a lesion",
    )
    .option("--json", "print one JSON document")
    .option("--out <file>", "write JSON, or CSV when the name ends in .csv")
    .addHelpText(
      "after",
      "\nOutput, one row per lesion label: lesion, label, SUVmax, SUVpeak, SUVmean (body-weight SUV, g/mL:\n" +
        "  C[Bq/mL]·W[g] / (A_inj[Bq]·exp(−ln2·Δt/T½)), Δt = scan − injection), volume_ml (labelled voxels × voxel\n" +
        "  volume), pctID (% of the injected activity in the lesion, decay-corrected to injection = SUVmean·V/W·100),\n" +
        "  lesion_to_blood (SUVmean / SUVmean of --blood-label, else null), voxels, peak_voxels (voxels in the\n" +
        "  1 cm³ SUVpeak sphere: voxel centres within 6.2035 mm, inside the image).\n" +
        "Example:\n  eprscope pet lesions pet_24h.nii.gz --labels lesions.nii.gz --weight-kg 72 --injected-mbq 185 \\\n" +
        "    --injection-time 2026-05-04T09:00:00Z --scan-time 2026-05-05T09:10:00Z --nuclide cu-64 --blood-label 10 --json\n",
    )
    .action((petPath: string, o: LesionOpts) => {
      if (o.out) checkOutPath(o.out, [petPath, o.labels]);
      const weightKg = parseNumberOption("--weight-kg", o.weightKg, {
        min: 0,
        exclusiveMin: true,
        max: 1000,
      });
      const injectedMBq = parseNumberOption("--injected-mbq", o.injectedMbq, { min: 0, exclusiveMin: true });
      const tInj = parseIsoDateTime(o.injectionTime, { field: "--injection-time" });
      const tScan = parseIsoDateTime(o.scanTime, { field: "--scan-time" });
      if (tScan < tInj)
        throw new InputError({
          field: "--scan-time",
          value: o.scanTime,
          expected: `a time at or after --injection-time ${o.injectionTime}`,
        });
      const nuclide = getNuclide(o.nuclide, "--nuclide").name;
      const unit = parseChoice("--units", o.units, Object.keys(UNITS));
      const ref = parseChoice("--decay-corrected-to", o.decayCorrectedTo, [
        "scan",
        "injection",
      ] as const) as ImageDecayReference;
      const bloodLabel =
        o.bloodLabel !== undefined
          ? parseNumberOption("--blood-label", o.bloodLabel, { min: 1, integer: true })
          : undefined;
      const img = readNifti(petPath);
      const lab = readNifti(o.labels);
      volume3d(img, petPath);
      volume3d(lab, o.labels);
      sameGrid(img, lab, petPath, o.labels);
      let res: ReturnType<typeof petLesionTable>;
      try {
        res = petLesionTable(
          img.data,
          { dims: [img.dims[0], img.dims[1], img.dims[2]], spacingMm: img.spacingMm },
          lab.data,
          {
            weightKg,
            injectedMBq,
            nuclide,
            uptakeS: (tScan - tInj) / 1000,
            imageReference: ref,
            bqPerMlPerUnit: UNITS[unit],
            bloodLabel,
          },
        );
      } catch (e) {
        // name the file: image-value problems are the PET's, label problems the label map's
        if (!(e instanceof InputError)) throw e;
        throw new InputError(
          e.problems.map((p) => ({
            ...p,
            file:
              p.file ?? (p.field === "image" ? petPath : /label/.test(p.field ?? "") ? o.labels : undefined),
          })),
        );
      }
      emit(res.rows, { ...o, inputs: [petPath, o.labels] });
    });
}
