/**
 * Fast least-squares fit of the (extended) Tofts model for voxelwise maps, allocation-free:
 *   C(t) = Ktrans·(ca ⊛ e^{−kep t})(t) [+ vp·ca(t)],  ve = Ktrans/kep,
 * minimising φ = Σ (y_i − C(t_i))² over Ktrans ∈ [0, 5] /min, ve ∈ [0, 1], vp ∈ [0, 1] — the same
 * objective and bounds as DceModel's Levenberg–Marquardt fit, solved faster:
 *  1. start: the linear Murase (2004) solution, C = a·∫ca − kep·∫C + vp·ca (one pass over the
 *     curve, 2×2 or 3×3 normal equations), gives kep₀;
 *  2. variable projection (Golub & Pereyra 1973, SIAM J Numer Anal 10:413; Kaufman 1975 BIT
 *     15:49): for a fixed kep the model is linear in (Ktrans, vp), solved in closed form from
 *     inner products (box constraint vp ≥ 0 by its active face), so only the one nonlinear
 *     parameter u = ln kep is iterated, by damped Gauss–Newton with Kaufman's Jacobian
 *     J = −Ktrans·P⊥·∂c/∂kep (P⊥: projection off the linear columns);
 *  3. every iteration is ONE fused pass over the samples: the exact recursive exponential
 *     convolution for piecewise-linear ca (Flouri, Lesnic & Sourbron 2016, MRM 76:998, as in
 *     core/fit/expConvolution.ts) together with its kep-derivative, accumulating the inner
 *     products c·c, c·ca, c·y, c'·c', c'·c, c'·ca, c'·y; the objective follows from them
 *     without a residual vector. Per-interval terms depend only on kep·Δ, so they are computed
 *     once per distinct sampling interval (one exp for a uniform time axis).
 * Convergence: accepted relative kep step ≤ 1e-9, or cosine between residual and Jacobian
 * ≤ 1e-10 (MINPACK's gtol meaning). A voxel whose optimum is not interior in kep or Ktrans
 * (Ktrans ≤ 0 or ≥ 5, ve > 1, vp > 1, kep outside [1e-4, 1e3] /min) or that does not converge in
 * 60 iterations returns FALLBACK: the caller then runs the general bounded LM fit.
 * Hand-written because this inner loop is the hot path of DCE maps (see bench/dce.ts).
 */

export const FAST_OK = 0;
export const FAST_INVALID = 2;
export const FAST_FALLBACK = -1;

const KMIN = 1e-4;
const KMAX = 1e3;
const MAXIT = 60;
const XTOL = 1e-9;
const GTOL = 1e-10;

export class ToftsFastFitter {
  readonly n: number;
  readonly extended: boolean;
  /** RSS and iterations of the last fit */
  rss = Number.NaN;
  iterations = 0;
  private readonly ca: Float64Array;
  private readonly ica: Float64Array;
  private readonly halfDt: Float64Array;
  private readonly xp: Float64Array;
  private readonly slope: Float64Array;
  private readonly dIdx: Int32Array;
  private readonly dVals: Float64Array;
  private readonly uniform: boolean;
  private readonly tE: Float64Array;
  private readonly tA: Float64Array;
  private readonly tB: Float64Array;
  private readonly tDA: Float64Array;
  private readonly tDB: Float64Array;
  private readonly tDE: Float64Array;
  private readonly caca: number;
  private readonly icaica: number;
  private readonly icaca: number;
  private c: Float64Array;
  private cTrial: Float64Array;
  // inner products of the last evaluation
  private sCC = 0;
  private sCA = 0;
  private sCY = 0;
  private sDD = 0;
  private sDC = 0;
  private sDA = 0;
  private sDY = 0;
  // per-voxel constants
  private yy = 0;
  private ay = 0;
  // linear solution at the last evaluation
  private K = 0;
  private vp = 0;
  private phi = 0;
  private grad = 0;
  private hess = 0;
  private kFinal = Number.NaN;

