/**
 * End-to-end recovery of the conventional-imaging demo arms (ferumoxytol, CEUS, DWI, SWE):
 * `eprscope demo` + `eprscope run` + `eprscope report` on a temporary study, and every tumour's
 * analysed values against the arm's ground truth (truth/<arm>.json, written by the generator
 * from its own closed forms: voxel-truth ROI means, log-normal AUC/MTT/TTP/peak, A·β, ρc²).
 * Tolerances (relative, per tumour) are set by the arms' noise: [Fe] and ΔR2* 10 %, R2*_pre 5 %;
 * CEUS AUC, peak, MTT 5 %, TTP 10 %, flow index 15 %; ADC and D 5 %, f 20 %, D* 30 % (IVIM's
 * pseudo-diffusion is poorly determined at SNR 100); SWE moduli 5 %. Stratification must carry
 * finite correlations for each new biomarker, and the report the new sections and figures.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, runCliJson } from "../helpers/cli.js";

type Row = {
  analysis: string;
  subject: string | null;
  roi: string | null;
  parameter: string;
  value: number | null;
  unit: string;
  status: string;
  time_s: number | null;
};
type Truth = { subject: string; tumour: string } & Record<string, number>;

let dir: string;
let rows: Row[];
let html: string;
const truth = (arm: string): Truth[] =>
  JSON.parse(readFileSync(join(dir, "truth", `${arm}.json`), "utf8")).tumours;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "biomarker-arms-"));
  const d = runCli(["demo", dir, "--force"]);
  expect(d.code, d.stderr).toBe(0);
  const r = runCli(["run", dir, "--no-progress"]);
  expect(r.code, r.stderr).toBe(0);
  rows = runCliJson<Row[]>(["results", dir]);
  const rep = runCli(["report", dir]);
  expect(rep.code, rep.stderr).toBe(0);
  html = readFileSync(join(dir, "results", "report.html"), "utf8");
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function value(kind: string, t: Truth, parameter: string): number {
  const r = rows.find(
    (x) =>
      x.analysis.startsWith(`${kind}/`) &&
      x.subject === t.subject &&
      x.roi === t.tumour &&
      x.parameter === parameter &&
      x.time_s === null,
  );
  expect(r, `${kind} ${t.subject} ${t.tumour} ${parameter}`).toBeDefined();
  expect(r?.status).toBe("ok");
  return r?.value as number;
}

/** every tumour within rel of truth; returns the largest relative error */
function recover(kind: string, arm: string, parameter: string, rel: number, truthKey = parameter): number {
  const ts = truth(arm);
  expect(ts.length).toBe(24);
  let worst = 0;
  for (const t of ts) {
    const err = Math.abs(value(kind, t, parameter) - t[truthKey]) / Math.abs(t[truthKey]);
    expect(err, `${arm} ${t.subject} ${t.tumour} ${parameter}`).toBeLessThan(rel);
    worst = Math.max(worst, err);
  }
  return worst;
}

describe("conventional imaging biomarker arms: recovery of the demo truth", () => {
  it("ferumoxytol: [Fe] within 10 %, ΔR2* within 10 %, R2* pre within 5 %; rBV and VSI; µg/mL = mM × 55.845; maps written", () => {
    recover("ferumoxytol", "ferumoxytol", "Fe_mM", 0.1);
    recover("ferumoxytol", "ferumoxytol", "dR2star_per_s", 0.1);
    recover("ferumoxytol", "ferumoxytol", "R2star_pre_per_s", 0.05);
    // steady state: BVf and ΔR2* within 5 %, ΔR2 and Q within 10 %; VSI within 10 % of Troprès's
    // formula evaluated on the truth (Q of this arm, ADC of the DWI arm's truth)
    recover("ferumoxytol", "ferumoxytol", "BVf", 0.05);
    recover("ferumoxytol", "ferumoxytol", "dR2star_ss_per_s", 0.05);
    recover("ferumoxytol", "ferumoxytol", "dR2_ss_per_s", 0.1);
    recover("ferumoxytol", "ferumoxytol", "Q_ratio", 0.1);
    const adcTruth = new Map(truth("dwi").map((x) => [`${x.subject}|${x.tumour}`, x.ADC_mm2_per_s]));
    const gammaChiB0 = 2.6752218744e8 * 0.1e-6 * 3; // γ·Δχ·B0 (rad/s), Δχ = 0.1 cgs ppm, 3 T
    for (const x of truth("ferumoxytol")) {
      const adcM2 = (adcTruth.get(`${x.subject}|${x.tumour}`) as number) * 1e-6;
      const vsi = 0.425 * Math.sqrt(adcM2 / gammaChiB0) * x.Q_ratio ** 1.5 * 1e6;
      expect(Math.abs(value("ferumoxytol", x, "VSI_um") - vsi) / vsi).toBeLessThan(0.1);
      expect(value("ferumoxytol", x, "rBV_percent")).toBeCloseTo(100 * value("ferumoxytol", x, "BVf"), 9);
    }
    const t = truth("ferumoxytol")[0];
    expect(value("ferumoxytol", t, "Fe_ug_per_mL")).toBeCloseTo(value("ferumoxytol", t, "Fe_mM") * 55.845, 9);
    expect(value("ferumoxytol", t, "r2star_per_s_per_mM")).toBe(55.7); // Knobloch 2018, 3 T plasma
    const maps = join(dir, "results", "maps", `${t.subject}-FMX-${t.tumour}`);
    for (const f of [
      "Fe_mM.nii.gz",
      "dR2star_per_s.nii.gz",
      "BVf.nii.gz",
      "status.nii.gz",
      "ferumoxytol_map.json",
    ])
      expect(existsSync(join(maps, f)), f).toBe(true);
  });

  it("CEUS: AUC, peak, MTT within 5 %, TTP within 10 %, flow index within 15 %; curve rows stored", () => {
    recover("ceus", "ceus", "AUC", 0.05);
    recover("ceus", "ceus", "peak", 0.05);
    recover("ceus", "ceus", "MTT_s", 0.05);
    recover("ceus", "ceus", "TTP_s", 0.1);
    recover("ceus", "ceus", "flow_index", 0.15);
    const t = truth("ceus")[0];
    const curve = rows.filter(
      (x) => x.analysis === `ceus/${t.subject}-CEUS-${t.tumour}` && x.parameter === "intensity_fit",
    );
    expect(curve.length).toBe(91);
    expect(curve.every((x) => Number.isFinite(x.value as number) && x.time_s !== null)).toBe(true);
  });

  it("DWI: ADC and D within 5 %, f within 20 %, D* within 30 %; IVIM and ADC maps written", () => {
    recover("dwi", "dwi", "ADC_mm2_per_s", 0.05);
    recover("dwi", "dwi", "D_mm2_per_s", 0.05);
    recover("dwi", "dwi", "f", 0.2);
    recover("dwi", "dwi", "Dstar_mm2_per_s", 0.3);
    const t = truth("dwi")[0];
    const maps = join(dir, "results", "maps", `${t.subject}-DWI-${t.tumour}`);
    for (const f of [
      "f.nii.gz",
      "D_mm2_per_s.nii.gz",
      "Dstar_mm2_per_s.nii.gz",
      "ADC_mm2_per_s.nii.gz",
      "adc_status.nii.gz",
    ])
      expect(existsSync(join(maps, f)), f).toBe(true);
  });

  it("SWE: shear and Young's moduli within 5 %, E = 3μ (ν = 0.5), low-quality pixels rejected; maps written", () => {
    recover("swe", "swe", "shear_modulus_kPa", 0.05);
    recover("swe", "swe", "youngs_modulus_kPa", 0.05);
    for (const t of truth("swe")) {
      expect(value("swe", t, "youngs_modulus_kPa")).toBeCloseTo(3 * value("swe", t, "shear_modulus_kPa"), 9);
      expect(value("swe", t, "pixels_rejected")).toBeGreaterThan(0);
    }
    const t = truth("swe")[0];
    const maps = join(dir, "results", "maps", `${t.subject}-SWE-${t.tumour}`);
    for (const f of ["youngs_modulus_kPa.nii.gz", "shear_modulus_kPa.nii.gz", "swe_map.json"])
      expect(existsSync(join(maps, f)), f).toBe(true);
  });
});

