/**
 * End-to-end recovery of the release, optical and histology demo arms and the PBPK analysis:
 * `eprscope demo` (in-process writer) + `eprscope run` + `eprscope report` on a temporary study,
 * compared with the generators' ground truth (truth/release.json, optical.json, histology.json),
 * which the arms compute independently of the analysis code (Simpson integral of the release
 * ODE, midpoint-rule CEM43, analytic dye curves, rasterised vessel and collagen pixels).
 * Tolerances: ROI ΔT within 0.5 °C at every frame; CEM43 within 10 %; T50/T90 within 0.5 °C;
 * released fraction (and its prediction) within 0.05; in-vitro k(42 °C) and Ea within 10 %;
 * dye abundances within 5 %; AUC and peak within 5 %, TTP exact; vessel count and MVD within 10 %;
 * collagen fraction within 0.02; PBPK amounts (a priori and fitted per group) sum to 100 %ID within
 * 1e-6, the fitted model's GMFE is no worse than the a-priori one.
 */
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { writeDemoStudy } from "../../src/study/demo/write.js";
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

interface ReleaseTruth {
  kinetics: Record<string, { kRefPerS: number; tRefC: number; eaKjPerMol: number }>;
  subjects: {
    subject: string;
    carrier: string;
    timeS: number[];
    dT_C_roiMean: number[];
    CEM43_min_roiMean: number;
    T50_C: number;
    T90_C: number;
    r1TimesS: number[];
    releasedFraction: number[];
  }[];
}
interface OpticalTruth {
  animals: {
    subject: string;
    timesH: number[];
    roiMeanAbundance: Record<string, number[]>;
    targeted: { AUC_au_h: number; peak_au: number; TTP_h: number };
    passive: { AUC_au_h: number; peak_au: number; TTP_h: number };
  }[];
}
interface HistoTruth {
  tumours: {
    subject: string;
    tumour: string;
    vessels: number;
    MVD_per_mm2: number;
    vessel_area_fraction: number;
    collagen_fraction: number;
  }[];
}

let dir: string;
let rows: Row[];
let report: string;
const truth = <T>(name: string): T => JSON.parse(readFileSync(join(dir, "truth", `${name}.json`), "utf8"));
const series = (analysis: string, parameter: string) =>
  rows
    .filter((r) => r.analysis === analysis && r.parameter === parameter && r.time_s !== null)
    .sort((a, b) => (a.time_s as number) - (b.time_s as number));
const value = (analysis: string, parameter: string, roi?: string) =>
  rows.find(
    (r) => r.analysis === analysis && r.parameter === parameter && (roi === undefined || r.roi === roi),
  )?.value ?? Number.NaN;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "release-histo-"));
  writeDemoStudy(dir);
  const r = runCli(["run", dir, "--no-progress", "--only", "release,optical,histology,pbpk,stratification"]);
  expect(r.code, r.stderr).toBe(0);
  rows = runCliJson<Row[]>(["results", dir]);
  const rep = runCli(["report", dir]);
  expect(rep.code, rep.stderr).toBe(0);
  report = readFileSync(join(dir, "results", "report.html"), "utf8");
}, 180_000);

