/**
 * A minimal valid study folder for the workstation's engine and route tests: one mouse injected
 * with 15 MBq of an In-111 nanoparticle (no syringe readings), a SPECT activity scan 24 h later
 * (the given volume, Bq/mL, not decay-corrected) with a CT of the same session, two DCE scans
 * (tiny placeholder images) sharing an AIF table, and blood-PK options. Seconds to write.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Volume } from "../../src/core/image/volume.js";
import { writeNifti } from "../../src/io/nifti.js";

export const MINI = {
  subject: "M01",
  doseMBq: 15,
  injection: "2026-03-01T09:00:00Z",
  spect: "M01-SPECT-24h",
  spectTime: "2026-03-02T09:00:00Z",
  ct: "M01-CT-24h",
  dce: ["M01-DCE-a", "M01-DCE-b"],
};

const tiny = (): Volume => ({
  dims: [2, 2, 1],
  spacingMm: [1, 1, 1],
  affine: Float64Array.from([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]),
  data: new Float32Array([1, 1, 1, 1]),
});

/** write the mini study around `spect` (the SPECT volume); returns the folder */
export function writeMiniStudy(spect: Volume, opts: { indent?: string } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "mini-"));
  for (const d of ["images", "dce"]) mkdirSync(join(dir, d));
  writeNifti(join(dir, "images/spect.nii.gz"), spect);
  writeNifti(join(dir, "images/ct.nii.gz"), { ...spect, data: spect.data.map((v) => v / 1000 - 1000) });
  for (const f of ["dyn", "t1", "mask"]) writeNifti(join(dir, `dce/${f}.nii.gz`), tiny());
  writeFileSync(join(dir, "dce/aif.csv"), "time_s,cb_mM\n0,0\n4,1\n8,0.5\n");
  writeFileSync(join(dir, "dce/aif_plasma.csv"), "time_s,cp_mM\n0,0\n4,2\n8,1\n");
  writeFileSync(join(dir, "dce/not_an_aif.csv"), "time_s,signal\n0,1\n");
  const dceAcq = {
    tumour: "tumour",
    flipAngleDeg: 15,
    trMs: 4,
    relaxivityPerMMPerS: 4.5,
    baselineFrames: 1,
    hematocrit: 0.45,
    aif: "dce/aif.csv",
    model: "etofts",
  };
  const study = {
    schemaVersion: 1,
    id: "mini",
    title: "mini study",
    subjects: [{ id: MINI.subject, species: "mouse", sex: "F", bodyWeight: "22 g", group: "G1" }],
    agents: [{ id: "np", name: "NP", kind: "polymer", label: { nuclide: "In-111" } }],
    administrations: [
      { subject: MINI.subject, agent: "np", dose: `${MINI.doseMBq} MBq`, time: MINI.injection, route: "iv" },
    ],
    scans: [
      {
        id: MINI.spect,
        subject: MINI.subject,
        modality: "SPECT",
        time: MINI.spectTime,
        files: ["images/spect.nii.gz"],
        purpose: "activity",
        acquisition: { units: "Bq/mL", decayCorrected: false },
      },
      {
        id: MINI.ct,
        subject: MINI.subject,
        modality: "CT",
        time: MINI.spectTime,
        files: ["images/ct.nii.gz"],
        purpose: "anatomy",
        acquisition: { units: "HU" },
      },
      ...MINI.dce.map((id) => ({
        id,
        subject: MINI.subject,
        modality: "MRI",
        time: "2026-02-28T09:00:00Z",
        files: ["dce/dyn.nii.gz", "dce/t1.nii.gz", "dce/mask.nii.gz"],
        purpose: "dce",
        acquisition: { ...dceAcq },
      })),
    ],
    rois: [{ id: "tumour", name: "tumour", label: 1, kind: "tumour" }],
    analyses: { "blood-pk": { route: "iv-bolus", auc: "linlog" } },
  };
  writeFileSync(join(dir, "study.json"), `${JSON.stringify(study, null, opts.indent ?? "  ")}\n`);
  return dir;
}
