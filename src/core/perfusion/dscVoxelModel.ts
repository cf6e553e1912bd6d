/**
 * Voxel model "dsc": DSC-MRI perfusion maps (SCIENCE.md §4) for the voxelwise engine. A curve is
 * one voxel's signal per frame (ΔR2*(t) = −ln(S/S0)/TE, S0 the mean of the first
 * `baselineFrames` frames, as deltaR2Star in dsc.ts) or, with input "deltaR2star", its ΔR2*
 * (or concentration) curve. The AIF (ΔR2* or concentration of the arterial curve, same frames)
 * is given once. Per voxel:
 *   CBV = 100·∫C_tis/∫C_aif (mL/100 mL, trapezoid; dscCbv),
 *   F·R(t) by truncated SVD (method "svd", Østergaard 1996; deconvolveSvd) or block-circulant
 *   oscillation-index SVD (method "osvd", Wu 2003; OsvdDeconvolver),
 *   CBF = 100·60·max F·R (mL/100 mL/min), MTT = 60·CBV/CBF (s, central volume theorem),
 *   Tmax = time of the residue maximum (s; oSVD: signed, ≈ tissue delay).
 * With `leakage`, each ΔR2* curve is first corrected by Boxerman–Weisskoff (dscLeakage.ts):
 *   ΔR2*(t) = K1·ref(t) − K2·∫₀ᵗref, ΔR2*_corr = ΔR2* + K2·∫₀ᵗref,
 * `leakageReference` the ΔR2* curve of non-enhancing tissue; K1, K2 by least squares whose 2 × N
 * pseudo-inverse is built once per option set (normal equations of the two-column design), so a
 * voxel costs two dot products. K2_per_s is reported.
 * The SVD of the convolution matrix is computed once per option set and thread (ml-matrix, the
 * same decomposition and the same summation order as deconvolveSvd / OsvdDeconvolver, so a map
 * voxel equals the single-curve functions exactly); fitChunk writes into typed arrays only.
 * `rss` = Σ (C_tis − Δt·(C_aif ⊛ F·R))² over the N frames (the deconvolution residual).
 * Status: 2 (invalid) for non-finite samples, signal ≤ 0 or a non-positive CBF; 1 (not converged)
 * when oSVD cannot reach the oscillation-index target. Those voxels get NaN parameters.
 */
import { Matrix, SingularValueDecomposition } from "ml-matrix";
import { InputError } from "../errors.js";
import { cumulativeTrapezoid, trapezoid } from "../fit/integrate.js";
import {
  type ChunkResult,
  VOXEL_INVALID,
  VOXEL_NOT_CONVERGED,
  VOXEL_OK,
  type VoxelModel,
  type VoxelParameter,
} from "../voxel/model.js";
import { OsvdDeconvolver } from "./dscOsvd.js";

export const DSC_METHODS = ["svd", "osvd"] as const;
export type DscMethod = (typeof DSC_METHODS)[number];
export const DSC_INPUTS = ["signal", "deltaR2star"] as const;
export type DscInput = (typeof DSC_INPUTS)[number];

export interface DscVoxelOptions {
  /** frame interval (s); frames are uniformly sampled */
  dtS: number;
  /** arterial ΔR2* (1/s) or concentration, one value per frame */
  aif: number[];
  /** "signal" (default): curves are signal, converted with teS and baselineFrames */
  input?: DscInput;
  teS?: number;
  baselineFrames?: number;
  method?: DscMethod;
  /** sSVD relative singular-value threshold (default 0.2, as dscCbf) */
  svdThreshold?: number;
  /** oSVD oscillation-index target (default 0.095, Wu 2003) */
  oi?: number;
  /** Boxerman–Weisskoff leakage correction against `leakageReference` (ΔR2*, one per frame) */
  leakage?: boolean;
  leakageReference?: number[];
}

