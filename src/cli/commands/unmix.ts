/**
 * `eprscope unmix <mixtures.csv> --spectra <spectra.csv> --json` — multispectral unmixing by NNLS
 * (core/optical/spectralUnmixing.ts). Both CSVs: `wavelength_nm` then one column per sample /
 * per component (spectra are interpolated linearly to the mixtures' wavelengths) →
 * [{ curve, <component>: abundance, …, rss }]. `--hemoglobin` adds Hb and HbO2 (Prahl's table,
 * 700–900 nm) and reports sO2; `--background-flat` adds a constant component "background".
 * An autofluorescence spectrum is a spectra column like any other (e.g. `autofluorescence`,
 * measured in an untreated animal).
 * `eprscope unmix <stack.nii.gz> --spectra … --wavelengths-nm 700,750,… --out DIR` — a 4D stack
 * (one volume per wavelength) → DIR/<component>.nii.gz abundance maps (+ sO2), status and
 * sidecar, through the voxelwise engine (model "unmix").
 */
import type { Command } from "commander";
import { InputError } from "../../core/errors.js";
import { HB_SPECTRA, oxygenSaturation } from "../../core/optical/photoacoustics.js";
import {
  buildUnmixingMatrix,
  type EndmemberSpectrum,
  type UnmixingMatrix,
  unmixSpectrum,
} from "../../core/optical/spectralUnmixing.js";
import type { UnmixVoxelOptions } from "../../core/optical/unmixVoxel.js";
import { numericTableColumn, readNumericCsv } from "../../io/numericCsv.js";
import { runMapCommand } from "../mapCommand.js";
import { parseNumberList } from "../options.js";
import { emit } from "../output.js";

interface UnmixCli {
  spectra?: string;
  hemoglobin?: boolean;
  backgroundFlat?: boolean;
  wavelengthsNm?: string;
  mask?: string;
  threads?: string;
  out?: string;
  json?: boolean;
}

const RESERVED = ["curve", "rss", "sO2", "wavelength_nm"];

function readSpectra(path: string): EndmemberSpectrum[] {
  const t = readNumericCsv(path);
  const wl = numericTableColumn(t, "wavelength_nm");
  const comps = t.columns.filter((c) => c !== "wavelength_nm");
  if (comps.length === 0)
    throw new InputError({
      file: path,
      field: "columns",
      value: t.columns,
      expected: "wavelength_nm and one column per component",
    });
  for (const c of comps)
    if (RESERVED.includes(c))
      throw new InputError({
        file: path,
        field: "columns",
        value: c,
        expected: `a component name other than ${RESERVED.join(", ")}`,
      });
  return comps.map((c) => ({
    name: c,
    wavelengthNm: Float64Array.from(wl),
    values: Float64Array.from(numericTableColumn(t, c)),
  }));
}

function matrixFor(wavelengths: ArrayLike<number>, o: UnmixCli): UnmixingMatrix {
  if (!o.spectra && !o.hemoglobin)
    throw new InputError({
      field: "--spectra",
      expected: "component spectra (--spectra FILE) and/or --hemoglobin",
    });
  const spectra = [...(o.hemoglobin ? HB_SPECTRA : []), ...(o.spectra ? readSpectra(o.spectra) : [])];
  if (o.hemoglobin)
    for (let i = 0; i < wavelengths.length; i++)
      if (!(wavelengths[i] >= 700 && wavelengths[i] <= 900))
        throw new InputError({
          field: "wavelength_nm",
          value: wavelengths[i],
          expected: "700–900 nm with --hemoglobin (Prahl table range)",
        });
  return buildUnmixingMatrix(wavelengths, spectra, { flatBackground: o.backgroundFlat === true });
}

export function register(program: Command): void {
  program
    .command("unmix")
    .description("multispectral (fluorescence / photoacoustic) unmixing by non-negative least squares")
    .argument(
      "<mixtures>",
      "mixtures.csv (wavelength_nm + one column per sample) or a 4D NIfTI stack (one volume per wavelength)",
    )
    .option("--spectra <spectra.csv>", "wavelength_nm + one column per component (incl. autofluorescence)")
    .option("--hemoglobin", "add Hb and HbO2 (Prahl, cm-1/M, 700–900 nm) and report sO2")
    .option("--background-flat", "add a constant background component")
    .option("--wavelengths-nm <list>", "NIfTI stack: wavelength of each volume, e.g. 700,730,760,800,850")
    .option("--mask <mask.nii.gz>", "NIfTI stack: voxels to unmix (> 0)")
    .option("--threads <n>", "NIfTI stack: worker threads")
    .option("--out <path>", "CSV input: write JSON (or CSV); NIfTI stack: output folder (required)")
    .option("--json", "print one JSON document")
    .addHelpText(
      "after",
      "\nExamples:\n  eprscope unmix mixtures.csv --spectra spectra.csv --json\n  eprscope unmix msot.nii.gz --hemoglobin --wavelengths-nm 700,730,760,800,850 --out msot_maps --json\n",
    )
    .action(async (file: string, o: UnmixCli) => {
      const isNifti = /\.nii(\.gz)?$/i.test(file);
      if (!isNifti) {
        const t = readNumericCsv(file);
        const wl = numericTableColumn(t, "wavelength_nm");
        const mat = matrixFor(wl, o);
        const samples = t.columns.filter((c) => c !== "wavelength_nm");
        if (samples.length === 0)
          throw new InputError({
            file,
            field: "columns",
            value: t.columns,
            expected: "wavelength_nm and one column per sample",
          });
        const hasSo2 = mat.names.includes("Hb") && mat.names.includes("HbO2");
        const out = samples.map((s) => {
          const r = unmixSpectrum(mat, numericTableColumn(t, s));
          const row: Record<string, unknown> = { curve: s };
          mat.names.forEach((n, k) => {
            row[n] = r.abundances[k];
          });
          if (hasSo2)
            row.sO2 = oxygenSaturation(
              r.abundances[mat.names.indexOf("Hb")],
              r.abundances[mat.names.indexOf("HbO2")],
            );
          row.rss = r.rss;
          return row;
        });
        emit(out, o, undefined);
        return;
      }
      if (!o.out)
        throw new InputError({
          field: "--out",
          expected: "an output folder for the abundance maps of a NIfTI stack",
        });
      if (!o.wavelengthsNm)
        throw new InputError({
          field: "--wavelengths-nm",
          expected: "the wavelength of each volume of the stack",
        });
      const wl = parseNumberList("--wavelengths-nm", o.wavelengthsNm);
      const mat = matrixFor(wl, o);
      const options: UnmixVoxelOptions = {
        names: mat.names,
        wavelengthNm: mat.wavelengthNm,
        a: Array.from(mat.a),
      };
      await runMapCommand(
        {
          input: file,
          model: "unmix",
          options,
          label: "unmix",
          otherInputs: o.spectra ? [o.spectra] : [],
          check: (series) => {
            if (series.nFrames !== wl.length)
              throw new InputError({
                file,
                field: "volumes",
                value: series.nFrames,
                expected: `${wl.length} volumes, one per --wavelengths-nm entry`,
              });
          },
          sidecarName: "unmix_map.json",
          sidecarExtra: { spectra: o.spectra ?? null },
          summary: (res, seconds, written) => ({
            model: "unmix",
            components: mat.names,
            voxels: res.fitted,
            status_counts: res.statusCounts,
            workers: res.workers,
            seconds,
            files: written.files,
            out: o.out,
          }),
          text: (res) => `${res.fitted} voxels unmixed into ${mat.names.join(", ")} → ${o.out}\n`,
        },
        { ...o, out: o.out },
      );
    });
}
