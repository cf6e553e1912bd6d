/**
 * `eprscope histo …` contracts (spawned CLI, built dist/): deconvolve against the numpy
 * Fiji-convention reference of the real H-DAB image (1e-9 OD), OD images written in --out
 * and never inside an input, mvd keys and values against scikit-image's component count,
 * area / her2 / penetration / estimate shapes, progress on stderr for multi-tile runs,
 * exit 2 on bad input.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encode as encodePng } from "fast-png";
import { describe, expect, it } from "vitest";
import { REF, runCli, runCliJson } from "../helpers/cli.js";

const IHC = `${REF}/histology/ihc.png`;
const ref = JSON.parse(readFileSync(`${REF}/histology/ihc_reference.json`, "utf8"));
const sk = JSON.parse(readFileSync(`${REF}/histology/skimage_reference.json`, "utf8"));
const dir = mkdtempSync(join(tmpdir(), "histo-cli-"));

describe("eprscope histo deconvolve", () => {
  it("matches the Fiji-convention reference and writes OD images in --out", () => {
    const out = join(dir, "od");
    const r = runCliJson<{
      width: number;
      height: number;
      stains: Record<string, Record<string, number>>;
      files: string[];
    }>(["histo", "deconvolve", IHC, "--stains", "hdab", "--out", out]);
    expect([r.width, r.height]).toEqual([512, 512]);
    expect(Object.keys(r.stains)).toEqual(["hematoxylin", "dab", "residual"]);
    for (const s of ["hematoxylin", "dab", "residual"])
      for (const k of ["mean_od", "p05", "p50", "p95"])
        expect(Math.abs(r.stains[s][k] - ref[s][k === "mean_od" ? "mean_od" : k])).toBeLessThan(1e-9);
    for (const f of ["hematoxylin_od.tif", "dab_od.tif", "residual_od.tif", "dab.png"])
      expect(existsSync(join(out, f))).toBe(true);
  });
  it("other presets name their stains as Fiji does", () => {
    expect(
      Object.keys(runCliJson<{ stains: object }>(["histo", "deconvolve", IHC, "--stains", "masson"]).stains),
    ).toEqual(["methyl_blue", "ponceau_fuchsin", "residual"]);
    expect(
      Object.keys(runCliJson<{ stains: object }>(["histo", "deconvolve", IHC, "--stains", "hedab"]).stains),
    ).toEqual(["hematoxylin", "eosin", "dab"]);
  });
  it("--vectors FILE (user vectors) equals the preset when given the same numbers", () => {
    const v = join(dir, "v.json");
    writeFileSync(v, JSON.stringify({ hematoxylin: [0.65, 0.704, 0.286], dab: [0.268, 0.57, 0.776] }));
    const a = runCliJson<{ stains: Record<string, { mean_od: number }> }>([
      "histo",
      "deconvolve",
      IHC,
      "--vectors",
      v,
    ]);
    expect(a.stains.dab.mean_od).toBeCloseTo(ref.dab.mean_od, 12);
  });
  it("refuses an --out folder that contains the input, and bad presets (exit 2)", () => {
    const d = join(dir, "inside");
    mkdirSync(d);
    const img = join(d, "ihc.png");
    writeFileSync(img, readFileSync(IHC));
    const r = runCli(["histo", "deconvolve", img, "--out", d, "--json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/input/);
    expect(runCli(["histo", "deconvolve", IHC, "--stains", "xyz", "--json"]).code).toBe(2);
  });
});

describe("eprscope histo mvd", () => {
  it("returns the contract keys; with 1 µm/px and 10 µm² its vessel count is skimage's ≥ 10 px count", () => {
    const ov = join(dir, "ov.png");
    const r = runCliJson<Record<string, number>>(["histo", "mvd", IHC, "--um-per-px", "1", "--overlay", ov]);
    for (const k of ["vessels", "area_mm2", "mvd_per_mm2", "vessel_area_fraction", "hotspot_mvd_per_mm2"])
      expect(typeof r[k]).toBe("number");
    expect(r.vessels).toBe(sk.dab_fiji.components_ge10px);
    expect(r.vessels + r.rejected_small).toBe(sk.dab_fiji.components_8);
    expect(r.area_mm2).toBeCloseTo(0.262144, 12);
    expect(r.mvd_per_mm2).toBeCloseTo(r.vessels / 0.262144, 9);
    expect(existsSync(ov)).toBe(true);
  });
  it("prints progress on stderr when the image is analysed in several tiles; --quiet silences it", () => {
    const r = runCli(["histo", "mvd", IHC, "--um-per-px", "1", "--tile", "128", "--json"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/segment: 16\/16 tiles/);
    expect(JSON.parse(r.stdout).vessels).toBe(sk.dab_fiji.components_ge10px);
    expect(
      runCli(["histo", "mvd", IHC, "--um-per-px", "1", "--tile", "128", "--json", "--quiet"]).stderr,
    ).toBe("");
  });
  it("requires --um-per-px > 0 (exit 2)", () => {
    expect(runCli(["histo", "mvd", IHC, "--um-per-px", "0", "--json"]).code).toBe(2);
  });
});

describe("eprscope histo area / her2 / penetration / estimate", () => {
  it("area: DAB-positive fraction with Otsu equals skimage's mask fraction", () => {
    const r = runCliJson<Record<string, number>>([
      "histo",
      "area",
      IHC,
      "--stains",
      "hdab",
      "--um-per-px",
      "1",
      "--objects",
    ]);
    expect(r.area_fraction).toBeCloseTo(sk.dab_fiji.mask_pixels / 512 ** 2, 12);
    expect(r.objects).toBe(sk.dab_fiji.components_ge10px);
  });
  it("her2: bins sum to 1 and the score is one of the four", () => {
    const r = runCliJson<Record<string, number | string>>(["histo", "her2", IHC]);
    const s =
      (r.fraction_0 as number) +
      (r.fraction_1plus as number) +
      (r.fraction_2plus as number) +
      (r.fraction_3plus as number);
    expect(s).toBeCloseTo(1, 12);
    expect(["0", "1+", "2+", "3+"]).toContain(r.score);
  });
  it("penetration: profile from a vessel mask of the same size", () => {
    const m = new Uint8Array(64 * 64);
    for (let y = 0; y < 64; y++) m[y * 64] = 255;
    const mask = join(dir, "vmask.png");
    writeFileSync(mask, encodePng({ width: 64, height: 64, data: m, channels: 1, depth: 8 }));
    const sig = new Uint8Array(64 * 64 * 3);
    for (let y = 0; y < 64; y++)
      for (let x = 0; x < 64; x++) sig[(y * 64 + x) * 3 + 1] = Math.round(200 * Math.exp(-x / 10));
    const img = join(dir, "sig.png");
    writeFileSync(img, encodePng({ width: 64, height: 64, data: sig, channels: 3, depth: 8 }));
    const r = runCliJson<{ depth_1e_um: number; bins: unknown[]; signal_gini: number }>([
      "histo",
      "penetration",
      img,
      "--um-per-px",
      "1",
      "--vessel-mask",
      mask,
      "--signal",
      "green",
      "--bin-um",
      "1",
      "--max-distance-um",
      "60",
    ]);
    expect(Math.abs(r.depth_1e_um - 11.5)).toBeLessThan(0.6);
    expect(r.bins.length).toBe(60);
    expect(r.signal_gini).toBeGreaterThan(0);
    expect(runCli(["histo", "penetration", img, "--um-per-px", "1", "--json"]).code).toBe(2);
  });
  it("estimate: two unit vectors usable as --vectors", () => {
    const out = join(dir, "est.json");
    const r = runCli(["histo", "estimate", IHC, "--names", "hematoxylin,dab", "--out", out]);
    expect(r.code).toBe(0);
    const v = JSON.parse(readFileSync(out, "utf8"));
    for (const n of ["hematoxylin", "dab"]) expect(Math.hypot(...v.stains[n])).toBeCloseTo(1, 12);
    expect(
      runCliJson<{ stains: object }>(["histo", "deconvolve", IHC, "--vectors", out]).stains,
    ).toHaveProperty("residual");
  });
  it("--help documents the subcommands", () => {
    const h = runCli(["histo", "--help"]).stdout;
    for (const c of ["deconvolve", "mvd", "area", "her2", "penetration", "estimate"]) expect(h).toContain(c);
    expect(runCli(["histo", "her2", "--help"]).stdout).toMatch(/membrane/);
  });
});
