/**
 * Stratification workflow on seeded synthetic cohorts with known structure:
 * accumulation = 0.5 + 0.04·[Fe] + N(0, 0.4²) %ID/g; responder when accumulation + N(0, 0.3²) > 3;
 * survival exponential with hazard 0.03 (responders) or 0.12 per month (non-responders),
 * censoring exponential 0.02. The true [Fe] cut-off is (3 − 0.5)/0.04 = 62.5 µg/g.
 */
import { describe, expect, it } from "vitest";
import { Rng } from "../../../src/core/random.js";
import { companionDiagnostic, predictAccumulation } from "../../../src/core/stratify/companionDiagnostic.js";
import type { LesionRecord } from "../../../src/core/stratify/lesionTable.js";
import { primingEffect, uptakeVsResponse } from "../../../src/core/stratify/nanotheranostic.js";
import { accumulationModel, responseModel } from "../../../src/core/stratify/predictiveModel.js";
import { assignStrata, survivalByStratum } from "../../../src/core/stratify/strata.js";
import { concordance, stratify } from "../../../src/core/stratify/workflow.js";

function cohort(n: number, seed: number, informative = true): LesionRecord[] {
  const rng = new Rng(seed);
  const exp = (rate: number) => -Math.log(1 - rng.uniform()) / rate;
  return Array.from({ length: n }, (_, i) => {
    const fe = rng.between(20, 120);
    const noiseMarker = rng.between(0, 1);
    const acc = 0.5 + 0.04 * fe + rng.normal(0, 0.4);
    const responder =
      (informative ? acc : 0.5 + 0.04 * rng.between(20, 120)) + rng.normal(0, 0.3) > 3 ? 1 : 0;
    const tEvent = exp(responder ? 0.03 : 0.12);
    const tCens = exp(0.02);
    return {
      id: `L${i}`,
      group: i % 2 ? "primed" : "control",
      markers: { feMicrogramPerG: fe, noise: noiseMarker },
      accumulation: acc,
      response: responder,
      time: Math.min(tEvent, tCens),
      event: tEvent <= tCens ? 1 : 0,
    };
  });
}

describe("predictive models with cross-validation", () => {
  const data = cohort(150, 42);
  it("accumulation ~ [Fe]: slope CI covers the truth, CV R² close to the theoretical 0.89", () => {
    const m = accumulationModel(data, ["feMicrogramPerG"], { folds: 5, seed: 1 });
    const slope = m.model.terms[1];
    expect(slope.ciLower).toBeLessThan(0.04);
    expect(slope.ciUpper).toBeGreaterThan(0.04);
    expect(m.cvRSquared).toBeGreaterThan(0.8);
    expect(m.cvRSquared).toBeLessThanOrEqual(m.model.rSquared + 1e-12);
    expect(m.cvRmse).toBeGreaterThan(0.3);
    expect(m.cvRmse).toBeLessThan(0.5);
  });
  it("response ~ [Fe]: CV AUC high; an uninformative marker gives a CI covering 0.5", () => {
    const good = responseModel(data, ["feMicrogramPerG"], { folds: 5, seed: 2 });
    expect(good.cvRoc.auc).toBeGreaterThan(0.85);
    expect(good.cvRoc.auc).toBeLessThanOrEqual(good.apparentRoc.auc + 0.02);
    const bad = responseModel(data, ["noise"], { folds: "loo" });
    expect(bad.cvRoc.ciLower).toBeLessThan(0.5);
  });
  it("missing values are dropped and counted", () => {
    const d = cohort(40, 3);
    d[0].accumulation = Number.NaN;
    d[1].markers.feMicrogramPerG = Number.NaN;
    const m = accumulationModel(d, ["feMicrogramPerG"]);
    expect(m.dropped).toBe(2);
    expect(m.n).toBe(38);
  });
});

describe("companion diagnostic: [Fe] pre-scan → predicted accumulation → strata", () => {
  it("recovers the cut-off, separates survival, reports sens/spec", () => {
    const data = cohort(200, 7);
    const cd = companionDiagnostic(data, { preScanMarker: "feMicrogramPerG", folds: 5, seed: 3 });
    expect(cd.responseRoc?.auc ?? 0).toBeGreaterThan(0.85);
    expect(cd.markerCutoff).not.toBeNull();
    expect(Math.abs((cd.markerCutoff as number) - 62.5)).toBeLessThan(15);
    expect(cd.performance?.sensitivity ?? 0).toBeGreaterThan(0.7);
    expect(cd.performance?.specificity ?? 0).toBeGreaterThan(0.7);
    expect(cd.survival?.logrank?.p ?? 1).toBeLessThan(1e-3);
    const high = cd.survival?.curves.find((c) => c.stratum === "high");
    const low = cd.survival?.curves.find((c) => c.stratum === "low");
    expect((high?.km.median ?? Number.POSITIVE_INFINITY) > (low?.km.median ?? 0)).toBe(true);
    expect(predictAccumulation(cd.accumulation, 100)).toBeCloseTo(4.5, 0);
  });
  it("with a non-informative response the log-rank between strata is not significant (seeded)", () => {
    const data = cohort(150, 11, false);
    const cd = companionDiagnostic(data, { preScanMarker: "feMicrogramPerG", accumulationCutoff: 3 });
    expect(cd.survival?.logrank?.p ?? 0).toBeGreaterThan(0.01);
  });
});

