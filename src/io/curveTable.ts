/**
 * A table of curves: one axis column (`time_s`, `te_ms`, `b_s_per_mm2`, `wavelength_nm`, …) then
 * one column per curve, read with the fast numeric CSV reader (an empty cell is refused with its row
 * and column: a fit never runs on a silently shortened curve; `ceus fit` reads gaps on purpose).
 * The one reader behind every `<command> fit <curves.csv>` style input.
 */
import { InputError } from "../core/errors.js";
import { numericTableColumn, readNumericCsv } from "./numericCsv.js";

export interface CurveTable {
  file: string;
  x: Float64Array;
  curves: { name: string; y: Float64Array }[];
}

/** `expected` names what the curve columns hold, e.g. "one temperature column (°C) per curve" */
export function readCurveCsv(file: string, axis: string, expected = "one column per curve"): CurveTable {
  const t = readNumericCsv(file);
  if (!t.columns.includes(axis))
    throw new InputError({
      file,
      field: "columns",
      value: t.columns,
      expected: `a "${axis}" column, then ${expected}`,
    });
  const names = t.columns.filter((c) => c !== axis);
  if (names.length === 0)
    throw new InputError({ file, field: "columns", value: t.columns, expected: `${axis} and ${expected}` });
  return {
    file,
    x: numericTableColumn(t, axis),
    curves: names.map((name) => ({ name, y: numericTableColumn(t, name) })),
  };
}
