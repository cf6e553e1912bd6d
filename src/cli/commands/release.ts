/**
 * Drug-release imaging and kinetics (core/release/).
 *  `release fraction <r1.csv> (--r1-full-per-s N | --full <full.csv>) [--pre-rows 1 | --r1-pre-per-s N]
 *    [--t1-s] [--total N] [--r1-free-per-mm-s N --drug-gd-ratio N] [--summary] --json`
 *    r1.csv: time_s + one column per curve (R1 in 1/s, or T1 in s with --t1-s); full.csv: curve,
 *    R1_full_per_s. → rows { curve, time_s, R1_per_s, fraction, [released, encapsulated, total,
 *    mass_balance], [gd_released_mM, drug_released_mM] }, or with --summary one row per curve
 *    { curve, final_fraction, max_fraction, t50_s, auc_fraction_s, mean_fraction }.
 *  `release kinetics <invitro.csv> --model arrhenius|tabulated [--fit-plateau] [--t-ref-c N] --json`
 *    invitro.csv: temperature_C, time_s, fraction (one row per sample, several temperatures) →
 *    { model, rate, fInf, … } (the document `release predict --kinetics` reads).
 *  `release predict <temps.csv> (--kinetics FILE | --k-ref-per-s N --ea-kj-per-mol N --t-ref-c N)
 *    [--measured release.csv] [--f-inf 1] --json` — temps.csv: time_s + one column per curve (°C);
 *    release.csv: time_s + the same curve columns (measured fraction) →
 *    [{ curve, final_fraction, agreement: { n, rmse, bias, maxAbsError } | null, points: [...] }].
 */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { InputError } from "../../core/errors.js";
import { massBalanceSeries } from "../../core/release/massBalance.js";
import { summariseRelease } from "../../core/release/releaseComparison.js";
import {
  coReleasedDrugMm,
  releasedFractionCurve,
  releasedGdMm,
} from "../../core/release/releasedFraction.js";
import {
  fitArrheniusKinetics,
  fitTabulatedKinetics,
  type ReleaseCurve,
} from "../../core/release/releaseKinetics.js";
import { compareWithMeasured, interpolateLinear, predictRelease } from "../../core/release/releasePredict.js";
import { checkTabulatedRate, type ReleaseRate } from "../../core/release/releaseRate.js";
import { parseCsv } from "../../io/csv.js";
import { readCurveCsv } from "../../io/curveTable.js";
import { numericTableColumn, readNumericCsv } from "../../io/numericCsv.js";
import { parseChoice, parseNumberOption } from "../options.js";
import { emit } from "../output.js";

interface FractionCli {
  r1FullPerS?: string;
  full?: string;
  preRows: string;
  r1PrePerS?: string;
  t1S?: boolean;
  total?: string;
  r1FreePerMmS?: string;
  drugGdRatio?: string;
  summary?: boolean;
  json?: boolean;
  out?: string;
}

function readFullTable(path: string): Map<string, number> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new InputError({ file: path, expected: "a readable CSV (curve, R1_full_per_s)" });
  }
  const t = parseCsv(text, path);
  const ci = t.columns.indexOf("curve");
  const vi = t.columns.indexOf("R1_full_per_s");
  if (ci < 0 || vi < 0)
    throw new InputError({
      file: path,
      field: "columns",
      value: t.columns,
      expected: "curve and R1_full_per_s",
    });
  const m = new Map<string, number>();
  t.rows.forEach((r, i) => {
    const v = Number(r[vi]);
    if (!Number.isFinite(v))
      throw new InputError({
        file: path,
        field: `R1_full_per_s, row ${i + 1}`,
        value: r[vi],
        expected: "a number (1/s)",
      });
    m.set(String(r[ci]), v);
  });
  return m;
}

