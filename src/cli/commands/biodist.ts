/**
 * `eprscope biodist <roi.csv> --nuclide NAME --dose-mbq N --injected ISO8601 [--measured-col COL] --json`
 * → per row { roi, pctIDperG, pctIDperCC, suvBW, decayFactor } (activities decay-corrected to the
 * injection time; decayFactor = fraction of activity left at measurement).
 *
 * roi.csv columns: `roi`; activity as `activity_mbq` | `activity_kbq` | `conc_kbq_per_ml`
 * (image ROI mean) | gamma counts `counts` + `counting_time_s` + `efficiency` [+ `background_cpm`];
 * `mass_g` and/or `volume_ml`; measurement time in `measured` (ISO 8601, or --measured-col);
 * optional `body_weight_g` (or --body-weight-g) for SUV.
 *
 * Values that cannot be physical are refused, never turned into nulls: a mass, volume,
 * counting time or body weight ≤ 0, an efficiency outside (0, 1], negative counts, activities
 * or concentrations give exit 2 naming the file, column and row (an empty cell is a missing
 * value and gives null for what needs it). Date-times are strict ISO 8601 with a time zone
 * (core/units/isoTime.ts: 2026-02-30 is refused, not rolled over to March).
 */
import type { Command } from "commander";
import { InputError } from "../../core/errors.js";
import { countsToActivityMBq, decayFactor, getNuclide, percentID, suvBW } from "../../core/nuclide/index.js";
import { parseIsoDateTime } from "../../core/units/isoTime.js";
import { hasColumn, numericColumn, readCsv, stringColumn, type Table } from "../../io/csv.js";
import { parseNumberOption } from "../options.js";
import { checkOutPath, emit } from "../output.js";

interface BiodistOptions {
  nuclide: string;
  doseMbq: string;
  injected: string;
  measuredCol: string;
  bodyWeightG?: string;
  json?: boolean;
  out?: string;
}

type Range = "positive" | "non-negative" | "efficiency";

const RANGE_TEXT: Record<Range, string> = {
  positive: "a positive number (or an empty cell when unknown)",
  "non-negative": "a number ≥ 0 (or an empty cell when unknown)",
  efficiency: "a counter efficiency in (0, 1] counts per decay",
};

/** A numeric column whose present values must lie in `range` (missing cells stay NaN). */
function checkedColumn(t: Table, name: string, range: Range, required = false): Float64Array {
  const v = numericColumn(t, name, { allowMissing: !required });
  v.forEach((x, k) => {
    if (Number.isNaN(x)) return;
    const ok = range === "positive" ? x > 0 : range === "non-negative" ? x >= 0 : x > 0 && x <= 1;
    if (!ok)
      throw new InputError({
        file: t.file,
        field: `column ${name}, row ${k + 1}`,
        value: t.rows[k][t.columns.indexOf(name)].trim(),
        expected: RANGE_TEXT[range],
      });
  });
  return v;
}

function optionalNumeric(t: Table, name: string, range: Range): Float64Array | null {
  return hasColumn(t, name) ? checkedColumn(t, name, range) : null;
}

