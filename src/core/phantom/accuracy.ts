/**
 * Accuracy of an estimator over noise realisations with a known truth θ (QIBA metrology
 * terms, Raunig et al., Stat Methods Med Res 2015;24:27): over the n_ok realisations whose fit
 * succeeded (status converged and a finite estimate θ̂ᵢ),
 *   mean  = (1/n_ok)·Σ θ̂ᵢ,          bias = mean − θ,            bias_pct = 100·bias/θ,
 *   sd    = √(Σ (θ̂ᵢ − mean)²/(n_ok − 1)),                        cov_pct  = 100·sd/|θ|,
 *   rmse  = √((1/n_ok)·Σ (θ̂ᵢ − θ)²)   (= √(bias² + sd²·(n_ok − 1)/n_ok)).
 * The coefficient of variation is taken relative to the truth (not the mean) so that it is the
 * relative precision a Cramér–Rao bound predicts and shares its denominator with bias_pct.
 * Failed fits are counted (n_failed), never dropped silently; statistics that need more
 * realisations than succeeded are null (no NaN in tables).
 */

export interface AccuracyRow {
  parameter: string;
  /** fitting method when a kind evaluates more than one (e.g. IVIM segmented / full) */
  method?: string;
  snr: number;
  truth: number;
  mean: number | null;
  bias: number | null;
  bias_pct: number | null;
  sd: number | null;
  cov_pct: number | null;
  rmse: number | null;
  n_ok: number;
  n_failed: number;
}

const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** One accuracy row from the estimates of one parameter (NaN = failed realisation). */
export function accuracyRow(
  parameter: string,
  snr: number,
  truth: number,
  estimates: ArrayLike<number>,
  method?: string,
): AccuracyRow {
  let nOk = 0;
  let sum = 0;
  for (let i = 0; i < estimates.length; i++) {
    const v = estimates[i];
    if (Number.isFinite(v)) {
      nOk++;
      sum += v;
    }
  }
  const mean = nOk > 0 ? sum / nOk : Number.NaN;
  let ss = 0;
  let se = 0;
  for (let i = 0; i < estimates.length; i++) {
    const v = estimates[i];
    if (!Number.isFinite(v)) continue;
    ss += (v - mean) ** 2;
    se += (v - truth) ** 2;
  }
  const sd = nOk > 1 ? Math.sqrt(ss / (nOk - 1)) : Number.NaN;
  const bias = mean - truth;
  const rel = truth !== 0 ? 100 / Math.abs(truth) : Number.NaN;
  return {
    parameter,
    ...(method !== undefined ? { method } : {}),
    snr,
    truth,
    mean: finiteOrNull(mean),
    bias: finiteOrNull(bias),
    bias_pct: finiteOrNull(truth !== 0 ? (100 * bias) / truth : Number.NaN),
    sd: finiteOrNull(sd),
    cov_pct: finiteOrNull(sd * rel),
    rmse: finiteOrNull(nOk > 0 ? Math.sqrt(se / nOk) : Number.NaN),
    n_ok: nOk,
    n_failed: estimates.length - nOk,
  };
}