function readRate(path: string): { rate: ReleaseRate; fInf: number } {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, "utf8"));
  } catch {
    throw new InputError({ file: path, expected: "the JSON document written by `release kinetics --out`" });
  }
  const d = doc as { rate?: ReleaseRate; fInf?: number };
  const r = d.rate;
  if (!r || (r.kind !== "arrhenius" && r.kind !== "tabulated"))
    throw new InputError({
      file: path,
      field: "rate",
      value: r,
      expected: "{ kind: arrhenius | tabulated, … }",
    });
  if (
    r.kind === "arrhenius" &&
    !(r.kRefPerS > 0 && Number.isFinite(r.tRefC) && Number.isFinite(r.eaKjPerMol))
  )
    throw new InputError({
      file: path,
      field: "rate",
      value: r,
      expected: "kRefPerS > 0, tRefC, eaKjPerMol",
    });
  if (r.kind === "tabulated") checkTabulatedRate(r);
  return { rate: r, fInf: typeof d.fInf === "number" ? d.fInf : 1 };
}

export function register(program: Command): void {
  const release = program
    .command("release")
    .description("drug release from R1 imaging; release kinetics and prediction");
  release
    .command("fraction")
    .description(
      "released fraction f = (R1 − R1,pre)/(R1,full − R1,pre) per curve and time; mass balance; co-released drug",
    )
    .argument("<r1.csv>", "time_s + one column per curve (R1 in 1/s, or T1 in s with --t1-s)")
    .option("--r1-full-per-s <n>", "R1 after complete release (1/s), all curves")
    .option("--full <full.csv>", "per-curve full-release calibration: columns curve, R1_full_per_s")
    .option("--pre-rows <n>", "rows averaged for R1,pre (before release)", "1")
    .option("--r1-pre-per-s <n>", "R1,pre (1/s) instead of the first rows")
    .option("--t1-s", "values are T1 (s), converted to R1 = 1/T1")
    .option("--total <n>", "total payload (any amount unit): released + encapsulated per time point")
    .option("--r1-free-per-mm-s <n>", "relaxivity of released Gd (1/(mM·s)) → gd_released_mM")
    .option("--drug-gd-ratio <n>", "co-release ratio drug : Gd (mol/mol) → drug_released_mM")
    .option("--summary", "one row per curve: final/max fraction, t50, AUC (TSL vs non-TSL comparison)")
    .option("--json", "print one JSON document")
    .option("--out <file>", "write JSON, or CSV when the name ends in .csv")
    .addHelpText(
      "after",
      "\nExample:\n  eprscope release fraction r1.csv --r1-full-per-s 1.9 --pre-rows 3 --total 100 --json\n",
    )
    .action((file: string, o: FractionCli) => {
      const { x: time, curves } = readCurveCsv(file, "time_s");
      if ((o.r1FullPerS === undefined) === (o.full === undefined))
        throw new InputError({
          field: "--r1-full-per-s / --full",
          expected: "exactly one full-release calibration (value or per-curve CSV)",
        });
      const fullAll =
        o.r1FullPerS !== undefined
          ? parseNumberOption("--r1-full-per-s", o.r1FullPerS, { min: 0, exclusiveMin: true })
          : null;
      const fullMap = o.full ? readFullTable(o.full) : null;
      const preRows = parseNumberOption("--pre-rows", o.preRows, { min: 1, max: time.length, integer: true });
      const prePerS =
        o.r1PrePerS !== undefined
          ? parseNumberOption("--r1-pre-per-s", o.r1PrePerS, { min: 0, exclusiveMin: true })
          : null;
      const total =
        o.total !== undefined ? parseNumberOption("--total", o.total, { min: 0, exclusiveMin: true }) : null;
      const r1Free =
        o.r1FreePerMmS !== undefined
          ? parseNumberOption("--r1-free-per-mm-s", o.r1FreePerMmS, { min: 0, exclusiveMin: true })
          : null;
      const ratio =
        o.drugGdRatio !== undefined ? parseNumberOption("--drug-gd-ratio", o.drugGdRatio, { min: 0 }) : null;
      if (ratio !== null && r1Free === null)
        throw new InputError({
          field: "--drug-gd-ratio",
          expected: "--r1-free-per-mm-s as well (released Gd from ΔR1)",
        });
      const rows: Record<string, unknown>[] = [];
      for (const { name: c, y: raw } of curves) {
        const r1 = o.t1S
          ? Float64Array.from(raw, (x) => (x > 0 ? 1 / x : Number.NaN))
          : Float64Array.from(raw);
        let pre = prePerS;
        if (pre === null) {
          pre = 0;
          for (let i = 0; i < preRows; i++) pre += r1[i] / preRows;
        }
        const full = fullAll ?? fullMap?.get(c);
        if (full === undefined)
          throw new InputError({ file: o.full, field: "curve", value: c, expected: `a row for curve ${c}` });
        const fc = releasedFractionCurve(r1, pre, full);
        if (o.summary) {
          rows.push({
            curve: c,
            status: fc.status,
            R1_pre_per_s: pre,
            R1_full_per_s: full,
            ...summariseRelease(time, fc.fraction),
          });
          continue;
        }
        const mb = total !== null ? massBalanceSeries(fc.fraction, total) : null;
        for (let i = 0; i < time.length; i++) {
          const row: Record<string, unknown> = {
            curve: c,
            time_s: time[i],
            R1_per_s: r1[i],
            fraction: fc.fraction[i],
          };
          if (mb)
            Object.assign(row, {
              released: mb[i].released,
              encapsulated: mb[i].encapsulated,
              total,
              mass_balance: mb[i].status,
            });
          if (r1Free !== null) {
            const gd = releasedGdMm(r1[i] - pre, r1Free);
            row.gd_released_mM = gd;
            if (ratio !== null) row.drug_released_mM = coReleasedDrugMm(gd, ratio);
          }
          row.status = fc.status;
          rows.push(row);
        }
      }
      emit(rows, o);
    });

  release
    .command("kinetics")
    .description(
      "fit first-order release with temperature-dependent rate to in-vitro curves at several temperatures",
    )
    .argument("<invitro.csv>", "columns temperature_C, time_s, fraction (one row per sample)")
    .option(
      "--model <m>",
      "arrhenius (global k_ref, Ea) | tabulated (k per temperature, ln k interpolated)",
      "arrhenius",
    )
    .option("--fit-plateau", "fit the plateau f∞ (default fixed at 1)")
    .option("--t-ref-c <n>", "Arrhenius reference temperature (°C; default the mean temperature)")
    .option("--json", "print one JSON document")
    .option("--out <file>", "write JSON (input of `release predict --kinetics`)")
    .addHelpText(
      "after",
      "\nExample:\n  eprscope release kinetics invitro.csv --model arrhenius --out kinetics.json\n",
    )
    .action(
      (
        file: string,
        o: { model: string; fitPlateau?: boolean; tRefC?: string; json?: boolean; out?: string },
      ) => {
        const model = parseChoice("--model", o.model, ["arrhenius", "tabulated"] as const);
        const t = readNumericCsv(file);
        const temp = numericTableColumn(t, "temperature_C");
        const time = numericTableColumn(t, "time_s");
        const frac = numericTableColumn(t, "fraction");
        const byT = new Map<number, { t: number[]; f: number[] }>();
        for (let i = 0; i < t.nRows; i++) {
          const e = byT.get(temp[i]) ?? { t: [], f: [] };
          e.t.push(time[i]);
          e.f.push(frac[i]);
          byT.set(temp[i], e);
        }
        const curves: ReleaseCurve[] = [...byT.entries()].map(([T, e]) => ({
          temperatureC: T,
          timeS: e.t,
          fraction: e.f,
        }));
        const opts = {
          fitPlateau: o.fitPlateau === true,
          tRefC: o.tRefC !== undefined ? parseNumberOption("--t-ref-c", o.tRefC) : undefined,
        };
        const res =
          model === "arrhenius" ? fitArrheniusKinetics(curves, opts) : fitTabulatedKinetics(curves, opts);
        emit(res, o);
      },
    );

  release
    .command("predict")
    .description(
      "predict release under measured temperature histories (ODE, RK45) and compare with measured release",
    )
    .argument("<temps.csv>", "time_s + one column per curve (°C)")
    .option("--kinetics <file>", "JSON from `release kinetics --out`")
    .option("--k-ref-per-s <n>", "Arrhenius k at --t-ref-c (1/s)")
    .option("--ea-kj-per-mol <n>", "Arrhenius activation energy (kJ/mol)")
    .option("--t-ref-c <n>", "Arrhenius reference temperature (°C)")
    .option("--f-inf <n>", "plateau fraction (default from --kinetics, else 1)")
    .option("--f0 <n>", "fraction released at the first time", "0")
    .option("--measured <release.csv>", "time_s + the same curve columns: measured released fraction")
    .option("--json", "print one JSON document")
    .option("--out <file>", "write JSON")
    .addHelpText(
      "after",
      "\nExample:\n  eprscope release predict tumour_temps.csv --kinetics kinetics.json --measured mr_release.csv --json\n",
    )
    .action(
      (
        file: string,
        o: {
          kinetics?: string;
          kRefPerS?: string;
          eaKjPerMol?: string;
          tRefC?: string;
          fInf?: string;
          f0: string;
          measured?: string;
          json?: boolean;
          out?: string;
        },
      ) => {
        let rate: ReleaseRate;
        let fInf = 1;
        if (o.kinetics) {
          const r = readRate(o.kinetics);
          rate = r.rate;
          fInf = r.fInf;
        } else {
          if (o.kRefPerS === undefined || o.eaKjPerMol === undefined || o.tRefC === undefined)
            throw new InputError({
              field: "--kinetics",
              expected: "--kinetics FILE, or --k-ref-per-s, --ea-kj-per-mol and --t-ref-c",
            });
          rate = {
            kind: "arrhenius",
            kRefPerS: parseNumberOption("--k-ref-per-s", o.kRefPerS, { min: 0, exclusiveMin: true }),
            eaKjPerMol: parseNumberOption("--ea-kj-per-mol", o.eaKjPerMol),
            tRefC: parseNumberOption("--t-ref-c", o.tRefC),
          };
        }
        if (o.fInf !== undefined) fInf = parseNumberOption("--f-inf", o.fInf, { min: 0 });
        const f0 = parseNumberOption("--f0", o.f0, { min: 0 });
        const t = readNumericCsv(file);
        const time = numericTableColumn(t, "time_s");
        const curves = t.columns.filter((c) => c !== "time_s");
        if (curves.length === 0)
          throw new InputError({
            file,
            field: "columns",
            value: t.columns,
            expected: "time_s and one temperature column per curve",
          });
        const meas = o.measured ? readNumericCsv(o.measured) : null;
        const mTime = meas ? numericTableColumn(meas, "time_s") : null;
        const out = curves.map((c) => {
          const temps = numericTableColumn(t, c);
          // report at the history times and at the measured times (no interpolation of the prediction)
          const tEval = [...new Set([...time, ...(mTime ? Array.from(mTime) : [])])]
            .filter((x) => x >= time[0] && x <= time[time.length - 1])
            .sort((a, b) => a - b);
          const p = predictRelease(rate, time, temps, { fInf, f0, tEval });
          let agreement = null;
          let measured: Float64Array | null = null;
          if (meas && mTime) {
            measured = numericTableColumn(meas, c);
            agreement = compareWithMeasured(p, mTime, measured);
          }
          return {
            curve: c,
            final_fraction: p.fraction[p.fraction.length - 1],
            agreement,
            points: p.timeS.map((ts, i) => ({
              time_s: ts,
              temperature_C: interpolateLinear(time, temps, ts),
              predicted_fraction: p.fraction[i],
              ...(measured && mTime ? { measured_fraction: interpolateLinear(mTime, measured, ts) } : {}),
            })),
          };
        });
        emit(out, o);
      },
    );
}
