/**
 * Clinical nanotheranostic cohort, per patient (kind "clinical", task clinical/<subject>), over
 * the subject's scans with acquisition.protocol
 *  - "clinical-planar" (modality NM): planar whole-body conjugate-view quantification (MIRD
 *    Pamphlet 16; core/scintigraphy/series.ts) exactly as the planar analysis does it — TEW per
 *    photopeak window, background (acquisition.backgroundMethod, default Buijs), attenuation from
 *    acquisition.bodyThicknessCm with the photopeak μ of acquisition.muKind (narrow, NIST, by
 *    default; broad needs acquisition.muPerCm, attenuation.ts), organ self-attenuation,
 *    calibration from the standard ROI (acquisition.standardRoi + standardMBqAtInjection) or
 *    acquisition.calibrationCpsPerMBq, decay to the injection of the subject's agent labelled
 *    with acquisition.nuclide. Rows per ROI: pctID and roi_to_background per scan (time_s from
 *    that injection), residence_time_h (log-down trapezoids, zero at injection, physical decay
 *    after the last scan), effective_half_life_h, blood_pool_persistence_pct (kind "heart");
 *  - "clinical-pet" (modality PET, files[0] the volume, labels the lesion label map): per lesion
 *    (label n → ROI "L<n>"; acquisition.bloodLabel is the blood-pool VOI) SUVmax, SUVpeak (1 cm³
 *    sphere, PERCIST), SUVmean (g/mL, body weight of the subject), volume_ml, pctID_pet (%ID,
 *    decay-corrected) and lesion_to_blood, at time_s after the injection of the agent labelled
 *    with acquisition.nuclide (core/scintigraphy/petLesions.ts); image units acquisition.units
 *    (Bq/mL default), acquisition.decayCorrected true = values decay-corrected to injection.
 * The cohort task (clinicalCohort.ts) depends on these. Scans of other purposes are never read,
 * and these scans (purpose "other") are never read by the mouse planar/imaging analyses.
 */
import { join } from "node:path";
import { InputError } from "../../core/errors.js";
import { findNuclide, getNuclide } from "../../core/nuclide/nuclides.js";
import { petLesionTable } from "../../core/scintigraphy/petLesions.js";
import type { SeriesRow } from "../../core/scintigraphy/series.js";
import { parseQuantity, quantityIn } from "../../core/units/units.js";
import { readNifti } from "../../io/nifti.js";
import type { ResultRow } from "../../store/types.js";
import type { LoadedStudy } from "../../study/load.js";
import type { Administration, Agent, Scan, Study } from "../../study/schema.js";
import type { Task } from "../task.js";
import { injectedMBq } from "./biodistribution.js";
import { clinicalCohortTask } from "./clinicalCohort.js";
import { row } from "./common.js";
import { acqNumber } from "./ferumoxytolCommon.js";
import { PLANAR_RESIDENCE, quantifyPlanarScan, tacSummaryRows } from "./planar.js";

export const CLINICAL = "clinical";
export const PROTOCOL_PLANAR = "clinical-planar";
export const PROTOCOL_PET = "clinical-pet";
const TO_BQ_PER_ML: Record<string, number> = {
  "Bq/mL": 1,
  "kBq/mL": 1e3,
  "MBq/mL": 1e6,
  "Bq/cc": 1,
  "kBq/cc": 1e3,
};

const protocolOf = (s: Scan) => String(s.acquisition?.protocol ?? "");
const acqString = (s: Scan, k: string) =>
  s.acquisition?.[k] === undefined ? undefined : String(s.acquisition?.[k]);

/** the subject's first administration of an agent labelled with the nuclide */
export function administrationOf(
  study: Study,
  subject: string,
  nuclide: string,
): { admin: Administration; agent: Agent } {
  const canonical = getNuclide(nuclide).name;
  const found = study.administrations
    .filter((a) => a.subject === subject)
    .sort((a, b) => Date.parse(a.time) - Date.parse(b.time))
    .map((admin) => ({ admin, agent: study.agents.find((g) => g.id === admin.agent) }))
    .find(({ agent }) => agent?.label?.nuclide && findNuclide(agent.label.nuclide)?.name === canonical);
  if (!found?.agent)
    throw new InputError({
      file: "study.json",
      field: "administrations",
      value: subject,
      expected: `an administration of an agent labelled with ${canonical} to the subject`,
    });
  return { admin: found.admin, agent: found.agent };
}

function planarRows(ls: LoadedStudy, subject: string, scans: Scan[], rows: ResultRow[], prov: string[]) {
  const series: SeriesRow[] = [];
  let nuclide = "";
  for (const scan of scans) {
    const where = (k: string) => `scans[${scan.id}].acquisition.${k}`;
    nuclide = getNuclide(acqString(scan, "nuclide") ?? "", where("nuclide")).name;
    const { admin } = administrationOf(ls.study, subject, nuclide);
    const { series: q, muPerCm: mu, muKind } = quantifyPlanarScan(ls, scan, nuclide, admin);
    series.push(...q);
    if (q[0])
      prov.push(
        `${scan.id}: t ${q[0].time_h.toFixed(3)} h, calibration ${q[0].calibration_cps_per_MBq.toPrecision(5)} cps/MBq, ${muKind}-beam μ ${mu.toPrecision(4)} /cm; ${q[0].corrections.join("; ")}`,
      );
  }
  for (const r of series) {
    const t = { time_s: r.time_h * 3600 };
    rows.push(
      row(CLINICAL, subject, r.roi, "pctID", r.pct_ID, "%ID", {
        ...t,
        message: r.status === "ok" ? null : r.status,
      }),
    );
    if (r.roi_to_background !== null)
      rows.push(row(CLINICAL, subject, r.roi, "roi_to_background", r.roi_to_background, "1", t));
  }
  rows.push(...tacSummaryRows(CLINICAL, subject, series, nuclide));
}

