/**
 * GET /api/scans/:id/curve in consistent units. Reference: the %ID/cc formula worked by hand
 * from study.json's syringe readings and the NNDC half-life of In-111 (2.8047 d):
 * A_inj = Σ± A_i·exp(+ln2·(t_i − t_inj)/T½), %ID/cc = 100·C[MBq/mL]·exp(+ln2·Δt/T½)/A_inj
 * (relative tolerance 1e-9), and the ROI-mean curve equals the imaging analysis' %ID/cc rows
 * (another code path, 1e-9). DCE curves stay mM vs s and carry the AIF and residuals.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer } from "../../src/server/app.js";
import { writeDemoStudy } from "../../src/study/demo/write.js";
import { runCli } from "../helpers/cli.js";

let dir: string;
let app: ReturnType<typeof createServer>;
const T_HALF_S = 2.8047 * 86400; // NNDC, In-111
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "curve-"));
  writeDemoStudy(dir);
  expect(runCli(["run", dir, "--no-progress", "--only", "imaging/UNP01"]).code).toBe(0);
  app = createServer({ studyDir: dir });
}, 60_000);
afterAll(() => app.close());

const mbq = (q: string) => {
  const [v, u] = q.split(" ");
  return Number(v) * ({ MBq: 1, kBq: 1e-3, GBq: 1e3 } as Record<string, number>)[u];
};

describe("curves in consistent units", () => {
  it("SPECT ROI curve: decay-corrected %ID/cc vs hours after injection, by the hand formula", async () => {
    const study = JSON.parse(readFileSync(join(dir, "study.json"), "utf8"));
    const admin = study.administrations.find((a: { subject: string }) => a.subject === "UNP01");
    const tInj = Date.parse(admin.time);
    const at = (q: string, t: string) =>
      mbq(q) * Math.exp((Math.LN2 * (Date.parse(t) - tInj)) / 1000 / T_HALF_S);
    const s = admin.syringe;
    const aInj =
      at(s.before, s.beforeMeasuredAt) - at(s.after, s.afterMeasuredAt) - at(s.residue, s.residueMeasuredAt);
    const c = (await app.inject({ url: "/api/scans/UNP01-SPECT-24h/curve?roi=tumour_psma" })).json();
    expect(c.unit).toBe("%ID/cc");
    expect(c.timeUnit).toBe("h");
    expect(c.decayCorrected).toBe(true);
    expect(c.time_h).toEqual([4, 24, 48, 96]);
    expect(c.timeS).toEqual([4, 24, 48, 96].map((h) => h * 3600));
    expect(c.raw.unit).toBe("Bq/mL");
    c.values.forEach((v: number, n: number) => {
      const expected = (100 * c.raw.values[n] * 1e-6 * Math.exp((Math.LN2 * c.timeS[n]) / T_HALF_S)) / aInj;
      expect(Math.abs(v - expected) / expected).toBeLessThan(1e-9);
    });
    const rows = (await app.inject({ url: "/api/results?analysis=imaging&parameter=pctIDperCC" }))
      .json()
      .filter((r: { subject: string; roi: string }) => r.subject === "UNP01" && r.roi === "tumour_psma")
      .sort((a: { time_s: number }, b: { time_s: number }) => a.time_s - b.time_s);
    expect(rows.length).toBe(4);
    rows.forEach((r: { value: number }, n: number) =>
      expect(Math.abs(c.values[n] - r.value) / r.value).toBeLessThan(1e-9),
    );
  });

  it("SPECT voxel curve keeps timeS/values/unit/label and adds hours", async () => {
    const c = (await app.inject({ url: "/api/scans/UNP01-SPECT-4h/curve?i=10&j=10&k=5" })).json();
    for (const k of ["timeS", "values", "unit", "label", "time_h"]) expect(c).toHaveProperty(k);
    expect(c.unit).toBe("%ID/cc");
    expect(Math.max(...c.time_h)).toBe(96);
  });

  it("DCE voxel curve: mM vs s with fit, residuals and the plasma AIF", async () => {
    const c = (await app.inject({ url: "/api/scans/UNP01-DCE-tumour_psma/curve?i=5&j=5&k=1" })).json();
    expect(c.unit).toBe("mM");
    expect(c.timeUnit).toBe("s");
    expect(c.aif.unit).toBe("mM");
    expect(c.aif.values.length).toBe(c.timeS.length);
    expect(Math.max(...c.aif.values)).toBeGreaterThan(1); // a plasma bolus peaks at several mM
    c.residuals.forEach((r: number, n: number) => expect(r).toBeCloseTo(c.values[n] - c.fitted[n], 12));
    expect(c.label).toMatch(/Ktrans/);
    expect(c.model).toBe("etofts"); // the demo's configured model
    // the scan's configured model is the one fitted: Patlak has Ktrans and vp, no ve
    const path = join(dir, "study.json");
    const study = JSON.parse(readFileSync(path, "utf8"));
    study.scans.find((x: { id: string }) => x.id === "UNP01-DCE-tumour_psma").acquisition.model = "patlak";
    writeFileSync(path, JSON.stringify(study, null, 2));
    const p = (await app.inject({ url: "/api/scans/UNP01-DCE-tumour_psma/curve?i=5&j=5&k=1" })).json();
    expect(p.model).toBe("patlak");
    expect(Object.keys(p.params)).toContain("vp");
    expect(Object.keys(p.params)).not.toContain("ve");
  });

  it("bad queries: 400 for non-indices, 404 for an unknown ROI", async () => {
    expect((await app.inject({ url: "/api/scans/UNP01-SPECT-4h/curve?i=-1&j=0&k=0" })).statusCode).toBe(400);
    expect((await app.inject({ url: "/api/scans/UNP01-SPECT-4h/curve?roi=nope" })).statusCode).toBe(404);
  });
});
