/**
 * Units: the one place where eprscope converts between units (DESIGN.md "Units in names").
 *
 * Every unit belongs to one dimension and has a factor to that dimension's base unit:
 *   time → s, mass → g, volume → mL, activity → MBq, amount concentration → mM,
 *   mass concentration → mg/L, length → mm, amount → mol, counts → counts, rate → 1/s,
 *   fraction → 1 (dimensionless).
 * Base units are field-standard rather than strict SI (activity in MBq, volume in mL,
 * concentration in mM) so that stored values read naturally; conversion is exact
 * multiplication by the factors below (1 Ci = 3.7e10 Bq by definition).
 */
import { InputError } from "../errors.js";

export type Dimension =
  | "time"
  | "mass"
  | "volume"
  | "activity"
  | "concentration"
  | "massConcentration"
  | "length"
  | "amount"
  | "counts"
  | "rate"
  | "fraction";

interface UnitDef {
  dimension: Dimension;
  /** value in base unit = value × factor */
  factor: number;
}

const CI_MBQ = 3.7e4; // 1 Ci = 3.7e10 Bq = 3.7e4 MBq

const UNITS: Record<string, UnitDef> = {
  // time (base s)
  s: { dimension: "time", factor: 1 },
  ms: { dimension: "time", factor: 1e-3 },
  min: { dimension: "time", factor: 60 },
  h: { dimension: "time", factor: 3600 },
  d: { dimension: "time", factor: 86400 },
  // mass (base g)
  kg: { dimension: "mass", factor: 1e3 },
  g: { dimension: "mass", factor: 1 },
  mg: { dimension: "mass", factor: 1e-3 },
  ug: { dimension: "mass", factor: 1e-6 },
  ng: { dimension: "mass", factor: 1e-9 },
  // volume (base mL)
  L: { dimension: "volume", factor: 1e3 },
  mL: { dimension: "volume", factor: 1 },
  uL: { dimension: "volume", factor: 1e-3 },
  cc: { dimension: "volume", factor: 1 },
  cm3: { dimension: "volume", factor: 1 },
  mm3: { dimension: "volume", factor: 1e-3 },
  // activity (base MBq)
  Bq: { dimension: "activity", factor: 1e-6 },
  kBq: { dimension: "activity", factor: 1e-3 },
  MBq: { dimension: "activity", factor: 1 },
  GBq: { dimension: "activity", factor: 1e3 },
  Ci: { dimension: "activity", factor: CI_MBQ },
  mCi: { dimension: "activity", factor: CI_MBQ * 1e-3 },
  uCi: { dimension: "activity", factor: CI_MBQ * 1e-6 },
  // amount concentration (base mM)
  M: { dimension: "concentration", factor: 1e3 },
  mM: { dimension: "concentration", factor: 1 },
  uM: { dimension: "concentration", factor: 1e-3 },
  nM: { dimension: "concentration", factor: 1e-6 },
  // mass concentration (base mg/L)
  "g/L": { dimension: "massConcentration", factor: 1e3 },
  "mg/mL": { dimension: "massConcentration", factor: 1e3 },
  "mg/L": { dimension: "massConcentration", factor: 1 },
  "ug/mL": { dimension: "massConcentration", factor: 1 },
  "ng/mL": { dimension: "massConcentration", factor: 1e-3 },
  "ug/L": { dimension: "massConcentration", factor: 1e-3 },
  // length (base mm)
  m: { dimension: "length", factor: 1e3 },
  cm: { dimension: "length", factor: 10 },
  mm: { dimension: "length", factor: 1 },
  um: { dimension: "length", factor: 1e-3 },
  nm: { dimension: "length", factor: 1e-6 },
  // amount (base mol)
  mol: { dimension: "amount", factor: 1 },
  mmol: { dimension: "amount", factor: 1e-3 },
  umol: { dimension: "amount", factor: 1e-6 },
  nmol: { dimension: "amount", factor: 1e-9 },
  // counts
  counts: { dimension: "counts", factor: 1 },
  cpm: { dimension: "rate", factor: 1 / 60 },
  cps: { dimension: "rate", factor: 1 },
  // rates (base 1/s)
  "1/s": { dimension: "rate", factor: 1 },
  "1/min": { dimension: "rate", factor: 1 / 60 },
  "1/h": { dimension: "rate", factor: 1 / 3600 },
  // dimensionless
  "1": { dimension: "fraction", factor: 1 },
  "%": { dimension: "fraction", factor: 0.01 },
};

