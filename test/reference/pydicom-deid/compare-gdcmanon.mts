// Compare `eprscope deid` (basic profile) with GDCM's gdcmanon (Debian libgdcm-tools 3.0.21, `gdcmanon -e`,
// its PS3.15 E.1.1 implementation) on the reference files: for every attribute of every input file
// (recursively), the outcome in each output — kept, emptied, replaced, removed — and a list of the
// attributes where the two tools differ, grouped by tag.
// Usage (repository root): npx tsx test/reference/pydicom-deid/compare-gdcmanon.mts IN_DIR OURS_DIR GDCM_DIR
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  dictionaryKeyword,
  parseRawFile,
  type RawElement,
  tagHex,
  textOf,
} from "../../../src/io/dicom/deidElements.js";

const [inDir, oursDir, gdcmDir] = process.argv.slice(2);
type Outcome = "kept" | "emptied" | "replaced" | "removed";

function flatten(els: RawElement[], prefix = "", out = new Map<string, RawElement>()) {
  for (const e of els) {
    const p = prefix + tagHex(e.tag);
    out.set(p, e);
    e.items?.forEach((it, i) => flatten(it, `${p}[${i}]/`, out));
  }
  return out;
}
const load = (p: string) => {
  try {
    return flatten(parseRawFile(new Uint8Array(readFileSync(p)), p).dataset);
  } catch {
    return undefined;
  }
};
function outcome(a: RawElement, b: RawElement | undefined): Outcome {
  if (!b) return "removed";
  if (a.items)
    return b.items?.length === a.items.length ? "kept" : b.items?.length === 0 ? "emptied" : "replaced";
  if (b.value.byteLength === 0) return a.value.byteLength === 0 ? "kept" : "emptied";
  return Buffer.from(a.value).equals(Buffer.from(b.value)) || textOf(a.value) === textOf(b.value)
    ? "kept"
    : "replaced";
}

const diff = new Map<string, Set<string>>();
let files = 0;
let attrs = 0;
let same = 0;
for (const f of readdirSync(gdcmDir).filter((x) => x.endsWith(".dcm"))) {
  const rel = ["test_files", "charset_files"]
    .map((d) => join(d, f))
    .find((r) => existsSync(join(oursDir, r)));
  if (!rel) continue;
  const a = load(join(inDir, rel));
  const o = load(join(oursDir, rel));
  const g = load(join(gdcmDir, f));
  if (!a || !o || !g) continue;
  files++;
  for (const [p, e] of a) {
    if (p.includes("/") && !o.has(p.replace(/\/[^/]*$/, "")) && !g.has(p.replace(/\/[^/]*$/, ""))) continue;
    attrs++;
    const x = outcome(e, o.get(p));
    const y = outcome(e, g.get(p));
    if (x === y) {
      same++;
      continue;
    }
    const tag = p.slice(-8);
    const key = `${tag} ${dictionaryKeyword(Number.parseInt(tag, 16)) ?? (Number.parseInt(tag.slice(0, 4), 16) % 2 ? "(private)" : "?")}: eprscope ${x}, gdcmanon ${y}`;
    const s = diff.get(key) ?? new Set<string>();
    s.add(f);
    diff.set(key, s);
  }
}
console.log(
  `${files} files, ${attrs} attributes compared, ${same} with the same outcome, ${attrs - same} different`,
);
for (const [k, s] of [...diff].sort()) console.log(`${k}  [${s.size} file(s)]`);
