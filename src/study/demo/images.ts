/**
 * Demo image data: per imaging-cohort mouse a SPECT/CT session at 4, 24, 48 and 96 h p.i.
 * (spect.ts: the analytic atlas mouse scaled to the mouse's own size, repositioned rigidly at every
 * session): the SPECT activity
 * volume (Bq/mL, not decay-corrected) and its CT (HU, int16, finer grid) as NIfTI, registered as
 * two scans of the session in study.json — an "activity" SPECT scan WITHOUT a label map and an
 * "anatomy" CT scan at the same time — so the engine's batch pipeline (segment the CT, register
 * the later CTs to the first, propagate, resample onto the SPECT grid) makes the organ labels.
 * Ground truth, never referenced by study.json: truth/labels/<subject>_{spect,ct}_<t>h.nii.gz
 * (atlas labels at the voxel centres) and truth/spect_ct.json (each session's pose, world ← atlas,
 * including the mouse's size scaling, and its files). Image noise and poses use their own seeded generators so the tabular data do
 * not change when images are skipped.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { decayFactor } from "../../core/nuclide/decay.js";
import { Rng } from "../../core/random.js";
import { multiply4, toNested } from "../../core/registration/transform.js";
import { writeNifti } from "../../io/nifti.js";
import { SCAN_TIMES_H } from "./design.js";
import type { DemoStudy } from "./generate.js";
import {
  atlasRaster,
  CT_GRID,
  ctVolume,
  SPECT_GRID,
  sessionPose,
  spectVolume,
  subjectAnatomy,
  truthLabels,
} from "./spect.js";

export function writeDemoImages(dir: string, demo: DemoStudy): void {
  mkdirSync(join(dir, "images"), { recursive: true });
  mkdirSync(join(dir, "truth", "labels"), { recursive: true });
  const rng = new Rng(demo.truth.seed + 1);
  const poseRng = new Rng(demo.truth.seed + 3);
  const ctRng = new Rng(demo.truth.seed + 4);
  const anatomyRng = new Rng(demo.truth.seed + 5);
  const sessions: unknown[] = [];
  for (const s of demo.truth.subjects.filter((x) => x.imaging)) {
    const anatomy = subjectAnatomy(anatomyRng, s.bodyWeightG);
    for (const tH of SCAN_TIMES_H) {
      const pose = multiply4(sessionPose(poseRng), anatomy);
      const onSpect = atlasRaster(SPECT_GRID, pose);
      const onCt = atlasRaster(CT_GRID, pose);
      const time = new Date(Date.parse(s.injectionTime) + tH * 3600_000).toISOString().replace(".000Z", "Z");
      const spectFile = `images/${s.id}_spect_${tH}h.nii.gz`;
      const ctFile = `images/${s.id}_ct_${tH}h.nii.gz`;
      const df = decayFactor(demo.truth.nuclide, tH * 3600);
      writeNifti(join(dir, spectFile), spectVolume(s, onSpect, tH, df, rng), {
        description: "111In SPECT, Bq/mL, not decay corrected",
      });
      writeNifti(join(dir, ctFile), ctVolume(onCt, ctRng), {
        datatype: "int16",
        description: "micro-CT, HU, no contrast",
      });
      const truth = {
        spect: `truth/labels/${s.id}_spect_${tH}h.nii.gz`,
        ct: `truth/labels/${s.id}_ct_${tH}h.nii.gz`,
      };
      writeNifti(join(dir, truth.spect), truthLabels(SPECT_GRID, onSpect, true), {
        datatype: "uint8",
        description: "truth organ labels (study ROI labels)",
      });
      writeNifti(join(dir, truth.ct), truthLabels(CT_GRID, onCt, false), {
        datatype: "uint8",
        description: "truth atlas labels (9 bladder, 10 bone)",
      });
      const spectId = `${s.id}-SPECT-${tH}h`;
      const ctId = `${s.id}-CT-${tH}h`;
      sessions.push({
        subject: s.id,
        time_h: tH,
        spectScan: spectId,
        ctScan: ctId,
        worldFromAtlas: toNested(pose),
        subjectScale: [anatomy[0], anatomy[5], anatomy[10]],
        truthLabels: truth,
      });
      demo.study.scans.push(
        {
          id: spectId,
          subject: s.id,
          modality: "SPECT",
          time,
          files: [spectFile],
          purpose: "activity",
          acquisition: {
            units: "Bq/mL",
            decayCorrected: false,
            collimator: "multi-pinhole",
            reconstruction: "OSEM",
          },
        },
        {
          id: ctId,
          subject: s.id,
          modality: "CT",
          time,
          files: [ctFile],
          purpose: "anatomy",
          acquisition: { units: "HU", tubeVoltageKV: 50, contrast: "none" },
        },
      );
    }
  }
  writeFileSync(
    join(dir, "truth", "spect_ct.json"),
    `${JSON.stringify(
      {
        description:
          "SPECT/CT sessions of the demo: the analytic atlas mouse (src/core/segmentation/atlas.ts) in pose worldFromAtlas (4×4, row-major, atlas mm → world mm); truth labels at the voxel centres",
        sessions,
      },
      null,
      2,
    )}\n`,
  );
}