  constructor(model: "tofts" | "etofts", timeS: ArrayLike<number>, aifPlasma: ArrayLike<number>) {
    const n = timeS.length;
    this.n = n;
    this.extended = model === "etofts";
    const tMin = Float64Array.from(timeS, (t) => t / 60);
    this.ca = Float64Array.from(aifPlasma);
    this.ica = new Float64Array(n);
    this.halfDt = new Float64Array(n);
    this.xp = new Float64Array(n);
    this.slope = new Float64Array(n);
    this.dIdx = new Int32Array(n);
    const dv: number[] = [];
    for (let i = 1; i < n; i++) {
      const d = tMin[i] - tMin[i - 1];
      this.halfDt[i] = 0.5 * d;
      this.ica[i] = this.ica[i - 1] + 0.5 * d * (this.ca[i] + this.ca[i - 1]);
      this.xp[i] = this.ca[i - 1];
      this.slope[i] = (this.ca[i] - this.ca[i - 1]) / d;
      let j = dv.findIndex((x) => Math.abs(x - d) <= 1e-12 * Math.max(x, d));
      if (j < 0) {
        j = dv.length;
        dv.push(d);
      }
      this.dIdx[i] = j;
    }
    this.dVals = Float64Array.from(dv);
    this.uniform = dv.length === 1;
    const nu = Math.max(1, dv.length);
    this.tE = new Float64Array(nu);
    this.tA = new Float64Array(nu);
    this.tB = new Float64Array(nu);
    this.tDA = new Float64Array(nu);
    this.tDB = new Float64Array(nu);
    this.tDE = new Float64Array(nu);
    let caca = 0;
    let icaica = 0;
    let icaca = 0;
    for (let i = 0; i < n; i++) {
      caca += this.ca[i] * this.ca[i];
      icaica += this.ica[i] * this.ica[i];
      icaca += this.ica[i] * this.ca[i];
    }
    this.caca = caca;
    this.icaica = icaica;
    this.icaca = icaca;
    this.c = new Float64Array(n);
    this.cTrial = new Float64Array(n);
  }

  /** per-interval recursion terms at rate k (series for kΔ < 1e-2, as expConvolution.ts) */
  private terms(k: number): void {
    const dv = this.dVals;
    for (let j = 0; j < dv.length; j++) {
      const d = dv[j];
      const u = k * d;
      let a: number;
      let b: number;
      let da: number;
      let db: number;
      const e = Math.exp(-u);
      if (Math.abs(u) < 1e-2) {
        const u2 = u * u;
        const u3 = u2 * u;
        const u4 = u3 * u;
        const u5 = u4 * u;
        a = d * (1 - u / 2 + u2 / 6 - u3 / 24 + u4 / 120 - u5 / 720);
        b = d * d * (1 / 2 - u / 6 + u2 / 24 - u3 / 120 + u4 / 720 - u5 / 5040);
        da = d * d * (-1 / 2 + (2 * u) / 6 - (3 * u2) / 24 + (4 * u3) / 120 - (5 * u4) / 720);
        db = d * d * d * (-1 / 6 + (2 * u) / 24 - (3 * u2) / 120 + (4 * u3) / 720 - (5 * u4) / 5040);
      } else {
        const ome = -Math.expm1(-u);
        const k2 = k * k;
        a = ome / k;
        b = d / k - ome / k2;
        da = (d * e * k - ome) / k2;
        db = -d / k2 - (d * e) / k2 + (2 * ome) / (k2 * k);
      }
      this.tE[j] = e;
      this.tA[j] = a;
      this.tB[j] = b;
      this.tDA[j] = da;
      this.tDB[j] = db;
      this.tDE[j] = d * e;
    }
  }

  /** one fused pass: c = ca ⊛ e^{−kt} into cOut, its k-derivative, and the inner products */
  private evaluate(k: number, y: ArrayLike<number>, off: number, cOut: Float64Array): void {
    this.terms(k);
    const n = this.n;
    const { ca, xp, slope } = this;
    let c = 0;
    let dc = 0;
    let cc = 0;
    let cca = 0;
    let cy = 0;
    let dd = 0;
    let dcc = 0;
    let dca = 0;
    let dy = 0;
    cOut[0] = 0;
    if (this.uniform) {
      const e = this.tE[0];
      const a = this.tA[0];
      const b = this.tB[0];
      const da = this.tDA[0];
      const db = this.tDB[0];
      const de = this.tDE[0];
      for (let i = 1; i < n; i++) {
        const x = xp[i];
        const m = slope[i];
        dc = e * dc - de * c + x * da + m * db;
        c = e * c + x * a + m * b;
        cOut[i] = c;
        const ai = ca[i];
        const yi = y[off + i];
        cc += c * c;
        cca += c * ai;
        cy += c * yi;
        dd += dc * dc;
        dcc += dc * c;
        dca += dc * ai;
        dy += dc * yi;
      }
    } else {
      const { tE, tA, tB, tDA, tDB, tDE, dIdx } = this;
      for (let i = 1; i < n; i++) {
        const j = dIdx[i];
        const e = tE[j];
        const x = xp[i];
        const m = slope[i];
        dc = e * dc - tDE[j] * c + x * tDA[j] + m * tDB[j];
        c = e * c + x * tA[j] + m * tB[j];
        cOut[i] = c;
        const ai = ca[i];
        const yi = y[off + i];
        cc += c * c;
        cca += c * ai;
        cy += c * yi;
        dd += dc * dc;
        dcc += dc * c;
        dca += dc * ai;
        dy += dc * yi;
      }
    }
    this.sCC = cc;
    this.sCA = cca;
    this.sCY = cy;
    this.sDD = dd;
    this.sDC = dcc;
    this.sDA = dca;
    this.sDY = dy;
  }

