/**
 * `eprscope pet lesions` end to end:
 *  - the committed phantom (test/reference/pet/) against the independent numpy/scipy values
 *    (make_suv_reference.py): SUVmax, SUVpeak (1 cm³ sphere), SUVmean, volume_ml, pctID,
 *    lesion_to_blood within 1e-9 relative, voxel counts exact; CSV output with the same columns;
 *  - decay correction exactly as the hand formula SUV = C·W/(A·2^(−Δt/T½)) with T½(Cu-64) =
 *    12.701 h (NNDC), for an image at scan time and one decay-corrected to injection, in Bq/mL and
 *    kBq/mL (a uniform float32 volume whose value is exact in binary: 1e-12 relative);
 *  - bad input exits 2 with the file/flag named and no stack trace.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { identityAffine } from "../../src/core/image/volume.js";
import { encodeNifti } from "../../src/io/nifti.js";
import {
  expectCleanFailure,
  REF,
  runCli,
  runCliInProcess,
  runCliJson,
  tempDir,
  writeFiles,
} from "../helpers/cli.js";

const ref = JSON.parse(readFileSync(`${REF}/pet/suv_reference.json`, "utf8"));
const PET = `${REF}/pet/pet.nii.gz`;
const LAB = `${REF}/pet/labels.nii.gz`;
const base = [
  "--weight-kg",
  String(ref.inputs.weight_kg),
  "--injected-mbq",
  String(ref.inputs.injected_mbq),
  "--injection-time",
  ref.inputs.injection_time,
  "--scan-time",
  ref.inputs.scan_time,
  "--nuclide",
  "cu-64",
];
type Row = Record<string, number | string | null>;
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe("eprscope pet lesions on the reference phantom", () => {
  it("matches numpy/scipy (1e-9)", () => {
    const rows = runCliJson<Row[]>(["pet", "lesions", PET, "--labels", LAB, ...base, "--blood-label", "10"]);
    expect(rows.map((r) => r.lesion)).toEqual(["1", "2", "3"]);
    for (const l of ref.lesions) {
      const r = rows.find((x) => x.lesion === l.lesion) as Row;
      for (const k of ["SUVmax", "SUVpeak", "SUVmean", "volume_ml", "pctID", "lesion_to_blood"])
        expect(rel(r[k] as number, l[k]), `${l.lesion} ${k}`).toBeLessThan(1e-9);
      expect(r.voxels).toBe(l.voxels);
      expect(r.peak_voxels).toBe(l.peak_voxels);
    }
  });
  it("without --blood-label the label 10 VOI is a lesion and lesion_to_blood is null; CSV output", () => {
    const rows = runCliJson<Row[]>(["pet", "lesions", PET, "--labels", LAB, ...base]);
    expect(rows.map((r) => r.lesion)).toEqual(["1", "2", "3", "10"]);
    expect(rows.every((r) => r.lesion_to_blood === null)).toBe(true);
    const dir = tempDir("pet-csv-");
    const out = join(dir, "lesions.csv");
    const r = runCli(["pet", "lesions", PET, "--labels", LAB, ...base, "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    const [head, ...lines] = readFileSync(out, "utf8").trim().split("\n");
    expect(head.split(",").slice(0, 7)).toEqual([
      "lesion",
      "label",
      "SUVmax",
      "SUVpeak",
      "SUVmean",
      "volume_ml",
      "pctID",
    ]);
    expect(lines).toHaveLength(4);
  });
});

/** run in-process (src, no spawn) and parse the JSON */
async function inProcessJson<T>(args: string[]): Promise<T> {
  const r = await runCliInProcess([...args, "--json"]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
}

describe("decay correction, exact", () => {
  const dir = tempDir("pet-decay-");
  const C = 4096.5; // exact in float32
  const spacing: [number, number, number] = [4, 4, 4];
  const vol = (data: Float32Array, dims = [5, 5, 5]) => ({
    dims,
    spacingMm: spacing,
    affine: identityAffine(spacing),
    data,
  });
  const labels = new Float32Array(125);
  labels[62] = 1;
  labels[63] = 1;
  writeFiles(dir, {
    "pet.nii": encodeNifti(vol(new Float32Array(125).fill(C))),
    "lab.nii": encodeNifti(vol(labels), { datatype: "uint8" }),
    "lab4.nii": encodeNifti(vol(new Float32Array(4 * 4 * 5).fill(1), [4, 4, 5])),
    "frac.nii": encodeNifti(vol(Float32Array.from(labels, (x) => x * 1.5))),
    "pet4d.nii": encodeNifti(vol(new Float32Array(250).fill(C), [5, 5, 5, 2])),
  });
  const args = (extra: string[] = []) => [
    "pet",
    "lesions",
    join(dir, "pet.nii"),
    "--labels",
    join(dir, "lab.nii"),
    "--weight-kg",
    "64.2",
    "--injected-mbq",
    "190.5",
    "--injection-time",
    "2026-05-04T08:30:00Z",
    "--scan-time",
    "2026-05-05T09:15:30+01:00",
    "--nuclide",
    "Cu-64",
    ...extra,
  ];
  const dtH = (Date.parse("2026-05-05T08:15:30Z") - Date.parse("2026-05-04T08:30:00Z")) / 3.6e6;
  const hand = (C * 64.2e3) / (190.5e6 * 2 ** (-dtH / 12.701));
  it("image at scan start: SUV = C·W/(A·2^(−Δt/T½)), pctID = 100·SUV·V/W", async () => {
    const [r] = await inProcessJson<Row[]>(args());
    expect(rel(r.SUVmean as number, hand)).toBeLessThan(1e-12);
    expect(rel(r.SUVmax as number, hand)).toBeLessThan(1e-12);
    expect(rel(r.SUVpeak as number, hand)).toBeLessThan(1e-12);
    expect(r.volume_ml).toBeCloseTo(0.128, 12);
    expect(rel(r.pctID as number, (100 * hand * 0.128) / 64.2e3)).toBeLessThan(1e-12);
  });
  it("decay-corrected to injection, and kBq/mL", async () => {
    const [a] = await inProcessJson<Row[]>(args(["--decay-corrected-to", "injection"]));
    expect(rel(a.SUVmean as number, (C * 64.2e3) / 190.5e6)).toBeLessThan(1e-12);
    const [b] = await inProcessJson<Row[]>(args(["--units", "kBq/mL"]));
    expect(rel(b.SUVmean as number, 1000 * hand)).toBeLessThan(1e-12);
  });

  const bad: [string, string[], RegExp][] = [
    ["scan before injection", ["--scan-time", "2026-05-04T08:00:00Z"], /--scan-time.*at or after/],
    ["weight 0", ["--weight-kg", "0"], /--weight-kg/],
    ["injected -1", ["--injected-mbq", "-1"], /--injected-mbq/],
    ["bad ISO time", ["--injection-time", "2026-13-04T08:30:00Z"], /--injection-time/],
    ["unknown nuclide", ["--nuclide", "Xx-99"], /--nuclide/],
    ["bad units", ["--units", "mCi/mL"], /--units/],
    ["bad decay reference", ["--decay-corrected-to", "midscan"], /--decay-corrected-to/],
    ["absent blood label", ["--blood-label", "10"], /lab\.nii.*blood label/],
    ["non-integer blood label", ["--blood-label", "1.5"], /--blood-label/],
  ];
  it.each(bad)("exit 2: %s", async (_, extra, msg) => {
    // later occurrences of an option win (commander), so `extra` overrides the defaults
    expectCleanFailure(await runCliInProcess(args(extra)), 2, msg);
  });
  it.each([
    ["labels on another grid", "lab4.nii", /lab4\.nii.*grid/],
    ["fractional labels", "frac.nii", /frac\.nii.*positive integers/],
    ["missing label file", "nope.nii", /nope\.nii/],
  ])("exit 2: %s", async (_, file, msg) => {
    const a = args();
    a[4] = join(dir, file);
    expectCleanFailure(await runCliInProcess(a), 2, msg);
  });
  it("exit 2: a 4D image, and (spawned binary) no --labels", async () => {
    const a = args();
    a[2] = join(dir, "pet4d.nii");
    expectCleanFailure(runCli(a), 2, /pet4d\.nii.*3D/);
    expectCleanFailure(runCli(["pet", "lesions", join(dir, "pet.nii"), "--weight-kg", "70"]), 2, /--labels/);
  });
});
