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
  const where = [p.file, p.field]
    .filter((x) => x !== undefined && x !== "")
    .map((x) => sanitizeText(String(x), 240))
    .join(": ");
  const value = p.value === undefined ? "" : ` got ${safeJson(p.value)};`;
  return `${where ? `${where}:` : ""}${value} expected ${sanitizeText(p.expected, 2000)}`.trim();
}

/** Longest rendering of an offending value (characters, after escaping). */
export const MAX_VALUE_CHARS = 80;

/**
 * Text safe to print on a terminal: control characters (C0, DEL, C1), lone surrogates, the
 * Unicode replacement character (what undecodable bytes become) and other non-printable code
 * points are escaped as \xNN / \uNNNN, so binary input never reaches the user's terminal as
 * raw bytes; the result is capped at `max` characters ("…" marks the cut).
 */
export function sanitizeText(s: string, max = MAX_VALUE_CHARS): string {
  let out = "";
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    let piece: string;
    if (c === 0x0a)
      piece = ch; // newlines separate problems; kept
    else if (c < 0x20 || (c >= 0x7f && c < 0xa0)) piece = `\\x${c.toString(16).padStart(2, "0")}`;
    else if (
      c === 0xfffd ||
      (c >= 0xd800 && c <= 0xdfff) ||
      (c >= 0xfff0 && c <= 0xffff) ||
      (c >= 0x200b && c <= 0x200f) ||
      (c >= 0x202a && c <= 0x202e) ||
      (c >= 0x2066 && c <= 0x2069)
    )
      piece = `\\u${c.toString(16).padStart(4, "0")}`;
    else piece = ch;
    if (out.length + piece.length > max) return `${out.slice(0, Math.max(0, max - 1))}…`;
    out += piece;
  }
  return out;
}

function safeJson(v: unknown): string {
  let s: string;
  try {
    s = typeof v === "string" ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v));
  } catch {
    s = String(v);
  }
  // JSON.stringify escapes C0 controls already; sanitizeText escapes what remains (C1, U+FFFD …)
  return sanitizeText(s.replace(/\n/g, "\\n"), MAX_VALUE_CHARS);
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
