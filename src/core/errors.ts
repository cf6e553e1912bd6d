/**
 * Error types shared by every layer. Pure: no Node APIs.
 *
 * InputError  — the user's input is wrong (file, field, value, expectation). CLI exit 2.
 * AnalysisError — the input was valid but the analysis could not produce a result. CLI exit 1.
 */

export interface InputProblem {
  /** file path (or "<stdin>", "study.json"), when known */
  file?: string;
  /** field, column or JSON path, e.g. "subjects[2].bodyWeight" or column "time_s" */
  field?: string;
  /** the offending value, printed with JSON.stringify */
  value?: unknown;
  /** what was expected, e.g. "a positive number in g" */
  expected: string;
}

export function formatProblem(p: InputProblem): string {
  const where = [p.file, p.field].filter((x) => x !== undefined && x !== "").join(": ");
  const value = p.value === undefined ? "" : ` got ${safeJson(p.value)};`;
  return `${where ? `${where}:` : ""}${value} expected ${p.expected}`.trim();
}

function safeJson(v: unknown): string {
  try {
    const s = JSON.stringify(v);
    if (s === undefined) return String(v);
    return s.length > 80 ? `${s.slice(0, 77)}...` : s;
  } catch {
    return String(v);
  }
}

export class InputError extends Error {
  readonly problems: InputProblem[];
  constructor(problems: InputProblem | InputProblem[], message?: string) {
    const list = Array.isArray(problems) ? problems : [problems];
    super(message ?? list.map(formatProblem).join("\n"));
    this.name = "InputError";
    this.problems = list;
  }
}

export class AnalysisError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AnalysisError";
  }
}

/** Throw an InputError unless cond holds. */
export function requireInput(cond: unknown, problem: InputProblem): asserts cond {
  if (!cond) throw new InputError(problem);
}
