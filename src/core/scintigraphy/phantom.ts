/**
 * Synthetic whole-body planar phantom (anterior and posterior views, photopeak and TEW scatter
 * windows) with known organ activities, for validating the conjugate-view chain.
 *
 * Geometry: a body slab of uniform thickness L (cm) over a box of columns; organs are uniform
 * slabs of thickness t centred at depth d from the anterior surface, filling a rectangular
 * pixel region (their ROI). No collimator blur, septal penetration or distance dependence:
 * the camera is an ideal parallel projector with sensitivity C (counts/s per MBq in air).
 * Expected primary counts per organ pixel (anterior), uniform activity A over N pixels:
 *   n_A = C·A·Δt·e^(−μd)·sinh(μt/2)/(μt/2) / N,   posterior: d → L − d, image mirrored in x.
 * Body background: concentration b (MBq/cm³) filling the slab outside the organs; per pixel of
 * area a, anterior n = C·b·a·Δt·∫ e^(−μz) dz over the background depths (closed form).
 * Scatter: a fraction s of the primary counts adds scatter S = s·primary in the photopeak
 * window; the scatter windows receive counts whose TEW estimate equals S in expectation:
 * lower density d_l = 2S/(W_m(1 + ρ)), upper density ρ·d_l (ρ = upperRatio; 0 = triangle).
 * Counts are Poisson deviates of these expectations (or the expectations themselves).
 * A calibration standard of known activity can be placed in air outside the body.
 */
import { InputError } from "../errors.js";
import type { Rng } from "../random.js";

export interface PhantomOrgan {
  name: string;
  kind?: string;
  activityMBq: number;
  x: number;
  y: number;
  width: number;
  height: number;
  depthCm: number;
  thicknessCm: number;
}

export interface PlanarPhantomSpec {
  rows: number;
  cols: number;
  pixelMm: number;
  /** body occupies columns [bodyX, bodyX + bodyWidth) of the anterior image, all rows */
  bodyX: number;
  bodyWidth: number;
  bodyThicknessCm: number;
  muPerCm: number;
  calibrationCpsPerMBq: number;
  durationS: number;
  organs: PhantomOrgan[];
  backgroundMBqPerMl?: number;
  scatterFraction?: number;
  windows?: { mainKeV: number; lowerKeV: number; upperKeV: number; upperRatio?: number };
  standard?: { activityMBq: number; x: number; y: number; width: number; height: number };
  /** Poisson noise (default true when an Rng is given) */
  poisson?: boolean;
}

export interface PlanarView {
  photopeak: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
}

export interface PlanarPhantom {
  rows: number;
  cols: number;
  anterior: PlanarView;
  posterior: PlanarView;
  /** expected (noise-free) primary counts per organ and view */
  truth: { name: string; activityMBq: number; primaryAnterior: number; primaryPosterior: number }[];
}

const shape = (x: number) => (x < 1e-9 ? 1 : Math.sinh(x) / x);

function slabIntegral(mu: number, z0: number, z1: number): number {
  if (z1 <= z0) return 0;
  return mu > 0 ? (Math.exp(-mu * z0) - Math.exp(-mu * z1)) / mu : z1 - z0;
}

export function planarPhantom(spec: PlanarPhantomSpec, rng?: Rng): PlanarPhantom {
  const { rows, cols, muPerCm: mu, bodyThicknessCm: L } = spec;
  const n = rows * cols;
  const C = spec.calibrationCpsPerMBq * spec.durationS;
  const primA = new Float64Array(n);
  const primP = new Float64Array(n);
  const organAt = new Int32Array(n).fill(-1);
  const truth: PlanarPhantom["truth"] = [];
  spec.organs.forEach((o, k) => {
    if (!(o.thicknessCm >= 0 && o.depthCm - o.thicknessCm / 2 >= 0 && o.depthCm + o.thicknessCm / 2 <= L))
      throw new InputError({
        field: `organ ${o.name}`,
        value: o,
        expected: "an organ slab inside the body thickness",
      });
    const npx = o.width * o.height;
    const x = (mu * o.thicknessCm) / 2;
    const perA = (C * o.activityMBq * Math.exp(-mu * o.depthCm) * shape(x)) / npx;
    const perP = (C * o.activityMBq * Math.exp(-mu * (L - o.depthCm)) * shape(x)) / npx;
    for (let y = o.y; y < o.y + o.height; y++)
      for (let xx = o.x; xx < o.x + o.width; xx++) {
        const i = y * cols + xx;
        if (organAt[i] >= 0)
          throw new InputError({ field: `organ ${o.name}`, expected: "organs that do not overlap" });
        organAt[i] = k;
        primA[i] += perA;
        primP[y * cols + (cols - 1 - xx)] += perP;
      }
    truth.push({
      name: o.name,
      activityMBq: o.activityMBq,
      primaryAnterior: perA * npx,
      primaryPosterior: perP * npx,
    });
  });
  const b = spec.backgroundMBqPerMl ?? 0;
  if (b > 0) {
    const area = (spec.pixelMm / 10) ** 2;
    for (let y = 0; y < rows; y++)
      for (let xx = spec.bodyX; xx < spec.bodyX + spec.bodyWidth; xx++) {
        const i = y * cols + xx;
        const k = organAt[i];
        const o = k >= 0 ? spec.organs[k] : undefined;
        const z0 = o ? o.depthCm - o.thicknessCm / 2 : L;
        const z1 = o ? o.depthCm + o.thicknessCm / 2 : L;
        const ant = slabIntegral(mu, 0, z0) + slabIntegral(mu, z1, L);
        const post = slabIntegral(mu, 0, L - z1) + slabIntegral(mu, L - z0, L);
        primA[i] += C * b * area * ant;
        primP[y * cols + (cols - 1 - xx)] += C * b * area * post;
      }
  }
  if (spec.standard) {
    const s = spec.standard;
    const per = (C * s.activityMBq) / (s.width * s.height);
    for (let y = s.y; y < s.y + s.height; y++)
      for (let xx = s.x; xx < s.x + s.width; xx++) {
        primA[y * cols + xx] += per;
        primP[y * cols + (cols - 1 - xx)] += per;
      }
  }
  const sf = spec.scatterFraction ?? 0;
  const w = spec.windows;
  const noisy = spec.poisson ?? rng !== undefined;
  const draw = (m: number) => (noisy && rng ? rng.poisson(m) : m);
  const view = (prim: Float64Array): PlanarView => {
    const photopeak = new Float64Array(n);
    const lower = new Float64Array(n);
    const upper = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const S = sf * prim[i];
      photopeak[i] = draw(prim[i] + S);
      if (w && S > 0) {
        const rho = w.upperRatio ?? 0;
        const dl = (2 * S) / (w.mainKeV * (1 + rho));
        lower[i] = draw(dl * w.lowerKeV);
        upper[i] = draw(rho * dl * w.upperKeV);
      }
    }
    return { photopeak, lower, upper };
  };
  return { rows, cols, anterior: view(primA), posterior: view(primP), truth };
}
