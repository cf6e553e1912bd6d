/**
 * `eprscope stats roc|roc-compare|km|logrank|cox|corr|logistic <csv> … --json` — R-compatible
 * statistics on a CSV table (pROC, survival and stats conventions; see src/core/stats/*).
 *
 * Missing values (empty, NA, NaN, ., null) in any column a command uses drop the whole row,
 * like R's na.omit; the count is printed on stderr and, for object results, as `n_dropped`.
 * Event columns may be coded 0/1 (1 = event) or 1/2 (2 = event, R's Surv convention when no
 * 0 is present). Binary outcomes must be 0/1 (1 = case). `stats roc` adds, beside the contract
 * keys, Clopper–Pearson CIs of the Youden sensitivity/specificity and the closest-to-(0,1)
 * cut-off; `--ci-method bootstrap` replaces the DeLong CI by a seeded stratified bootstrap
 * (at most 1e6 replicates, progress on stderr).
 *
 * Nothing not estimable is printed as a number: every result carries `status`. Cox and
 * logistic rows give "converged", or "separation" / "singular" / "not-converged" with every
 * estimate null and a `message` (logistic: `--firth` gives finite estimates under separation);
 * a constant ROC marker gives status "constant-marker" (AUC 0.5 exactly, no CI or cut-off);
 * a Kaplan–Meier group whose survival never falls to ½ gives "median-not-reached".
 * Follow-up times must be ≥ 0 (exit 2 naming the row).
 */
import type { Command } from "commander";
import { InputError } from "../../core/errors.js";
import { correlation } from "../../core/stats/correlation.js";
import { coxph } from "../../core/stats/cox.js";
import { eventIndicator, kaplanMeier } from "../../core/stats/kaplanMeier.js";
import { logisticRegression } from "../../core/stats/logistic.js";
import { logrank, sortLevels } from "../../core/stats/logrank.js";
import {
  bootstrapAucCi,
  delongPaired,
  type RocDirection,
  roc,
  sensSpecWithCi,
  splitByOutcome,
} from "../../core/stats/roc.js";
import { columnIndex, numericColumn, readCsv, type Table } from "../../io/csv.js";
import { parseChoice, parseNumberOption } from "../options.js";
import { checkOutPath, emit } from "../output.js";

/** upper bound of --boot-n: 1e6 replicates (≈ minutes for a few hundred subjects) */
export const MAX_BOOT_N = 1_000_000;

const MISSING = new Set(["", "NA", "NaN", "nan", ".", "null", "BLQ"]);

interface Common {
  json?: boolean;
  out?: string;
}

/** Columns of a table after R-style na.omit over the listed columns. */
class Frame {
  readonly keep: number[];
  readonly dropped: number;
  constructor(
    readonly table: Table,
    columns: string[],
  ) {
    const idx = columns.map((c) => columnIndex(table, c));
    this.keep = [];
    table.rows.forEach((r, k) => {
      if (idx.every((j) => !MISSING.has((r[j] ?? "").trim()))) this.keep.push(k);
    });
    this.dropped = table.rows.length - this.keep.length;
    if (this.dropped > 0) {
      process.stderr.write(`${table.file}: dropped ${this.dropped} row(s) with missing values (na.omit)\n`);
    }
    if (this.keep.length === 0) {
      throw new InputError({
        file: table.file,
        field: columns.join(", "),
        expected: "at least one complete row",
      });
    }
  }
  num(name: string): Float64Array {
    const all = numericColumn(this.table, name, { allowMissing: true });
    return Float64Array.from(this.keep, (k) => all[k]);
  }
  /** follow-up times: numbers ≥ 0 */
  time(name: string): Float64Array {
    const v = this.num(name);
    v.forEach((x, i) => {
      if (x < 0)
        throw new InputError({
          file: this.table.file,
          field: `column ${name}, row ${this.keep[i] + 1}`,
          value: x,
          expected: "a follow-up time ≥ 0",
        });
    });
    return v;
  }
  str(name: string): string[] {
    const j = columnIndex(this.table, name);
    return this.keep.map((k) => this.table.rows[k][j].trim());
  }
  binary(name: string): Float64Array {
    const v = this.num(name);
    v.forEach((x, i) => {
      if (x !== 0 && x !== 1) {
        throw new InputError({
          file: this.table.file,
          field: `column ${name}, row ${this.keep[i] + 1}`,
          value: x,
          expected: "a binary outcome coded 0/1",
        });
      }
    });
    return v;
  }
  event(name: string): Uint8Array {
    try {
      return eventIndicator(this.num(name), name);
    } catch (e) {
      if (e instanceof InputError) {
        const p = e.problems[0];
        const m = /row (\d+)/.exec(p.field ?? "");
        const field = m ? `column ${name}, row ${this.keep[Number(m[1]) - 1] + 1}` : p.field;
        throw new InputError({ ...p, file: this.table.file, field });
      }
      throw e;
    }
  }
}