describe("stratification and companion diagnostic", () => {
  const strat = (p: string) =>
    rows.find((x) => x.analysis === "stratification" && x.parameter === p)?.value ?? Number.NaN;

  it("each new biomarker has finite Pearson and Spearman r vs accumulation over the 24 tumours, with the built-in sign", () => {
    const sign: Record<string, number> = { Fe: 1, rBV: 1, CEUS_AUC: 1, CEUS_flow: 1, ADC: 1, E_SWE: -1 };
    for (const [name, s] of Object.entries(sign)) {
      for (const m of ["pearson", "spearman"]) {
        const r = strat(`${name}_vs_accumulation.${m}.r`);
        expect(Number.isFinite(r), `${name} ${m}`).toBe(true);
        expect(Math.abs(r)).toBeLessThanOrEqual(1);
        expect(Math.sign(r), `${name} ${m} r = ${r}`).toBe(s);
        expect(strat(`${name}_vs_accumulation.${m}.n`)).toBe(24);
      }
    }
  });

  it("ferumoxytol companion diagnostic: positive slope, finite CV R², a predicted accumulation per tumour", () => {
    const cd = rows.filter((x) => x.analysis === "ferumoxytol-companion");
    const get = (p: string) =>
      cd.find((x) => x.roi === "all tumours" && x.parameter === p)?.value ?? Number.NaN;
    expect(get("n")).toBe(24);
    expect(get("slope_pctIDperG_per_mM")).toBeGreaterThan(0);
    expect(get("slope_pctIDperG_per_mM.ci_lower")).toBeLessThan(get("slope_pctIDperG_per_mM"));
    expect(Number.isFinite(get("cv_r_squared"))).toBe(true);
    expect(get("cv_r_squared")).toBeLessThanOrEqual(get("r_squared"));
    const pred = cd.filter((x) => x.parameter === "predicted_accumulation_pctIDperG");
    expect(pred.length).toBe(24);
    expect(pred.every((x) => x.status === "ok" && Number.isFinite(x.value as number))).toBe(true);
  });
});

describe("report", () => {
  it("has the four sections, their figures (scatter with CI band, time–intensity curves, bars) and tables", () => {
    for (const h of [
      "Ferumoxytol MRI and accumulation",
      "CEUS perfusion",
      "Diffusion-weighted MRI",
      "Shear-wave elastography",
      "Companion diagnostic",
    ])
      expect(html).toContain(h);
    for (const c of [
      "Ferumoxytol [Fe] (companion pre-scan) vs nanoparticle accumulation",
      "CEUS mean time–intensity curve per group",
      "CEUS AUC vs nanoparticle accumulation",
      "Tumour ADC by group and tumour",
      "Tumour stiffness (SWE Young's modulus)",
    ])
      expect(html, c).toContain(c);
    const fe = html.slice(html.indexOf("<h2>Ferumoxytol"), html.indexOf("<h2>CEUS"));
    expect(fe).toContain('class="ci-band"');
    expect(fe).toContain('class="fit-line"');
    expect(html).not.toMatch(/NaN/);
  });
});
