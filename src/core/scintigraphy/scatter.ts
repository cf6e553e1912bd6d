/**
 * Energy-window scatter correction of photopeak counts.
 *
 * Triple energy window (TEW; Ogawa K, Harata Y, Ichihara T, Kubo A, Hashimoto S. "A practical
 * method for position-dependent Compton-scatter correction in single photon emission CT".
 * IEEE Trans Med Imaging 1991;10:408–412): the scatter spectrum under the photopeak window is
 * approximated by a trapezoid whose sides are the count densities of two narrow windows just
 * below and above the photopeak window,
 *
 *   C_scatter = (C_lower/W_lower + C_upper/W_upper) · W_main / 2,   C_primary = C_main − C_scatter,
 *
 * with W the window widths (keV). Without an upper window (single-photopeak nuclides with
 * negligible down-scatter from higher emissions) C_upper = 0 gives Ogawa's triangle.
 * Dual energy window (DEW; Jaszczak RJ et al. J Nucl Med 1984;25:893–900):
 * C_scatter = k · C_lower, k ≈ 0.5 for Tc-99m (calibrated per system).
 * The primary estimate is not clipped; a negative value is reported by the caller.
 */
import { InputError } from "../errors.js";

export interface TewInput {
  mainCounts: number;
  lowerCounts: number;
  /** 0 when there is no upper window */
  upperCounts?: number;
  mainWidthKeV: number;
  lowerWidthKeV: number;
  upperWidthKeV?: number;
}

function widthOk(name: string, w: number | undefined): number {
  if (!(w !== undefined && w > 0))
    throw new InputError({ field: name, value: w, expected: "an energy window width > 0 keV" });
  return w;
}

export function tewScatterCounts(t: TewInput): number {
  const wm = widthOk("main window width", t.mainWidthKeV);
  const wl = widthOk("lower window width", t.lowerWidthKeV);
  for (const [k, v] of [
    ["photopeak counts", t.mainCounts],
    ["lower window counts", t.lowerCounts],
    ["upper window counts", t.upperCounts ?? 0],
  ] as const)
    if (!(v >= 0)) throw new InputError({ field: k, value: v, expected: "counts ≥ 0" });
  const upper = t.upperCounts ?? 0;
  const upperDensity = upper > 0 ? upper / widthOk("upper window width", t.upperWidthKeV) : 0;
  return ((t.lowerCounts / wl + upperDensity) * wm) / 2;
}

export function tewPrimaryCounts(t: TewInput): number {
  return t.mainCounts - tewScatterCounts(t);
}

export function dewPrimaryCounts(mainCounts: number, lowerCounts: number, k = 0.5): number {
  if (!(k >= 0)) throw new InputError({ field: "DEW k", value: k, expected: "k ≥ 0" });
  return mainCounts - k * lowerCounts;
}

export interface EnergyWindow {
  name: string;
  lowerKeV: number;
  upperKeV: number;
}

export const windowWidthKeV = (w: EnergyWindow): number => w.upperKeV - w.lowerKeV;

/**
 * Identify photopeak, lower and upper scatter windows among a set of windows for a photopeak
 * energy: the photopeak window contains the energy; the lower (upper) window is the one whose
 * upper (lower) limit is closest below (above) the photopeak window.
 */
export function classifyWindows(
  windows: EnergyWindow[],
  peakKeV: number,
): { main?: EnergyWindow; lower?: EnergyWindow; upper?: EnergyWindow } {
  const main = windows.find((w) => w.lowerKeV <= peakKeV && w.upperKeV >= peakKeV);
  if (!main) return {};
  const below = windows
    .filter((w) => w !== main && w.upperKeV <= main.lowerKeV + 1e-6 && main.lowerKeV - w.upperKeV < 5)
    .sort((a, b) => b.upperKeV - a.upperKeV);
  const above = windows
    .filter((w) => w !== main && w.lowerKeV >= main.upperKeV - 1e-6 && w.lowerKeV - main.upperKeV < 5)
    .sort((a, b) => a.lowerKeV - b.lowerKeV);
  return { main, lower: below[0], upper: above[0] };
}