/** Bootstrap progress on stderr: a line every 10 % (and only for long runs). */
function bootProgress(total: number): ((done: number) => void) | undefined {
  if (total < 20_000) return undefined;
  let next = 0.1;
  return (done) => {
    if (done / total >= next) {
      process.stderr.write(`stats roc: bootstrap ${done}/${total} (${Math.round((100 * done) / total)}%)\n`);
      next += 0.1;
    }
  };
}

function list(raw: string, flag: string): string[] {
  const parts = raw
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (parts.length === 0)
    throw new InputError({ field: flag, value: raw, expected: "a comma-separated list of columns" });
  return parts;
}

function requireEvents(ev: Uint8Array, file: string, col: string): void {
  if (!ev.some((e) => e === 1))
    throw new InputError({
      file,
      field: `column ${col}`,
      value: "no events",
      expected: "at least one event",
    });
}

/** Check --out before the work starts (the write itself is emit's). */
function early(o: Common, file: string): void {
  if (o.out) checkOutPath(o.out, [file]);
}

/** A term row with every estimate null unless the fit converged. */
function termRow(
  status: string,
  message: string | undefined,
  row: Record<string, number | string>,
): Record<string, number | string | null> {
  if (status === "converged") return { ...row, status };
  const out: Record<string, number | string | null> = {};
  for (const [k, v] of Object.entries(row)) out[k] = typeof v === "number" ? null : v;
  return { ...out, status, message: message ?? status };
}

function common(cmd: Command): Command {
  return cmd
    .option("--json", "print one JSON document")
    .option("--out <file>", "write JSON (or CSV for tables) to FILE");
}

