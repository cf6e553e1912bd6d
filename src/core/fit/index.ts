/** Numerical core: least squares, bounded nonlinear fitting, NNLS, robust regression, integration. */
export * from "./expConvolution.js";
export * from "./initialGuess.js";
export * from "./integrate.js";
export * from "./levenbergMarquardt.js";
export * from "./linearLeastSquares.js";
export * from "./multiStart.js";
export * from "./nnls.js";
export * from "./robust.js";
export type * from "./types.js";
export * from "./weights.js";
