/**
 * Mass balance of a carrier-loaded drug at every time point: released + encapsulated = total.
 * From a released fraction f and a total amount A: released = f·A, encapsulated = (1 − f)·A.
 * When both pools are measured independently (e.g. released by R1, encapsulated by a carrier
 * label), the closure residual (released + encapsulated − total) and its relative size are
 * reported, with status "closed" when |residual| ≤ tolerance·total (default 5 %), "open"
 * otherwise, "invalid" for non-finite inputs.
 */
import { InputError } from "../errors.js";

export interface MassBalancePoint {
  released: number;
  encapsulated: number;
  total: number;
  residual: number;
  relativeResidual: number;
  status: "closed" | "open" | "invalid";
}

/** split a total amount by a released fraction (f clamped to nothing: f outside [0, 1] is kept and flagged) */
export function partitionByFraction(fraction: number, total: number): MassBalancePoint {
  if (!Number.isFinite(fraction) || !Number.isFinite(total))
    return {
      released: Number.NaN,
      encapsulated: Number.NaN,
      total,
      residual: Number.NaN,
      relativeResidual: Number.NaN,
      status: "invalid",
    };
  const released = fraction * total;
  const encapsulated = total - released;
  const ok = fraction >= -1e-12 && fraction <= 1 + 1e-12;
  return {
    released,
    encapsulated,
    total,
    residual: released + encapsulated - total,
    relativeResidual: 0,
    status: ok ? "closed" : "open",
  };
}

/** closure of independently measured released and encapsulated amounts against the total */
export function checkMassBalance(
  released: number,
  encapsulated: number,
  total: number,
  tolerance = 0.05,
): MassBalancePoint {
  if (!(total > 0)) throw new InputError({ field: "total", value: total, expected: "a total amount > 0" });
  if (!Number.isFinite(released) || !Number.isFinite(encapsulated))
    return {
      released,
      encapsulated,
      total,
      residual: Number.NaN,
      relativeResidual: Number.NaN,
      status: "invalid",
    };
  const residual = released + encapsulated - total;
  const rel = residual / total;
  return {
    released,
    encapsulated,
    total,
    residual,
    relativeResidual: rel,
    status: Math.abs(rel) <= tolerance ? "closed" : "open",
  };
}

export function massBalanceSeries(fraction: ArrayLike<number>, total: number): MassBalancePoint[] {
  return Array.from(fraction, (f) => partitionByFraction(f, total));
}