  /**
   * linear coefficients (Ktrans, vp) at the last evaluation with vp ≥ 0 (active face), the
   * objective, its k-gradient and the Gauss–Newton (Kaufman) curvature; false when Ktrans ≤ 0
   */
  private project(): boolean {
    const cc = this.sCC;
    const cy = this.sCY;
    let K: number;
    let vp = 0;
    let pdd: number; // ‖P⊥ c'‖²
    if (this.extended) {
      const cca = this.sCA;
      const det = cc * this.caca - cca * cca;
      K = (this.caca * cy - cca * this.ay) / det;
      vp = (cc * this.ay - cca * cy) / det;
      if (vp >= 0 && det > 0) {
        const dc = this.sDC;
        const da = this.sDA;
        pdd = this.sDD - (this.caca * dc * dc - 2 * cca * dc * da + cc * da * da) / det;
      } else {
        vp = 0;
        K = cy / cc;
        pdd = this.sDD - (this.sDC * this.sDC) / cc;
      }
    } else {
      K = cy / cc;
      pdd = this.sDD - (this.sDC * this.sDC) / cc;
    }
    if (!(K > 0)) return false;
    this.K = K;
    this.vp = vp;
    this.phi =
      this.yy - 2 * (K * cy + vp * this.ay) + K * K * cc + 2 * K * vp * this.sCA + vp * vp * this.caca;
    // ∂φ/∂k = −2·K·c'ᵀr (envelope theorem), r = y − K c − vp ca
    this.grad = -2 * K * (this.sDY - K * this.sDC - vp * this.sDA);
    this.hess = 2 * K * K * Math.max(pdd, 0);
    return true;
  }

  /**
   * Fit y[off … off+n) into out[outOff …] = [Ktrans, ve(, vp)]; returns FAST_OK, FAST_INVALID
   * (non-finite samples; NaN written) or FAST_FALLBACK (run the general fit).
   */
  fit(y: ArrayLike<number>, off: number, out: Float64Array, outOff: number): number {
    const n = this.n;
    const ext = this.extended;
    const { ca, ica, halfDt } = this;
    // Murase linear least squares: columns ∫ca, −∫C (, ca)
    let ict = 0;
    let yPrev = y[off];
    let sij = 0;
    let sjj = 0;
    let sja = 0;
    let ri = 0;
    let rj = 0;
    let ra = 0;
    let yy = 0;
    let finite = true;
    for (let i = 0; i < n; i++) {
      const yi = y[off + i];
      if (yi - yi !== 0) finite = false;
      if (i > 0) ict += halfDt[i] * (yi + yPrev);
      yPrev = yi;
      const q = -ict;
      const ii = ica[i];
      const ai = ca[i];
      sij += ii * q;
      sjj += q * q;
      sja += q * ai;
      ri += ii * yi;
      rj += q * yi;
      ra += ai * yi;
      yy += yi * yi;
    }
    this.iterations = 0;
    this.kFinal = Number.NaN;
    if (!finite) {
      out[outOff] = Number.NaN;
      out[outOff + 1] = Number.NaN;
      if (ext) out[outOff + 2] = Number.NaN;
      this.rss = Number.POSITIVE_INFINITY;
      return FAST_INVALID;
    }
    this.yy = yy;
    this.ay = ra;
    const sii = this.icaica;
    const sia = this.icaca;
    const saa = this.caca;
    let kep: number;
    if (ext) {
      // Cramer's rule for the 3×3 symmetric system; kep is the second coefficient
      const det =
        sii * (sjj * saa - sja * sja) - sij * (sij * saa - sja * sia) + sia * (sij * sja - sjj * sia);
      kep = (sii * (rj * saa - sja * ra) - ri * (sij * saa - sja * sia) + sia * (sij * ra - rj * sia)) / det;
    } else {
      kep = (sii * rj - sij * ri) / (sii * sjj - sij * sij);
    }
    if (!(kep > KMIN)) kep = kep > 0 ? KMIN : 1;
    if (kep > KMAX) kep = KMAX;
    // variable projection in u = ln k
    let k = kep;
    this.evaluate(k, y, off, this.c);
    if (!this.project()) return FAST_FALLBACK;
    let lambda = 1e-3;
    let converged = false;
    const phiTol = 1e-13 * yy;
    let it = 0;
    for (; it < MAXIT && !converged; it++) {
      const gu = k * this.grad;
      const hu = k * k * this.hess;
      if (!(hu > 0)) break;
      const cosine = Math.abs(gu) / (2 * Math.sqrt(0.5 * hu) * Math.sqrt(Math.max(this.phi, 0)));
      if (!(cosine > GTOL)) {
        converged = true;
        break;
      }
      const K0 = this.K;
      const vp0 = this.vp;
      const phi0 = this.phi;
      const g0 = this.grad;
      const h0 = this.hess;
      let accepted = false;
      while (lambda < 1e12) {
        const du = -gu / (hu * (1 + lambda));
        let kt = k * Math.exp(du);
        if (kt < KMIN) kt = KMIN;
        if (kt > KMAX) kt = KMAX;
        this.evaluate(kt, y, off, this.cTrial);
        const ok = this.project();
        if (ok && this.phi <= phi0 + phiTol) {
          const step = Math.abs(Math.log(kt / k));
          k = kt;
          const tmp = this.c;
          this.c = this.cTrial;
          this.cTrial = tmp;
          lambda = Math.max(lambda * 0.1, 1e-12);
          accepted = true;
          if (step <= XTOL) converged = true;
          break;
        }
        // restore the state at k and damp
        this.K = K0;
        this.vp = vp0;
        this.phi = phi0;
        this.grad = g0;
        this.hess = h0;
        lambda *= 10;
        if (Math.abs(du) <= XTOL) {
          converged = true; // no further decrease possible within the step tolerance
          break;
        }
      }
      if (!accepted && !converged) break;
    }
    this.iterations = it;
    const K = this.K;
    const vp = this.vp;
    const ve = K / k;
    if (!converged || !(K < 5) || !(ve <= 1) || !(vp <= 1) || k <= KMIN || k >= KMAX) return FAST_FALLBACK;
    // RSS from the residuals themselves (no cancellation)
    const c = this.c;
    let rss = 0;
    for (let i = 0; i < n; i++) {
      const r = y[off + i] - K * c[i] - vp * ca[i];
      rss += r * r;
    }
    this.rss = rss;
    this.kFinal = k;
    out[outOff] = K;
    out[outOff + 1] = ve;
    if (ext) out[outOff + 2] = vp;
    return FAST_OK;
  }

