/**
 * Demo image data: per imaging-cohort mouse an organ label map and SPECT activity volumes at
 * 4, 24, 48 and 96 h p.i. (Bq/mL, not decay-corrected) as NIfTI, registered as scans in
 * study.json. Image noise uses its own seeded generator so the tabular data do not change
 * when images are skipped.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { identityAffine, type Volume } from "../../core/image/volume.js";
import { decayFactor } from "../../core/nuclide/decay.js";
import { Rng } from "../../core/random.js";
import { writeNifti } from "../../io/nifti.js";
import { SCAN_TIMES_H } from "./design.js";
import type { DemoStudy } from "./generate.js";
import { SPECT_DIMS, SPECT_SPACING_MM, spectLabels, spectVolume } from "./spect.js";

export function writeDemoImages(dir: string, demo: DemoStudy): void {
  mkdirSync(join(dir, "images"), { recursive: true });
  const rng = new Rng(demo.truth.seed + 1);
  const labels = spectLabels();
  const affine = identityAffine([...SPECT_SPACING_MM]);
  const base = {
    dims: [...SPECT_DIMS],
    spacingMm: [...SPECT_SPACING_MM] as [number, number, number],
    affine,
  };
  for (const s of demo.truth.subjects.filter((x) => x.imaging)) {
    const labelFile = `images/${s.id}_labels.nii.gz`;
    writeNifti(join(dir, labelFile), { ...base, data: Float32Array.from(labels) } as Volume, {
      datatype: "uint8",
      description: "organ labels (see study.json rois)",
    });
    for (const tH of SCAN_TIMES_H) {
      const file = `images/${s.id}_spect_${tH}h.nii.gz`;
      const df = decayFactor(demo.truth.nuclide, tH * 3600);
      writeNifti(
        join(dir, file),
        { ...base, data: spectVolume(s, labels, tH, df, rng) },
        { description: "111In SPECT, Bq/mL, not decay corrected" },
      );
      demo.study.scans.push({
        id: `${s.id}-SPECT-${tH}h`,
        subject: s.id,
        modality: "SPECT",
        time: new Date(Date.parse(s.injectionTime) + tH * 3600_000).toISOString().replace(".000Z", "Z"),
        files: [file],
        labels: labelFile,
        purpose: "activity",
        acquisition: {
          units: "Bq/mL",
          decayCorrected: false,
          collimator: "multi-pinhole",
          reconstruction: "OSEM",
        },
      });
    }
  }
}