export const DSC_PARAMETERS: VoxelParameter[] = [
  { key: "CBV_ml_per_100ml", unit: "mL/100 mL", description: "relative cerebral/tumour blood volume" },
  { key: "CBF_ml_per_100ml_per_min", unit: "mL/100 mL/min", description: "blood flow, 100·60·max F·R" },
  { key: "MTT_s", unit: "s", description: "mean transit time 60·CBV/CBF" },
  { key: "Tmax_s", unit: "s", description: "time of the residue-function maximum" },
];
const K2_PARAMETER: VoxelParameter = {
  key: "K2_per_s",
  unit: "1/s",
  description: "Boxerman–Weisskoff leakage constant (> 0: T1-dominant)",
};

/** everything that depends only on the options: decompositions, integrals, work buffers */
class DscSetup {
  readonly n: number;
  readonly time: Float64Array;
  readonly aif: Float64Array;
  readonly aifIntegral: number;
  /** sSVD: singular values (ml-matrix order), U and V columns (column k at k·n) */
  private sv?: Float64Array;
  private uCol?: Float64Array;
  private vCol?: Float64Array;
  private smax = 0;
  readonly osvd?: OsvdDeconvolver;
  /** leakage: ∫₀ᵗ ref and the pseudo-inverse rows for K1 and K2 */
  readonly cum?: Float64Array;
  readonly pK1?: Float64Array;
  readonly pK2?: Float64Array;
  /** work buffers: the ΔR2* curve and the residue (N for sSVD, 2N for oSVD) */
  readonly curve: Float64Array;
  readonly residue: Float64Array;

  constructor(
    readonly o: DscVoxelOptions,
    n: number,
  ) {
    this.n = n;
    const dt = o.dtS;
    this.time = Float64Array.from({ length: n }, (_, i) => i * dt);
    this.aif = Float64Array.from(o.aif);
    this.aifIntegral = trapezoid(this.time, this.aif);
    this.curve = new Float64Array(n);
    if ((o.method ?? "svd") === "osvd") {
      this.osvd = new OsvdDeconvolver(this.aif, dt);
      this.residue = new Float64Array(2 * n);
    } else {
      const a = Matrix.zeros(n, n);
      for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a.set(i, j, dt * this.aif[i - j]);
      const svd = new SingularValueDecomposition(a, { autoTranspose: true });
      const s = svd.diagonal;
      const u = svd.leftSingularVectors;
      const v = svd.rightSingularVectors;
      this.sv = Float64Array.from(s);
      this.smax = Math.max(...s);
      this.uCol = new Float64Array(s.length * n);
      this.vCol = new Float64Array(s.length * n);
      for (let k = 0; k < s.length; k++)
        for (let i = 0; i < n; i++) {
          this.uCol[k * n + i] = u.get(i, k);
          this.vCol[k * n + i] = v.get(i, k);
        }
      this.residue = new Float64Array(n);
    }
    if (o.leakage) {
      const ref = Float64Array.from(o.leakageReference ?? []);
      const cum = cumulativeTrapezoid(this.time, ref, new Float64Array(n)) as Float64Array;
      // design columns x1 = ref, x2 = −cum; β = (XᵀX)⁻¹Xᵀy
      let g11 = 0;
      let g12 = 0;
      let g22 = 0;
      for (let i = 0; i < n; i++) {
        g11 += ref[i] * ref[i];
        g12 -= ref[i] * cum[i];
        g22 += cum[i] * cum[i];
      }
      const det = g11 * g22 - g12 * g12;
      if (!(det > 1e-12 * g11 * g22))
        throw new InputError({
          field: "leakage reference",
          expected: "a reference ΔR2* curve that is not proportional to its own integral (rank-deficient)",
        });
      this.cum = cum;
      this.pK1 = new Float64Array(n);
      this.pK2 = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        this.pK1[i] = (g22 * ref[i] + g12 * cum[i]) / det;
        this.pK2[i] = (-g12 * ref[i] - g11 * cum[i]) / det;
      }
    }
  }

  /** sSVD residue of `tissue` into this.residue (the arithmetic of deconvolveSvd) */
  deconvolveSvd(tissue: Float64Array, threshold: number): void {
    const { n, residue } = this;
    const s = this.sv as Float64Array;
    const uCol = this.uCol as Float64Array;
    const vCol = this.vCol as Float64Array;
    residue.fill(0);
    for (let k = 0; k < s.length; k++) {
      if (s[k] < threshold * this.smax) continue;
      let uy = 0;
      for (let i = 0; i < n; i++) uy += uCol[k * n + i] * tissue[i];
      const c = uy / s[k];
      for (let i = 0; i < n; i++) residue[i] += c * vCol[k * n + i];
    }
  }

  /** Σ_i (tissue_i − Δt·Σ_j aif[i−j]·r_j)², circular over 2N for oSVD */
  rss(tissue: Float64Array): number {
    const { n, residue, aif } = this;
    const dt = this.o.dtS;
    const L = residue.length;
    let rss = 0;
    for (let i = 0; i < n; i++) {
      let p = 0;
      for (let j = 0; j < L; j++) {
        const k = (i - j + L) % L;
        if (k < n) p += aif[k] * residue[j];
      }
      const d = tissue[i] - dt * p;
      rss += d * d;
    }
    return rss;
  }
}

