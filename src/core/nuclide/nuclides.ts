/**
 * Radionuclide table. Half-lives from NNDC (Brookhaven, NuDat 3) as listed in
 * SCIENCE.md §2; names accepted as "In-111", "111In", "In111" (case-insensitive).
 */
import { InputError } from "../errors.js";

export interface Nuclide {
  /** canonical name, e.g. "In-111" */
  name: string;
  halfLifeS: number;
  /** source of the half-life */
  source: string;
}

const MIN = 60;
const HOUR = 3600;
const DAY = 86400;
const NNDC = "NNDC NuDat 3";

export const NUCLIDES: readonly Nuclide[] = [
  { name: "F-18", halfLifeS: 109.77 * MIN, source: NNDC },
  { name: "Ga-68", halfLifeS: 67.71 * MIN, source: NNDC },
  { name: "Cu-64", halfLifeS: 12.701 * HOUR, source: NNDC },
  { name: "Tc-99m", halfLifeS: 6.0067 * HOUR, source: NNDC },
  { name: "In-111", halfLifeS: 2.8047 * DAY, source: NNDC },
  { name: "Zr-89", halfLifeS: 78.41 * HOUR, source: NNDC },
  { name: "I-124", halfLifeS: 4.176 * DAY, source: NNDC },
  { name: "I-125", halfLifeS: 59.49 * DAY, source: NNDC },
  { name: "I-131", halfLifeS: 8.0252 * DAY, source: NNDC },
  { name: "Lu-177", halfLifeS: 6.647 * DAY, source: NNDC },
];

function normalise(name: string): string {
  const s = name.trim().replace(/\s+/g, "");
  // "111In" / "99mTc" → "In-111" / "Tc-99m"
  const massFirst = /^(\d+m?)-?([A-Za-z]{1,2})$/.exec(s);
  if (massFirst) return `${massFirst[2]}-${massFirst[1]}`.toLowerCase();
  const symbolFirst = /^([A-Za-z]{1,2})-?(\d+m?)$/.exec(s);
  if (symbolFirst) return `${symbolFirst[1]}-${symbolFirst[2]}`.toLowerCase();
  return s.toLowerCase();
}

export function findNuclide(name: string): Nuclide | undefined {
  const key = normalise(name);
  return NUCLIDES.find((n) => n.name.toLowerCase() === key);
}

export function getNuclide(name: string, field = "nuclide"): Nuclide {
  const n = findNuclide(name);
  if (!n)
    throw new InputError({
      field,
      value: name,
      expected: `a known nuclide (${NUCLIDES.map((x) => x.name).join(", ")})`,
    });
  return n;
}

export function halfLifeS(name: string): number {
  return getNuclide(name).halfLifeS;
}

export function halfLifeH(name: string): number {
  return getNuclide(name).halfLifeS / HOUR;
}
