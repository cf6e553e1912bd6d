/** Parsing of command-line option values into typed values with exit-2 errors. */
import { InputError } from "../core/errors.js";

export function parseNumberOption(
  name: string,
  raw: string | number | undefined,
  opts: { min?: number; max?: number; integer?: boolean; exclusiveMin?: boolean } = {},
): number {
  const v = typeof raw === "number" ? raw : Number(raw);
  const bounds =
    (opts.min !== undefined ? ` ${opts.exclusiveMin ? ">" : "≥"} ${opts.min}` : "") +
    (opts.max !== undefined ? ` ≤ ${opts.max}` : "");
  const expected = `${opts.integer ? "an integer" : "a number"}${bounds}`;
  if (raw === undefined || raw === "" || !Number.isFinite(v))
    throw new InputError({ field: name, value: raw, expected });
  if (opts.integer && !Number.isInteger(v)) throw new InputError({ field: name, value: raw, expected });
  if (opts.min !== undefined && (opts.exclusiveMin ? v <= opts.min : v < opts.min))
    throw new InputError({ field: name, value: raw, expected });
  if (opts.max !== undefined && v > opts.max) throw new InputError({ field: name, value: raw, expected });
  return v;
}

export function parseNumberList(name: string, raw: string): number[] {
  const parts = raw.split(",").map((s) => s.trim());
  return parts.map((p, i) => {
    const v = Number(p);
    if (p === "" || !Number.isFinite(v)) {
      throw new InputError({
        field: `${name}[${i}]`,
        value: p,
        expected: "a comma-separated list of numbers",
      });
    }
    return v;
  });
}

export function parseChoice<T extends string>(name: string, raw: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(raw)) {
    throw new InputError({ field: name, value: raw, expected: `one of ${choices.join(", ")}` });
  }
  return raw as T;
}

/** --tinf-h for routes: required (and positive) for iv-infusion, optional otherwise. */
export function parseInfusionDuration(route: string, raw: string | undefined): number | undefined {
  const tinf =
    raw !== undefined ? parseNumberOption("--tinf-h", raw, { min: 0, exclusiveMin: true }) : undefined;
  if (route === "iv-infusion" && tinf === undefined) {
    throw new InputError({ field: "--tinf-h", expected: "an infusion duration for --route iv-infusion" });
  }
  return tinf;
}

export const DCE_MODELS = ["tofts", "etofts", "patlak", "2cxm", "2cum"] as const;