  /**
   * Standard errors s·√diag((JᵀJ)⁻¹), s² = RSS/(n − p), of [Ktrans, ve(, vp)] at the last FAST_OK
   * fit, with ∂C/∂Ktrans = c + kep·c', ∂C/∂ve = −kep²·c', ∂C/∂vp = ca
   * (c' = ∂c/∂kep); false when JᵀJ is singular.
   */
  standardErrors(out: Float64Array, outOff: number): boolean {
    const k = this.kFinal;
    if (!(k > 0)) return false;
    const n = this.n;
    const np = this.extended ? 3 : 2;
    if (n <= np) return false;
    this.terms(k);
    const { ca, xp, slope, dIdx, tE, tA, tB, tDA, tDB, tDE } = this;
    let c = 0;
    let dc = 0;
    let s00 = 0;
    let s01 = 0;
    let s02 = 0;
    let s11 = 0;
    let s12 = 0;
    let s22 = 0;
    for (let i = 1; i < n; i++) {
      const j = dIdx[i];
      dc = tE[j] * dc - tDE[j] * c + xp[i] * tDA[j] + slope[i] * tDB[j];
      c = tE[j] * c + xp[i] * tA[j] + slope[i] * tB[j];
      const j0 = c + k * dc;
      const j1 = -k * k * dc;
      const j2 = ca[i];
      s00 += j0 * j0;
      s01 += j0 * j1;
      s02 += j0 * j2;
      s11 += j1 * j1;
      s12 += j1 * j2;
      s22 += j2 * j2;
    }
    const s2 = this.rss / (n - np);
    if (np === 2) {
      const det = s00 * s11 - s01 * s01;
      if (!(det > 0)) return false;
      out[outOff] = Math.sqrt((s2 * s11) / det);
      out[outOff + 1] = Math.sqrt((s2 * s00) / det);
      return true;
    }
    const c00 = s11 * s22 - s12 * s12;
    const c11 = s00 * s22 - s02 * s02;
    const c22 = s00 * s11 - s01 * s01;
    const det = s00 * c00 - s01 * (s01 * s22 - s12 * s02) + s02 * (s01 * s12 - s11 * s02);
    if (!(det > 0)) return false;
    out[outOff] = Math.sqrt((s2 * c00) / det);
    out[outOff + 1] = Math.sqrt((s2 * c11) / det);
    out[outOff + 2] = Math.sqrt((s2 * c22) / det);
    return (
      Number.isFinite(out[outOff]) && Number.isFinite(out[outOff + 1]) && Number.isFinite(out[outOff + 2])
    );
  }
}
