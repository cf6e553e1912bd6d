/**
 * Convolution of a sampled input x(t) with an exponential kernel e^{−k t}:
 *   y(t_i) = ∫_0^{t_i} x(τ)·e^{−k (t_i − τ)} dτ,
 * computed recursively in O(n), exact when x is piecewise linear between samples (any,
 * non-uniform, grid; Flouri, Lesnic & Sourbron 2016, MRM 76:998, eq. 10–12). With
 * Δ = t_i − t_{i−1}, E = e^{−kΔ}, m = (x_i − x_{i−1})/Δ:
 *   y_i = E·y_{i−1} + x_{i−1}·(1 − E)/k + m·(Δ/k − (1 − E)/k²),
 * with Taylor series when kΔ < 1e-2 and expm1 above (no cancellation as k → 0). The derivative ∂y/∂k follows
 * the same recursion, for analytic Jacobians of Tofts-type models. t_0 is the start (y_0 = 0).
 */
function terms(k: number, d: number): [number, number, number, number] {
  const kd = k * d;
  if (Math.abs(kd) < 1e-2) {
    // series (truncation < u⁶/720 relative, u = kΔ): a = (1−E)/k = Δ·Σ(−u)ⁿ/(n+1)!,
    // b = Δ/k − (1−E)/k² = Δ²·Σ(−u)ⁿ/(n+2)!, and their k-derivatives
    const u = kd;
    const a =
      d * (1 - u / 2 + (u * u) / 6 - (u * u * u) / 24 + (u * u * u * u) / 120 - (u * u * u * u * u) / 720);
    const b =
      d *
      d *
      (1 / 2 - u / 6 + (u * u) / 24 - (u * u * u) / 120 + (u * u * u * u) / 720 - (u * u * u * u * u) / 5040);
    const da =
      d * d * (-1 / 2 + (2 * u) / 6 - (3 * u * u) / 24 + (4 * u * u * u) / 120 - (5 * u * u * u * u) / 720);
    const db =
      d *
      d *
      d *
      (-1 / 6 + (2 * u) / 24 - (3 * u * u) / 120 + (4 * u * u * u) / 720 - (5 * u * u * u * u) / 5040);
    return [a, b, da, db];
  }
  const e = Math.exp(-kd);
  const ome = -Math.expm1(-kd); // 1 − e without cancellation
  const a = ome / k;
  const b = d / k - ome / (k * k);
  const da = (d * e * k - ome) / (k * k);
  const db = -d / (k * k) - (d * e) / (k * k) + (2 * ome) / (k * k * k);
  return [a, b, da, db];
}

/** y = x ⊛ e^{−k t} on the grid t (same length), written into out */
export function expConvolve(
  t: ArrayLike<number>,
  x: ArrayLike<number>,
  k: number,
  out: Float64Array<ArrayBufferLike> = new Float64Array(t.length),
): Float64Array<ArrayBufferLike> {
  out[0] = 0;
  for (let i = 1; i < t.length; i++) {
    const d = t[i] - t[i - 1];
    const e = Math.exp(-k * d);
    const [a, b] = terms(k, d);
    const m = (x[i] - x[i - 1]) / d;
    out[i] = e * out[i - 1] + x[i - 1] * a + m * b;
  }
  return out;
}

/** y and ∂y/∂k together (one pass) */
export function expConvolveWithDerivative(
  t: ArrayLike<number>,
  x: ArrayLike<number>,
  k: number,
  y: Float64Array<ArrayBufferLike>,
  dy: Float64Array<ArrayBufferLike>,
): void {
  y[0] = 0;
  dy[0] = 0;
  for (let i = 1; i < t.length; i++) {
    const d = t[i] - t[i - 1];
    const e = Math.exp(-k * d);
    const [a, b, da, db] = terms(k, d);
    const m = (x[i] - x[i - 1]) / d;
    y[i] = e * y[i - 1] + x[i - 1] * a + m * b;
    dy[i] = e * dy[i - 1] - d * e * y[i - 1] + x[i - 1] * da + m * db;
  }
}