/** Alternative spellings accepted on input, mapped to the canonical symbol. */
const ALIASES: Record<string, string> = {
  sec: "s",
  second: "s",
  seconds: "s",
  mins: "min",
  minute: "min",
  minutes: "min",
  hr: "h",
  hrs: "h",
  hour: "h",
  hours: "h",
  day: "d",
  days: "d",
  µg: "ug",
  mcg: "ug",
  µL: "uL",
  ul: "uL",
  ml: "mL",
  l: "L",
  µM: "uM",
  "µg/mL": "ug/mL",
  "mcg/mL": "ug/mL",
  µm: "um",
  µmol: "umol",
  µCi: "uCi",
  mbq: "MBq",
  kbq: "kBq",
  bq: "Bq",
  gbq: "GBq",
  mci: "mCi",
  uci: "uCi",
  "/s": "1/s",
  "/min": "1/min",
  "/h": "1/h",
  "s-1": "1/s",
  "min-1": "1/min",
  "h-1": "1/h",
  "cm^3": "cm3",
  "mm^3": "mm3",
  percent: "%",
};

export function canonicalUnit(unit: string): string | undefined {
  const u = unit.trim();
  if (u in UNITS) return u;
  if (u in ALIASES) return ALIASES[u];
  return undefined;
}

export function unitDimension(unit: string): Dimension | undefined {
  const c = canonicalUnit(unit);
  return c === undefined ? undefined : UNITS[c].dimension;
}

/** Units known for a dimension (canonical symbols), e.g. for error messages. */
export function unitsOf(dimension: Dimension): string[] {
  return Object.entries(UNITS)
    .filter(([, d]) => d.dimension === dimension)
    .map(([k]) => k);
}

/** Convert `value` from unit `from` to unit `to`; throws InputError for unknown or incompatible units. */
export function convert(value: number, from: string, to: string): number {
  const f = canonicalUnit(from);
  const t = canonicalUnit(to);
  if (f === undefined) throw new InputError({ field: "unit", value: from, expected: "a known unit" });
  if (t === undefined) throw new InputError({ field: "unit", value: to, expected: "a known unit" });
  const df = UNITS[f];
  const dt = UNITS[t];
  if (df.dimension !== dt.dimension) {
    throw new InputError({
      field: "unit",
      value: from,
      expected: `a unit of ${dt.dimension} convertible to ${t} (${unitsOf(dt.dimension).join(", ")})`,
    });
  }
  if (f === t) return value;
  return (value * df.factor) / dt.factor;
}

export interface Quantity {
  value: number;
  unit: string;
}

/**
 * Parse "12.5 MBq", "20 g", "0.1mM" into { value, unit } (unit canonicalised).
 * With `dimension`, the unit must belong to it.
 */
export function parseQuantity(text: string, dimension?: Dimension, field = "quantity"): Quantity {
  const m = /^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*$/.exec(text);
  if (!m)
    throw new InputError({ field, value: text, expected: "a number followed by a unit, e.g. '12.5 MBq'" });
  const value = Number(m[1]);
  if (!Number.isFinite(value))
    throw new InputError({ field, value: text, expected: "a finite number followed by a unit" });
  const unit = canonicalUnit(m[2] === "" ? "1" : m[2]);
  if (unit === undefined) {
    throw new InputError({
      field,
      value: text,
      expected: dimension ? `a unit of ${dimension} (${unitsOf(dimension).join(", ")})` : "a known unit",
    });
  }
  if (dimension && UNITS[unit].dimension !== dimension) {
    throw new InputError({
      field,
      value: text,
      expected: `a unit of ${dimension} (${unitsOf(dimension).join(", ")})`,
    });
  }
  return { value, unit };
}

/** Convert a quantity to the given unit. */
export function quantityIn(q: Quantity, unit: string): number {
  return convert(q.value, q.unit, unit);
}
