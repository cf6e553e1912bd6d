/**
 * Image-based biodistribution per activity scan (SPECT/PET): ROI means from the organ label
 * map (core/image/roiStats.ts), decay-corrected to injection, as %ID/cc = 100·C/A_inj and
 * SUV_bw = C[kBq/mL]/(A_inj[kBq]/BW[g]) (SCIENCE.md §2). Image units are read from the scan's
 * acquisition.units (Bq/mL, kBq/mL or MBq/mL) and acquisition.decayCorrected (default false).
 * The label map is scan.labels, or for a scan without one the CT pipeline's
 * (engine/analyses/segmentation.ts: results/labels/<scan>.nii.gz; the task depends on it).
 */
import { join } from "node:path";
import { roiStatistics } from "../../core/image/roiStats.js";
import { suvBW } from "../../core/nuclide/biodistribution.js";
import { decayFactor } from "../../core/nuclide/decay.js";
import { readNifti } from "../../io/nifti.js";
import type { ResultRow } from "../../store/types.js";
import type { LoadedStudy } from "../../study/load.js";
import type { Task } from "../task.js";
import { injectedMBq } from "./biodistribution.js";
import { bodyWeightG, row, subjectAdministration } from "./common.js";
import { pipelineLabels } from "./segmentation.js";

export const IMAGING = "imaging";
const TO_MBQ_PER_ML: Record<string, number> = {
  "Bq/mL": 1e-6,
  "kBq/mL": 1e-3,
  "MBq/mL": 1,
  "Bq/cc": 1e-6,
  "kBq/cc": 1e-3,
};

export function planImaging(ls: LoadedStudy): Task[] {
  const { study } = ls;
  const pipeline = pipelineLabels(study);
  return study.scans
    .filter(
      (s) =>
        (s.modality === "SPECT" || s.modality === "PET") &&
        s.purpose === "activity" &&
        (s.labels || pipeline.has(s.id)),
    )
    .map((scan) => {
      const fromPipeline = scan.labels ? undefined : pipeline.get(scan.id);
      const labelFile = scan.labels ?? (fromPipeline?.file as string);
      const subject = study.subjects.find((x) => x.id === scan.subject);
      const { admin, agent } = subjectAdministration(study, scan.subject);
      const rois = study.rois.filter((r) => r.label !== undefined);
      return {
        id: `${IMAGING}/${scan.id}`,
        kind: IMAGING,
        revision: 1,
        subject: scan.subject,
        inputFiles: [scan.files[0], labelFile],
        inputs: { scan, labelFile: fromPipeline?.file, admin, agent, rois, bodyWeight: subject?.bodyWeight },
        dependsOn: fromPipeline ? [fromPipeline.task] : [],
        run: ({ progress }) => {
          const nuclide = agent.label?.nuclide;
          if (!nuclide) throw new Error(`agent ${agent.id} has no label.nuclide`);
          const units = String(scan.acquisition?.units ?? "Bq/mL");
          const toMBq = TO_MBQ_PER_ML[units];
          if (toMBq === undefined)
            throw new Error(
              `scan ${scan.id}: acquisition.units "${units}" is not one of ${Object.keys(TO_MBQ_PER_ML).join(", ")}`,
            );
          const image = readNifti(join(ls.dir, scan.files[0]));
          progress(0.5);
          const stats = roiStatistics(image, readNifti(join(ls.dir, labelFile)));
          const a0 = injectedMBq(admin, nuclide);
          const tS = (Date.parse(scan.time) - Date.parse(admin.time)) / 1000;
          const df = scan.acquisition?.decayCorrected === true ? 1 : decayFactor(nuclide, tS);
          const bw = subject ? bodyWeightG(subject) : undefined;
          const rows: ResultRow[] = [];
          for (const st of stats.filter((x) => x.frame === 0)) {
            const roi = rois.find((r) => r.label === st.label)?.id ?? `label${st.label}`;
            const c0 = (st.mean * toMBq) / df; // MBq/mL at injection time
            rows.push(
              row(IMAGING, scan.subject, roi, "pctIDperCC", (100 * c0) / a0, "%ID/cc", { time_s: tS }),
            );
            if (bw !== undefined)
              rows.push(
                row(IMAGING, scan.subject, roi, "suvBW", suvBW(c0 * 1000, a0, bw), "g/mL", { time_s: tS }),
              );
            rows.push(row(IMAGING, scan.subject, roi, "volume", st.volume_mm3, "mm3", { time_s: tS }));
          }
          return { rows, provenance: [{ kind: "param", name: "decayFactor", value: String(df) }] };
        },
      } satisfies Task;
    });
}
