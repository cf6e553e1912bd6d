/**
 * `eprscope pk fit <csv> --model 1c|2c|3c --route ev|iv-bolus|iv-infusion --weight 1|1/y|1/y2 --json`
 * Compartment-model fits per subject (core/pk/compartmentFit.ts). Same column options as `nca`.
 *
 * A subject whose data cannot give estimates is a row with every parameter null and a status:
 * "not-estimable" (fewer positive concentrations than parameters, e.g. all zero), "at-bound"
 * (a parameter undetermined), "invalid-input" (its profile or dose is wrong, `message` says
 * why). When no subject can be fitted at all the command fails with exit 2. Doses must be > 0.
 */
import type { Command } from "commander";
import { InputError } from "../../core/errors.js";
import type { CompartmentCount, DosingRoute } from "../../core/pk/compartment.js";
import { parameterNames } from "../../core/pk/compartment.js";
import { fitCompartmentModel } from "../../core/pk/compartmentFit.js";
import { checkProfile } from "../../core/pk/nca.js";
import { hasColumn, numericColumn, readCsv, stringColumn } from "../../io/csv.js";
import { parseChoice, parseInfusionDuration } from "../options.js";
import { checkOutPath, emit } from "../output.js";

interface PkFitOptions {
  subject: string;
  time: string;
  conc: string;
  dose: string;
  model: string;
  route: string;
  weight: string;
  tinfH?: string;
  curve?: boolean;
  json?: boolean;
  out?: string;
}

export function register(program: Command): void {
  const pk = program.command("pk").description("pharmacokinetic models");
  pk.command("fit")
    .description(
      "fit a 1-, 2- or 3-compartment model per subject (weighted least squares, Levenberg–Marquardt)",
    )
    .argument("<csv>", "long-format table: one row per sample")
    .option("--subject <col>", "subject column", "subject")
    .option("--time <col>", "time column (h since dose)", "time_h")
    .option("--conc <col>", "concentration column", "conc")
    .requiredOption("--dose <n|col>", "dose amount: a number or a column")
    .requiredOption("--model <m>", "1c | 2c | 3c")
    .requiredOption("--route <route>", "ev | iv-bolus | iv-infusion")
    .option("--weight <w>", "1 | 1/y | 1/y2", "1")
    .option("--tinf-h <n>", "infusion duration (h) for iv-infusion")
    .option("--curve", "include the fitted curve (201 points) for overlay plots")
    .option("--json", "print one JSON document")
    .option("--out <file>", "write JSON, or CSV when the name ends in .csv")
    .addHelpText(
      "after",
      "\nExample:\n  eprscope pk fit Theoph.csv --subject Subject --time Time --conc conc --dose Dose --model 1c --route ev --json\n",
    )
    .action((file: string, o: PkFitOptions) => {
      const model = parseChoice("--model", o.model, ["1c", "2c", "3c"] as const);
      const route = parseChoice("--route", o.route, [
        "ev",
        "iv-bolus",
        "iv-infusion",
      ] as const) as DosingRoute;
      const weight = parseChoice("--weight", o.weight, ["1", "1/y", "1/y2"] as const);
      const tinf = parseInfusionDuration(route, o.tinfH);
      if (o.out) checkOutPath(o.out, [file]);
      const t = readCsv(file);
      const subjects = stringColumn(t, o.subject);
      const time = numericColumn(t, o.time);
      const conc = numericColumn(t, o.conc);
      const doseCol = hasColumn(t, o.dose) ? numericColumn(t, o.dose) : null;
      const doseValue = doseCol ? undefined : parseDose(o.dose, t.columns);
      const order = [...new Set(subjects)];
      const compartments = Number(model[0]) as CompartmentCount;
      const names = parameterNames(compartments, route);
      const nulls = () =>
        Object.fromEntries(
          names.flatMap((nm) => [
            [nm, null],
            [`${nm}_se`, null],
          ]),
        );
      const out = order.map((subject) => {
        const idx = subjects.flatMap((s, i) => (s === subject ? [i] : []));
        const th = idx.map((i) => time[i]);
        const c = idx.map((i) => conc[i]);
        try {
          checkProfile(th, c, `${file}: subject ${subject}`);
          const amount = doseCol ? doseCol[idx[0]] : (doseValue as number);
          if (doseCol && idx.some((i) => doseCol[i] !== amount))
            throw new InputError({
              file,
              field: `column ${o.dose} (subject ${subject})`,
              value: [...new Set(idx.map((i) => doseCol[i]))],
              expected: "one dose per subject",
            });
          if (!(amount > 0))
            throw new InputError({
              file,
              field: `column ${o.dose} (subject ${subject})`,
              value: amount,
              expected: "a positive dose",
            });
          const r = fitCompartmentModel(th, c, {
            compartments,
            route,
            weight,
            doses: [{ timeH: 0, amount, durationH: tinf }],
          });
          const row: Record<string, unknown> = { subject, model, route, weight };
          for (const nm of r.names) {
            row[nm] = r.params[nm];
            row[`${nm}_se`] = r.stderr?.[nm] ?? null;
          }
          Object.assign(row, r.secondary, {
            rss: r.rss,
            aic: r.aic,
            bic: r.bic,
            converged: r.converged,
            status: r.status,
            ...(r.converged ? {} : { message: r.message ?? r.status }),
          });
          if (o.curve) row.curve = r.curve;
          return row;
        } catch (e) {
          if (!(e instanceof InputError)) throw e;
          return {
            subject,
            model,
            route,
            weight,
            ...nulls(),
            converged: false,
            status: "invalid-input",
            message: e.message,
          };
        }
      });
      const bad = out.filter((r) => r.status === "invalid-input");
      if (bad.length === out.length)
        throw new InputError({
          file,
          expected: `at least one subject that can be fitted:\n${bad.map((r) => `  ${r.subject}: ${r.message}`).join("\n")}`,
        });
      for (const r of out)
        if (r.converged !== true)
          process.stderr.write(`eprscope pk fit: subject ${r.subject}: ${r.status}: ${r.message}\n`);
      emit(out, { ...o, inputs: [file] });
    });
}

/** --dose N: a positive number (or else the name of a column, which the table lacks). */
function parseDose(raw: string, columns: string[]): number {
  const v = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(v) || v <= 0)
    throw new InputError({
      field: "--dose",
      value: raw,
      expected: `a positive dose or the name of a dose column (${columns.join(", ")})`,
    });
  return v;
}
