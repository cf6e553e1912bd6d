/**
 * `eprscope deid` against DICOM PS3.15 Table E.1-1 (Basic Application Level Confidentiality Profile):
 * every attribute of every reference file (pydicom's public test files, test/reference/pydicom-deid)
 * is checked, recursively into sequences, against the standard's table as extracted from the
 * standard (ps315/confidentiality_profile_attributes.json — not against our generated TS table), and
 * the element inventory of our byte-level reader is checked against pydicom's (pydicom_elements.json).
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { inflateRawSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { deidentifyBytes, UidMapper } from "../../src/io/dicom/deid.js";
import {
  DEFLATED_LE,
  parseRawFile,
  type RawElement,
  tagHex,
  textOf,
} from "../../src/io/dicom/deidElements.js";
import { PS315_TABLE_E11 } from "../../src/io/dicom/deidProfile.js";
import { discoverSeries, parseDicom, seriesToVolume } from "../../src/io/dicom/read.js";
import { writeDicom } from "../../src/io/dicom/write.js";
import { walkFiles } from "../../src/io/walkFiles.js";
import { REF, runCli } from "../helpers/cli.js";

const DIR = `${REF}/pydicom-deid`;
interface StdRow {
  name: string;
  tag: string;
  basicProfile: string;
  id: string;
  [option: string]: string;
}
const STD: StdRow[] = JSON.parse(
  readFileSync(`${DIR}/ps315/confidentiality_profile_attributes.json`, "utf8"),
);
const STD_BY_TAG = new Map(STD.map((r) => [r.id.toUpperCase(), r]));
const wild = (id: string) => STD.find((r) => r.id === id) as StdRow;

/** The standard's row for a tag (hex "GGGGEEEE"), with its wildcard rows. */
function stdRow(tag: string): StdRow | undefined {
  const g = Number.parseInt(tag.slice(0, 4), 16);
  if (g % 2 === 1) return wild("ggggeeee-where-gggg-is-odd");
  const r = STD_BY_TAG.get(tag);
  if (r) return r;
  if (g >= 0x5000 && g <= 0x501e && g % 2 === 0) return wild("50xxxxxx");
  if (g >= 0x6000 && g <= 0x601e && g % 2 === 0 && tag.endsWith("3000")) return wild("60xx3000");
  if (g >= 0x6000 && g <= 0x601e && g % 2 === 0 && tag.endsWith("4000")) return wild("60xx4000");
  return undefined;
}

/** CLI option → the standard's column */
const COLUMN: Record<string, string> = {
  "patient-characteristics": "rtnPatCharsOpt",
  dates: "rtnLongFullDatesOpt",
  "device-identity": "rtnDevIdOpt",
  "institution-identity": "rtnInstIdOpt",
  uids: "rtnUIDsOpt",
  descriptors: "cleanDescOpt",
};

const TEXT_VRS = new Set([
  "AE",
  "AS",
  "CS",
  "DA",
  "DS",
  "DT",
  "IS",
  "LO",
  "LT",
  "PN",
  "SH",
  "ST",
  "TM",
  "UC",
  "UI",
  "UR",
  "UT",
]);
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const treeHash = (dir: string) =>
  Object.fromEntries(walkFiles(dir).map((f) => [relative(dir, f), sha(readFileSync(f))]));

const DUMMY_OK: Record<string, RegExp> = {
  DA: /^\d{8}$/,
  TM: /^\d{2}(\d{2}(\d{2}(\.\d{1,6})?)?)?$/,
  DT: /^\d{4,14}(\.\d{1,6})?([+-]\d{4})?$/,
  AS: /^\d{3}[DWMY]$/,
  UI: /^2\.25\.\d+$/,
  DS: /^[ ]*[-+]?\d+(\.\d*)?([eE][-+]?\d+)?[ ]*$/,
  IS: /^[ ]*[-+]?\d+[ ]*$/,
};

function flatten(
  els: RawElement[],
  prefix = "",
  out = new Map<string, RawElement>(),
): Map<string, RawElement> {
  for (const e of els) {
    const p = prefix + tagHex(e.tag);
    out.set(p, e);
    e.items?.forEach((it, i) => flatten(it, `${p}[${i}]/`, out));
  }
  return out;
}

