/**
 * Strata from a score and a cut-off, and survival by stratum: Kaplan–Meier per stratum
 * (survfit conventions) and the log-rank test between strata (survdiff), see src/core/stats.
 * Convention: with direction "<" (higher score → case/responder, pROC's "<"), a lesion is
 * "high" when score > cut-off; with ">" when score < cut-off.
 */
import { InputError } from "../errors.js";
import { type KmResult, kaplanMeier } from "../stats/kaplanMeier.js";
import { type LogrankResult, logrank } from "../stats/logrank.js";
import type { RocDirection } from "../stats/roc.js";

export type Stratum = "high" | "low";

export function assignStrata(
  score: ArrayLike<number>,
  cutoff: number,
  direction: RocDirection = "<",
): Stratum[] {
  return Array.from(score, (s) => ((direction === "<" ? s > cutoff : s < cutoff) ? "high" : "low"));
}

export interface SurvivalByStratum {
  curves: { stratum: string; km: KmResult }[];
  logrank: LogrankResult | null;
}

export function survivalByStratum(
  time: ArrayLike<number>,
  event: ArrayLike<number>,
  strata: string[],
): SurvivalByStratum {
  if (time.length !== strata.length) {
    throw new InputError({ field: "strata", value: strata.length, expected: `${time.length} labels` });
  }
  const levels = [...new Set(strata)].sort();
  const curves = levels.map((s) => {
    const idx = strata.flatMap((x, i) => (x === s ? [i] : []));
    return {
      stratum: s,
      km: kaplanMeier(
        idx.map((i) => time[i]),
        idx.map((i) => event[i]),
      ),
    };
  });
  let anyEvent = false;
  for (let i = 0; i < event.length; i++) if (event[i]) anyEvent = true;
  return { curves, logrank: levels.length >= 2 && anyEvent ? logrank(time, event, strata) : null };
}