export function register(program: Command): void {
  program
    .command("biodist")
    .description("%ID/g, %ID/cc and SUV per ROI or tissue sample, decay-corrected to injection")
    .argument("<roi.csv>", "one row per ROI/sample (see --help for columns)")
    .requiredOption("--nuclide <name>", "e.g. In-111, Zr-89, Cu-64, F-18")
    .requiredOption("--dose-mbq <n>", "injected activity at injection time (MBq)")
    .requiredOption("--injected <iso8601>", "injection time")
    .option("--measured-col <col>", "column with the measurement time (ISO 8601)", "measured")
    .option("--body-weight-g <n>", "body weight for SUV when the table has no body_weight_g column")
    .option("--json", "print one JSON document")
    .option("--out <file>", "write JSON, or CSV when the name ends in .csv")
    .addHelpText(
      "after",
      "\nColumns: roi; activity_mbq | activity_kbq | conc_kbq_per_ml | counts + counting_time_s + efficiency [+ background_cpm];\n" +
        "mass_g and/or volume_ml; measured (ISO 8601); optional body_weight_g.\n" +
        "Example:\n  eprscope biodist organs.csv --nuclide In-111 --dose-mbq 15 --injected 2026-03-02T09:00:00Z --json\n",
    )
    .action((file: string, o: BiodistOptions) => {
      const nuclide = getNuclide(o.nuclide, "--nuclide").name;
      const doseMBq = parseNumberOption("--dose-mbq", o.doseMbq, { min: 0, exclusiveMin: true });
      const tInj = parseIsoDateTime(o.injected, { field: "--injected" });
      const bwOpt =
        o.bodyWeightG !== undefined
          ? parseNumberOption("--body-weight-g", o.bodyWeightG, { min: 0, exclusiveMin: true })
          : undefined;
      if (o.out) checkOutPath(o.out, [file]);
      const t = readCsv(file);
      const rois = stringColumn(t, "roi");
      const measured = stringColumn(t, o.measuredCol);
      const actMBq = optionalNumeric(t, "activity_mbq", "non-negative");
      const actKBq = optionalNumeric(t, "activity_kbq", "non-negative");
      const concKBq = optionalNumeric(t, "conc_kbq_per_ml", "non-negative");
      const counts = optionalNumeric(t, "counts", "non-negative");
      const countT = counts ? checkedColumn(t, "counting_time_s", "positive", true) : null;
      const eff = counts ? checkedColumn(t, "efficiency", "efficiency", true) : null;
      const bkg = optionalNumeric(t, "background_cpm", "non-negative");
      const mass = optionalNumeric(t, "mass_g", "positive");
      const vol = optionalNumeric(t, "volume_ml", "positive");
      const bw = optionalNumeric(t, "body_weight_g", "positive");
      if (!actMBq && !actKBq && !concKBq && !counts) {
        throw new InputError({
          file,
          field: "columns",
          value: t.columns,
          expected:
            "an activity column: activity_mbq, activity_kbq, conc_kbq_per_ml or counts (+ counting_time_s, efficiency)",
        });
      }
      const out = rois.map((roi, i) => {
        const tMeas = parseIsoDateTime(measured[i], { file, field: `column ${o.measuredCol}, row ${i + 1}` });
        const dtS = (tMeas - tInj) / 1000;
        if (dtS < 0)
          throw new InputError({
            file,
            field: `column ${o.measuredCol}, row ${i + 1}`,
            value: measured[i],
            expected: "a time after --injected",
          });
        const df = decayFactor(nuclide, dtS);
        const at = (arr: Float64Array | null) => (arr && Number.isFinite(arr[i]) ? arr[i] : undefined);
        const m = at(mass);
        const v = at(vol);
        // activity at measurement (MBq) and concentration (kBq/mL), whichever the row gives
        let aMBq: number | undefined =
          at(actMBq) ?? (at(actKBq) !== undefined ? (at(actKBq) as number) / 1000 : undefined);
        if (aMBq === undefined && counts && Number.isFinite(counts[i])) {
          aMBq = countsToActivityMBq({
            counts: counts[i],
            countingTimeS: (countT as Float64Array)[i],
            efficiency: (eff as Float64Array)[i],
            backgroundCpm: at(bkg) ?? 0,
          });
        }
        let cKBqPerML = at(concKBq);
        if (aMBq === undefined && cKBqPerML !== undefined && v !== undefined) aMBq = (cKBqPerML * v) / 1000;
        if (cKBqPerML === undefined && aMBq !== undefined && v !== undefined) cKBqPerML = (aMBq * 1000) / v;
        if (aMBq === undefined && cKBqPerML === undefined)
          throw new InputError({
            file,
            field: `row ${i + 1} (roi ${roi})`,
            expected: "an activity or concentration value",
          });
        const a0 = aMBq !== undefined ? aMBq / df : undefined;
        const c0 = cKBqPerML !== undefined ? cKBqPerML / df : undefined;
        const weight = at(bw) ?? bwOpt;
        return {
          roi,
          pctIDperG: a0 !== undefined && m !== undefined ? percentID(a0, doseMBq) / m : null,
          pctIDperCC: c0 !== undefined ? percentID(c0 / 1000, doseMBq) : null,
          suvBW: c0 !== undefined && weight !== undefined ? suvBW(c0, doseMBq, weight) : null,
          decayFactor: df,
          pctID: a0 !== undefined ? percentID(a0, doseMBq) : null,
          time_since_injection_h: dtS / 3600,
        };
      });
      emit(out, { ...o, inputs: [file] });
    });
}
