/**
 * Image-based biodistribution without hand-drawn ROIs: for every subject whose SPECT/PET
 * activity scans have a CT (scan.files[1], or the subject's CT anatomy scan nearest in time) but
 * no `labels`, one task
 *  1. atlas-initialises the organ labels on the first time point's CT (analytic mouse atlas →
 *     CT, affine Mattes MI, random-walker refinement; core/segmentation/atlasSegment.ts);
 *  2. registers every later CT (fixed) to the first (moving; rigid NCC) and carries the labels
 *     through the transform (nearest neighbour), refined on that CT;
 *  3. writes the label maps to results/labels/<scan>.nii.gz (on each CT's grid, viewable as
 *     overlays) and quantifies each activity image inside them as in imaging.ts: ROI mean,
 *     decay-corrected to injection, %ID/cc = 100·C/A_inj, SUV_bw, ROI volume, per scan time
 *     (organ TACs). The SPECT/PET image is assumed to share the CT's world frame (hybrid scanner).
 * Organs map to the study's ROIs by id (heart, lung, liver, …), otherwise keep the atlas name.
 * Quality rows per scan: the registration cost (−NCC / −MI) and the propagated label volume.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { roiStatistics } from "../../core/image/roiStats.js";
import type { Volume } from "../../core/image/volume.js";
import { suvBW } from "../../core/nuclide/biodistribution.js";
import { decayFactor } from "../../core/nuclide/decay.js";
import { register } from "../../core/registration/register.js";
import { ATLAS_ORGANS } from "../../core/segmentation/atlas.js";
import { atlasSegment, refineRandomWalker } from "../../core/segmentation/atlasSegment.js";
import { propagateLabels } from "../../core/segmentation/propagate.js";
import { readNifti, writeNifti } from "../../io/nifti.js";
import type { ResultRow } from "../../store/types.js";
import type { LoadedStudy } from "../../study/load.js";
import type { Scan } from "../../study/schema.js";
import type { Task } from "../task.js";
import { injectedMBq } from "./biodistribution.js";
import { bodyWeightG, row, subjectAdministration } from "./common.js";

export const SEGMENTATION = "segmentation";
const TO_MBQ_PER_ML: Record<string, number> = {
  "Bq/mL": 1e-6,
  "kBq/mL": 1e-3,
  "MBq/mL": 1,
  "Bq/cc": 1e-6,
  "kBq/cc": 1e-3,
};

/** the CT of an activity scan: files[1], else the subject's CT scan nearest in time */
export function ctOf(scan: Scan, scans: Scan[]): string | null {
  if (scan.files[1]) return scan.files[1];
  const cts = scans
    .filter(
      (s) => s.subject === scan.subject && s.modality === "CT" && (s.purpose ?? "anatomy") === "anatomy",
    )
    .sort(
      (a, b) =>
        Math.abs(Date.parse(a.time) - Date.parse(scan.time)) -
        Math.abs(Date.parse(b.time) - Date.parse(scan.time)),
    );
  return cts[0]?.files[0] ?? null;
}

