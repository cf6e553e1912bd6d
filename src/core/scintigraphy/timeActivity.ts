/**
 * Time–activity curves from serial planar scans (%ID decay-corrected to injection, per ROI):
 *  - physical decay put back: %ID_phys(t) = %ID(t)·exp(−ln2·t/T½) (what residence times integrate);
 *  - blood-pool persistence (heart ROI): P(t) = %ID_heart(t) / %ID_heart(t_first) · 100 (%);
 *  - effective half-life from the log-linear least-squares slope of %ID_phys over the points,
 *    T_eff = ln2/λ_eff, and biological half-life 1/T_bio = 1/T_eff − 1/T_phys (null when the
 *    curve is not decreasing faster than physical decay);
 *  - lesion-to-background ratio from counts per pixel: the geometric mean of the anterior and
 *    posterior per-pixel densities of the lesion over that of the background ROI.
 */
import { InputError } from "../errors.js";
import { decayFactor } from "../nuclide/decay.js";
import { getNuclide } from "../nuclide/nuclides.js";

export interface TacPoint {
  timeH: number;
  pctID: number;
}

export function withPhysicalDecay(points: TacPoint[], nuclide: string): TacPoint[] {
  return points.map((p) => ({ timeH: p.timeH, pctID: p.pctID * decayFactor(nuclide, p.timeH * 3600) }));
}

export function bloodPoolPersistencePct(heart: TacPoint[]): { timeH: number; persistencePct: number }[] {
  if (heart.length === 0 || !(heart[0].pctID > 0))
    throw new InputError({ field: "heart ROI", value: heart[0]?.pctID, expected: "a first heart %ID > 0" });
  return heart.map((p) => ({ timeH: p.timeH, persistencePct: (100 * p.pctID) / heart[0].pctID }));
}

export interface HalfLives {
  effective_half_life_h: number | null;
  biological_half_life_h: number | null;
  physical_half_life_h: number;
  status: string;
}

/** half-lives from a TAC whose %ID is decay-corrected to injection */
export function halfLives(points: TacPoint[], nuclide: string): HalfLives {
  const tPhys = getNuclide(nuclide).halfLifeS / 3600;
  const pts = withPhysicalDecay(points, nuclide).filter((p) => p.pctID > 0);
  if (pts.length < 2)
    return {
      effective_half_life_h: null,
      biological_half_life_h: null,
      physical_half_life_h: tPhys,
      status: "fewer than 2 positive points",
    };
  const n = pts.length;
  const mt = pts.reduce((s, p) => s + p.timeH, 0) / n;
  const my = pts.reduce((s, p) => s + Math.log(p.pctID), 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const p of pts) {
    sxy += (p.timeH - mt) * (Math.log(p.pctID) - my);
    sxx += (p.timeH - mt) ** 2;
  }
  const lam = -sxy / sxx;
  if (!(lam > 0))
    return {
      effective_half_life_h: null,
      biological_half_life_h: null,
      physical_half_life_h: tPhys,
      status: "activity not decreasing (uptake phase)",
    };
  const tEff = Math.LN2 / lam;
  const invBio = 1 / tEff - 1 / tPhys;
  return {
    effective_half_life_h: tEff,
    biological_half_life_h: invBio > 0 ? 1 / invBio : null,
    physical_half_life_h: tPhys,
    status: invBio > 0 ? "ok" : "no biological clearance (retained; T_eff ≥ T_phys)",
  };
}

export interface DensityInput {
  anteriorCounts: number;
  posteriorCounts: number;
  pixels: number;
}

export function lesionToBackgroundRatio(lesion: DensityInput, background: DensityInput): number | null {
  if (!(lesion.pixels > 0) || !(background.pixels > 0))
    throw new InputError({ field: "pixels", expected: "lesion and background areas > 0 pixels" });
  const d = (x: DensityInput) =>
    Math.sqrt(Math.max(0, x.anteriorCounts) * Math.max(0, x.posteriorCounts)) / x.pixels;
  const b = d(background);
  return b > 0 ? d(lesion) / b : null;
}