interface Tally {
  files: number;
  attributes: number;
  byOutcome: Record<string, number>;
}

const uidMap = new Map<string, string>();

/**
 * Check one output dataset against its input, attribute by attribute (recursively), under the
 * standard's table with the given options enabled. Returns problems; counts into the tally.
 */
function checkDataset(
  inp: RawElement[],
  out: RawElement[],
  options: string[],
  tally: Tally,
  where: string,
  problems: string[],
): void {
  const outBy = new Map(out.map((e) => [e.tag, e]));
  const note = (k: string) => {
    tally.byOutcome[k] = (tally.byOutcome[k] ?? 0) + 1;
  };
  for (const e of inp) {
    tally.attributes++;
    const tag = tagHex(e.tag);
    const o = outBy.get(e.tag);
    const at = `${where}/${tag}`;
    const row = stdRow(tag);
    if ((e.tag & 0xffff) === 0) {
      note(tag === "00020000" ? "meta group length recomputed" : "group length removed");
      if (o && tag !== "00020000") problems.push(`${at}: group length kept`);
      continue;
    }
    // the standard's action for this attribute under the enabled options: K over C over basic
    let code = row ? row.basicProfile : "K";
    if (row) {
      const opt = options.map((x) => row[COLUMN[x]]).filter(Boolean);
      if (opt.includes("K")) code = "K";
      else if (opt.includes("C")) code = `C|${code}`;
    }
    // added attributes (PS3.15 E.1.1) replace whatever the input had
    if (["00120062", "00120063", "00120064", "00280303", "00020012", "00020013"].includes(tag)) {
      note("replaced by the de-identification record");
      continue;
    }
    if (["00020016", "00020017", "00020018", "00020100", "00020102"].includes(tag)) {
      note("X (meta AE titles / private information)");
      if (o) problems.push(`${at}: ${tag} kept`);
      continue;
    }
    const allowed = new Set(code.split(/[/|]/).map((c) => c.replace("*", "")));
    note(code);
    const inText = e.items ? "" : textOf(e.value);
    if (!o) {
      if (!allowed.has("X")) problems.push(`${at} (${row?.name ?? "not in table"}, ${code}): removed`);
      continue;
    }
    if (allowed.has("K") && allowed.size === 1) {
      if (e.items) {
        if (!o.items || o.items.length !== e.items.length) problems.push(`${at}: kept sequence lost items`);
        else
          e.items.forEach((it, i) =>
            checkDataset(it, o.items?.[i] ?? [], options, tally, `${at}[${i}]`, problems),
          );
      } else if (sha(o.value) !== sha(e.value) && textOf(o.value) !== inText)
        problems.push(`${at} (${row?.name ?? "not in table"}): kept attribute changed`);
      continue;
    }
    if (e.items) {
      // a sequence that the table changes: empty (Z), one dummy item (D), or items processed (U*, C)
      const ok =
        (allowed.has("Z") && o.items?.length === 0) ||
        (allowed.has("D") && o.items?.length === 1 && o.items[0].length === 0) ||
        ((allowed.has("U") || allowed.has("C")) && o.items?.length === e.items.length);
      if (!ok) problems.push(`${at} (${row?.name}, ${code}): sequence with ${o.items?.length} items`);
      if ((allowed.has("U") || allowed.has("C")) && o.items?.length === e.items.length)
        e.items.forEach((it, i) =>
          checkDataset(it, o.items?.[i] ?? [], options, tally, `${at}[${i}]`, problems),
        );
      continue;
    }
    const outText = textOf(o.value);
    const vr = o.vr;
    if (allowed.has("U") || (allowed.has("D") && vr === "UI")) {
      const ins = inText.replace(/\0/g, "").split("\\");
      const outs = outText.replace(/\0/g, "").split("\\");
      if (inText.replace(/\0/g, "").trim() === "" && outText.replace(/\0/g, "").trim() === "") continue;
      if (ins.length !== outs.length) problems.push(`${at}: ${ins.length} UIDs became ${outs.length}`);
      ins.forEach((u, i) => {
        const v = outs[i];
        if (!DUMMY_OK.UI.test(v ?? "")) problems.push(`${at}: UID ${v} not a 2.25 UID`);
        if (v === u) problems.push(`${at}: UID kept`);
        const prev = uidMap.get(u);
        if (prev !== undefined && prev !== v) problems.push(`${at}: ${u} mapped to ${prev} and ${v}`);
        uidMap.set(u, v);
      });
      continue;
    }
    if (allowed.has("C") && (outText !== inText || inText === "")) continue; // cleaned: checked by the PHI scan
    if (allowed.has("C") && outText === inText) continue; // nothing recognisably identifying to clean
    if (o.value.byteLength === 0 || outText === "") {
      if (!allowed.has("Z") && !(inText === "" && allowed.has("D")))
        problems.push(`${at} (${row?.name}, ${code}): emptied`);
      continue;
    }
    if (allowed.has("D")) {
      const re = DUMMY_OK[vr];
      if (re && !re.test(outText)) problems.push(`${at}: dummy ${outText} not a valid ${vr}`);
      if (
        outText === inText &&
        inText !== "ANONYMIZED" &&
        !/^0+$/.test(inText) &&
        e.value.some((b) => b !== 0)
      )
        problems.push(`${at} (${row?.name}, ${code}): value kept instead of a dummy`);
      continue;
    }
    problems.push(`${at} (${row?.name}, ${code}): present with a value (${vr})`);
  }
  const inTags = new Set(inp.map((e) => e.tag));
  for (const o of out) {
    if (inTags.has(o.tag)) continue;
    const t = tagHex(o.tag);
    if (!["00120062", "00120063", "00120064", "00280303", "00020012", "00020013", "00020000"].includes(t))
      problems.push(`${where}/${t}: added attribute`);
  }
}

