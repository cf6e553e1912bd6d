/** `eprscope simulate ifp|pbpk|pbpk-fit|transport` contracts (built CLI), incl. transport --threads. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { identityAffine } from "../../src/core/image/volume.js";
import { simulateScaled } from "../../src/core/transport/pbpk/fit.js";
import { readNifti, writeNifti } from "../../src/io/nifti.js";
import { runCli, runCliJson } from "../helpers/cli.js";

const IFP = [
  "simulate",
  "ifp",
  "--radius-mm",
  "2.5",
  "--lp-cm-per-mmhg-s",
  "2.8e-7",
  "--sv-per-cm",
  "200",
  "--k-cm2-per-mmhg-s",
  "4.13e-8",
  "--pv-mmhg",
  "15.6",
  "--sigma",
  "0.82",
  "--piv-mmhg",
  "20",
  "--pii-mmhg",
  "15",
];

describe("simulate ifp", () => {
  it("returns r_mm 0..R, p_mmHg, v_um_per_s, pe_mmHg, alpha matching Baxter–Jain", () => {
    const r = runCliJson<{
      r_mm: number[];
      p_mmHg: number[];
      v_um_per_s: number[];
      pe_mmHg: number;
      alpha: number;
    }>([...IFP, "--nodes", "401"]);
    expect(r.r_mm.length).toBe(401);
    expect(r.r_mm[0]).toBe(0);
    expect(r.r_mm[400]).toBeCloseTo(2.5, 12);
    expect(r.pe_mmHg).toBeCloseTo(11.5, 10);
    const a = 0.25 * Math.sqrt((2.8e-7 * 200) / 4.13e-8);
    expect(r.alpha).toBeCloseTo(a, 10);
    // closed form written here (Baxter & Jain 1989)
    r.r_mm.forEach((rm, i) => {
      const x = rm / 2.5;
      const ref =
        x === 0 ? 11.5 * (1 - a / Math.sinh(a)) : 11.5 * (1 - Math.sinh(a * x) / (x * Math.sinh(a)));
      expect(Math.abs(r.p_mmHg[i] - ref)).toBeLessThan(1e-3 * 11.5);
    });
    expect(r.v_um_per_s[0]).toBe(0);
    expect(r.v_um_per_s[400]).toBeGreaterThan(0);
  });
  it("bad input → exit 2 naming the flag, value and expectation", () => {
    const r = runCli([...IFP.slice(0, 3), "-1", ...IFP.slice(4), "--json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--radius-mm.*-1.*> 0/);
    const s = runCli([...IFP, "--sigma", "1.5", "--json"]);
    expect(s.code).toBe(2);
    expect(s.stderr).toMatch(/--sigma/);
  });
});

describe("simulate pbpk", () => {
  it("amounts (incl. urine, faeces) sum to 100 %ID at every time; summary fields", () => {
    const r = runCliJson<{
      time_h: number[];
      amount_pctID: Record<string, number[]>;
      conc_pctID_per_g: Record<string, number[]>;
      conc_ug_per_g: Record<string, number[]>;
      summary: Record<string, number | null>;
    }>(["simulate", "pbpk", "--size-nm", "20", "--species", "rat", "--hours", "24", "--dose-mg-per-kg", "5"]);
    for (const k of [
      "blood",
      "liver",
      "spleen",
      "kidney",
      "lung",
      "heart",
      "muscle",
      "tumour",
      "bone_marrow",
      "skin",
      "rest",
      "urine",
      "faeces",
    ])
      expect(r.amount_pctID[k].length).toBe(r.time_h.length);
    r.time_h.forEach((_, i) => {
      expect(Math.abs(Object.values(r.amount_pctID).reduce((s, v) => s + v[i], 0) - 100)).toBeLessThan(1e-6);
    });
    for (const k of [
      "blood_half_life_h",
      "tumour_auc_pctID_h_per_g",
      "tumour_peak_pctID_per_g",
      "tumour_peak_time_h",
    ])
      expect(k in r.summary).toBe(true);
    expect(r.conc_ug_per_g.liver.length).toBe(r.time_h.length);
  });
  it("--species dog → exit 2", () => {
    const r = runCli(["simulate", "pbpk", "--size-nm", "20", "--species", "dog", "--hours", "24", "--json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--species.*dog.*mouse, rat, human/);
  });
});

describe("simulate pbpk --surface", () => {
  it("peg 100 nm circulates ≥ 5× longer than bare", () => {
    const hl = (surface: string) =>
      runCliJson<{ summary: { blood_half_life_h: number } }>([
        "simulate",
        "pbpk",
        "--size-nm",
        "100",
        "--species",
        "mouse",
        "--hours",
        "96",
        "--surface",
        surface,
      ]).summary.blood_half_life_h;
    const peg = hl("peg");
    expect(peg).toBeGreaterThan(10);
    expect(peg).toBeLessThan(40);
    expect(hl("bare")).toBeLessThan(peg / 5);
    const r = runCli([
      "simulate",
      "pbpk",
      "--size-nm",
      "100",
      "--species",
      "mouse",
      "--hours",
      "9",
      "--surface",
      "gold",
      "--json",
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--surface/);
  });
});

describe("simulate pbpk-fit", () => {
  const dir = mkdtempSync(join(tmpdir(), "pbpk-fit-"));
  const truth = {
    mps_liver_scale: 0.4,
    mps_spleen_scale: 0.6,
    mps_marrow_scale: 3,
    tumour_permeability_scale: 0.8,
    opsonised_fraction: 0.2,
    lung_uptake_scale: 0.6,
    renal_mesangial_scale: 1.3,
    renal_tubular_scale: 1,
  };
  // nothing is filtered at 100 nm: the tubular scale does not apply (null, "not applicable")
  const recovered = Object.entries(truth).filter(([k]) => k !== "renal_tubular_scale");
  const base = { sizeNm: 100, species: "mouse" as const, surface: "peg" as const };
  const sim = simulateScaled(base, truth, 96, 97);
  const at = (o: string, t: number) =>
    sim.sample_pctID_per_g[o][sim.time_h.findIndex((x) => Math.abs(x - t) < 1e-9)];
  const lines = ["organ,time_h,pctID_per_g,sd"];
  for (const t of [1, 4, 8, 24, 48, 72, 96]) lines.push(`blood,${t},${at("blood", t)},`);
  for (const o of ["liver", "spleen", "kidneys", "lungs", "heart", "muscle", "tumour_psma"])
    lines.push(`${o},96,${at(o.replace(/s$/, "").replace("tumour_psma", "tumour"), 96)},`);
  for (const t of [24, 48]) lines.push(`tumor,${t},${at("tumour", t)},`);
  const csv = join(dir, "biodist.csv");
  writeFileSync(csv, `${lines.join("\n")}\n`);
  it("recovers the simulating parameters from a noise-free CSV; JSON contract", () => {
    const r = runCliJson<{
      params: Record<string, number | null>;
      stderr: Record<string, number | null>;
      status: string;
      predicted: { organ: string; time_h: number; measured: number; predicted: number; apriori: number }[];
      rss: number;
      blood_half_life_h: number;
    }>(["simulate", "pbpk-fit", csv, "--size-nm", "100", "--species", "mouse", "--surface", "peg", "--json"]);
    expect(r.status).toBe("ok");
    for (const [k, v] of recovered) expect(Math.abs((r.params[k] as number) / v - 1), k).toBeLessThan(1e-4);
    expect(r.params.renal_tubular_scale).toBeNull();
    for (const k of Object.keys(truth)) expect(k in r.stderr).toBe(true);
    expect(r.predicted.length).toBe(lines.length - 1);
    expect(r.predicted.map((p) => p.organ)).toEqual(
      expect.arrayContaining(["kidney", "lung", "tumour", "blood"]),
    );
    for (const p of r.predicted) expect(Math.abs(p.predicted / p.measured - 1)).toBeLessThan(1e-4);
    expect(r.rss).toBeLessThan(1e-8);
    expect(r.blood_half_life_h).toBeGreaterThan(5);
  });
  it("blood only: organ parameters reported not identifiable (null + status)", () => {
    const b = join(dir, "blood.csv");
    writeFileSync(b, `${lines.filter((l, i) => i === 0 || l.startsWith("blood")).join("\n")}\n`);
    const r = runCliJson<{
      params: Record<string, number | null>;
      param_status: Record<string, string>;
      status: string;
    }>(["simulate", "pbpk-fit", b, "--size-nm", "100", "--species", "mouse", "--surface", "peg"]);
    expect(r.params.tumour_permeability_scale).toBeNull();
    expect(r.param_status.tumour_permeability_scale).toMatch(/not identifiable/);
    expect(r.status).toMatch(/identifiable/);
  });
  it("unknown organ / missing column → exit 2 naming it", () => {
    const bad = join(dir, "bad.csv");
    writeFileSync(bad, "organ,time_h,pctID_per_g\nbrain,96,1\n");
    const r = runCli(["simulate", "pbpk-fit", bad, "--size-nm", "100", "--species", "mouse", "--json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/brain/);
    writeFileSync(bad, "organ,time_h\nblood,1\n");
    const r2 = runCli(["simulate", "pbpk-fit", bad, "--size-nm", "100", "--species", "mouse", "--json"]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/pctID_per_g/);
  });
});

describe("simulate transport", () => {
  it("sphere: rim/core/penetration over time, mass balance ≤ 1e-9", () => {
    const r = runCliJson<{
      time_h: number[];
      rim_mean_conc: number[];
      core_mean_conc: number[];
      penetration_depth_um: number[];
      mass_balance_rel_error: number;
      r_mm: number[];
      conc_final: number[];
    }>([
      "simulate",
      "transport",
      "--radius-mm",
      "3",
      "--size-nm",
      "50",
      "--hours",
      "12",
      "--reports",
      "6",
      "--nodes",
      "61",
    ]);
    expect(r.time_h).toEqual([2, 4, 6, 8, 10, 12]);
    expect(r.mass_balance_rel_error).toBeLessThan(1e-9);
    expect(r.rim_mean_conc.every((c) => c > 0)).toBe(true);
    expect(r.conc_final.length).toBe(r.r_mm.length);
  });
  it("mask + vascular map: poorly vascularised core receives less; writes the map outside the inputs", () => {
    const dir = mkdtempSync(join(tmpdir(), "sim-"));
    const n = 12;
    const mask = new Float32Array(n * n * n);
    const vp = new Float32Array(n * n * n);
    for (let k = 0; k < n; k++)
      for (let j = 0; j < n; j++)
        for (let i = 0; i < n; i++) {
          const rr = Math.hypot(i - 5.5, j - 5.5, k - 5.5);
          const v = i + n * (j + n * k);
          if (rr <= 5.5) mask[v] = 1;
          vp[v] = rr < 3 ? 0.001 : 0.05; // necrotic core
        }
    const sp: [number, number, number] = [0.5, 0.5, 0.5];
    writeNifti(join(dir, "mask.nii.gz"), {
      dims: [n, n, n],
      spacingMm: sp,
      affine: identityAffine(sp),
      data: mask,
    });
    writeNifti(join(dir, "vp.nii.gz"), {
      dims: [n, n, n],
      spacingMm: sp,
      affine: identityAffine(sp),
      data: vp,
    });
    const r = runCliJson<{
      rim_mean_conc: number[];
      core_mean_conc: number[];
      mass_balance_rel_error: number;
    }>([
      "simulate",
      "transport",
      "--mask",
      join(dir, "mask.nii.gz"),
      "--vascular-map",
      join(dir, "vp.nii.gz"),
      "--size-nm",
      "30",
      "--hours",
      "6",
      "--reports",
      "3",
      "--out-map",
      join(dir, "conc.nii.gz"),
    ]);
    expect(r.mass_balance_rel_error).toBeLessThan(1e-9);
    expect(r.core_mean_conc[2]).toBeLessThan(r.rim_mean_conc[2]);
    expect(readNifti(join(dir, "conc.nii.gz")).dims.slice(0, 3)).toEqual([n, n, n]);
    const bad = runCli([
      "simulate",
      "transport",
      "--mask",
      join(dir, "mask.nii.gz"),
      "--size-nm",
      "30",
      "--hours",
      "6",
      "--out-map",
      join(dir, "mask.nii.gz"),
      "--json",
    ]);
    expect(bad.code).toBe(2);
    const both = runCli([
      "simulate",
      "transport",
      "--mask",
      join(dir, "mask.nii.gz"),
      "--radius-mm",
      "3",
      "--size-nm",
      "30",
      "--hours",
      "6",
      "--json",
    ]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--radius-mm\/--mask/);
  });
  it("--plasma-pbpk takes the agent's surface and targeting: PEG circulates longer, targeted binds; misuse → exit 2", () => {
    const args = [
      "simulate",
      "transport",
      "--radius-mm",
      "2",
      "--size-nm",
      "100",
      "--hours",
      "24",
      "--reports",
      "4",
      "--nodes",
      "41",
      "--plasma-pbpk",
    ];
    type T = { mean_conc: number[]; bound_fraction: number[]; concentration_unit: string };
    const bare = runCliJson<T>(args);
    const peg = runCliJson<T>([...args, "--surface", "peg"]);
    const tgt = runCliJson<T>([...args, "--surface", "peg", "--targeted"]);
    // independent: the PBPK blood curves of `simulate pbpk` for the same agents
    type P = { time_h: number[]; conc_pctID_per_g: { blood: number[] } };
    const pb = (extra: string[]) =>
      runCliJson<P>([
        "simulate",
        "pbpk",
        "--species",
        "mouse",
        "--size-nm",
        "100",
        "--hours",
        "24",
        "--points",
        "5",
        ...extra,
      ]);
    const bBare = pb([]).conc_pctID_per_g.blood;
    const bPeg = pb(["--surface", "peg"]).conc_pctID_per_g.blood;
    // PEG: 29.7 vs 0.02 %ID/g blood at 24 h
    expect(bPeg.at(-1) as number).toBeGreaterThan(10 * (bBare.at(-1) as number));
    // more plasma, more delivery at 24 h (12.8 vs 0.26 %ID/g): the surface reaches the transport model
    expect(peg.mean_conc[3]).toBeGreaterThan(10 * bare.mean_conc[3]);
    expect(peg.concentration_unit).toMatch(/peg, untargeted/);
    expect(bare.bound_fraction.every((b) => b === 0)).toBe(true);
    expect(tgt.bound_fraction[3]).toBeGreaterThan(0);
    expect(tgt.concentration_unit).toMatch(/peg, targeted/);
    const misuse = runCli([
      "simulate",
      "transport",
      "--radius-mm",
      "2",
      "--size-nm",
      "100",
      "--hours",
      "4",
      "--surface",
      "peg",
      "--json",
    ]);
    expect(misuse.code).toBe(2);
    expect(misuse.stderr).toMatch(/--surface.*--plasma-pbpk|--plasma-pbpk/);
  });
  it("--vascular-map-kind vp: S/V = 2·vp/((1 − Hct)·r_c); uniform vp 0.0275 at Hct 0.45 is the 200 1/cm default", () => {
    const dir = mkdtempSync(join(tmpdir(), "sim-vp-"));
    const n = 8;
    const sp: [number, number, number] = [0.4, 0.4, 0.4];
    const grid = { dims: [n, n, n], spacingMm: sp, affine: identityAffine(sp) };
    writeNifti(join(dir, "mask.nii.gz"), { ...grid, data: new Float32Array(n ** 3).fill(1) });
    writeNifti(join(dir, "vp.nii.gz"), { ...grid, data: new Float32Array(n ** 3).fill(0.0275) });
    writeNifti(join(dir, "vp-high.nii.gz"), { ...grid, data: new Float32Array(n ** 3).fill(0.6) });
    const base = [
      "simulate",
      "transport",
      "--mask",
      join(dir, "mask.nii.gz"),
      "--size-nm",
      "30",
      "--hours",
      "2",
      "--reports",
      "2",
    ];
    type T = { mean_conc: number[]; parameters: { sv_mean_per_cm: number } };
    const ref = runCliJson<T>(base);
    const vp = runCliJson<T>([
      ...base,
      "--vascular-map",
      join(dir, "vp.nii.gz"),
      "--vascular-map-kind",
      "vp",
      "--hematocrit",
      "0.45",
    ]);
    const sv = (2 * (Math.fround(0.0275) / 0.55)) / 5e-4;
    expect(Math.abs(vp.parameters.sv_mean_per_cm - sv) / sv).toBeLessThan(1e-12);
    expect(Math.abs(vp.mean_conc[1] - ref.mean_conc[1]) / ref.mean_conc[1]).toBeLessThan(1e-5);
    // a relative map of the same file keeps 200 1/cm whatever its level
    const relm = runCliJson<T>([...base, "--vascular-map", join(dir, "vp-high.nii.gz")]);
    expect(relm.parameters.sv_mean_per_cm).toBeCloseTo(200, 9);
    const over = runCli([
      ...base,
      "--vascular-map",
      join(dir, "vp-high.nii.gz"),
      "--vascular-map-kind",
      "vp",
      "--hematocrit",
      "0.45",
      "--json",
    ]);
    expect(over.code).toBe(2);
    expect(over.stderr).toMatch(/1 − Hct/);
    const noMap = runCli([...base, "--vascular-map-kind", "vp", "--json"]);
    expect(noMap.code).toBe(2);
    expect(noMap.stderr).toMatch(/--vascular-map/);
  });
  it("--threads: 1 and 2 worker threads give the same JSON (structured grid kernel); bad value → exit 2", () => {
    const dir = mkdtempSync(join(tmpdir(), "sim-thr-"));
    const n = 10;
    const mask = new Float32Array(n * n * n);
    for (let k = 0; k < n; k++)
      for (let j = 0; j < n; j++)
        for (let i = 0; i < n; i++)
          if (Math.hypot(i - 4.5, j - 4.5, k - 4.5) <= 4.6) mask[i + n * (j + n * k)] = 1;
    const sp: [number, number, number] = [0.4, 0.4, 0.4];
    const file = join(dir, "mask.nii.gz");
    writeNifti(file, { dims: [n, n, n], spacingMm: sp, affine: identityAffine(sp), data: mask });
    const args = [
      "simulate",
      "transport",
      "--mask",
      file,
      "--size-nm",
      "20",
      "--hours",
      "2",
      "--reports",
      "2",
    ];
    const one = runCliJson<Record<string, unknown>>([...args, "--threads", "1"]);
    const two = runCliJson<Record<string, unknown>>([...args, "--threads", "2"]);
    expect(one.kernel).toBe("grid");
    expect(one.threads).toBe(1);
    expect(two.threads).toBe(2);
    expect({ ...two, threads: 1 }).toEqual(one);
    expect(one.mass_balance_rel_error as number).toBeLessThan(1e-9);
    const bad = runCli([...args, "--threads", "0", "--json"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--threads/);
  });
  it("--scheme rkl2: super-time-stepping agrees with the explicit steps (≤ 1 % of the mean), same for 1 and 2 threads; --super-step-s alone → exit 2", () => {
    const dir = mkdtempSync(join(tmpdir(), "sim-rkl-"));
    const n = 12;
    const sp: [number, number, number] = [0.25, 0.25, 0.25];
    const mask = new Float32Array(n ** 3);
    for (let k = 0, v = 0; k < n; k++)
      for (let j = 0; j < n; j++)
        for (let i = 0; i < n; i++, v++) mask[v] = Math.hypot(i - 5.5, j - 5.5, k - 5.5) <= 5.5 ? 1 : 0;
    writeNifti(join(dir, "mask.nii.gz"), {
      dims: [n, n, n],
      spacingMm: sp,
      affine: identityAffine(sp),
      data: mask,
    });
    const base = [
      "simulate",
      "transport",
      "--mask",
      join(dir, "mask.nii.gz"),
      "--size-nm",
      "20",
      "--hours",
      "12",
      "--reports",
      "3",
    ];
    type T = {
      mean_conc: number[];
      rim_mean_conc: number[];
      scheme: string;
      steps: number;
      mass_balance_rel_error: number;
      rkl?: { rejected: number };
    };
    const ex = runCliJson<T>([...base, "--threads", "1"]);
    const r1 = runCliJson<T>([...base, "--scheme", "rkl2", "--threads", "1"]);
    const r2 = runCliJson<T>([...base, "--scheme", "rkl2", "--threads", "2"]);
    expect(ex.scheme).toBe("explicit");
    expect(r1.scheme).toBe("rkl2");
    expect(r1.steps).toBeLessThan(ex.steps);
    expect(r1.mass_balance_rel_error).toBeLessThan(1e-9);
    r1.mean_conc.forEach((c, i) => {
      expect(Math.abs(c - ex.mean_conc[i]) / ex.mean_conc[i]).toBeLessThan(0.01);
      expect(Math.abs(r1.rim_mean_conc[i] - ex.rim_mean_conc[i]) / ex.rim_mean_conc[i]).toBeLessThan(0.01);
    });
    expect(r2.mean_conc).toEqual(r1.mean_conc);
    const bad = runCli([...base, "--super-step-s", "600", "--json"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--scheme rkl2/);
  });
  it("--help documents the transport options", () => {
    const h = runCli(["simulate", "transport", "--help"]);
    expect(h.stdout).toMatch(/--vascular-map/);
    expect(h.stdout).toMatch(/penetration depth/);
    expect(h.stdout).toMatch(/--threads/);
  });
});
