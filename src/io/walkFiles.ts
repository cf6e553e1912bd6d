/** Every regular file below a folder (depth first, sorted, symlinked folders not followed). */
import { lstatSync, readdirSync } from "node:fs";
import { join } from "node:path";

export function walkFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((f) => {
      const p = join(dir, f);
      const st = lstatSync(p);
      return st.isDirectory() ? walkFiles(p) : st.isFile() ? [p] : [];
    });
}