const cache = new Map<string, DscSetup>();
function setupFor(o: DscVoxelOptions, n: number): DscSetup {
  const key = JSON.stringify([
    n,
    o.dtS,
    o.aif,
    o.method ?? "svd",
    o.leakage === true ? (o.leakageReference ?? []) : null,
  ]);
  let s = cache.get(key);
  if (!s) {
    if (cache.size > 8) cache.clear();
    s = new DscSetup(o, n);
    cache.set(key, s);
  }
  return s;
}

function checkCurve(name: string, c: unknown, n: number): void {
  if (!Array.isArray(c) || c.length !== n || !c.every((x) => typeof x === "number" && Number.isFinite(x)))
    throw new InputError({
      field: name,
      value: Array.isArray(c) ? c.length : c,
      expected: `${n} finite values, one per frame`,
    });
}

export const dscVoxelModel: VoxelModel<DscVoxelOptions> = {
  name: "dsc",
  parameters: (o) => (o.leakage ? [...DSC_PARAMETERS, K2_PARAMETER] : DSC_PARAMETERS),
  describe: (o) => ({
    dtS: o.dtS,
    frames: o.aif.length,
    input: o.input ?? "signal",
    ...((o.input ?? "signal") === "signal" ? { teS: o.teS, baselineFrames: o.baselineFrames } : {}),
    method: o.method ?? "svd",
    ...((o.method ?? "svd") === "svd" ? { svdThreshold: o.svdThreshold ?? 0.2 } : { oi: o.oi ?? 0.095 }),
    leakage: o.leakage === true,
  }),
  validate(o, nSamples) {
    if (!(o.dtS > 0))
      throw new InputError({ field: "dtS", value: o.dtS, expected: "a frame interval > 0 s" });
    if (nSamples < 3)
      throw new InputError({ field: "frames", value: nSamples, expected: "at least 3 frames" });
    checkCurve("aif", o.aif, nSamples);
    const input = o.input ?? "signal";
    if (!(DSC_INPUTS as readonly string[]).includes(input))
      throw new InputError({ field: "input", value: input, expected: DSC_INPUTS.join(" | ") });
    if (input === "signal") {
      if (!(typeof o.teS === "number" && o.teS > 0))
        throw new InputError({ field: "TE", value: o.teS, expected: "an echo time > 0 s" });
      const nb = o.baselineFrames;
      if (!(typeof nb === "number" && Number.isInteger(nb) && nb >= 1 && nb < nSamples))
        throw new InputError({
          field: "baseline frames",
          value: nb,
          expected: `an integer from 1 to ${nSamples - 1}`,
        });
    }
    const method = o.method ?? "svd";
    if (!(DSC_METHODS as readonly string[]).includes(method))
      throw new InputError({ field: "method", value: method, expected: DSC_METHODS.join(" | ") });
    const thr = o.svdThreshold ?? 0.2;
    if (!(thr > 0 && thr < 1))
      throw new InputError({ field: "svdThreshold", value: thr, expected: "a relative threshold in (0, 1)" });
    const oi = o.oi ?? 0.095;
    if (!(oi > 0)) throw new InputError({ field: "oi", value: oi, expected: "an oscillation index > 0" });
    if (o.leakage) checkCurve("leakage reference", o.leakageReference, nSamples);
    const s = new DscSetup(o, nSamples); // throws on a degenerate leakage reference
    if (!(s.aifIntegral > 0))
      throw new InputError({
        field: "aif",
        value: s.aifIntegral,
        expected: "an arterial curve with ∫AIF > 0",
      });
  },
  fitChunk(curves: Float64Array, n: number, o: DscVoxelOptions, out: ChunkResult) {
    const s = setupFor(o, n);
    const { curve, residue, time } = s;
    const signal = (o.input ?? "signal") === "signal";
    const teS = o.teS as number;
    const nb = o.baselineFrames as number;
    const thr = o.svdThreshold ?? 0.2;
    const oi = o.oi ?? 0.095;
    const np = o.leakage ? 5 : 4;
    const nv = out.status.length;
    const L = residue.length;
    for (let v = 0; v < nv; v++) {
      const off = v * n;
      const po = v * np;
      let ok = true;
      for (let i = 0; i < n && ok; i++) if (!Number.isFinite(curves[off + i])) ok = false;
      if (ok && signal) {
        // deltaR2Star of dsc.ts: S0 = mean of the baseline frames, ΔR2* = −ln(S/S0)/TE
        let s0 = 0;
        for (let i = 0; i < nb; i++) s0 += curves[off + i];
        s0 /= nb;
        if (!(s0 > 0)) ok = false;
        for (let i = 0; i < n && ok; i++) {
          const x = curves[off + i];
          if (!(x > 0)) ok = false;
          else curve[i] = -Math.log(x / s0) / teS;
        }
      } else if (ok) for (let i = 0; i < n; i++) curve[i] = curves[off + i];
      let k2 = Number.NaN;
      if (ok && s.cum) {
        const p1 = s.pK1 as Float64Array;
        const p2 = s.pK2 as Float64Array;
        let k1 = 0;
        k2 = 0;
        for (let i = 0; i < n; i++) {
          k1 += p1[i] * curve[i];
          k2 += p2[i] * curve[i];
        }
        if (!(Number.isFinite(k1) && Number.isFinite(k2))) ok = false;
        else for (let i = 0; i < n; i++) curve[i] += k2 * s.cum[i];
      }
      let status = ok ? VOXEL_OK : VOXEL_INVALID;
      let cbf = Number.NaN;
      let tmax = Number.NaN;
      if (ok) {
        let im = 0;
        if (s.osvd) {
          const r = s.osvd.deconvolve(curve, oi, residue);
          if (!r.reachedTarget) status = VOXEL_NOT_CONVERGED;
          for (let i = 1; i < L; i++) if (residue[i] > residue[im]) im = i;
          tmax = (im < L / 2 ? im : im - L) * o.dtS;
        } else {
          s.deconvolveSvd(curve, thr);
          for (let i = 1; i < L; i++) if (residue[i] > residue[im]) im = i;
          tmax = im * o.dtS;
        }
        cbf = 100 * 60 * residue[im];
      }
      const cbv = ok ? (100 * trapezoid(time, curve)) / s.aifIntegral : Number.NaN;
      if (status === VOXEL_OK && !(cbf > 0 && Number.isFinite(cbv))) status = VOXEL_INVALID;
      if (status !== VOXEL_OK) {
        out.status[v] = status;
        out.params.fill(Number.NaN, po, po + np);
        out.rss[v] = Number.NaN;
        continue;
      }
      out.params[po] = cbv;
      out.params[po + 1] = cbf;
      out.params[po + 2] = (cbv / cbf) * 60;
      out.params[po + 3] = tmax;
      if (np === 5) out.params[po + 4] = k2;
      out.status[v] = VOXEL_OK;
      out.rss[v] = s.rss(curve);
    }
  },
};