describe("release arm: PRF thermometry, CEM43, release from R1, kinetics", () => {
  it("ROI ΔT within 0.5 °C at every frame, CEM43 within 10 %, T50/T90 within 0.5 °C", () => {
    const t = truth<ReleaseTruth>("release");
    expect(t.subjects.length).toBe(4);
    for (const s of t.subjects) {
      const a = `release/${s.subject}`;
      const dT = series(a, "dT_C");
      expect(dT.length).toBe(s.timeS.length);
      dT.forEach((r, i) => {
        expect(Math.abs((r.value as number) - s.dT_C_roiMean[i]), `${s.subject} frame ${i}`).toBeLessThan(
          0.5,
        );
      });
      expect(Math.abs(value(a, "CEM43_min") / s.CEM43_min_roiMean - 1)).toBeLessThan(0.1);
      expect(Math.abs(value(a, "T50_C") - s.T50_C)).toBeLessThan(0.5);
      expect(Math.abs(value(a, "T90_C") - s.T90_C)).toBeLessThan(0.5);
      expect(existsSync(join(dir, "results", "maps", `${s.subject}-PRF`, "CEM43_min.nii.gz"))).toBe(true);
      expect(existsSync(join(dir, "results", "maps", `${s.subject}-PRF`, "dT_C.nii.gz"))).toBe(true);
    }
  });

  it("released fraction and its prediction from the fitted kinetics within 0.05; mass balance closes", () => {
    const t = truth<ReleaseTruth>("release");
    for (const s of t.subjects) {
      const a = `release/${s.subject}`;
      const f = series(a, "released_fraction");
      const p = series(a, "predicted_fraction");
      expect(f.length).toBe(s.r1TimesS.length);
      expect(p.length).toBe(s.r1TimesS.length);
      s.releasedFraction.forEach((x, i) => {
        expect(Math.abs((f[i].value as number) - x), `${s.subject} f at ${s.r1TimesS[i]} s`).toBeLessThan(
          0.05,
        );
        expect(Math.abs((p[i].value as number) - x), `${s.subject} predicted`).toBeLessThan(0.05);
      });
      expect(value(a, "mass_balance_max_residual_mM")).toBeLessThan(1e-9);
    }
    const tsl = t.subjects
      .filter((s) => s.carrier === "TSL")
      .map((s) => value(`release/${s.subject}`, "final_fraction"));
    const ntsl = t.subjects
      .filter((s) => s.carrier === "NTSL")
      .map((s) => value(`release/${s.subject}`, "final_fraction"));
    expect(Math.min(...tsl)).toBeGreaterThan(Math.max(...ntsl) + 0.3);
    expect(value("release-comparison", "final_fraction.difference")).toBeGreaterThan(0.3);
  });

  it("in-vitro Arrhenius kinetics: k(42 °C) and Ea within 10 % of truth", () => {
    const k = truth<ReleaseTruth>("release").kinetics.TSL;
    expect(Math.abs(value("release-kinetics/TSL", "k_42C_per_s") / k.kRefPerS - 1)).toBeLessThan(0.1);
    expect(Math.abs(value("release-kinetics/TSL", "Ea_kJ_per_mol") / k.eaKjPerMol - 1)).toBeLessThan(0.1);
  });
});

describe("optical arm: unmixing and targeted vs passive time courses", () => {
  it("tumour abundances of every component within 5 % at every time", () => {
    const t = truth<OpticalTruth>("optical");
    expect(t.animals.length).toBe(4);
    for (const an of t.animals)
      for (const [c, truthCurve] of Object.entries(an.roiMeanAbundance)) {
        const got = series(`optical/${an.subject}`, c);
        expect(got.length).toBe(an.timesH.length);
        truthCurve.forEach((x, i) => {
          expect(
            Math.abs((got[i].value as number) / x - 1),
            `${an.subject} ${c} ${an.timesH[i]} h`,
          ).toBeLessThan(0.05);
        });
      }
  });

  it("AUC and peak within 5 %, TTP exact; targeted peaks earlier with a lower AUC (CI excludes 0)", () => {
    const t = truth<OpticalTruth>("optical");
    for (const an of t.animals)
      for (const c of ["targeted", "passive"] as const) {
        const a = `optical/${an.subject}`;
        expect(Math.abs(value(a, `${c}.AUC_au_h`) / an[c].AUC_au_h - 1)).toBeLessThan(0.05);
        expect(Math.abs(value(a, `${c}.peak_au`) / an[c].peak_au - 1)).toBeLessThan(0.05);
        expect(value(a, `${c}.TTP_h`)).toBe(an[c].TTP_h);
      }
    expect(value("optical-comparison", "TTP_difference_h.mean")).toBeLessThan(0);
    expect(value("optical-comparison", "AUC_difference_au_h.t_ci_upper")).toBeLessThan(0);
    expect(value("optical-comparison", "AUC_ratio.mean")).toBeLessThan(1);
  });
});

describe("histology arm: CD31 MVD and collagen feed stratification", () => {
  it("vessel count and MVD within 10 %, vessel area fraction within 10 %, collagen within 0.02", () => {
    const t = truth<HistoTruth>("histology");
    expect(t.tumours.length).toBe(24);
    for (const x of t.tumours) {
      const a = `histology/${x.subject}`;
      expect(
        Math.abs(value(a, "vessels", x.tumour) / x.vessels - 1),
        `${x.subject} ${x.tumour}`,
      ).toBeLessThan(0.1);
      expect(Math.abs(value(a, "MVD_per_mm2", x.tumour) / x.MVD_per_mm2 - 1)).toBeLessThan(0.1);
      expect(Math.abs(value(a, "vessel_area_fraction", x.tumour) / x.vessel_area_fraction - 1)).toBeLessThan(
        0.1,
      );
      expect(Math.abs(value(a, "collagen_fraction", x.tumour) - x.collagen_fraction)).toBeLessThan(0.02);
    }
    expect(existsSync(join(dir, "results", "histology", "UNP01-CD31-tumour_psma_vessels.png"))).toBe(true);
  });

  it("stratification relates MVD (positively) and collagen (negatively) to accumulation", () => {
    for (const m of ["MVD", "collagen"])
      for (const method of ["pearson", "spearman"])
        for (const k of ["r", "ci_lower", "ci_upper", "p", "n"])
          expect(
            rows.some(
              (r) => r.analysis === "stratification" && r.parameter === `${m}_vs_accumulation.${method}.${k}`,
            ),
            `${m} ${method} ${k}`,
          ).toBe(true);
    expect(value("stratification", "MVD_vs_accumulation.pearson.r")).toBeGreaterThan(0.3);
    expect(value("stratification", "collagen_vs_accumulation.pearson.r")).toBeLessThan(-0.2);
    expect(value("stratification", "MVD_vs_accumulation.pearson.n")).toBe(24);
  });
});