export function planSegmentation(ls: LoadedStudy): Task[] {
  const { study } = ls;
  const activity = study.scans.filter(
    (s) =>
      (s.modality === "SPECT" || s.modality === "PET") &&
      s.purpose === "activity" &&
      !s.labels &&
      ctOf(s, study.scans),
  );
  const subjects = [...new Set(activity.map((s) => s.subject))];
  return subjects.map((subjectId) => {
    const scans = activity
      .filter((s) => s.subject === subjectId)
      .sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
    const cts = scans.map((s) => ctOf(s, study.scans) as string);
    const subject = study.subjects.find((x) => x.id === subjectId);
    const { admin, agent } = subjectAdministration(study, subjectId);
    const rois = study.rois.map((r) => ({ id: r.id }));
    return {
      id: `${SEGMENTATION}/${subjectId}`,
      kind: SEGMENTATION,
      revision: 1,
      subject: subjectId,
      inputFiles: [...new Set([...scans.map((s) => s.files[0]), ...cts])],
      inputs: { scans, cts, admin, agent, rois, bodyWeight: subject?.bodyWeight },
      dependsOn: [],
      run: ({ progress }) => {
        const nuclide = agent.label?.nuclide;
        if (!nuclide) throw new Error(`agent ${agent.id} has no label.nuclide`);
        const a0 = injectedMBq(admin, nuclide);
        const bw = subject ? bodyWeightG(subject) : undefined;
        const outDir = join(ls.dir, "results", "labels");
        mkdirSync(outDir, { recursive: true });
        const rows: ResultRow[] = [];
        const ctCache = new Map<string, Volume>();
        const ct = (f: string) => {
          let v = ctCache.get(f);
          if (!v) {
            v = readNifti(join(ls.dir, f));
            ctCache.set(f, v);
          }
          return v;
        };
        const ct0 = ct(cts[0]);
        const atlas = atlasSegment(ct0, { refine: true });
        const labels0 = atlas.labels;
        const labelsOfCt = new Map<string, { labels: Volume; cost: number }>([
          [cts[0], { labels: labels0, cost: atlas.registration.finalValue }],
        ]);
        for (let i = 0; i < scans.length; i++) {
          const scan = scans[i];
          progress(i / scans.length, scan.id);
          let entry = labelsOfCt.get(cts[i]);
          if (!entry) {
            const r = register(ct(cts[i]), ct0, { transform: "rigid", metric: "ncc" });
            const lab = refineRandomWalker(ct(cts[i]), propagateLabels(labels0, ct(cts[i]), r.matrix), 1.2);
            entry = { labels: lab, cost: r.finalValue };
            labelsOfCt.set(cts[i], entry);
          }
          writeNifti(join(outDir, `${scan.id}.nii.gz`), entry.labels, {
            datatype: "uint8",
            description: "eprscope atlas+registration organ labels",
          });
          const units = String(scan.acquisition?.units ?? "Bq/mL");
          const toMBq = TO_MBQ_PER_ML[units];
          if (toMBq === undefined)
            throw new Error(
              `scan ${scan.id}: acquisition.units "${units}" is not one of ${Object.keys(TO_MBQ_PER_ML).join(", ")}`,
            );
          const image = readNifti(join(ls.dir, scan.files[0]));
          const stats = roiStatistics(image, entry.labels, {
            imageFile: scan.files[0],
            labelFile: `results/labels/${scan.id}.nii.gz`,
          });
          const tS = (Date.parse(scan.time) - Date.parse(admin.time)) / 1000;
          const df = scan.acquisition?.decayCorrected === true ? 1 : decayFactor(nuclide, tS);
          rows.push(
            row(
              SEGMENTATION,
              subjectId,
              null,
              i === 0 ? "atlasMetric" : "registrationMetric",
              entry.cost,
              "1",
              { time_s: tS },
            ),
          );
          for (const st of stats.filter((x) => x.frame === 0)) {
            const organ = ATLAS_ORGANS[st.label] ?? `label${st.label}`;
            if (organ === "bone") continue;
            const roi = rois.find((r) => r.id === organ)?.id ?? organ;
            const c0 = (st.mean * toMBq) / df;
            rows.push(
              row(SEGMENTATION, subjectId, roi, "pctIDperCC", (100 * c0) / a0, "%ID/cc", { time_s: tS }),
            );
            if (bw !== undefined)
              rows.push(
                row(SEGMENTATION, subjectId, roi, "suvBW", suvBW(c0 * 1000, a0, bw), "g/mL", { time_s: tS }),
              );
            rows.push(row(SEGMENTATION, subjectId, roi, "volume", st.volume_mm3, "mm3", { time_s: tS }));
          }
        }
        progress(1);
        return {
          rows,
          provenance: [
            {
              kind: "param",
              name: "atlas",
              value: "eprscope analytic mouse atlas (ellipsoids), affine MI + random walker",
            },
            {
              kind: "param",
              name: "propagation",
              value: "rigid NCC to the first CT, nearest neighbour, random-walker refinement",
            },
          ],
        };
      },
    } satisfies Task;
  });
}