describe("nanotheranostic: uptake vs response; priming effect", () => {
  it("uptake predicts response (AUC, OR > 1)", () => {
    const data = cohort(120, 5).map((r) => ({
      ...r,
      markers: { ...r.markers, uptake: r.accumulation as number },
    }));
    const u = uptakeVsResponse(data, "uptake");
    expect(u.roc.auc).toBeGreaterThan(0.9);
    expect(u.logistic.terms[1].or).toBeGreaterThan(1);
  });
  it("priming ×1.5 is detected (ratio, Welch and Mann–Whitney); no priming is not", () => {
    const rng = new Rng(9);
    const mk = (shift: number): LesionRecord[] =>
      Array.from({ length: 60 }, (_, i) => ({
        id: `P${i}`,
        group: i < 30 ? "primed" : "control",
        markers: { uptake: (i < 30 ? shift : 1) * rng.logNormal(3, 0.2) },
      }));
    const yes = primingEffect(mk(1.5), "uptake", "primed", "control");
    expect(Math.abs(yes.ratioOfMeans - 1.5)).toBeLessThan(0.2);
    expect(yes.welch.p).toBeLessThan(1e-4);
    expect(yes.mannWhitney.p).toBeLessThan(1e-4);
    const no = primingEffect(mk(1), "uptake", "primed", "control");
    expect(no.welch.p).toBeGreaterThan(0.01);
    expect(() => primingEffect(mk(1), "uptake", "primed", "nobody")).toThrow(/at least 2 lesions/);
  });
  it("strata helpers", () => {
    expect(assignStrata([1, 5, 3], 2)).toEqual(["low", "high", "high"]);
    expect(assignStrata([1, 5, 3], 2, ">")).toEqual(["high", "low", "low"]);
    const s = survivalByStratum([1, 2, 3, 4], [1, 1, 1, 1], ["a", "a", "b", "b"]);
    expect(s.curves.map((c) => c.stratum)).toEqual(["a", "b"]);
    expect(s.logrank?.df).toBe(1);
  });
});

describe("stratify(): biomarkers → target → CV model → cut-off → strata → KM", () => {
  const data = cohort(160, 21);
  it("response target: Youden on CV probabilities, separated survival", () => {
    const r = stratify(data, { markers: ["feMicrogramPerG"], target: "response", seed: 4 });
    expect(r.cutoff.rule).toBe("youden");
    expect(r.response?.cvRoc.auc ?? 0).toBeGreaterThan(0.85);
    expect(r.survival?.logrank?.p ?? 1).toBeLessThan(1e-3);
    expect(r.strata).toHaveLength(160);
  });
  it("survival target: Cox HR per µg/g < 1, CV concordance > 0.6, median-split strata", () => {
    const r = stratify(data, { markers: ["feMicrogramPerG"], target: "survival", seed: 4 });
    expect(r.survivalModel?.cox.terms[0].hr ?? 2).toBeLessThan(1);
    expect(r.survivalModel?.cvConcordance ?? 0).toBeGreaterThan(0.6);
    // higher risk score = worse survival: the "high" stratum has the shorter median
    const high = r.survival?.curves.find((c) => c.stratum === "high")?.km.median ?? Number.POSITIVE_INFINITY;
    const low = r.survival?.curves.find((c) => c.stratum === "low")?.km.median ?? 0;
    expect(high).toBeLessThan(low);
  });
  it("cut-off on a chosen marker value, and accumulation target with the median rule", () => {
    const r = stratify(data, {
      markers: ["feMicrogramPerG"],
      target: "accumulation",
      cutoffOn: { marker: "feMicrogramPerG", value: 62.5 },
    });
    expect(r.cutoff).toEqual({ on: "feMicrogramPerG", value: 62.5, rule: "given" });
    for (const s of r.strata) expect(s.stratum).toBe(s.score > 62.5 ? "high" : "low");
    const noResp = data.map(({ response: _r, ...rest }) => rest);
    const m = stratify(noResp, { markers: ["feMicrogramPerG"], target: "accumulation" });
    expect(m.cutoff.rule).toBe("median");
    expect(m.strata.filter((s) => s.stratum === "high")).toHaveLength(80);
  });
  it("Harrell's C on hand-computed examples", () => {
    expect(concordance([1, 2, 3, 4], [1, 1, 1, 0], [4, 3, 2, 1])).toBe(1);
    expect(concordance([1, 2, 3, 4], [1, 1, 1, 0], [1, 2, 3, 4])).toBe(0);
    // comparable pairs: (1,2) (1,3) (2,3); risk 2,2,1 → ½ + 1 + 1
    expect(concordance([1, 2, 3], [1, 1, 0], [2, 2, 1])).toBeCloseTo(2.5 / 3, 14);
  });
});