function bodyBytes(path: string): Buffer {
  const b = readFileSync(path);
  const f = parseRawFile(new Uint8Array(b), path);
  if (f.transferSyntax !== DEFLATED_LE) return b;
  // the dataset starts after the meta group: 132 + the (0002,0000) element (12 bytes) + its value
  const gl = f.meta.find((e) => e.tag === 0x00020000) as RawElement;
  const metaEnd = 132 + 12 + Buffer.from(gl.value).readUInt32LE(0);
  return Buffer.concat([b.subarray(0, metaEnd), inflateRawSync(b.subarray(metaEnd))]);
}

const work = mkdtempSync(join(tmpdir(), "eprscope-deid-"));
const input = join(work, "in");
const runs: Record<string, { out: string; options: string[]; json: Record<string, unknown>; code: number }> =
  {};
const RUNS: Record<string, string[]> = {
  basic: [],
  all: [
    "--retain",
    "patient-characteristics",
    "--retain",
    "dates",
    "--retain",
    "device-identity",
    "--retain",
    "institution-identity",
    "--retain",
    "uids",
    "--clean",
    "descriptors",
  ],
  patient: ["--retain", "patient-characteristics"],
  dates: ["--retain", "dates"],
  device: ["--retain", "device-identity"],
  clean: ["--clean", "descriptors"],
};

beforeAll(() => {
  for (const d of ["test_files", "charset_files"]) cpSync(join(DIR, d), join(input, d), { recursive: true });
  for (const [name, args] of Object.entries(RUNS)) {
    const out = join(work, `out-${name}`);
    const r = runCli(["deid", input, "--out", out, "--salt", "fixed", "--json", ...args]);
    runs[name] = {
      out,
      options: args.filter((_, i) => i % 2 === 1),
      json: JSON.parse(r.stdout || "{}"),
      code: r.code,
    };
  }
}, 120_000);

const dcmFiles = () =>
  walkFiles(input)
    .map((f) => relative(input, f))
    .filter((f) => f.endsWith(".dcm"));

