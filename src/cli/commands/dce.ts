/**
 * `eprscope dce fit <tissue.csv> --aif <aif.csv> --model tofts|etofts|patlak|2cxm|2cum [--delay]
 *  [--hct 0.42] [--threads N] --json` — per tissue column { curve, Ktrans_per_min, ve, vp,
 * Fp_per_min, PS_per_min, delay_s?, rss, converged } with only the model's parameters.
 * tissue.csv: `time_s` + one column per curve (mM); aif.csv: `time_s` + `cp_mM` (plasma) or
 * `cb_mM` (blood, converted with --hct).
 */
import type { Command } from "commander";
import { InputError } from "../../core/errors.js";
import { bloodToPlasma } from "../../core/perfusion/aif.js";
import { DceModel } from "../../core/perfusion/dceModel.js";
import type { DceModelName } from "../../core/perfusion/models.js";
import { hasColumn, numericColumn, readCsv } from "../../io/csv.js";
import { parseChoice, parseNumberOption } from "../options.js";
import { emit } from "../output.js";

interface DceFitCli {
  aif: string;
  model: string;
  delay?: boolean;
  hct?: string;
  threads?: string;
  json?: boolean;
  out?: string;
}

export function register(program: Command): void {
  const dce = program.command("dce").description("DCE-MRI tracer-kinetic analysis");
  dce
    .command("fit")
    .description("fit a tracer-kinetic model to tissue concentration curves")
    .argument("<tissue.csv>", "time_s + one column per tissue curve (mM)")
    .requiredOption("--aif <aif.csv>", "time_s + cp_mM (plasma) or cb_mM (blood)")
    .requiredOption("--model <m>", "tofts | etofts | patlak | 2cxm | 2cum")
    .option("--delay", "fit the bolus-arrival delay (s, within ±10 s)")
    .option("--hct <h>", "hematocrit for a blood AIF (cb_mM)", "0.42")
    .option("--threads <n>", "worker threads (curves are fitted on this thread when few)")
    .option("--json", "print one JSON document")
    .option("--out <file>", "write JSON, or CSV when the name ends in .csv")
    .addHelpText(
      "after",
      "\nExample:\n  eprscope dce fit tissue.csv --aif aif.csv --model etofts --delay --json\n",
    )
    .action((file: string, o: DceFitCli) => {
      const model = parseChoice("--model", o.model, [
        "tofts",
        "etofts",
        "patlak",
        "2cxm",
        "2cum",
      ] as const) as DceModelName;
      if (o.threads !== undefined) parseNumberOption("--threads", o.threads, { min: 1, integer: true });
      const tissue = readCsv(file);
      const aifTable = readCsv(o.aif);
      const t = numericColumn(tissue, "time_s");
      const ta = numericColumn(aifTable, "time_s");
      let cp: Float64Array;
      if (hasColumn(aifTable, "cp_mM")) cp = numericColumn(aifTable, "cp_mM");
      else if (hasColumn(aifTable, "cb_mM"))
        cp = bloodToPlasma(
          numericColumn(aifTable, "cb_mM"),
          parseNumberOption("--hct", o.hct, { min: 0, max: 0.99 }),
        );
      else
        throw new InputError({
          file: o.aif,
          field: "columns",
          value: aifTable.columns,
          expected: "time_s and cp_mM (plasma) or cb_mM (blood)",
        });
      if (ta.length < t.length)
        throw new InputError({
          file: o.aif,
          field: "time_s",
          value: ta.length,
          expected: `at least the ${t.length} samples of ${file}`,
        });
      for (let i = 0; i < t.length; i++) {
        if (Math.abs(ta[i] - t[i]) > 1e-6 * Math.max(1, Math.abs(t[i])))
          throw new InputError({
            file: o.aif,
            field: `time_s, row ${i + 1}`,
            value: ta[i],
            expected: `the tissue time axis (${t[i]} s in ${file})`,
          });
        if (i > 0 && !(t[i] > t[i - 1]))
          throw new InputError({
            file,
            field: `time_s, row ${i + 1}`,
            value: t[i],
            expected: "strictly increasing times",
          });
      }
      const m = new DceModel(model, t, cp.subarray(0, t.length));
      const curves = tissue.columns.filter((c) => c !== "time_s");
      if (curves.length === 0)
        throw new InputError({
          file,
          field: "columns",
          expected: "at least one tissue curve column besides time_s",
        });
      const out = curves.map((name) => {
        const y = numericColumn(tissue, name);
        const f = m.fit(y, { fitDelay: o.delay === true });
        return { curve: name, ...f.params, rss: f.rss, converged: f.converged, status: f.status };
      });
      emit(out, o);
    });
}
