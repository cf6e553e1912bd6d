/**
 * De-identification by the DICOM PS3.15 Annex E Basic Application Level Confidentiality Profile,
 * driven by the standard's Table E.1-1 as data (deidProfile.ts, every row) and its options.
 *
 * Actions (PS3.15 E.1.1, Table E.1-1a) as implemented here:
 *   X remove · Z zero-length value · D dummy value of the VR (PN/LO/SH/… "ANONYMIZED", DA 19000101,
 *   TM 000000, DT 19000101000000, AS 000D, DS/IS 0, binary: zeros of the same length; a sequence:
 *   one empty item) · U consistent new UID (2.25 form, the same input UID → the same output UID for a
 *   salt, so study/series/reference relations survive; D on a UI value does the same) · K keep (a
 *   sequence is kept and its items are processed by the same rules) · C clean (below).
 *   Combined codes are resolved to the most conformance-preserving choice that keeps nothing of the
 *   original value, since IOD attribute types are not consulted: X/Z → Z, X/D → D, X/Z/D → D,
 *   Z/D → D, X/Z/U* → the sequence is kept and every UID in it replaced (its other attributes follow
 *   the table too).
 *   Attributes that the table does not list are kept; private attributes (odd groups) are removed,
 *   group length elements (gggg,0000) are dropped (their values would be stale), and curve groups
 *   (50xx) and overlay data/comments (60xx,3000/4000) follow the table's wildcard rows.
 * Options (PS3.15 E.3), each enabling its column of Table E.1-1: retain patient-characteristics,
 *   retain dates (Retain Longitudinal Temporal Information Full Dates), retain device-identity,
 *   retain institution-identity, retain uids, clean descriptors. When several enabled options cover
 *   one attribute, K wins over C. "C" (clean) keeps a text value with every occurrence of this
 *   file's identifying values (the values of every attribute the profile removes or replaces, name
 *   components, dates also as YYYY-MM-DD / DD.MM.YYYY / MM/DD/YYYY) and of anything that looks like a
 *   date (8 digits 19xx/20xx) replaced by "*". In ISO 2022 / GB18030 / GBK character sets, where a byte
 *   substring is not a character substring, and for non-text VRs, C falls back to the basic action.
 *   (The standard leaves the cleaning method to the implementation; this one can only remove what it
 *   can recognise, which is why the option is off by default.)
 * Added (PS3.15 E.1.1, E.3.6): PatientIdentityRemoved = YES, DeidentificationMethod,
 *   DeidentificationMethodCodeSequence (CID 7050: 113100 and one code per option),
 *   LongitudinalTemporalInformationModified = REMOVED, or UNMODIFIED with retained dates.
 * File meta: MediaStorageSOPInstanceUID remapped (its table row), the source/sending/receiving AE
 *   titles and private information (0002,0016–0018, 0100, 0102) removed (station identity, beyond the
 *   table), ImplementationClassUID/VersionName set to this writer; the 128-byte preamble is zeroed.
 * Values are processed as bytes (deidElements.ts): kept values are copied unchanged in any character
 * set, dummies are ASCII (valid as the initial G0 set of every DICOM character set), and the file is
 * written in its own transfer syntax (deflated again when deflated). Pixel data is not touched.
 */
import { createHash } from "node:crypto";
import {
  dictionaryVr,
  encodeRawFile,
  parseRawFile,
  type RawElement,
  type RawFile,
  tagHex,
  tagString,
  textOf,
} from "./deidElements.js";
import {
  type BasicAction,
  OPTION_COLUMNS,
  type ProfileOption,
  type ProfileRow,
  PS315_TABLE_E11,
} from "./deidProfile.js";

export type Action = "X" | "Z" | "D" | "U" | "K" | "C";

/** CLI spellings of the options (PS3.15 E.3) → table columns */
export const RETAIN_OPTIONS: Record<string, ProfileOption> = {
  "patient-characteristics": "retainPatientCharacteristics",
  dates: "retainLongitudinalFullDates",
  "device-identity": "retainDeviceIdentity",
  "institution-identity": "retainInstitutionIdentity",
  uids: "retainUids",
};
export const CLEAN_OPTIONS: Record<string, ProfileOption> = { descriptors: "cleanDescriptors" };

