/**
 * Companion diagnostic on held-out cohorts of the demo study generator (DESIGN.md: stratify/
 * is validated on held-out demo cohorts). In the generator, tumour response follows the 48 h
 * tumour accumulation (growth − kill·%ID/g) and accumulation rises with the tumour's Ktrans.
 * Pre-scan marker: Ktrans with 10 % measurement noise; accumulation measured with 10 % noise;
 * responder = disease control (not PD). Training: seeds 1–8 (96 lesions); held-out: seeds 9–30 (264).
 */
import { describe, expect, it } from "vitest";
import { Rng } from "../../../src/core/random.js";
import { companionDiagnostic } from "../../../src/core/stratify/companionDiagnostic.js";
import {
  binaryResponse,
  lesionId,
  lesionRecordsFromOutcomes,
} from "../../../src/core/stratify/fromOutcomes.js";
import type { LesionRecord } from "../../../src/core/stratify/lesionTable.js";
import { generateDemoStudy, tumourPctIDperG } from "../../../src/study/demo/generate.js";

function cohort(seeds: number[]): LesionRecord[] {
  return seeds.flatMap((seed) => {
    const d = generateDemoStudy(seed);
    const rng = new Rng(seed + 1000);
    const truth = new Map(d.truth.subjects.map((s) => [s.id, s]));
    const outcomes = d.study.outcomes.map((o) => ({ ...o, subject: `${seed}:${o.subject}` }));
    const markers = new Map<string, Record<string, number>>();
    const accumulation = new Map<string, number>();
    for (const o of d.study.outcomes) {
      const s = truth.get(o.subject);
      if (!s) throw new Error(`no truth for ${o.subject}`);
      const id = lesionId(`${seed}:${o.subject}`, o.tumour);
      markers.set(id, { ktransPerMin: s.tumours.tumour_psma.ktransPerMin * rng.logNormal(1, 0.1) });
      accumulation.set(id, tumourPctIDperG(s, "tumour_psma", 48) * rng.logNormal(1, 0.1));
    }
    return lesionRecordsFromOutcomes(outcomes, markers, { accumulation, responseRule: "disease-control" });
  });
}

describe("companion diagnostic on held-out demo cohorts", () => {
  it("Ktrans → predicted accumulation → responder: CV AUC, held-out accuracy above the no-information rate", () => {
    const train = cohort([1, 2, 3, 4, 5, 6, 7, 8]);
    const heldOut = cohort(Array.from({ length: 22 }, (_, i) => 9 + i)); // seeds 9–30, 264 lesions
    expect(train.length).toBeGreaterThanOrEqual(60);
    const cd = companionDiagnostic(train, { preScanMarker: "ktransPerMin", seed: 1 });
    expect(cd.accumulation.model.terms[1].coef).toBeGreaterThan(0);
    expect(cd.accumulation.cvRSquared).toBeGreaterThan(0.2);
    expect(cd.responseRoc?.ciLower ?? 0).toBeGreaterThan(0.5);
    expect(cd.survival?.logrank?.p ?? 1).toBeLessThan(0.01);
    const cut = cd.markerCutoff as number;
    const correct = heldOut.filter((r) => (r.markers.ktransPerMin > cut ? 1 : 0) === r.response).length;
    const responders = heldOut.filter((r) => r.response === 1).length;
    const noInformation = Math.max(responders, heldOut.length - responders) / heldOut.length;
    const accuracy = correct / heldOut.length;
    console.log(
      `held-out accuracy ${accuracy.toFixed(3)} (no-information rate ${noInformation.toFixed(3)}, n ${heldOut.length})`,
    );
    // better than always predicting the majority class, by more than sampling error (one-sided binomial z > 2)
    const se = Math.sqrt((noInformation * (1 - noInformation)) / heldOut.length);
    expect((accuracy - noInformation) / se).toBeGreaterThan(2);
  });
  it("RECIST → binary response rules", () => {
    expect(["CR", "PR", "SD", "PD"].map((r) => binaryResponse(r as "CR"))).toEqual([1, 1, 0, 0]);
    expect(["CR", "PR", "SD", "PD"].map((r) => binaryResponse(r as "CR", "disease-control"))).toEqual([
      1, 1, 1, 0,
    ]);
    expect(binaryResponse(undefined)).toBeNaN();
  });
});
