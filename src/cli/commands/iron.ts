/**
 * Iron-oxide (ferumoxytol / USPIO) MRI per ROI (core/mri/ironOxide.ts):
 *  `eprscope iron fe <r2star.csv> --field-t 3 [--agent ferumoxytol] [--medium plasma|saline]
 *   [--r2star R] --json` — CSV: roi + either dR2star_per_s, or R2star_pre_per_s and
 *   R2star_post_per_s → [{ roi, dR2star_per_s, Fe_mM, Fe_ug_per_mL, r2star_per_s_per_mM,
 *   relaxivity_source }], [Fe] = ΔR2* / r2* with r2* from the cited table unless given.
 *  `eprscope iron vsi <csv> --b0-t 4.7 --delta-chi-ppm 0.1 --json` — CSV: roi, ADC_mm2_per_s and
 *   dR2star_per_s, dR2_per_s (or the R2star_/R2_ pre/post pairs) → [{ roi, VSI_um, BVf,
 *   rBV_percent, Q_ratio }]: VSI = 0.425·√(ADC/(γΔχB0))·(ΔR2* / ΔR2)^{3/2} (Troprès 2001) and the
 *   static-dephasing BVf = 3ΔR2* / (4πγΔχB0); Δχ in cgs ppm (SI value / 4π).
 *  `eprscope iron relaxivities --json` — the relaxivity table with its references.
 */
import type { Command } from "commander";
import { InputError } from "../../core/errors.js";
import {
  bloodVolumeFraction,
  ironConcentrationMm,
  ironUgPerMl,
  lookupRelaxivity,
  RELAXIVITIES,
  vesselSizeIndexUm,
} from "../../core/mri/ironOxide.js";
import { hasColumn, numericColumn, readCsv, stringColumn, type Table } from "../../io/csv.js";
import { assertOutputOutsideInputs } from "../../io/safePaths.js";
import { parseChoice, parseNumberOption } from "../options.js";
import { emit } from "../output.js";

/** ΔR from a delta column or a pre/post pair of columns */
function deltaColumn(t: Table, file: string, delta: string, pre: string, post: string): Float64Array {
  if (hasColumn(t, delta)) return numericColumn(t, delta, { allowMissing: true });
  if (hasColumn(t, pre) && hasColumn(t, post)) {
    const a = numericColumn(t, pre, { allowMissing: true });
    const b = numericColumn(t, post, { allowMissing: true });
    return Float64Array.from(a, (v, i) => b[i] - v);
  }
  throw new InputError({
    file,
    field: "columns",
    value: t.columns,
    expected: `${delta}, or ${pre} and ${post}`,
  });
}

function roiColumn(t: Table): string[] {
  if (hasColumn(t, "roi")) return stringColumn(t, "roi");
  if (hasColumn(t, "id")) return stringColumn(t, "id");
  return t.rows.map((_, i) => String(i + 1));
}

