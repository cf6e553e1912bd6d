/**
 * Plasma arterial input function from a CSV table: `time_s` + `cp_mM` (plasma, used as is) or
 * `cb_mM` (blood, converted Cp = Cb/(1 − Hct), core/perfusion/aif.ts). One reader for the CLI,
 * the engine and the server.
 */
import { InputError } from "../core/errors.js";
import { bloodToPlasma } from "../core/perfusion/aif.js";
import { hasColumn, numericColumn, readCsv } from "./csv.js";

export interface PlasmaAif {
  timeS: Float64Array;
  /** plasma concentration (mM) */
  cp: Float64Array;
  /** which column was read */
  column: "cp_mM" | "cb_mM";
}

/** hct: hematocrit in [0, 0.99], used only for a blood (cb_mM) table */
export function readPlasmaAif(path: string, hct: number): PlasmaAif {
  const table = readCsv(path);
  const timeS = numericColumn(table, "time_s");
  if (hasColumn(table, "cp_mM")) return { timeS, cp: numericColumn(table, "cp_mM"), column: "cp_mM" };
  if (hasColumn(table, "cb_mM")) {
    if (!(hct >= 0 && hct <= 0.99))
      throw new InputError({
        file: path,
        field: "hematocrit",
        value: hct,
        expected: "a fraction in [0, 0.99]",
      });
    return { timeS, cp: bloodToPlasma(numericColumn(table, "cb_mM"), hct), column: "cb_mM" };
  }
  throw new InputError({
    file: path,
    field: "columns",
    value: table.columns,
    expected: "time_s and cp_mM (plasma) or cb_mM (blood)",
  });
}
