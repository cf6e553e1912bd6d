/**
 * CEUS per tumour (modality US, scan purpose "ceus"): files [bolus time–intensity curve CSV,
 * optional destruction–replenishment CSV], each `time_s` and one curve column (the tumour's id,
 * or the first column after time_s), linearised intensity. The bolus is fitted with
 * acquisition.model (lognormal default | gamma | ldrw; acquisition.offset true fits a baseline)
 * and the replenishment curve with A·(1 − e^{−βt}) (core/ultrasound/ceus.ts). Rows per tumour
 * ROI: AUC, peak, TTP_s, MTT_s, t0_s, wash_in_rate, wash_out_rate, the model's shape parameters,
 * rss; A, beta_per_s, flow_index = A·β; and the curve itself — `intensity` and `intensity_fit`
 * rows with time_s (s after the microbubble injection) for the report's time–intensity figure.
 * A fit that does not converge gives null values with status "failed" and the fit's message.
 */
import { join } from "node:path";
import { InputError } from "../../core/errors.js";
import { type BolusFit, fitBolus, fitReplenishment } from "../../core/ultrasound/ceus.js";
import { type BolusModelName, bolusValue } from "../../core/ultrasound/ceusModels.js";
import { hasColumn, numericColumn, readCsv } from "../../io/csv.js";
import type { ResultRow } from "../../store/types.js";
import type { LoadedStudy } from "../../study/load.js";
import type { Scan } from "../../study/schema.js";
import type { Task } from "../task.js";
import { row } from "./common.js";
import { needFiles } from "./ferumoxytolCommon.js";

export const CEUS = "ceus";
const BOLUS_MODELS = ["lognormal", "gamma", "ldrw"] as const;

function readCurve(
  ls: LoadedStudy,
  scan: Scan,
  file: string,
  roi: string,
): { t: Float64Array; y: Float64Array } {
  const path = join(ls.dir, file);
  const tab = readCsv(path);
  const col = hasColumn(tab, roi) ? roi : tab.columns.find((c) => c !== "time_s");
  if (!hasColumn(tab, "time_s") || col === undefined)
    throw new InputError({
      file,
      field: "columns",
      value: tab.columns,
      expected: `time_s and an intensity column (${roi}) for scan ${scan.id}`,
    });
  return { t: numericColumn(tab, "time_s"), y: numericColumn(tab, col) };
}

/** the fitted curve's parameter vector for bolusValue */
function bolusParams(f: BolusFit): number[] {
  if (f.model === "lognormal") return [f.AUC, f.params.mu, f.params.sigma, f.t0_s];
  if (f.model === "gamma") return [f.peak, f.params.alpha, f.TTP_s - f.t0_s, f.t0_s];
  return [f.AUC, f.params.mu_s, f.params.lambda, f.t0_s];
}

export function planCeus(ls: LoadedStudy): Task[] {
  return ls.study.scans
    .filter((s) => s.modality === "US" && s.purpose === "ceus")
    .map(
      (scan) =>
        ({
          id: `${CEUS}/${scan.id}`,
          kind: CEUS,
          revision: 1,
          subject: scan.subject,
          inputFiles: scan.files.slice(0, 2),
          inputs: { scan },
          dependsOn: [],
          run: ({ progress }) => {
            needFiles(scan, 1, "[bolus time–intensity CSV, optional replenishment CSV]");
            const a = scan.acquisition ?? {};
            const roi = String(a.tumour ?? "tumour");
            const model = String(a.model ?? "lognormal") as BolusModelName;
            if (!(BOLUS_MODELS as readonly string[]).includes(model))
              throw new InputError({
                file: "study.json",
                field: `scans[${scan.id}].acquisition.model`,
                value: model,
                expected: BOLUS_MODELS.join(" | "),
              });
            const offset = a.offset === true;
            const rows: ResultRow[] = [];
            const add = (p: string, v: number | null, unit: string, extra: Parameters<typeof row>[6] = {}) =>
              rows.push(row(CEUS, scan.subject, roi, p, v, unit, extra));
            const { t, y } = readCurve(ls, scan, scan.files[0], roi);
            const f = fitBolus(model, t, y, { offset });
            const fail = f.converged
              ? {}
              : { status: "failed" as const, message: `${model} fit ${f.status}: ${f.message ?? ""}` };
            add("AUC", f.AUC, "a.u.*s", fail);
            add("peak", f.peak, "a.u.", fail);
            add("TTP_s", f.TTP_s, "s", fail);
            add("MTT_s", f.MTT_s, "s", fail);
            add("t0_s", f.t0_s, "s", fail);
            add("wash_in_rate", f.wash_in_rate, "a.u./s", fail);
            add("wash_out_rate", f.wash_out_rate, "a.u./s", fail);
            for (const [k, v] of Object.entries(f.params)) add(k, v, k.endsWith("_s") ? "s" : "1", fail);
            if (offset && f.offset !== undefined) add("offset", f.offset, "a.u.", fail);
            add("rss", f.rss, "a.u.^2", fail);
            const p = f.converged ? bolusParams(f) : null;
            for (let i = 0; i < t.length; i++) {
              add("intensity", y[i], "a.u.", { time_s: t[i] });
              if (p)
                add("intensity_fit", bolusValue(model, p, t[i]) + (f.offset ?? 0), "a.u.", { time_s: t[i] });
            }
            progress(0.6);
            if (scan.files.length > 1) {
              const r = readCurve(ls, scan, scan.files[1], roi);
              const g = fitReplenishment(r.t, r.y, { offset });
              const gfail = g.converged
                ? {}
                : { status: "failed" as const, message: `replenishment fit ${g.status}: ${g.message ?? ""}` };
              add("A", g.A, "a.u.", gfail);
              add("beta_per_s", g.beta_per_s, "1/s", gfail);
              add("flow_index", g.flow_index, "a.u./s", gfail);
            }
            return {
              rows,
              provenance: [
                {
                  kind: "param",
                  name: "model",
                  value: `${model}${offset ? " + offset" : ""} bolus fit (${t.length} samples)${scan.files.length > 1 ? "; destruction–replenishment A(1−e^{−βt})" : ""}`,
                },
              ],
            };
          },
        }) satisfies Task,
    );
}
