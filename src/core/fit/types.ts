/**
 * The result contract shared by every fit in eprscope (DESIGN.md): never a silent NaN.
 * `status` says why a fit stopped; `converged` is true only for a trustworthy optimum.
 */
export type FitStatus =
  | "converged" // a convergence test (ftol/xtol/gtol) was met
  | "max-iterations" // iteration budget exhausted
  | "singular" // Jacobian/normal matrix singular, no unique solution
  | "non-finite" // model produced NaN/Inf
  | "invalid-input" // data unusable (too few points, NaN samples …)
  | "failed"; // anything else (see `message`)

export interface FitResult<P = Float64Array> {
  params: P;
  /** standard errors from the covariance s²(JᵀJ)⁻¹ (same order as params); absent when singular */
  stderr?: P;
  /** residual sum of squares (weighted if weights were given) */
  rss: number;
  converged: boolean;
  status: FitStatus;
  iterations?: number;
  message?: string;
}

/**
 * A curve model for least-squares fitting: y ≈ f(x; p) on a fixed sampling known to the
 * model. Implementations write into caller-owned arrays (no allocation per call).
 */
export interface CurveModel {
  readonly nParams: number;
  readonly nPoints: number;
  /** f_i(p) for every sample i, into out (length nPoints) */
  evaluate(p: Float64Array, out: Float64Array): void;
  /**
   * optional analytic Jacobian, row-major: jac[i*nParams + j] = ∂f_i/∂p_j; f = evaluate(p).
   * The solvers call it only right after evaluate(p) with the same p, so a model may reuse
   * work cached by evaluate (e.g. exponentials).
   */
  jacobian?(p: Float64Array, f: Float64Array, jac: Float64Array): void;
}

export interface LmOptions {
  /** box bounds (length nParams); ±Infinity where unbounded */
  lower?: Float64Array;
  upper?: Float64Array;
  /** weights w_i multiplying squared residuals: minimise Σ w_i (y_i − f_i)² */
  weights?: Float64Array;
  maxIterations?: number;
  ftol?: number;
  xtol?: number;
  gtol?: number;
  /** parameters held fixed at p0 (length nParams, true = fixed) */
  fixed?: boolean[];
  /** finite differences when the model has no analytic Jacobian: forward (default, n evaluations)
   *  or central (2n evaluations, error O(h²): for ill-conditioned problems) */
  finiteDifferences?: "forward" | "central";
  /** typical magnitude of each parameter, sets the finite-difference step near 0 (default 1e-8) */
  typicalScale?: Float64Array;
  /** compute standard errors (and flag a rank-deficient optimum as "singular"); default true.
   *  false for intermediate fits whose result only seeds another fit */
  standardErrors?: boolean;
}