/** CID 7050 De-identification Method codes (PS3.16) */
const METHOD_CODES: Partial<Record<ProfileOption, [string, string]>> = {
  retainPatientCharacteristics: ["113108", "Retain Patient Characteristics Option"],
  retainLongitudinalFullDates: ["113106", "Retain Longitudinal Temporal Information Full Dates Option"],
  retainDeviceIdentity: ["113109", "Retain Device Identity Option"],
  retainInstitutionIdentity: ["113112", "Retain Institution Identity Option"],
  retainUids: ["113110", "Retain UIDs Option"],
  cleanDescriptors: ["113105", "Clean Descriptors Option"],
};

export class UidMapper {
  private map = new Map<string, string>();
  constructor(private readonly salt: string) {}
  get(uid: string): string {
    let v = this.map.get(uid);
    if (!v) {
      // 2.25 + decimal of 128 bits of a keyed hash (PS3.5 B.2 UUID-derived UID form)
      const h = createHash("sha256").update(this.salt).update(uid).digest();
      v = `2.25.${BigInt(`0x${h.subarray(0, 16).toString("hex")}`).toString()}`;
      this.map.set(uid, v);
    }
    return v;
  }
}

const ROWS = new Map<number, ProfileRow>();
const WILDCARD = new Map<string, ProfileRow>();
for (const row of PS315_TABLE_E11) {
  const m = /^\(([0-9A-F]{4}),([0-9A-F]{4})\)$/.exec(row[0]);
  if (m) ROWS.set(Number.parseInt(m[1] + m[2], 16) >>> 0, row);
  else WILDCARD.set(row[0], row);
}

/** The Table E.1-1 row that governs a tag (wildcard rows for curves, overlays, private groups). */
export function profileRowFor(tag: number): ProfileRow | undefined {
  const g = tag >>> 16;
  const e = tag & 0xffff;
  if (g % 2 === 1) return WILDCARD.get("(gggg,eeee)");
  const row = ROWS.get(tag);
  if (row) return row;
  if (g >= 0x5000 && g <= 0x501e) return WILDCARD.get("(50xx,xxxx)");
  if (g >= 0x6000 && g <= 0x601e && e === 0x3000) return WILDCARD.get("(60xx,3000)");
  if (g >= 0x6000 && g <= 0x601e && e === 0x4000) return WILDCARD.get("(60xx,4000)");
  return undefined;
}

const RESOLVE: Record<BasicAction, Action> = {
  X: "X",
  Z: "Z",
  D: "D",
  U: "U",
  "X/Z": "Z",
  "X/D": "D",
  "X/Z/D": "D",
  "Z/D": "D",
  "X/Z/U*": "U",
};

/** Effective action of a row under the enabled options (K over C over the basic profile). */
export function actionFor(row: ProfileRow, options: ReadonlySet<ProfileOption>): Action {
  let best: Action | undefined;
  for (const o of options) {
    const c = row[4][OPTION_COLUMNS[o]];
    if (c === "K") return "K";
    if (c === "C") best = "C";
  }
  return best ?? RESOLVE[row[3]];
}

export interface DeidOptions {
  options?: Iterable<ProfileOption>;
}

export interface DeidReport {
  /** attributes per effective action (every nesting level) */
  actions: Record<Action | "private" | "groupLength", number>;
  transferSyntax: string;
}

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
const CLEANABLE_VRS = new Set(["LO", "LT", "SH", "ST", "UC", "UT", "PN"]);
const DUMMY_TEXT = "ANONYMIZED";

const enc = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "latin1"));

