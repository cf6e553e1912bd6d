/**
 * The contract of one accuracy evaluator and the runner that turns it into a table
 * (`eprscope phantom evaluate KIND`). An evaluator knows its truth, acquisition, SNR definition
 * and noise model, and builds a trial function that simulates one noisy curve (or ROI) and
 * fits it with the same function the CLI's fit command uses; the runner repeats the trial n
 * times per SNR and summarises each parameter (accuracy.ts).
 */
import { Rng } from "../random.js";
import { type AccuracyRow, accuracyRow } from "./accuracy.js";
import { type NoiseModel, streamSeed } from "./noise.js";

export interface EvaluatedParameter {
  /** output key, as the CLI's fit command names it (units in the name) */
  key: string;
  truth: number;
  method?: string;
}

/** one realisation: simulate at this SNR with rng, fit, write one estimate per parameter (NaN = failed) */
export type Trial = (rng: Rng, snr: number, out: Float64Array) => void;

export interface PhantomEvaluator {
  kind: string;
  /** model, fit function and acquisition in one sentence */
  description: string;
  /** what SNR means for this kind (σ = reference / SNR) */
  snrDefinition: string;
  noise: NoiseModel;
  truth: Record<string, number>;
  /** acquisition (time axis, b-values, echo times, …), plain data for the JSON document */
  acquisition: Record<string, number | string | number[]>;
  parameters: EvaluatedParameter[];
  /** the noise-free curve(s) a trial adds noise to (for checks against independent models) */
  noiseFree(): Float64Array[];
  createTrial(): Trial;
}

export interface EvaluateOptions {
  snr: number[];
  n: number;
  seed: number;
  /** called after every realisation with (done, total) over all SNRs */
  onProgress?: (done: number, total: number) => void;
}

export interface AccuracyTable {
  kind: string;
  seed: number;
  n: number;
  snr: number[];
  description: string;
  snr_definition: string;
  noise: NoiseModel;
  truth: Record<string, number>;
  acquisition: Record<string, number | string | number[]>;
  rows: AccuracyRow[];
}

export function evaluatePhantom(ev: PhantomEvaluator, o: EvaluateOptions): AccuracyTable {
  const trial = ev.createTrial();
  const np = ev.parameters.length;
  const est = ev.parameters.map(() => new Float64Array(o.n));
  const out = new Float64Array(np);
  const rows: AccuracyRow[] = [];
  const total = o.snr.length * o.n;
  let done = 0;
  for (const snr of o.snr) {
    const rng = new Rng(streamSeed(ev.kind, o.seed, snr));
    for (let i = 0; i < o.n; i++) {
      out.fill(Number.NaN);
      trial(rng, snr, out);
      for (let j = 0; j < np; j++) est[j][i] = out[j];
      done++;
      o.onProgress?.(done, total);
    }
    ev.parameters.forEach((p, j) => {
      rows.push(accuracyRow(p.key, snr, p.truth, est[j], p.method));
    });
  }
  return {
    kind: ev.kind,
    seed: o.seed,
    n: o.n,
    snr: [...o.snr],
    description: ev.description,
    snr_definition: ev.snrDefinition,
    noise: ev.noise,
    truth: ev.truth,
    acquisition: ev.acquisition,
    rows,
  };
}
