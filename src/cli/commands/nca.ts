/**
 * `eprscope nca <csv> --subject COL --time COL --conc COL --dose N|COL --route ev|iv-bolus|iv-infusion
 *  [--tinf-h N] [--auc linear|linlog] --json` — WinNonlin-convention NCA per subject, parameters
 * keyed by CDISC PPTESTCD. Times and concentrations are used in the file's own units.
 */
import type { Command } from "commander";
import { InputError } from "../../core/errors.js";
import { checkProfile, nca } from "../../core/pk/nca.js";
import { parametersFor, type Route } from "../../core/pk/ncaParameters.js";
import { hasColumn, numericColumn, readCsv, stringColumn } from "../../io/csv.js";
import { parseChoice, parseInfusionDuration } from "../options.js";
import { checkOutPath, emit } from "../output.js";

const ROUTES = ["ev", "iv-bolus", "iv-infusion"] as const;

interface NcaCliOptions {
  subject: string;
  time: string;
  conc: string;
  dose?: string;
  route: string;
  tinfH?: string;
  auc: string;
  lambdaZRange?: string;
  partial?: string;
  json?: boolean;
  out?: string;
}

export function register(program: Command): void {
  program
    .command("nca")
    .description(
      "non-compartmental analysis per subject (Phoenix WinNonlin conventions, CDISC PPTESTCD keys)",
    )
    .argument("<csv>", "long-format table: one row per sample")
    .requiredOption("--subject <col>", "subject column")
    .requiredOption("--time <col>", "time column (time since dose)")
    .requiredOption("--conc <col>", "concentration column (empty/NA/BLQ = below the limit of quantification)")
    .option("--dose <n|col>", "dose: a number for every subject, or a column name")
    .requiredOption("--route <route>", "ev | iv-bolus | iv-infusion")
    .option("--tinf-h <n>", "infusion duration (in the data's time unit, usually h) for iv-infusion")
    .option("--auc <method>", "linear | linlog (linear-up/log-down)", "linear")
    .option("--lambda-z-range <a-b>", "manual λz time range, e.g. 8-24")
    .option("--partial <ranges>", "partial AUCs, e.g. 0-4,0-24 (keys AUCINT_0_4, …)")
    .option("--json", "print one JSON document")
    .option("--out <file>", "write JSON, or CSV when the name ends in .csv")
    .addHelpText(
      "after",
      "\nExample:\n  eprscope nca Theoph.csv --subject Subject --time Time --conc conc --dose 320 --route ev --auc linlog --json\n",
    )
    .action((file: string, o: NcaCliOptions) => {
      const route = parseChoice("--route", o.route, ROUTES) as Route;
      const auc = parseChoice("--auc", o.auc, ["linear", "linlog"] as const);
      const tinf = parseInfusionDuration(route, o.tinfH);
      let lambdaZRange: { tLower: number; tUpper: number } | undefined;
      if (o.lambdaZRange) {
        const m = /^([\d.eE+-]+)-([\d.eE+-]+)$/.exec(o.lambdaZRange);
        if (!m || !(Number(m[1]) < Number(m[2])))
          throw new InputError({
            field: "--lambda-z-range",
            value: o.lambdaZRange,
            expected: "a time range a-b with a < b",
          });
        lambdaZRange = { tLower: Number(m[1]), tUpper: Number(m[2]) };
      }
      const partial = (o.partial ?? "")
        .split(",")
        .filter((x) => x.trim() !== "")
        .map((r) => {
          const m = /^\s*([\d.eE+-]+)-([\d.eE+-]+)\s*$/.exec(r);
          if (!m || !(Number(m[1]) < Number(m[2])))
            throw new InputError({
              field: "--partial",
              value: r,
              expected: "ranges a-b with a < b, comma-separated",
            });
          return { from: Number(m[1]), to: Number(m[2]) };
        });
      if (o.out) checkOutPath(o.out, [file]);
      const table = readCsv(file);
      const subjects = stringColumn(table, o.subject);
      const time = numericColumn(table, o.time);
      const conc = numericColumn(table, o.conc, { allowMissing: true });
      let doseOf: (row: number) => number | undefined = () => undefined;
      if (o.dose !== undefined) {
        if (hasColumn(table, o.dose)) {
          const d = numericColumn(table, o.dose, { allowMissing: true });
          doseOf = (r) => (Number.isFinite(d[r]) ? d[r] : undefined);
        } else {
          const v = Number(o.dose);
          if (o.dose.trim() === "" || !Number.isFinite(v) || v <= 0)
            throw new InputError({
              field: "--dose",
              value: o.dose,
              expected: `a positive dose or the name of a dose column (${table.columns.join(", ")})`,
            });
          doseOf = () => v;
        }
      }
      const order: string[] = [];
      const rows = new Map<string, number[]>();
      subjects.forEach((s, r) => {
        if (!rows.has(s)) {
          rows.set(s, []);
          order.push(s);
        }
        rows.get(s)?.push(r);
      });
      const keys = parametersFor(route).map((p) => p.code);
      const out = order.map((subject) => {
        const idx = rows.get(subject) as number[];
        const t = idx.map((r) => time[r]);
        const c = idx.map((r) => conc[r]);
        const base: Record<string, unknown> & { subject: string } = { subject };
        try {
          checkProfile(t, c, `${file}: subject ${subject}`);
          const doses = new Set(idx.map(doseOf).filter((d) => d !== undefined));
          if (doses.size > 1)
            throw new InputError({
              file,
              field: `${o.dose} (subject ${subject})`,
              value: [...doses],
              expected: "one dose per subject",
            });
          const dose = [...doses][0] as number | undefined;
          if (dose !== undefined && !(dose > 0))
            throw new InputError({
              file,
              field: `column ${o.dose} (subject ${subject})`,
              value: dose,
              expected: "a positive dose",
            });
          if (o.dose !== undefined && dose === undefined)
            throw new InputError({ file, field: `${o.dose} (subject ${subject})`, expected: "a dose value" });
          const res = nca(t, c, { route, auc, dose, tinf, lambdaZRange, partial });
          for (const k of keys) base[k] = res.params[k] ?? null;
          for (const [k, v] of Object.entries(res.params)) if (!(k in base)) base[k] = v;
          return { ...base, status: res.status as string, messages: res.messages };
        } catch (e) {
          if (!(e instanceof InputError)) throw e;
          for (const k of keys) base[k] = null;
          return { ...base, status: "error", messages: [e.message] };
        }
      });
      if (out.length > 0 && out.every((r) => r.status === "error")) {
        throw new InputError({
          file,
          expected: `at least one analysable subject:\n${out.map((r) => `  ${r.subject}: ${r.messages.join("; ")}`).join("\n")}`,
        });
      }
      for (const r of out)
        if (r.status === "error")
          process.stderr.write(`eprscope nca: subject ${r.subject}: ${r.messages.join("; ")}\n`);
      emit(out, { ...o, inputs: [file] });
    });
}