describe("PBPK per agent", () => {
  it("predicted %ID/g next to the measured means per organ; amounts sum to 100 %ID", () => {
    for (const agent of ["UNP", "TNP"]) {
      const a = `pbpk/${agent}`;
      for (const organ of [
        "liver",
        "spleen",
        "kidney",
        "lung",
        "heart",
        "muscle",
        "blood",
        "tumour_psma",
        "tumour_flu",
      ]) {
        const at = rows.filter((r) => r.analysis === a && r.roi === organ && r.time_s === 96 * 3600);
        expect(at.find((r) => r.parameter === "pctIDperG.predicted")?.value, `${agent} ${organ}`).toBeTypeOf(
          "number",
        );
        expect(at.find((r) => r.parameter === "pctIDperG.measured_mean")?.value).toBeGreaterThan(0);
      }
      const amounts = rows.filter((r) => r.analysis === a && r.parameter === "amount_pctID.predicted");
      expect(amounts.map((r) => r.roi)).toEqual(
        expect.arrayContaining(["blood", "liver", "spleen", "urine", "faeces"]),
      );
      const sum = amounts.reduce((s, r) => s + (r.value as number), 0);
      expect(Math.abs(sum - 100)).toBeLessThan(1e-6);
      expect(Math.abs(value(a, "amount_pctID.total") - 100)).toBeLessThan(1e-6);
    }
  });
  it("fitted to each group's own blood and organ %ID/g: fitted rows, GMFE ≤ a priori, fitted amounts sum to 100 %ID", () => {
    type G = Row & { group?: string | null };
    for (const agent of ["UNP", "TNP"]) {
      const a = `pbpk/${agent}`;
      const inGroup = (rows as G[]).filter((r) => r.analysis === a && r.group === agent);
      const at = (roi: string, p: string) =>
        inGroup.find((r) => r.roi === roi && r.time_s === 96 * 3600 && r.parameter === p)?.value;
      for (const organ of ["liver", "spleen", "blood", "tumour_psma"]) {
        expect(at(organ, "pctIDperG.fitted"), `${agent} ${organ}`).toBeGreaterThan(0);
        expect(at(organ, "pctIDperG.measured_mean")).toBeGreaterThan(0);
      }
      const g = (p: string) => inGroup.find((r) => r.parameter === p);
      expect(g("fit.status")).toBeDefined();
      const fitted = g("gmfe.fitted")?.value as number;
      expect(fitted).toBeGreaterThanOrEqual(1);
      expect(fitted).toBeLessThanOrEqual((g("gmfe.apriori")?.value as number) + 1e-9);
      expect(g("blood_half_life_h.fitted")?.value).toBeGreaterThan(0);
      expect(g("blood_half_life_h.nca")?.value).toBeGreaterThan(0);
      // every fit parameter has a row: a number, or null with the reason (never a plausible guess)
      for (const p of [
        "mps_liver_scale",
        "mps_spleen_scale",
        "mps_marrow_scale",
        "tumour_permeability_scale",
      ]) {
        const r = g(`fit.${p}`);
        expect(r, p).toBeDefined();
        if (r?.value === null) expect(r.status).toBe("missing");
      }
      const am = inGroup.filter((r) => r.parameter === "amount_pctID.fitted");
      expect(Math.abs(am.reduce((s, r) => s + (r.value as number), 0) - 100)).toBeLessThan(1e-6);
    }
  });
});

describe("report", () => {
  it("contains the release, optical, histology and PBPK sections with their figures", () => {
    for (const h of [
      "Drug release under hyperthermia",
      "Multispectral optical imaging",
      "Histology",
      "PBPK prediction",
    ])
      expect(report).toContain(`<h2>${h}</h2>`);
    for (const caption of [
      "mean temperature during MR-guided hyperthermia",
      "Released Gd fraction in the tumour from R1",
      "abundance of the two co-injected carriers",
      "CD31 microvessel density vs nanoparticle accumulation",
      "Masson-trichrome collagen vs nanoparticle accumulation",
      "Predicted (size-dependent nanoparticle PBPK",
      "Fitted (PBPK with MPS, tumour-permeability and opsonisation parameters",
    ])
      expect(report).toContain(caption);
    expect(report).not.toContain("NaN");
  });
});