describe("PS3.15 Table E.1-1 as data (src/io/dicom/deidProfile.ts)", () => {
  it("has every row of the standard's table with its action codes and option columns", () => {
    expect(PS315_TABLE_E11.length).toBe(STD.length);
    expect(STD.length).toBe(621);
    const cols = [
      "rtnSafePrivOpt",
      "rtnUIDsOpt",
      "rtnDevIdOpt",
      "rtnInstIdOpt",
      "rtnPatCharsOpt",
      "rtnLongFullDatesOpt",
      "rtnLongModifDatesOpt",
      "cleanDescOpt",
      "cleanStructContOpt",
      "cleanGraphOpt",
    ];
    const mine = new Map(PS315_TABLE_E11.map((r) => [r[0].toUpperCase(), r]));
    const WILD: Record<string, string> = {
      "50xxxxxx": "(50XX,XXXX)",
      "60xx3000": "(60XX,3000)",
      "60xx4000": "(60XX,4000)",
      "ggggeeee-where-gggg-is-odd": "(GGGG,EEEE)",
    };
    for (const s of STD) {
      const r = mine.get(WILD[s.id] ?? s.tag.toUpperCase());
      expect(r, s.name).toBeDefined();
      expect(r?.[3], s.name).toBe(s.basicProfile);
      expect(r?.[4], s.name).toBe(cols.map((c) => s[c] ?? ".").join(""));
    }
    const codes = new Set(PS315_TABLE_E11.map((r) => r[3]));
    for (const c of ["D", "Z", "X", "U", "Z/D", "X/Z", "X/D", "X/Z/D", "X/Z/U*"]) expect(codes).toContain(c);
  });
});

describe("byte-level reader (deidElements.ts) against pydicom", () => {
  it("sees exactly the elements pydicom sees in every reference file", () => {
    const ref = JSON.parse(readFileSync(`${DIR}/pydicom_elements.json`, "utf8")) as {
      files: Record<string, { elements: { path: string; vr: string }[]; meta: { path: string }[] }>;
    };
    let files = 0;
    let elements = 0;
    for (const [rel, f] of Object.entries(ref.files)) {
      if (/truncated/.test(rel)) continue; // pydicom reads these lazily; we refuse them (tested below)
      const raw = parseRawFile(new Uint8Array(readFileSync(join(DIR, rel))), rel);
      const mine = flatten(raw.dataset);
      const theirs = new Map(f.elements.map((e) => [e.path, e.vr]));
      expect([...mine.keys()].sort(), rel).toEqual([...theirs.keys()].sort());
      for (const [p, e] of mine) {
        const t = theirs.get(p) as string;
        const same =
          t === e.vr ||
          (/^(US|SS)$/.test(t) && /^(US|SS)$/.test(e.vr)) ||
          (/^O[BW]$/.test(t) && /^O[BW]$/.test(e.vr));
        // implicit-VR private / unknown elements: pydicom says UN (or guesses), we keep UN
        expect(same || e.vr === "UN" || t === "UN", `${rel} ${p}: ${e.vr} vs pydicom ${t}`).toBe(true);
      }
      files++;
      elements += mine.size;
    }
    expect(files).toBeGreaterThanOrEqual(35);
    expect(elements).toBeGreaterThan(3000);
  });
});