export function register(program: Command): void {
  const iron = program
    .command("iron")
    .description("iron-oxide nanoparticle MRI: [Fe], blood volume, vessel size index");
  iron
    .command("fe")
    .description("[Fe] = ΔR2* / r2* per ROI (mM Fe and µg Fe/mL)")
    .argument("<r2star.csv>", "roi + dR2star_per_s, or R2star_pre_per_s and R2star_post_per_s")
    .option("--field-t <B0>", "field strength (T) for the relaxivity table (1.5, 3, 7)")
    .option("--agent <name>", "agent in the relaxivity table", "ferumoxytol")
    .option("--medium <m>", "plasma | saline (relaxivity measurement medium)", "plasma")
    .option("--r2star <r>", "relaxivity r2* (1/s/mM Fe), overriding the table")
    .option("--json", "print one JSON document")
    .option("--out <file>", "write JSON, or CSV when the name ends in .csv")
    .addHelpText(
      "after",
      "\nr2* table: ferumoxytol 1.5 T plasma 64.4, saline 60.4; 3 T plasma 55.7, saline 57.0 (1/s/mM; Knobloch et al.\nInvest Radiol 2018). No cited 7 T value: give --r2star. See `eprscope iron relaxivities`.\nExample:\n  eprscope iron fe lesions_r2star.csv --field-t 3 --json\n",
    )
    .action(
      (
        file: string,
        o: { fieldT?: string; agent: string; medium: string; r2star?: string; json?: boolean; out?: string },
      ) => {
        if (o.out) assertOutputOutsideInputs(o.out, [file]);
        let r2: number;
        let source: string;
        if (o.r2star !== undefined) {
          r2 = parseNumberOption("--r2star", o.r2star, { min: 0, exclusiveMin: true });
          source = "user (--r2star)";
        } else {
          if (o.fieldT === undefined)
            throw new InputError({
              field: "--field-t",
              expected: "a field strength (T) for the relaxivity table, or --r2star",
            });
          const b0 = parseNumberOption("--field-t", o.fieldT, { min: 0, exclusiveMin: true });
          const medium = parseChoice("--medium", o.medium, ["plasma", "saline"] as const);
          const rel = lookupRelaxivity(o.agent, b0, medium);
          if (rel.r2Star === null)
            throw new InputError({
              field: "--r2star",
              value: null,
              expected: `a measured r2* (${rel.note ?? "no tabulated value"})`,
            });
          r2 = rel.r2Star;
          source = `${rel.agent} ${rel.fieldT} T ${rel.medium} ${rel.temperatureC} °C: ${rel.reference}`;
        }
        const t = readCsv(file);
        const d = deltaColumn(t, file, "dR2star_per_s", "R2star_pre_per_s", "R2star_post_per_s");
        const roi = roiColumn(t);
        emit(
          roi.map((r, i) => {
            const fe = ironConcentrationMm(d[i], r2);
            return {
              roi: r,
              dR2star_per_s: d[i],
              Fe_mM: fe,
              Fe_ug_per_mL: ironUgPerMl(fe),
              r2star_per_s_per_mM: r2,
              relaxivity_source: source,
            };
          }),
          o,
        );
      },
    );
  iron
    .command("vsi")
    .description("vessel size index (Troprès 2001) and steady-state blood volume fraction per ROI")
    .argument("<csv>", "roi, ADC_mm2_per_s, dR2star_per_s, dR2_per_s (or R2star_/R2_ pre/post pairs)")
    .requiredOption("--b0-t <B0>", "field strength (T)")
    .requiredOption(
      "--delta-chi-ppm <x>",
      "blood–tissue susceptibility difference after the agent, cgs ppm (SI/4π)",
    )
    .option("--json", "print one JSON document")
    .option("--out <file>", "write JSON, or CSV when the name ends in .csv")
    .addHelpText(
      "after",
      "\nVSI_um = 0.425·√(ADC/(γ·Δχ·B0))·(ΔR2*/ΔR2)^(3/2); BVf = 3·ΔR2*/(4π·γ·Δχ·B0); γ = 2.675e8 rad/s/T.\nExample:\n  eprscope iron vsi lesions.csv --b0-t 4.7 --delta-chi-ppm 0.1 --json\n",
    )
    .action((file: string, o: { b0T: string; deltaChiPpm: string; json?: boolean; out?: string }) => {
      if (o.out) assertOutputOutsideInputs(o.out, [file]);
      const b0 = parseNumberOption("--b0-t", o.b0T, { min: 0, exclusiveMin: true });
      const chi = parseNumberOption("--delta-chi-ppm", o.deltaChiPpm, { min: 0, exclusiveMin: true }) * 1e-6;
      const t = readCsv(file);
      const ds = deltaColumn(t, file, "dR2star_per_s", "R2star_pre_per_s", "R2star_post_per_s");
      const d2 = deltaColumn(t, file, "dR2_per_s", "R2_pre_per_s", "R2_post_per_s");
      const adc = numericColumn(t, "ADC_mm2_per_s", { allowMissing: true });
      emit(
        roiColumn(t).map((r, i) => {
          const bvf = bloodVolumeFraction(ds[i], b0, chi);
          return {
            roi: r,
            VSI_um: vesselSizeIndexUm(adc[i], ds[i], d2[i], b0, chi),
            BVf: bvf,
            rBV_percent: 100 * bvf,
            Q_ratio: ds[i] / d2[i],
            dR2star_per_s: ds[i],
            dR2_per_s: d2[i],
            ADC_mm2_per_s: adc[i],
          };
        }),
        o,
      );
    });
  iron
    .command("relaxivities")
    .description("the relaxivity table (agent, field, medium, r1/r2/r2*, reference)")
    .option("--json", "print one JSON document")
    .action((o: { json?: boolean }) => emit(RELAXIVITIES, o));
}