function petRows(ls: LoadedStudy, subject: string, scan: Scan, rows: ResultRow[], prov: string[]) {
  const where = (k: string) => `scans[${scan.id}].${k}`;
  const nuclide = getNuclide(acqString(scan, "nuclide") ?? "", where("acquisition.nuclide")).name;
  const { admin } = administrationOf(ls.study, subject, nuclide);
  if (!scan.labels)
    throw new InputError({ file: "study.json", field: where("labels"), expected: "the lesion label map" });
  const s = ls.study.subjects.find((x) => x.id === subject);
  const weightKg = quantityIn(
    parseQuantity(s?.bodyWeight ?? "", "mass", `subjects[${subject}].bodyWeight`),
    "kg",
  );
  const units = acqString(scan, "units") ?? "Bq/mL";
  if (TO_BQ_PER_ML[units] === undefined)
    throw new InputError({
      file: "study.json",
      field: where("acquisition.units"),
      value: units,
      expected: Object.keys(TO_BQ_PER_ML).join(", "),
    });
  const img = readNifti(join(ls.dir, scan.files[0]));
  const lab = readNifti(join(ls.dir, scan.labels));
  const uptakeS = (Date.parse(scan.time) - Date.parse(admin.time)) / 1000;
  const res = petLesionTable(
    img.data,
    { dims: [img.dims[0], img.dims[1], img.dims[2]], spacingMm: img.spacingMm },
    lab.data,
    {
      weightKg,
      injectedMBq: injectedMBq(admin, nuclide),
      nuclide,
      uptakeS,
      imageReference: scan.acquisition?.decayCorrected === true ? "injection" : "scan",
      bqPerMlPerUnit: TO_BQ_PER_ML[units],
      bloodLabel: scan.acquisition?.bloodLabel !== undefined ? acqNumber(scan, "bloodLabel") : undefined,
    },
  );
  const t = { time_s: uptakeS };
  for (const l of res.rows) {
    const roi = `L${l.label}`;
    rows.push(row(CLINICAL, subject, roi, "SUVmax", l.SUVmax, "g/mL", t));
    rows.push(row(CLINICAL, subject, roi, "SUVpeak", l.SUVpeak, "g/mL", t));
    rows.push(row(CLINICAL, subject, roi, "SUVmean", l.SUVmean, "g/mL", t));
    rows.push(row(CLINICAL, subject, roi, "volume_ml", l.volume_ml, "mL", t));
    rows.push(row(CLINICAL, subject, roi, "pctID_pet", l.pctID, "%ID", t));
    if (l.lesion_to_blood !== null)
      rows.push(row(CLINICAL, subject, roi, "lesion_to_blood", l.lesion_to_blood, "1", t));
  }
  if (res.bloodSUVmean !== null)
    rows.push(row(CLINICAL, subject, "blood_pool", "SUVmean", res.bloodSUVmean, "g/mL", t));
  prov.push(
    `${scan.id}: ${nuclide} ${(uptakeS / 3600).toFixed(3)} h after injection, decay factor ${res.scale.decay_factor.toPrecision(6)}, SUV per ${units} ${res.scale.suv_per_unit.toPrecision(6)}, weight ${weightKg} kg`,
  );
}

export function planClinical(ls: LoadedStudy): Task[] {
  const { study } = ls;
  const mine = study.scans.filter((s) => [PROTOCOL_PLANAR, PROTOCOL_PET].includes(protocolOf(s)));
  const subjects = [...new Set(mine.map((s) => s.subject))];
  const tasks: Task[] = subjects.map((subject) => {
    const scans = mine
      .filter((s) => s.subject === subject)
      .sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
    const planar = scans.filter((s) => protocolOf(s) === PROTOCOL_PLANAR);
    const pet = scans.filter((s) => protocolOf(s) === PROTOCOL_PET);
    const admins = study.administrations.filter((a) => a.subject === subject);
    const files = scans.flatMap((s) => [
      s.files[0],
      ...(s.labels ? [s.labels] : []),
      ...(acqString(s, "roiTable") ? [acqString(s, "roiTable") as string] : []),
    ]);
    return {
      id: `${CLINICAL}/${subject}`,
      kind: CLINICAL,
      revision: 1,
      subject,
      inputFiles: [...new Set(files)],
      inputs: {
        scans,
        administrations: admins,
        agents: study.agents.filter((g) => admins.some((a) => a.agent === g.id)),
        bodyWeight: study.subjects.find((x) => x.id === subject)?.bodyWeight,
        residence: PLANAR_RESIDENCE,
      },
      dependsOn: [],
      run: ({ progress }) => {
        const rows: ResultRow[] = [];
        const prov: string[] = [];
        if (planar.length) planarRows(ls, subject, planar, rows, prov);
        progress(0.5);
        for (const s of pet) petRows(ls, subject, s, rows, prov);
        return {
          rows,
          provenance: prov.map((value, i) => ({ kind: "param" as const, name: `clinical ${i + 1}`, value })),
        };
      },
    } satisfies Task;
  });
  return tasks.length ? [...tasks, clinicalCohortTask(ls, tasks)] : [];
}
