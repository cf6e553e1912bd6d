/**
 * FRET and de-quenching (core/optical/fret.ts).
 *  `fret efficiency --r-nm 2,5,8 --r0-nm 5 --json` → [{ r_nm, efficiency }]  (E = 1/(1 + (r/R0)^6))
 *  `fret distance --efficiency 0.5,0.9 --r0-nm 5 --json` → [{ efficiency, r_nm }]
 *  `fret ratio <intensities.csv> --donor COL --acceptor COL --json` → per row { row|id, donor,
 *    acceptor, fret_ratio, efficiency? } (ratio = A/(D + A); with --donor-alone COL also
 *    E = 1 − F_DA/F_D)
 *  `fret dequench <fluor.csv> --fmax N [--f0 N] --json` — fluor.csv: time_s + one column per curve;
 *    F0 defaults to each curve's first value → [{ curve, time_s, fraction }]
 */
import type { Command } from "commander";
import { InputError } from "../../core/errors.js";
import {
  dequenchingCurve,
  fretDistance,
  fretEfficiency,
  fretEfficiencyFromQuenching,
  fretRatio,
} from "../../core/optical/fret.js";
import { readCurveCsv } from "../../io/curveTable.js";
import { numericTableColumn, readNumericCsv } from "../../io/numericCsv.js";
import { parseNumberList, parseNumberOption } from "../options.js";
import { emit } from "../output.js";

export function register(program: Command): void {
  const fret = program
    .command("fret")
    .description("FRET efficiency, distance, FRET ratio and de-quenching release curves");
  fret
    .command("efficiency")
    .description("E = 1/(1 + (r/R0)^6) for donor–acceptor distances")
    .requiredOption("--r-nm <list>", "distances (nm)")
    .requiredOption("--r0-nm <n>", "Förster distance R0 (nm)")
    .option("--json", "print one JSON document")
    .option("--out <file>", "write JSON, or CSV when the name ends in .csv")
    .addHelpText("after", "\nExample:\n  eprscope fret efficiency --r-nm 3,5,7 --r0-nm 5 --json\n")
    .action((o: { rNm: string; r0Nm: string; json?: boolean; out?: string }) => {
      const r0 = parseNumberOption("--r0-nm", o.r0Nm, { min: 0, exclusiveMin: true });
      const rs = parseNumberList("--r-nm", o.rNm);
      emit(
        rs.map((r) => ({ r_nm: r, efficiency: fretEfficiency(r, r0) })),
        o,
      );
    });
  fret
    .command("distance")
    .description("r = R0·(1/E − 1)^(1/6) for measured efficiencies")
    .requiredOption("--efficiency <list>", "FRET efficiencies in (0, 1]")
    .requiredOption("--r0-nm <n>", "Förster distance R0 (nm)")
    .option("--json", "print one JSON document")
    .option("--out <file>", "write JSON, or CSV when the name ends in .csv")
    .addHelpText("after", "\nExample:\n  eprscope fret distance --efficiency 0.5,0.2 --r0-nm 5.4 --json\n")
    .action((o: { efficiency: string; r0Nm: string; json?: boolean; out?: string }) => {
      const r0 = parseNumberOption("--r0-nm", o.r0Nm, { min: 0, exclusiveMin: true });
      emit(
        parseNumberList("--efficiency", o.efficiency).map((e) => ({
          efficiency: e,
          r_nm: fretDistance(e, r0),
        })),
        o,
      );
    });
  fret
    .command("ratio")
    .description("FRET ratio A/(D + A) per row (carrier integrity); optional E from donor quenching")
    .argument(
      "<intensities.csv>",
      "one row per ROI/time; numeric donor and acceptor columns (optional id column)",
    )
    .requiredOption("--donor <col>", "donor-channel column (donor excitation)")
    .requiredOption("--acceptor <col>", "acceptor-channel column (donor excitation)")
    .option("--donor-alone <col>", "donor intensity without acceptor → E = 1 − F_DA/F_D")
    .option("--json", "print one JSON document")
    .option("--out <file>", "write JSON, or CSV when the name ends in .csv")
    .addHelpText("after", "\nExample:\n  eprscope fret ratio rois.csv --donor cy5 --acceptor cy7 --json\n")
    .action(
      (
        file: string,
        o: { donor: string; acceptor: string; donorAlone?: string; json?: boolean; out?: string },
      ) => {
        const t = readNumericCsv(file);
        const d = numericTableColumn(t, o.donor);
        const a = numericTableColumn(t, o.acceptor);
        const d0 = o.donorAlone ? numericTableColumn(t, o.donorAlone) : null;
        const ids = t.columns.includes("id") ? numericTableColumn(t, "id") : null;
        const out = Array.from(d, (_, i) => ({
          ...(ids ? { id: ids[i] } : { row: i + 1 }),
          donor: d[i],
          acceptor: a[i],
          fret_ratio: fretRatio(d[i], a[i]),
          ...(d0 ? { efficiency: fretEfficiencyFromQuenching(d[i], d0[i]) } : {}),
        }));
        emit(out, o);
      },
    );
  fret
    .command("dequench")
    .description("released fraction from self-quenched dye de-quenching: (F − F0)/(Fmax − F0)")
    .argument("<fluor.csv>", "time_s + one column per curve (fluorescence)")
    .requiredOption("--fmax <n>", "fluorescence after complete release (detergent lysis)")
    .option("--f0 <n>", "fluorescence before release (default: each curve's first value)")
    .option("--json", "print one JSON document")
    .option("--out <file>", "write JSON, or CSV when the name ends in .csv")
    .addHelpText("after", "\nExample:\n  eprscope fret dequench calcein.csv --fmax 9800 --json\n")
    .action((file: string, o: { fmax: string; f0?: string; json?: boolean; out?: string }) => {
      const fmax = parseNumberOption("--fmax", o.fmax);
      const f0Opt = o.f0 !== undefined ? parseNumberOption("--f0", o.f0) : null;
      const { x: time, curves } = readCurveCsv(file, "time_s");
      const out = curves.flatMap(({ name: c, y: f }) => {
        const f0 = f0Opt ?? f[0];
        if (fmax === f0)
          throw new InputError({
            field: "--fmax",
            value: fmax,
            expected: `a value different from F0 (${f0}) of curve ${c}`,
          });
        const fr = dequenchingCurve(f, f0, fmax);
        return Array.from(time, (ts, i) => ({ curve: c, time_s: ts, fraction: fr[i] }));
      });
      emit(out, o);
    });
}