export function register(program: Command): void {
  const stats = program
    .command("stats")
    .description("R-compatible statistics: ROC, survival, regression, correlation");

  common(
    stats
      .command("roc")
      .description("ROC curve: empirical AUC with DeLong 95% CI and the Youden cut-off (pROC conventions)")
      .argument("<csv>")
      .requiredOption("--marker <col>", "marker column")
      .requiredOption("--outcome <col>", "binary outcome column (1 = case, 0 = control)")
      .option("--direction <dir>", "auto | < (controls < cases) | >", "auto")
      .option("--ci-method <m>", "delong | bootstrap (stratified, percentile)", "delong")
      .option("--boot-n <n>", "bootstrap replicates", "2000")
      .option("--seed <n>", "bootstrap seed", "1"),
  ).action(
    (
      file: string,
      o: Common & {
        marker: string;
        outcome: string;
        direction: string;
        ciMethod: string;
        bootN: string;
        seed: string;
      },
    ) => {
      const direction = parseChoice("--direction", o.direction, ["auto", "<", ">"] as const);
      const ciMethod = parseChoice("--ci-method", o.ciMethod, ["delong", "bootstrap"] as const);
      const bootN = parseNumberOption("--boot-n", o.bootN, { integer: true, min: 100, max: MAX_BOOT_N });
      const seed = parseNumberOption("--seed", o.seed, { integer: true, min: 0 });
      early(o, file);
      const f = new Frame(readCsv(file), [o.marker, o.outcome]);
      const { cases, controls } = splitByOutcome(f.num(o.marker), f.binary(o.outcome));
      const r = roc(cases, controls, { direction: direction as "auto" | RocDirection });
      const values = [...Array.from(cases), ...Array.from(controls)];
      if (values.every((v) => v === values[0])) {
        process.stderr.write(`stats roc: marker ${o.marker} is constant (${values[0]}): no CI or cut-off\n`);
        emit(
          {
            auc: 0.5,
            ci_lower: null,
            ci_upper: null,
            youden: null,
            ci_method: ciMethod,
            direction: null,
            n_cases: r.nCases,
            n_controls: r.nControls,
            n_dropped: f.dropped,
            status: "constant-marker",
            message: `marker ${o.marker} has one value (${values[0]}) for every subject`,
          },
          o,
        );
        return;
      }
      const [ciLower, ciUpper] =
        ciMethod === "bootstrap"
          ? bootstrapAucCi(cases, controls, r.direction, {
              replicates: bootN,
              seed,
              onProgress: bootProgress(bootN),
            })
          : [r.ciLower, r.ciUpper];
      const ss = sensSpecWithCi(cases, controls, r.youden.threshold, r.direction);
      emit(
        {
          auc: r.auc,
          ci_lower: ciLower,
          ci_upper: ciUpper,
          youden: {
            threshold: r.youden.threshold,
            sensitivity: r.youden.sensitivity,
            specificity: r.youden.specificity,
          },
          ci_method: ciMethod,
          youden_sensitivity_ci: ss.sensitivityCi,
          youden_specificity_ci: ss.specificityCi,
          closest_topleft: {
            threshold: r.closestTopLeft.threshold,
            sensitivity: r.closestTopLeft.sensitivity,
            specificity: r.closestTopLeft.specificity,
          },
          direction: r.direction,
          n_cases: r.nCases,
          n_controls: r.nControls,
          n_dropped: f.dropped,
          status: "ok",
        },
        o,
      );
    },
  );

  common(
    stats
      .command("roc-compare")
      .description("paired DeLong test of two markers' AUCs on the same subjects")
      .argument("<csv>")
      .requiredOption("--markers <a,b>", "two marker columns")
      .requiredOption("--outcome <col>", "binary outcome column (1 = case)"),
  ).action((file: string, o: Common & { markers: string; outcome: string }) => {
    const m = list(o.markers, "--markers");
    if (m.length !== 2)
      throw new InputError({ field: "--markers", value: o.markers, expected: "exactly two columns A,B" });
    early(o, file);
    const f = new Frame(readCsv(file), [...m, o.outcome]);
    const y = f.binary(o.outcome);
    const [a, b] = m.map((c) => {
      const s = splitByOutcome(f.num(c), y);
      return roc(s.cases, s.controls);
    });
    const t = delongPaired(a, b);
    const ok = Number.isFinite(t.z) && Number.isFinite(t.p);
    emit(
      {
        auc1: t.auc1,
        auc2: t.auc2,
        z: ok ? t.z : null,
        p: ok ? t.p : null,
        n_dropped: f.dropped,
        status: ok ? "ok" : "not-estimable",
        ...(ok
          ? {}
          : {
              message: "the variance of the AUC difference is 0 (identical or constant markers): no test",
            }),
      },
      o,
    );
  });

  common(
    stats
      .command("km")
      .description("Kaplan–Meier median survival with 95% CI (log scale, survfit default) per group")
      .argument("<csv>")
      .requiredOption("--time <col>", "follow-up time column")
      .requiredOption("--event <col>", "event column: 0/1 (1 = event) or 1/2 (2 = event)")
      .option("--group <col>", "group column"),
  ).action((file: string, o: Common & { time: string; event: string; group?: string }) => {
    early(o, file);
    const f = new Frame(readCsv(file), [o.time, o.event, ...(o.group ? [o.group] : [])]);
    const time = f.time(o.time);
    const ev = f.event(o.event);
    requireEvents(ev, file, o.event);
    const groups = o.group ? f.str(o.group) : time.length ? Array.from(time, () => "all") : [];
    const out = sortLevels(groups).map((g) => {
      const idx = groups.flatMap((s, i) => (s === g ? [i] : []));
      const km = kaplanMeier(
        idx.map((i) => time[i]),
        idx.map((i) => ev[i]),
      );
      return {
        group: g,
        median: km.median,
        median_ci_lower: km.medianLower,
        median_ci_upper: km.medianUpper,
        n: km.n,
        events: km.nEvents,
        status: Number.isFinite(km.median) ? "ok" : "median-not-reached",
      };
    });
    emit(out, o);
  });

  common(
    stats
      .command("logrank")
      .description("log-rank test between groups (survdiff), optionally stratified")
      .argument("<csv>")
      .requiredOption("--time <col>", "follow-up time column")
      .requiredOption("--event <col>", "event column: 0/1 or 1/2")
      .requiredOption("--group <col>", "group column")
      .option("--strata <col>", "stratification column"),
  ).action((file: string, o: Common & { time: string; event: string; group: string; strata?: string }) => {
    early(o, file);
    const f = new Frame(readCsv(file), [o.time, o.event, o.group, ...(o.strata ? [o.strata] : [])]);
    const ev = f.event(o.event);
    requireEvents(ev, file, o.event);
    const r = logrank(f.time(o.time), ev, f.str(o.group), o.strata ? f.str(o.strata) : undefined);
    emit(
      {
        chisq: r.chisq,
        df: r.df,
        p: r.p,
        groups: r.groups,
        observed: r.observed,
        expected: r.expected,
        n_dropped: f.dropped,
      },
      o,
    );
  });

  common(
    stats
      .command("cox")
      .description("Cox proportional-hazards regression (Efron ties, as coxph)")
      .argument("<csv>")
      .requiredOption("--time <col>", "follow-up time column")
      .requiredOption("--event <col>", "event column: 0/1 or 1/2")
      .requiredOption("--covariates <a,b>", "numeric covariate columns"),
  ).action((file: string, o: Common & { time: string; event: string; covariates: string }) => {
    const cov = list(o.covariates, "--covariates");
    early(o, file);
    const f = new Frame(readCsv(file), [o.time, o.event, ...cov]);
    const ev = f.event(o.event);
    requireEvents(ev, file, o.event);
    const r = coxph(
      f.time(o.time),
      ev,
      cov.map((c) => f.num(c)),
      { names: cov },
    );
    if (r.status !== "converged") process.stderr.write(`stats cox: ${r.status}: ${r.message}\n`);
    emit(
      r.terms.map((t) =>
        termRow(r.status, r.message, {
          name: t.name,
          coef: t.coef,
          se: t.se,
          hr: t.hr,
          hr_ci_lower: t.hrCiLower,
          hr_ci_upper: t.hrCiUpper,
          p: t.p,
          z: t.z,
        }),
      ),
      o,
    );
  });

  common(
    stats
      .command("corr")
      .description("Pearson (Fisher-z CI) or Spearman correlation, as cor.test")
      .argument("<csv>")
      .requiredOption("--x <col>", "first variable")
      .requiredOption("--y <col>", "second variable")
      .option("--method <m>", "pearson | spearman", "pearson"),
  ).action((file: string, o: Common & { x: string; y: string; method: string }) => {
    const method = parseChoice("--method", o.method, ["pearson", "spearman"] as const);
    early(o, file);
    const f = new Frame(readCsv(file), [o.x, o.y]);
    const r = correlation(f.num(o.x), f.num(o.y), method);
    emit(
      { r: r.r, ci_lower: r.ciLower, ci_upper: r.ciUpper, p: r.p, n: r.n, method, n_dropped: f.dropped },
      o,
    );
  });

  common(
    stats
      .command("logistic")
      .description("binary logistic regression (glm binomial; Wald CIs; --firth for separation)")
      .argument("<csv>")
      .requiredOption("--outcome <col>", "binary outcome column (0/1)")
      .requiredOption("--predictors <a,b>", "numeric predictor columns")
      .option("--firth", "Firth's penalised likelihood (finite estimates under separation)"),
  ).action((file: string, o: Common & { outcome: string; predictors: string; firth?: boolean }) => {
    const pred = list(o.predictors, "--predictors");
    early(o, file);
    const f = new Frame(readCsv(file), [o.outcome, ...pred]);
    const y = f.binary(o.outcome);
    if (!y.some((v) => v === 1) || !y.some((v) => v === 0)) {
      throw new InputError({
        file,
        field: `column ${o.outcome}`,
        value: "one class only",
        expected: "both 0 and 1",
      });
    }
    const r = logisticRegression(
      y,
      pred.map((c) => f.num(c)),
      { names: pred, firth: o.firth },
    );
    if (r.status !== "converged") process.stderr.write(`stats logistic: ${r.status}: ${r.message}\n`);
    emit(
      r.terms.map((t) =>
        termRow(r.status, r.message, {
          name: t.name,
          coef: t.coef,
          se: t.se,
          z: t.z,
          p: t.p,
          or: t.or,
          or_ci_lower: t.orCiLower,
          or_ci_upper: t.orCiUpper,
          method: o.firth ? "firth" : "ml",
        }),
      ),
      o,
    );
  });
}