/** A non-empty dummy value consistent with the VR (PS3.15 E.1.1 "D"). */
export function dummyValue(vr: string, original: Uint8Array): Uint8Array {
  switch (vr) {
    case "DA":
      return enc("19000101");
    case "TM":
      return enc("000000");
    case "DT":
      return enc("19000101000000");
    case "AS":
      return enc("000D");
    case "DS":
    case "IS":
      return enc("0 ");
    case "AE":
    case "CS":
    case "LO":
    case "LT":
    case "PN":
    case "SH":
    case "ST":
    case "UC":
    case "UT":
      return enc(DUMMY_TEXT);
    case "UR":
      return enc("urn:anonymized ");
    case "US":
    case "SS":
      return new Uint8Array(2);
    case "UL":
    case "SL":
    case "FL":
    case "AT":
      return new Uint8Array(4);
    case "FD":
    case "SV":
    case "UV":
      return new Uint8Array(8);
    default:
      // OB/OW/OF/OD/OL/OV/UN: zeros of the original length (at least 2 bytes)
      return new Uint8Array(Math.max(2, original.byteLength + (original.byteLength % 2)));
  }
}

function remapUids(value: Uint8Array, uids: UidMapper): Uint8Array {
  const s = textOf(value).replace(/\0/g, "");
  if (s.trim() === "") return new Uint8Array(0);
  return enc(
    s
      .split("\\")
      .map((u) => (u.trim() === "" ? "" : uids.get(u.trim())))
      .join("\\"),
  );
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Identifying values of a dataset: every text value that the profile removes or replaces. */
function identifyingValues(els: RawElement[], options: ReadonlySet<ProfileOption>, out: Set<string>): void {
  for (const e of els) {
    if (e.items) {
      for (const it of e.items) identifyingValues(it, options, out);
      continue;
    }
    const row = profileRowFor(e.tag);
    if (!row || !TEXT_VRS.has(e.vr)) continue;
    const a = actionFor(row, options);
    if (a === "K" || a === "C") continue;
    for (const v of textOf(e.value).split("\\")) {
      const t = v.trim();
      const parts = [t, ...t.split(/[\^=]/)].map((x) => x.trim()).filter((x) => x.length >= 2);
      for (const p of parts) out.add(p);
      const d = /^(\d{4})(\d{2})(\d{2})/.exec(t);
      if (d && (e.vr === "DA" || e.vr === "DT")) {
        out.add(`${d[1]}-${d[2]}-${d[3]}`);
        out.add(`${d[3]}.${d[2]}.${d[1]}`);
        out.add(`${d[2]}/${d[3]}/${d[1]}`);
      }
    }
  }
}

interface Ctx {
  options: ReadonlySet<ProfileOption>;
  uids: UidMapper;
  report: DeidReport;
  /** regular expression of the identifying values, for C; undefined when cleaning is not possible */
  clean: RegExp | undefined;
}

function cleanValue(e: RawElement, ctx: Ctx): Uint8Array | undefined {
  if (!ctx.clean || !CLEANABLE_VRS.has(e.vr)) return undefined;
  const s = Buffer.from(e.value).toString("latin1");
  return enc(s.replace(ctx.clean, "*").replace(/(19|20)\d{6}/g, "*"));
}

function apply(els: RawElement[], ctx: Ctx): RawElement[] {
  const out: RawElement[] = [];
  const count = (k: keyof DeidReport["actions"]) => {
    ctx.report.actions[k]++;
  };
  for (const e of els) {
    const g = e.tag >>> 16;
    if (g % 2 === 1) {
      count("private");
      continue;
    }
    if ((e.tag & 0xffff) === 0 && g !== 0x0002) {
      count("groupLength");
      continue;
    }
    const row = profileRowFor(e.tag);
    let action: Action = row ? actionFor(row, ctx.options) : "K";
    if (action === "C") {
      if (e.items) action = "K";
      else {
        const v = cleanValue(e, ctx);
        if (v) {
          count("C");
          out.push({ ...e, value: v });
          continue;
        }
        action = row ? RESOLVE[row[3]] : "K";
      }
    }
    if (row) count(action);
    const vr = e.vr === "UN" ? dictionaryVr(e.tag) : e.vr;
    switch (action) {
      case "X":
        continue;
      case "Z":
        out.push(e.items ? { ...e, items: [] } : { ...e, value: new Uint8Array(0) });
        continue;
      case "D":
        if (e.items) out.push({ ...e, items: [[]] });
        else if (vr === "UI") out.push({ ...e, vr, value: remapUids(e.value, ctx.uids) });
        else out.push({ ...e, vr, value: dummyValue(vr, e.value) });
        continue;
      case "U":
        if (e.items) out.push({ ...e, items: e.items.map((it) => apply(it, ctx)) });
        else out.push({ ...e, vr: "UI", value: remapUids(e.value, ctx.uids) });
        continue;
      default:
        out.push(e.items ? { ...e, items: e.items.map((it) => apply(it, ctx)) } : e);
    }
  }
  return out;
}

const el = (tag: number, vr: string, value: string): RawElement => ({ tag, vr, value: enc(value) });

function codeItem(code: string, meaning: string): RawElement[] {
  return [el(0x00080100, "SH", code), el(0x00080102, "SH", "DCM"), el(0x00080104, "LO", meaning)];
}

function setTopLevel(els: RawElement[], add: RawElement[]): RawElement[] {
  const tags = new Set(add.map((a) => a.tag));
  return [...els.filter((e) => !tags.has(e.tag)), ...add].sort((a, b) => a.tag - b.tag);
}

/** this writer's ImplementationClassUID (2.25 form of a fixed 128-bit value) */
export const IMPLEMENTATION_CLASS_UID = "2.25.40086803849701554774651154689369873700";

const META_REMOVED = new Set([0x00020016, 0x00020017, 0x00020018, 0x00020100, 0x00020102]);

/** De-identify a parsed file (pure with respect to the input: a new tree is returned). */
export function deidentifyRaw(
  f: RawFile,
  uids: UidMapper,
  opts: DeidOptions = {},
): { file: RawFile; report: DeidReport } {
  const options = new Set(opts.options ?? []);
  const report: DeidReport = {
    actions: { X: 0, Z: 0, D: 0, U: 0, K: 0, C: 0, private: 0, groupLength: 0 },
    transferSyntax: f.transferSyntax,
  };
  let clean: RegExp | undefined;
  const charset = textOf(f.dataset.find((e) => e.tag === 0x00080005)?.value ?? new Uint8Array(0));
  if (!/2022|GB18030|GBK/.test(charset)) {
    const ids = new Set<string>();
    identifyingValues(f.dataset, options, ids);
    const list = [...ids].sort((a, b) => b.length - a.length).map(escapeRe);
    clean = list.length ? new RegExp(list.join("|"), "gi") : /(?!)/g;
  }
  const ctx: Ctx = { options, uids, report, clean };
  const dataset = apply(f.dataset, ctx);
  const methodCodes = [["113100", "Basic Application Confidentiality Profile"] as [string, string]];
  for (const [o, code] of Object.entries(METHOD_CODES))
    if (options.has(o as ProfileOption)) methodCodes.push(code);
  const datesKept = options.has("retainLongitudinalFullDates");
  const added: RawElement[] = [
    el(0x00120062, "CS", "YES"),
    el(0x00120063, "LO", methodCodes.map(([c]) => `DCM ${c}`).join("\\") + "\\eprscope"),
    {
      tag: 0x00120064,
      vr: "SQ",
      value: new Uint8Array(0),
      items: methodCodes.map(([c, m]) => codeItem(c, m)),
    },
    el(0x00280303, "CS", datesKept ? "UNMODIFIED" : "REMOVED"),
  ];
  const meta = apply(
    f.meta.filter((e) => !META_REMOVED.has(e.tag) && e.tag !== 0x00020000),
    { ...ctx, report: { ...report, actions: { ...report.actions } } },
  );
  const metaOut = setTopLevel(meta, [
    el(0x00020012, "UI", IMPLEMENTATION_CLASS_UID),
    el(0x00020013, "SH", "EPRSCOPE"),
  ]);
  return {
    file: {
      preamble: new Uint8Array(128),
      meta: metaOut,
      dataset: setTopLevel(dataset, added),
      transferSyntax: f.transferSyntax,
    },
    report,
  };
}

/** Bytes in, bytes out: parse, de-identify, encode in the same transfer syntax. */
export function deidentifyBytes(
  bytes: Uint8Array,
  uids: UidMapper,
  opts: DeidOptions = {},
  path = "<dicom>",
): { bytes: Uint8Array; report: DeidReport } {
  const { file, report } = deidentifyRaw(parseRawFile(bytes, path), uids, opts);
  return { bytes: encodeRawFile(file), report };
}

export { tagHex, tagString };
