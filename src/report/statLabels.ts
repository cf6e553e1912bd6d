/**
 * Readable names and units for the stratification statistics rows (machine names such as
 * "Ktrans_vs_accumulation.pearson.ci_lower" with unit "1" → "Ktrans vs accumulation — Pearson r,
 * 95 % CI lower", unit "" for dimensionless quantities), for the report's statistics table.
 */
const STATS: Record<string, string> = {
  r: "r",
  ci_lower: "95 % CI lower bound",
  ci_upper: "95 % CI upper bound",
  p: "p",
  n: "n",
  auc: "ROC AUC",
  youden_threshold: "Youden cut-off",
  chisq: "χ²",
};
const METHODS: Record<string, string> = {
  pearson: "Pearson",
  spearman: "Spearman",
};
const WORDS: Record<string, string> = {
  accumulation_cutoff_median: "accumulation cut-off (median split)",
  median_time_to_endpoint: "median time to endpoint",
  n: "subjects (n)",
  logrank_by_accumulation: "log-rank test between accumulation strata",
  accumulation_predicts_response: "accumulation predicting objective response",
};

const words = (s: string) => WORDS[s] ?? s.replace(/_per_min$/, "").replace(/_/g, " ");

/** "Ktrans_vs_accumulation.pearson.r" → "Ktrans vs accumulation — Pearson r" */
export function statName(parameter: string): string {
  const parts = parameter.split(".");
  if (parts.length === 1) return words(parts[0]);
  const stat = parts.at(-1) as string;
  const method = parts.length === 3 ? (METHODS[parts[1]] ?? parts[1]) : "";
  const what = words(parts[0]);
  const statText = stat === "r" && method === "Spearman" ? "ρ" : (STATS[stat] ?? stat.replace(/_/g, " "));
  return `${what} — ${method ? `${method} ` : ""}${statText}`;
}

/** unit for display: "" for dimensionless ("1"), "days" for "d" */
export function statUnit(unit: string): string {
  if (unit === "1" || unit === "") return "";
  if (unit === "d") return "days";
  return unit;
}

/** a missing median survival time means the curve never fell to 0.5 */
export function statValue(parameter: string, value: number | null): number | string | null {
  if (value === null && parameter.startsWith("median_time")) return "not reached";
  return value;
}
