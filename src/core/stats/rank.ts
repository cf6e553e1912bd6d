/**
 * Aliased (linearly dependent) columns of a design matrix, as R's `lm`/`glm` find them with
 * the pivoted Householder QR of LINPACK dqrdc2: columns are taken in order, and a column whose
 * part orthogonal to the columns already kept has a norm below tol × its own norm
 * (tol = 1e-7, R's default) is aliased — a constant covariate (aliased with the intercept),
 * a duplicate or a linear combination of earlier ones. Modified Gram–Schmidt gives the same
 * decision as dqrdc2's column-norm test for this purpose (Golub & Van Loan, §5.2.8).
 */

/** Indices (into `columns`) of aliased columns; `intercept` adds a column of ones first. */
export function aliasedColumns(columns: ArrayLike<number>[], intercept: boolean, tol = 1e-7): number[] {
  const n = columns.length ? columns[0].length : 0;
  const kept: Float64Array[] = [];
  if (intercept && n > 0) kept.push(Float64Array.from({ length: n }, () => 1 / Math.sqrt(n)));
  const aliased: number[] = [];
  columns.forEach((col, j) => {
    const v = Float64Array.from(col);
    let norm0 = 0;
    for (let i = 0; i < n; i++) norm0 += v[i] * v[i];
    norm0 = Math.sqrt(norm0);
    for (const q of kept) {
      let d = 0;
      for (let i = 0; i < n; i++) d += q[i] * v[i];
      for (let i = 0; i < n; i++) v[i] -= d * q[i];
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += v[i] * v[i];
    norm = Math.sqrt(norm);
    if (!(norm0 > 0) || !(norm > tol * norm0) || !Number.isFinite(norm)) {
      aliased.push(j);
      return;
    }
    for (let i = 0; i < n; i++) v[i] /= norm;
    kept.push(v);
  });
  return aliased;
}