describe("eprscope deid on pydicom's test files", () => {
  it("reports the unreadable files with their reason and exits 2; writes the rest", () => {
    const r = runs.basic;
    expect(r.code).toBe(2);
    const errors = r.json.errors as { file: string; reason: string }[];
    expect(errors.map((e) => e.file).sort()).toEqual([
      "test_files/MR_truncated.dcm",
      "test_files/rtplan_truncated.dcm",
      "test_files/rtstruct.dcm",
    ]);
    expect(errors.find((e) => e.file.includes("rtstruct"))?.reason).toMatch(/Part 10 header/);
    expect(errors.find((e) => e.file.includes("MR_trunc"))?.reason).toMatch(/truncated/);
    expect(r.json.written).toBe(dcmFiles().length - 3);
    expect(r.json.notDicom).toEqual(["charset_files/FileInfo.txt"]);
  });

  for (const name of Object.keys(RUNS)) {
    it(`every attribute of every file follows Table E.1-1 (${name}: ${RUNS[name].join(" ") || "basic profile"})`, () => {
      const { out, options } = runs[name];
      const tally: Tally = { files: 0, attributes: 0, byOutcome: {} };
      const problems: string[] = [];
      uidMap.clear();
      for (const rel of dcmFiles()) {
        if (!existsSync(join(out, rel))) continue;
        const a = parseRawFile(new Uint8Array(readFileSync(join(input, rel))), rel);
        const b = parseRawFile(new Uint8Array(readFileSync(join(out, rel))), rel);
        expect(b.transferSyntax).toBe(a.transferSyntax);
        checkDataset(a.meta, b.meta, options, tally, `${rel}:meta`, problems);
        checkDataset(a.dataset, b.dataset, options, tally, rel, problems);
        tally.files++;
      }
      // UIDs: one new UID per old UID across all files (consistent), and no two old UIDs merged
      if (!options.includes("uids")) expect(new Set(uidMap.values()).size).toBe(uidMap.size);
      console.log(
        `deid ${name}: ${tally.files} files, ${tally.attributes} attributes checked`,
        JSON.stringify(tally.byOutcome),
      );
      expect(problems).toEqual([]);
      expect(tally.files).toBe(dcmFiles().length - 3);
      expect(tally.attributes).toBeGreaterThan(3000);
    });
  }

  it("no identifying value of any input is left anywhere in the output bytes (basic profile)", () => {
    const { out } = runs.basic;
    let checked = 0;
    const leaks: string[] = [];
    for (const rel of dcmFiles()) {
      if (!existsSync(join(out, rel))) continue;
      const a = parseRawFile(new Uint8Array(readFileSync(join(input, rel))), rel);
      const all = flatten(a.dataset);
      for (const [p, e] of flatten(a.meta)) all.set(`meta:${p}`, e);
      const kept = new Set<string>();
      const phi = new Set<string>();
      for (const [p, e] of all) {
        if (e.items || e.encapsulated) continue;
        const tag = p.slice(-8);
        const row = stdRow(tag);
        // inside a sequence the table removes, empties or replaces by a dummy (not U*: kept, UIDs replaced)
        const under = p
          .split("/")
          .slice(0, -1)
          .map((s) => stdRow(s.slice(0, 8)))
          .filter((r) => r && !r.basicProfile.includes("U"));
        const text = Buffer.from(e.value)
          .toString("latin1")
          .replace(/[\0 ]+$/, "");
        if (!TEXT_VRS.has(e.vr)) continue;
        if (row || under.length) {
          if (text.length >= 4 && e.value.byteLength < 4096) phi.add(text);
        } else if (text.length) kept.add(text);
      }
      const outBytes = bodyBytes(join(out, rel)).toString("latin1");
      for (const v of phi) {
        if ([...kept].some((k) => k.includes(v))) continue; // the same text is also a kept attribute
        if (/^\0+$|^ANONYMIZED$/.test(v)) continue;
        checked++;
        if (outBytes.includes(v)) leaks.push(`${rel}: ${JSON.stringify(v.slice(0, 60))}`);
      }
    }
    console.log(`PHI scan: ${checked} identifying values searched`);
    expect(leaks).toEqual([]);
    expect(checked).toBeGreaterThan(300);
  });

  it("leaves pixel data (native and encapsulated) byte-identical", () => {
    const { out } = runs.basic;
    let n = 0;
    for (const rel of dcmFiles()) {
      if (!existsSync(join(out, rel))) continue;
      const a = parseRawFile(new Uint8Array(readFileSync(join(input, rel))), rel);
      const b = parseRawFile(new Uint8Array(readFileSync(join(out, rel))), rel);
      for (const tag of [0x7fe00010, 0x7fe00008, 0x7fe00009]) {
        const pa = a.dataset.find((e) => e.tag === tag);
        const pb = b.dataset.find((e) => e.tag === tag);
        expect(pb === undefined, `${rel} ${tag.toString(16)}`).toBe(pa === undefined);
        if (pa && pb) {
          expect(sha(pb.value), rel).toBe(sha(pa.value));
          expect(pb.vr).toBe(pa.vr);
          n++;
        }
      }
    }
    expect(n).toBeGreaterThan(20);
    // and read by an independent reader (dcmjs, through read.ts)
    const a = parseDicom(readFileSync(join(input, "test_files/MR_small.dcm")));
    const b = parseDicom(readFileSync(join(out, "test_files/MR_small.dcm")));
    expect(Buffer.from(b.ds.PixelData[0]).equals(Buffer.from(a.ds.PixelData[0]))).toBe(true);
    expect(b.ds.PatientName ?? "").toEqual(expect.not.stringContaining("CompressedSamples"));
  });

  it("writes a deflated file deflated again, readable under its transfer syntax", () => {
    const rel = "test_files/image_dfl.dcm";
    const outPath = join(runs.basic.out, rel);
    const raw = parseRawFile(new Uint8Array(readFileSync(outPath)), rel);
    expect(raw.transferSyntax).toBe(DEFLATED_LE);
    // independent reader: dcmjs inflates and parses it
    const d = parseDicom(readFileSync(outPath), rel);
    const src = parseDicom(readFileSync(join(input, rel)), rel);
    expect(d.meta.TransferSyntaxUID).toBe(DEFLATED_LE);
    expect(d.ds.PatientIdentityRemoved).toBe("YES");
    expect(d.ds.Rows).toBe(src.ds.Rows);
    expect(Buffer.from(d.ds.PixelData[0]).equals(Buffer.from(src.ds.PixelData[0]))).toBe(true);
    expect(d.ds.SOPInstanceUID).toMatch(/^2\.25\./);
    // the dataset really is a raw deflate stream (smaller than its inflated form)
    const b = readFileSync(outPath);
    const inflatedLen = bodyBytes(outPath).byteLength;
    expect(inflatedLen).toBeGreaterThan(b.byteLength);
  });

  it("de-identifies ISO 2022 and other character-set files (kept text unchanged, names removed)", () => {
    const { out, json } = runs.basic;
    const errs = (json.errors as { file: string }[]).filter((e) => e.file.startsWith("charset_files"));
    expect(errs).toEqual([]);
    const files = readdirSync(join(input, "charset_files")).filter((f) => f.endsWith(".dcm"));
    expect(files.length).toBe(17);
    for (const f of files) {
      const rel = `charset_files/${f}`;
      const a = parseRawFile(new Uint8Array(readFileSync(join(input, rel))), rel);
      const b = parseRawFile(new Uint8Array(readFileSync(join(out, rel))), rel);
      const cs = (x: typeof a) => x.dataset.find((e) => e.tag === 0x00080005)?.value;
      expect(sha(cs(b) ?? new Uint8Array()), rel).toBe(sha(cs(a) ?? new Uint8Array()));
      const name = flatten(b.dataset).get("00100010");
      if (name) expect(name.value.byteLength, rel).toBe(0);
    }
    const jap = parseRawFile(new Uint8Array(readFileSync(join(input, "charset_files/chrH32.dcm"))));
    expect(textOf(jap.dataset.find((e) => e.tag === 0x00080005)?.value ?? new Uint8Array())).toMatch(
      /ISO 2022/,
    );
  });

  const pydicom = spawnSync("/usr/bin/python3", ["-c", "import pydicom"]).status === 0;
  it.skipIf(!pydicom)("outputs read back with pydicom; kept text decodes to the same characters", () => {
    const r = spawnSync("/usr/bin/python3", [`${DIR}/dump_pydicom.py`, runs.basic.out], {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(r.status, r.stderr).toBe(0);
    const dump = JSON.parse(r.stdout) as {
      files: Record<string, { elements: { path: string; text: string | null }[] }>;
      unreadable: Record<string, string>;
    };
    expect(dump.unreadable).toEqual({});
    const ref = JSON.parse(readFileSync(`${DIR}/pydicom_elements.json`, "utf8")) as typeof dump;
    let compared = 0;
    for (const [rel, f] of Object.entries(dump.files)) {
      const before = new Map(ref.files[rel].elements.map((e) => [e.path, e.text]));
      for (const e of f.elements) {
        const tag = e.path.slice(-8);
        if (stdRow(tag) || e.text === null || !before.has(e.path)) continue;
        if (e.path.split("/").some((s) => stdRow(s.slice(0, 8)))) continue;
        expect(e.text, `${rel} ${e.path}`).toBe(before.get(e.path));
        compared++;
      }
      const pn = f.elements.find((e) => e.path === "00100010");
      if (pn) expect(pn.text, rel).toBe("");
    }
    expect(Object.keys(dump.files).length).toBe(dcmFiles().length - 3);
    expect(compared).toBeGreaterThan(1000);
  });

  it("the named defects of issue 11 are closed", () => {
    const f = (rel: string, run = "basic") =>
      flatten(parseRawFile(new Uint8Array(readFileSync(join(runs[run].out, rel))), rel).dataset);
    const ct = f("test_files/CT_small.dcm");
    const inCt = flatten(
      parseRawFile(new Uint8Array(readFileSync(join(input, "test_files/CT_small.dcm")))).dataset,
    );
    expect(textOf(inCt.get("00100040")?.value ?? new Uint8Array())).not.toBe("");
    expect(ct.get("00100040")?.value.byteLength).toBe(0); // PatientSex Z
    expect(inCt.has("00101030") && !ct.has("00101030")).toBe(true); // PatientWeight X
    const ctPat = f("test_files/CT_small.dcm", "patient");
    expect(textOf(ctPat.get("00101030")?.value ?? new Uint8Array())).toBe(
      textOf(inCt.get("00101030")?.value ?? new Uint8Array()),
    );
    expect(textOf(ctPat.get("00100040")?.value ?? new Uint8Array())).toBe(
      textOf(inCt.get("00100040")?.value ?? new Uint8Array()),
    );
    const dev = f("test_files/CT_small.dcm", "device");
    if (inCt.has("00181000"))
      expect(sha(dev.get("00181000")?.value ?? new Uint8Array())).toBe(
        sha(inCt.get("00181000")?.value ?? new Uint8Array()),
      );
    const dates = f("test_files/CT_small.dcm", "dates");
    expect(textOf(dates.get("00080020")?.value ?? new Uint8Array())).toBe(
      textOf(inCt.get("00080020")?.value ?? new Uint8Array()),
    );
    expect(textOf(dates.get("00280303")?.value ?? new Uint8Array())).toBe("UNMODIFIED");
    expect(textOf(ct.get("00280303")?.value ?? new Uint8Array())).toBe("REMOVED");
    // InstanceCreatorUID and every other U row remapped; de-identification recorded
    if (inCt.has("00080014"))
      expect(textOf(ct.get("00080014")?.value ?? new Uint8Array())).toMatch(/^2\.25\./);
    expect(textOf(ct.get("00120062")?.value ?? new Uint8Array())).toBe("YES");
    expect(ct.get("00120064")?.items?.[0]?.map((e) => textOf(e.value))).toContain("113100");
  });
});

describe("eprscope deid never writes inside or over its input", () => {
  const base = mkdtempSync(join(tmpdir(), "eprscope-deid-safe-"));
  const dir = join(base, "study");
  mkdirSync(join(dir, "sub"), { recursive: true });
  cpSync(join(DIR, "test_files/MR_small.dcm"), join(dir, "a.dcm"));
  cpSync(join(DIR, "test_files/CT_small.dcm"), join(dir, "sub/b.dcm"));
  symlinkSync(dir, join(base, "link-to-study"));
  symlinkSync(join(dir, "sub"), join(base, "link-to-sub"));
  const cases: [string, string][] = [
    ["trailing slash", "study/"],
    ["absolute spelling", join(base, "study")],
    ["./ and .. spelling", "./study/../study"],
    ["a folder inside the input", "study/deid"],
    ["a symlink to the input", "link-to-study"],
    ["a symlink into the input", "link-to-sub/deid"],
    ["a folder that contains the input", "."],
  ];
  for (const [what, out] of cases) {
    it(`refuses --out as ${what} (exit 2, inputs byte-identical)`, () => {
      const before = treeHash(dir);
      const mtimes = walkFiles(dir).map((f) => statSync(f).mtimeMs);
      const r = runCli(["deid", "study", "--out", out, "--json"], { cwd: base });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/--out/);
      expect(treeHash(dir)).toEqual(before);
      expect(walkFiles(dir).map((f) => statSync(f).mtimeMs)).toEqual(mtimes);
    });
  }
  it("refuses an unknown option value with exit 2", () => {
    const r = runCli(["deid", "study", "--out", "x", "--retain", "everything"], { cwd: base });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/patient-characteristics/);
  });
  it("writes next to the input when asked properly", () => {
    const r = runCli(["deid", "study", "--out", "study-deid", "--json"], { cwd: base });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).written).toBe(2);
    expect(existsSync(join(base, "study-deid/sub/b.dcm"))).toBe(true);
  });
});

