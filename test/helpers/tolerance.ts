/** numpy-style closeness used by the conformance harnesses: |m − r| ≤ atol + rtol·|r|. */
export function isClose(measured: number, ref: number, atol: number, rtol: number): boolean {
  return Number.isFinite(measured) && Math.abs(measured - ref) <= atol + rtol * Math.abs(ref);
}

/** Relative difference, with an absolute floor for reference values near zero. */
export function relDiff(measured: number, ref: number, floor = 1e-300): number {
  return Math.abs(measured - ref) / Math.max(Math.abs(ref), floor);
}
