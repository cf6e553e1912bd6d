/**
 * `eprscope ceus fit <tic.csv> --model lognormal|gamma|ldrw|replenishment [--offset] --json` —
 * CSV: `time_s` then one column per curve (linearised intensity). Bolus models → [{ curve, AUC,
 * peak, TTP_s, MTT_s, t0_s, wash_in_rate, wash_out_rate, <model parameters>, rss, converged,
 * status }] with TTP_s on the file's time axis and MTT_s the first moment from the fitted onset
 * t0_s (log-normal: exp(μ + σ²/2)); replenishment (t from the destruction pulse) → [{ curve, A,
 * beta_per_s, flow_index = A·β, rss, converged, status }].
 */
import type { Command } from "commander";
import { fitCeus } from "../../core/ultrasound/ceus.js";
import { CEUS_MODELS } from "../../core/ultrasound/ceusModels.js";
import { assertOutputOutsideInputs } from "../../io/safePaths.js";
import { parseChoice } from "../options.js";
import { emit } from "../output.js";
import { readCurveCsv } from "./relax.js";

export function register(program: Command): void {
  const ceus = program.command("ceus").description("contrast-enhanced ultrasound time–intensity curves");
  ceus
    .command("fit")
    .description("fit bolus (log-normal, gamma-variate, LDRW) or destruction–replenishment models")
    .argument("<tic.csv>", "time_s column, then one column per curve (linearised intensity)")
    .requiredOption("--model <m>", CEUS_MODELS.join(" | "))
    .option("--offset", "also fit a constant baseline")
    .option("--json", "print one JSON document")
    .option("--out <file>", "write JSON, or CSV when the name ends in .csv")
    .addHelpText(
      "after",
      "\nlognormal: AUC/(√(2π)σ(t−t0))·exp(−(ln(t−t0)−μ)²/2σ²); gamma: peak·((t−t0)/tp)^α·e^(α(1−(t−t0)/tp));\nldrw: AUC·e^λ·√(λ/(2πμ(t−t0)))·e^(−λ/2·(μ/(t−t0)+(t−t0)/μ)); replenishment: A·(1−e^(−βt)).\nExample:\n  eprscope ceus fit tic.csv --model lognormal --json\n",
    )
    .action((file: string, o: { model: string; offset?: boolean; json?: boolean; out?: string }) => {
      const model = parseChoice("--model", o.model, CEUS_MODELS);
      if (o.out) assertOutputOutsideInputs(o.out, [file]);
      const { x, curves } = readCurveCsv(file, "time_s");
      const out = curves.map(({ name, y }) => {
        const f = fitCeus(model, x, y, { offset: o.offset === true });
        if (f.model === "replenishment")
          return {
            curve: name,
            A: f.A,
            beta_per_s: f.beta_per_s,
            flow_index: f.flow_index,
            ...(f.offset !== undefined ? { offset: f.offset } : {}),
            rss: f.rss,
            converged: f.converged,
            status: f.status,
          };
        return {
          curve: name,
          AUC: f.AUC,
          peak: f.peak,
          TTP_s: f.TTP_s,
          MTT_s: f.MTT_s,
          t0_s: f.t0_s,
          wash_in_rate: f.wash_in_rate,
          wash_out_rate: f.wash_out_rate,
          ...f.params,
          ...(f.offset !== undefined ? { offset: f.offset } : {}),
          rss: f.rss,
          converged: f.converged,
          status: f.status,
        };
      });
      emit(out, o);
    });
}
