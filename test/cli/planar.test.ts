/**
 * `eprscope planar` end to end. Expected values are closed forms computed here, independent of
 * the implementation: ROI counts of a uniform slab source (MIRD 16 algebra), area-scaled
 * background added to the ROI, TEW side-window counts whose trapezoid equals the scatter added,
 * In-111 decay (T½ 2.8047 d), and a mono-exponential for the residence time (τ = a/λ).
 * DICOM input: planar NM objects written with dcmjs (Tc-99m, 3 windows × 2 detectors, a
 * standard in air), counts rounded to 16-bit integers: ≤ 0.5 count per pixel, identical in
 * every organ pixel and amplified ×(W_m/2)(1/W_l + 1/W_u) ≈ 4.7 by TEW in the ~250-count side
 * windows of the 6 h posterior view ⇒ tolerance 1e-3 relative.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { planarNmDataset } from "../../src/io/dicom/planarNmWrite.js";
import { encodeDicom } from "../../src/io/dicom/write.js";
import {
  expectCleanFailure,
  runCli,
  runCliInProcess,
  runCliJson,
  tempDir,
  writeFiles,
} from "../helpers/cli.js";

/** run in-process (src, no spawn) and parse the JSON: the cheap path for the many small cases below */
async function inProcessJson<T>(args: string[]): Promise<T> {
  const r = await runCliInProcess([...args, "--json"]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
}

const T_HALF_IN111_H = 2.8047 * 24;
const df = (h: number, th = T_HALF_IN111_H) => 2 ** (-h / th);

// one organ: A = 10 MBq at scan, slab t = 6 cm at depth 8 cm in a 20 cm patient, μ 0.12, C 85 cps/MBq, 600 s
const mu = 0.12;
const L = 20;
const d = 8;
const t = 6;
const C = 85;
const dur = 600;
const x = (mu * t) / 2;
const ant = (A: number) => C * A * dur * Math.exp(-mu * d) * (Math.sinh(x) / x);
const post = (A: number) => C * A * dur * Math.exp(-mu * (L - d)) * (Math.sinh(x) / x);
const bkgPerPx = 50;
const px = 40;
const bgPx = 20;
const scatterShare = 0.3; // scatter added = 0.3 × primary; TEW 20 % window 28 keV, side windows 6 keV
const lowerFor = (primary: number) => ((2 * scatterShare * primary) / 28 / (1 + 0.5)) * 6;
const upperFor = (primary: number) => 0.5 * ((2 * scatterShare * primary) / 28 / (1 + 0.5)) * 6;

function viewsCsv(times: number[], activity: (h: number) => number): string {
  const rows = [
    "time_h,roi,kind,view,window,counts,duration_s,pixels,background,organ_thickness_cm,body_thickness_cm",
  ];
  for (const h of times) {
    const A = activity(h);
    for (const [view, prim] of [
      ["anterior", ant(A)],
      ["posterior", post(A)],
    ] as const) {
      rows.push(
        `${h},liver,organ,${view},photopeak,${prim * (1 + scatterShare) + bkgPerPx * px},${dur},${px},bkg,${t},${L}`,
      );
      rows.push(`${h},liver,organ,${view},lower,${lowerFor(prim)},${dur},${px},bkg,${t},${L}`);
      rows.push(`${h},liver,organ,${view},upper,${upperFor(prim)},${dur},${px},bkg,${t},${L}`);
      rows.push(`${h},bkg,background,${view},photopeak,${bkgPerPx * bgPx},${dur},${bgPx},,,`);
    }
  }
  return rows.join("\n");
}

type QRow = {
  roi: string;
  time_h: number;
  activity_at_scan_MBq: number;
  activity_MBq: number;
  pct_ID: number;
  status: string;
  corrections: string;
  decay_factor: number;
};
const common = [
  "--nuclide",
  "In-111",
  "--injected-mbq",
  "185",
  "--calibration-cps-per-mbq",
  String(C),
  "--mu-per-cm",
  String(mu),
  "--tew-widths-kev",
  "28,6,6",
];

describe("eprscope planar quantify (CSV)", () => {
  const dir = tempDir("planar-");
  writeFiles(dir, { "views.csv": viewsCsv([24], () => 10) });
  const f = join(dir, "views.csv");
  it("recovers the activity with TEW, area background, attenuation, self-attenuation and decay (rel 1e-9)", () => {
    const out = runCliJson<QRow[]>(["planar", "quantify", f, ...common]);
    expect(out).toHaveLength(1);
    const r = out[0];
    expect(r.status).toBe("ok");
    expect(Math.abs(r.activity_at_scan_MBq / 10 - 1)).toBeLessThan(1e-9);
    expect(Math.abs(r.decay_factor / df(24) - 1)).toBeLessThan(1e-12);
    expect(Math.abs(r.pct_ID / ((100 * 10) / df(24) / 185) - 1)).toBeLessThan(1e-9);
    expect(r.corrections).toMatch(/TEW.*background area.*attenuation.*self-attenuation.*decay/);
  });
  it("each correction can be switched off and changes the result as its formula says", async () => {
    const noSelf = (
      await inProcessJson<QRow[]>(["planar", "quantify", f, ...common, "--no-self-attenuation"])
    )[0];
    expect(noSelf.activity_at_scan_MBq / 10).toBeCloseTo(Math.sinh(x) / x, 9);
    const noDecay = (
      await inProcessJson<QRow[]>(["planar", "quantify", f, ...common, "--no-decay-correction"])
    )[0];
    expect(noDecay.activity_MBq).toBeCloseTo(10, 8);
    const noBg = (
      await inProcessJson<QRow[]>(["planar", "quantify", f, ...common, "--background", "none"])
    )[0];
    expect(noBg.activity_at_scan_MBq).toBeGreaterThan(10);
  });
  it("the default μ is the In-111 narrow-beam table value", async () => {
    const r = (
      await inProcessJson<QRow[]>(["planar", "quantify", f, ...common.filter((_, i) => i !== 6 && i !== 7)])
    )[0];
    expect(r.corrections).toMatch(/μ 0\.1356/);
  });
  it("exit 2: missing posterior view, zero duration, unknown nuclide, TEW rows without widths", async () => {
    const text = viewsCsv([24], () => 10);
    const noPost = text
      .split("\n")
      .filter((l) => !l.includes(",liver,organ,posterior,"))
      .join("\n");
    writeFiles(dir, {
      "nopost.csv": noPost,
      "zero.csv": text.replace(`,photopeak,`, ",photopeak,").replace(/,600,40,/, ",0,40,"),
    });
    expectCleanFailure(
      await runCliInProcess(["planar", "quantify", join(dir, "nopost.csv"), ...common]),
      2,
      /posterior view/,
    );
    expectCleanFailure(
      await runCliInProcess(["planar", "quantify", join(dir, "zero.csv"), ...common]),
      2,
      /duration_s.*> 0 s/,
    );
    expectCleanFailure(
      await runCliInProcess(["planar", "quantify", f, ...common.slice(2), "--nuclide", "Xx-999"]),
      2,
      /known nuclide/,
    );
    expectCleanFailure(
      await runCliInProcess(["planar", "quantify", f, ...common.slice(0, 8)]),
      2,
      /tew-widths-kev/,
    );
    expectCleanFailure(
      await runCliInProcess(["planar", "quantify", f, "--nuclide", "In-111", "--no-scatter"]),
      2,
      /calibration/,
    );
  });
});

describe("eprscope planar tac / residence", () => {
  const dir = tempDir("planar-tac-");
  // liver %ID decay-corrected falls with biological T½ 40 h ⇒ with physical decay λ = ln2/40 + ln2/T½
  const lam = Math.LN2 / 40 + Math.LN2 / T_HALF_IN111_H;
  const A0 = 30; // MBq at t = 0 (physical decay included in the activity at scan)
  writeFiles(dir, { "serial.csv": viewsCsv([1, 24, 48, 72], (h) => A0 * Math.exp(-lam * h)) });
  it("tac: residence time of a mono-exponential is A0/(A_inj·λ) with log-down, extrapolated start, fitted tail", async () => {
    const out = await inProcessJson<
      { roi: string; residence_time_h: number; biological_half_life_h: number; pct_ID: number[] }[]
    >(["planar", "tac", join(dir, "serial.csv"), ...common, "--start", "extrapolate", "--tail", "fit"]);
    expect(out).toHaveLength(1);
    expect(Math.abs(out[0].residence_time_h / (A0 / 185 / lam) - 1)).toBeLessThan(1e-8);
    expect(out[0].biological_half_life_h).toBeCloseTo(40, 6);
  });
  it("residence: from a %ID table (decay-corrected), physical tail closed form", async () => {
    // %ID decay-corrected constant 20 % (no biological clearance): τ = 0.2·T½/ln2 with extrapolated start
    writeFiles(dir, { "tac.csv": "roi,time_h,pct_id\nspleen,1,20\nspleen,24,20\nspleen,72,20\n" });
    const out = await inProcessJson<{ roi: string; residence_time_h: number }[]>([
      "planar",
      "residence",
      join(dir, "tac.csv"),
      "--nuclide",
      "In-111",
      "--start",
      "extrapolate",
    ]);
    expect(out[0].residence_time_h).toBeCloseTo((0.2 * T_HALF_IN111_H) / Math.LN2, 8);
    expectCleanFailure(
      await runCliInProcess([
        "planar",
        "residence",
        join(dir, "tac.csv"),
        "--nuclide",
        "In-111",
        "--tail",
        "sideways",
      ]),
      2,
      /--tail/,
    );
  });
});

describe("eprscope planar quantify (planar NM DICOM)", () => {
  const dir = tempDir("planar-dcm-");
  const rows = 16;
  const cols = 8;
  const muTc = 0.15359; // narrow-beam Tc-99m (NIST), the CLI default
  const scans = [2, 6];
  const A = (h: number) => 50 * 2 ** (-h / 6.0067) * 0.9; // MBq in the organ at scan
  const Cstd = 100; // cps/MBq
  const stdMBq0 = 1; // standard activity at injection (30 000 counts: fits 16 bits)
  const durS = 300;
  for (const h of scans) {
    const img = (view: "anterior" | "posterior", w: number) => {
      const a = new Float64Array(rows * cols);
      const depth = view === "anterior" ? 7 : 13; // slab t = 4 cm, L = 20
      const xx = (muTc * 4) / 2;
      const prim = (Cstd * A(h) * durS * Math.exp(-muTc * depth) * Math.sinh(xx)) / xx / 16;
      // organ: rows 4–7, anterior cols 2–5 (posterior mirrored: cols 2–5 of 8 → 2–5 as well, symmetric box)
      for (let y = 4; y < 8; y++)
        for (let c = 2; c < 6; c++)
          a[y * cols + c] = w === 0 ? prim * 1.2 : w === 1 ? (0.2 * prim * 6) / 28 : (0.2 * prim * 6) / 28;
      // standard in air: row 14, col 0 (anterior) → col 7 (posterior)
      const stdCounts = Cstd * stdMBq0 * 2 ** (-h / 6.0067) * durS;
      const sc = view === "anterior" ? 0 : cols - 1;
      if (w === 0) a[14 * cols + sc] = stdCounts;
      return a;
    };
    const ds = planarNmDataset({
      rows,
      cols,
      pixelMm: 10,
      windows: [
        { name: "Tc99m", lowerKeV: 126, upperKeV: 154 },
        { name: "lower", lowerKeV: 120, upperKeV: 126 },
        { name: "upper", lowerKeV: 154, upperKeV: 160 },
      ],
      views: ["anterior", "posterior"],
      frames: [0, 1, 2].map((w) => [img("anterior", w), img("posterior", w)]),
      durationMs: durS * 1000,
      acquisitionDate: "20260302",
      acquisitionTime: `${String(9 + h).padStart(2, "0")}0000`,
      patientId: "P1",
      studyUid: "2.25.100",
      seriesUid: `2.25.10${h}`,
      instanceUid: `2.25.20${h}`,
      nuclideMeaning: "^99m^Technetium",
      injectedMBq: 500,
      injectionDateTime: "20260302090000+0000",
    });
    writeFiles(dir, { [`scans/wb_${h}h.dcm`]: encodeDicom(ds) });
  }
  writeFiles(dir, {
    "rois.csv":
      "roi,x,y,width,height,kind,organ_thickness_cm,body_thickness_cm\nliver,2,4,4,4,organ,4,20\nstd,0,14,1,1,standard,,\n",
  });
  it("reads nuclide, injected activity and times from the headers; standard ROI calibration; TEW per window", () => {
    const out = runCliJson<QRow[]>([
      "planar",
      "quantify",
      join(dir, "scans"),
      "--rois",
      join(dir, "rois.csv"),
      "--standard-roi",
      "std",
      "--standard-mbq",
      String(stdMBq0),
      "--background",
      "none",
    ]);
    expect(out.map((r) => r.time_h)).toEqual(scans);
    out.forEach((r, i) => {
      expect(Math.abs(r.activity_at_scan_MBq / A(scans[i]) - 1)).toBeLessThan(1e-3);
      expect(Math.abs(r.pct_ID / ((100 * 50 * 0.9) / 500) - 1)).toBeLessThan(1e-3);
      expect(r.corrections).toMatch(/TEW/);
    });
  });
  it("exit 2 without --rois", () => {
    expectCleanFailure(
      runCli(["planar", "quantify", join(dir, "scans"), "--standard-roi", "std", "--standard-mbq", "20"]),
      2,
      /--rois/,
    );
  });
});

describe("eprscope planar lesions", () => {
  it("median split and AUC", async () => {
    const dir = tempDir("planar-les-");
    writeFiles(dir, {
      "l.csv": "lesion,suv_peak,response\na,1,PD\nb,2,SD\nc,3,PR\nd,4,SD\ne,5,CR\nf,6,PR\n",
    });
    const out = await inProcessJson<{
      median: number;
      high: { responders: number };
      low: { responders: number };
      auc: number;
    }>(["planar", "lesions", join(dir, "l.csv")]);
    expect(out.median).toBe(3.5);
    expect(out.high.responders).toBe(2);
    expect(out.low.responders).toBe(1);
    expect(out.auc).toBeCloseTo(8 / 9, 12); // responders 3,5,6 vs 1,2,4: 8 of 9 pairs ordered
  });
});

describe("eprscope planar quantify --mu-kind", () => {
  const dir = tempDir("planar-mu-");
  // views without scatter windows, counts attenuated with an effective μ (the broad-beam model)
  const muB = 0.11;
  const xb = (muB * t) / 2;
  const antB = C * 10 * dur * Math.exp(-muB * d) * (Math.sinh(xb) / xb);
  const postB = C * 10 * dur * Math.exp(-muB * (L - d)) * (Math.sinh(xb) / xb);
  const rows = ["time_h,roi,kind,view,counts,duration_s,pixels,organ_thickness_cm,body_thickness_cm"];
  rows.push(
    `24,liver,organ,anterior,${antB},${dur},${px},${t},${L}`,
    `24,liver,organ,posterior,${postB},${dur},${px},${t},${L}`,
  );
  writeFiles(dir, { "broad.csv": rows.join("\n"), "views.csv": viewsCsv([24], () => 10) });
  const base = ["--nuclide", "In-111", "--injected-mbq", "185", "--calibration-cps-per-mbq", String(C)];
  type MuRow = QRow & { mu_kind: string; mu_per_cm: number; mu_source: string };
  it("broad with a measured effective μ recovers the activity of views attenuated by it (rel 1e-9)", async () => {
    const [r] = await inProcessJson<MuRow[]>([
      "planar",
      "quantify",
      join(dir, "broad.csv"),
      ...base,
      "--background",
      "none",
      "--mu-kind",
      "broad",
      "--mu-per-cm",
      String(muB),
    ]);
    expect(Math.abs(r.activity_at_scan_MBq / 10 - 1)).toBeLessThan(1e-9);
    expect(r.mu_kind).toBe("broad");
    expect(r.mu_per_cm).toBe(muB);
    expect(r.mu_source).toMatch(/--mu-per-cm/);
  });
  it("narrow (default) reports the NIST value and its source", async () => {
    const [r] = await inProcessJson<MuRow[]>([
      "planar",
      "quantify",
      join(dir, "broad.csv"),
      ...base,
      "--background",
      "none",
    ]);
    expect(r.mu_kind).toBe("narrow");
    expect(r.mu_per_cm).toBeCloseTo(0.1356, 4);
    expect(r.mu_source).toMatch(/NIST/);
  });
  it("exit 2: broad with TEW windows, broad without a measured μ, an unknown kind", async () => {
    expectCleanFailure(
      await runCliInProcess(["planar", "quantify", join(dir, "views.csv"), ...common, "--mu-kind", "broad"]),
      2,
      /--no-scatter/,
    );
    expectCleanFailure(
      await runCliInProcess(["planar", "quantify", join(dir, "broad.csv"), ...base, "--mu-kind", "broad"]),
      2,
      /no citable broad-beam μ is tabulated for In-111/,
    );
    expectCleanFailure(
      await runCliInProcess(["planar", "quantify", join(dir, "broad.csv"), ...base, "--mu-kind", "wide"]),
      2,
      /--mu-kind/,
    );
  });
});

describe("eprscope planar stratify", () => {
  const dir = tempDir("planar-strat-");
  // 12 patients, two lesions each with mean uptake k (k − 0.5 and k + 0.5); responders 2, 7, 8, 9, 10, 12
  const resp = (k: number) =>
    [7, 8, 9, 12].includes(k) ? "PR" : k === 10 || k === 2 ? "CR" : k % 2 ? "PD" : "SD";
  const lines = ["patient,lesion,SUVpeak,best_response"];
  for (let k = 1; k <= 12; k++)
    lines.push(`P${k},L1,${k - 0.5},${resp(k)}`, `P${k},L2,${k + 0.5},${resp(k)}`);
  writeFiles(dir, {
    "cohort.csv": lines.join("\n"),
    "conflict.csv": `${lines.join("\n")}\nP1,L3,2,PR`,
    "badresp.csv": "patient,SUVpeak,best_response\nA,1,CR\nB,2,maybe",
    "one.csv": "patient,SUVpeak,best_response\nA,1,CR\nA,2,CR",
  });
  const f = join(dir, "cohort.csv");
  type Out = {
    level: string;
    n: number;
    median: number;
    table: number[][];
    fisher: { p: number; odds_ratio: number };
    mann_whitney: { U: number; p: number; method: string };
    auc: number;
    units: { id: string; uptake: number; n_lesions: number; stratum: string }[];
  };
  const args = ["planar", "stratify", f, "--uptake-col", "SUVpeak", "--response-col", "best_response"];
  it("patient level: mean lesion uptake, median split, Fisher p as scipy, U counted by hand", async () => {
    const o = await inProcessJson<Out>([...args, "--patient-col", "patient"]);
    expect(o.level).toBe("patient");
    expect(o.n).toBe(12);
    expect(o.median).toBe(6.5);
    expect(o.table).toEqual([
      [5, 1],
      [1, 5],
    ]);
    expect(Math.abs(o.fisher.p - 0.08008658008658008)).toBeLessThan(1e-12); // scipy.stats.fisher_exact
    expect(o.fisher.odds_ratio).toBe(25);
    // responders 2,7,8,9,10,12 vs 1,3,4,5,6,11: pairs with the responder higher
    const r = [2, 7, 8, 9, 10, 12];
    const nr = [1, 3, 4, 5, 6, 11];
    const U = r.reduce((s, a) => s + nr.filter((b) => a > b).length, 0);
    expect(o.mann_whitney).toMatchObject({ U, method: "exact" });
    expect(o.auc).toBeCloseTo(U / 36, 12);
    expect(o.units[0]).toMatchObject({ id: "P1", uptake: 1, n_lesions: 2, stratum: "low" });
  });
  it("--aggregate max, --rule disease-control, lesion level", async () => {
    const mx = await inProcessJson<Out>([...args, "--patient-col", "patient", "--aggregate", "max"]);
    expect(mx.units[0].uptake).toBe(1.5);
    const dc = await inProcessJson<Out & { high: { responders: number }; low: { responders: number } }>([
      ...args,
      "--patient-col",
      "patient",
      "--rule",
      "disease-control",
    ]);
    expect(dc.high.responders).toBe(5); // 7–12: PR PR PR CR PD PR
    expect(dc.low.responders).toBe(3); // 1–6: PD CR PD SD PD SD — SD now responds
    const les = await inProcessJson<Out>(args);
    expect(les.level).toBe("row");
    expect(les.n).toBe(24);
  });
  it("exit 2: two responses for a patient, an unknown response, one patient, a missing column", async () => {
    expectCleanFailure(
      await runCliInProcess([
        "planar",
        "stratify",
        join(dir, "conflict.csv"),
        ...args.slice(3),
        "--patient-col",
        "patient",
      ]),
      2,
      /conflict\.csv.*one response per patient/,
    );
    expectCleanFailure(
      await runCliInProcess(["planar", "stratify", join(dir, "badresp.csv"), ...args.slice(3)]),
      2,
      /best_response, row 2.*CR, PR, SD, PD/,
    );
    expectCleanFailure(
      await runCliInProcess([
        "planar",
        "stratify",
        join(dir, "one.csv"),
        ...args.slice(3),
        "--patient-col",
        "patient",
      ]),
      2,
      /one\.csv.*≥ 2/,
    );
    expectCleanFailure(await runCliInProcess([...args, "--patient-col", "subject"]), 2, /subject/);
  });
});