describe("eprscope deid on a synthetic PET series (moved from test/io/dicom.test.ts)", () => {
  it("removes every PHI value, remaps UIDs consistently and leaves the volume unchanged", () => {
    const base = mkdtempSync(join(tmpdir(), "eprscope-deid-pet-"));
    const src = join(base, "src");
    mkdirSync(join(src, "a"), { recursive: true });
    const PHI = {
      PatientName: "Smith^Jane",
      PatientID: "MRN-778899",
      PatientBirthDate: "19610203",
      InstitutionName: "St Elsewhere Hospital",
      ReferringPhysicianName: "Dr^Who",
      AccessionNumber: "ACC5544",
      StudyID: "STUDY-42",
      OperatorsName: "Tech^Tom",
      StationName: "PETCT-7",
      PatientAddress: "1 Main Street",
      StudyDescription: "Secret liposome study",
      VerifyingObserverName: "Obs^Erver",
      AdmissionID: "ADM-12345",
      RequestedProcedureDescription: "Liposome follow-up for Jane",
      DerivationDescription: "derived by Dr Who",
    };
    for (let z = 0; z < 3; z++)
      writeDicom(join(src, z === 0 ? "s0.dcm" : `a/s${z}.dcm`), {
        ...PHI,
        SOPClassUID: "1.2.840.10008.5.1.4.1.1.128",
        SOPInstanceUID: `1.2.826.0.1.3680043.8.498.${100 + z}`,
        SeriesInstanceUID: "1.2.826.0.1.3680043.8.498.7",
        StudyInstanceUID: "1.2.826.0.1.3680043.8.498.6",
        FrameOfReferenceUID: "1.2.826.0.1.3680043.8.498.5",
        InstanceCreatorUID: "1.2.826.0.1.3680043.8.498.4",
        Modality: "PT",
        PatientSex: "F",
        PatientWeight: "70",
        ImagePositionPatient: [-10, -20, 30 + 2.5 * z],
        ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
        PixelSpacing: [2, 1.5],
        SliceThickness: "2.5",
        Rows: 3,
        Columns: 4,
        BitsAllocated: 16,
        BitsStored: 16,
        HighBit: 15,
        PixelRepresentation: 0,
        SamplesPerPixel: 1,
        PhotometricInterpretation: "MONOCHROME2",
        PixelData: new Uint16Array(12).map((_, i) => i * 7 + z).buffer,
      });
    writeFileSync(join(src, "notes.txt"), "not dicom");
    const out = join(base, "deid");
    const r = runCli(["deid", src, "--out", out, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).written).toBe(3);
    expect(JSON.parse(r.stdout).notDicom).toEqual(["notes.txt"]);
    const seriesUids = new Set<string>();
    for (const f of ["s0.dcm", "a/s1.dcm", "a/s2.dcm"].map((x) => join(out, x))) {
      const text = readFileSync(f).toString("latin1");
      for (const v of [...Object.values(PHI), "Smith", "1.2.826.0.1.3680043.8.498"])
        expect(text.includes(v), `${f} contains ${v}`).toBe(false);
      const d = parseDicom(readFileSync(f), f);
      seriesUids.add(String(d.ds.SeriesInstanceUID));
      expect(d.ds.PatientIdentityRemoved).toBe("YES");
      expect(d.ds.PatientSex ?? "").toBe("");
      expect(d.ds.PatientWeight).toBeUndefined();
    }
    expect(seriesUids.size).toBe(1);
    expect([...seriesUids][0]).toMatch(/^2\.25\.\d+$/);
    const before = seriesToVolume(discoverSeries(src).series[0]).volume.data;
    const after = seriesToVolume(discoverSeries(out).series[0]).volume.data;
    expect(Array.from(after)).toEqual(Array.from(before));
    expect(readdirSync(out)).not.toContain("notes.txt");
  });

  it("maps the same UID to the same new UID for one salt, and differently for another", () => {
    const b = new Uint8Array(readFileSync(join(DIR, "test_files/MR_small.dcm")));
    const x = deidentifyBytes(b, new UidMapper("a")).bytes;
    const y = deidentifyBytes(b, new UidMapper("a")).bytes;
    const z = deidentifyBytes(b, new UidMapper("b")).bytes;
    expect(sha(x)).toBe(sha(y));
    expect(sha(x)).not.toBe(sha(z));
  });
});
