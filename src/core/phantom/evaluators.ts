/**
 * Accuracy evaluators of `eprscope phantom evaluate KIND`, one per analysis (kinds/*.ts), and the
 * runner (evaluator.ts) that turns one into a bias / CoV / RMSE table per SNR (accuracy.ts).
 */
import type { PhantomEvaluator } from "./evaluator.js";
import { ceusEvaluator } from "./kinds/ceus.js";
import { dceEvaluator } from "./kinds/dce.js";
import { dscEvaluator } from "./kinds/dsc.js";
import { adcEvaluator, ivimEvaluator } from "./kinds/dwi.js";
import { ferumoxytolEvaluator } from "./kinds/ferumoxytol.js";
import { relaxEvaluator } from "./kinds/relax.js";
import { sweEvaluator } from "./kinds/swe.js";

export { type AccuracyRow, accuracyRow } from "./accuracy.js";
export { type AccuracyTable, evaluatePhantom, type PhantomEvaluator } from "./evaluator.js";

/** the evaluators with their default truth, in table order */
export const EVALUATORS: Record<string, () => PhantomEvaluator> = {
  dce: () => dceEvaluator(),
  relax: () => relaxEvaluator(),
  "dwi-adc": () => adcEvaluator(),
  "dwi-ivim": () => ivimEvaluator(),
  ceus: () => ceusEvaluator(),
  dsc: () => dscEvaluator(),
  swe: () => sweEvaluator(),
  ferumoxytol: () => ferumoxytolEvaluator(),
};

export const EVALUATOR_KINDS = Object.keys(EVALUATORS);

export const DEFAULT_SNR = [5, 10, 20, 50, 100];
export const DEFAULT_REALISATIONS = 500;
