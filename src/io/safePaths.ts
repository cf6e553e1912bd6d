/**
 * No command ever writes inside or over its inputs. `assertOutputOutsideInputs` resolves real
 * paths (symlinks, trailing slashes, relative and absolute spellings, `..`) and refuses with an
 * InputError (exit 2) when the output is an input, lies inside an input folder, or an input lies
 * inside the output folder (a folder output that would then contain, and could replace, it).
 */
import { existsSync, realpathSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { InputError } from "../core/errors.js";

/** Real path of p; for a path that does not exist yet, the real path of its deepest existing ancestor joined with the rest. */
export function realPathOf(p: string): string {
  let cur = resolve(p);
  const rest: string[] = [];
  while (!existsSync(cur)) {
    const parent = dirname(cur);
    if (parent === cur) break;
    rest.unshift(basename(cur));
    cur = parent;
  }
  let real = cur;
  try {
    real = realpathSync(cur);
  } catch {
    /* unreadable ancestor: keep the resolved spelling */
  }
  return rest.length ? join(real, ...rest) : real;
}

/** a is b or lies inside b */
export function isSameOrInside(a: string, b: string): boolean {
  const r = relative(b, a);
  return r === "" || (!r.startsWith("..") && !isAbsolute(r));
}

export function assertOutputOutsideInputs(
  output: string,
  inputs: string[],
  opts: { field?: string; outputIsFolder?: boolean } = {},
): void {
  const field = opts.field ?? "--out";
  const out = realPathOf(output);
  for (const input of inputs) {
    const inp = realPathOf(input);
    if (isSameOrInside(out, inp)) {
      throw new InputError({
        field,
        value: output,
        expected: `an output outside the input ${input} (it resolves to ${out}, which is ${out === inp ? "the input itself" : "inside it"}; inputs are never written)`,
      });
    }
    if (opts.outputIsFolder && isSameOrInside(inp, out)) {
      throw new InputError({
        field,
        value: output,
        expected: `an output folder that does not contain the input ${input} (inputs are never written)`,
      });
    }
  }
}
