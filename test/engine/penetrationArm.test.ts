/**
 * Nanoparticle penetration from histology, end to end: the demo's histology arm (tables-only demo
 * + histology arm, test/helpers/demoArms.ts) renders per tumour a fluorescence tile registered to
 * the CD31 tile, I = B + A·exp(−d/λ) + N(0, 2²) with d the distance to the nearest rasterised
 * vessel pixel, and records λ and the half-depth λ·ln 2 (truth/histology.json). The histology
 * planner segments the CD31 vessels, profiles the fluorescence vs distance and must recover:
 *  - penetration.depth50_um within 10 % of λ·ln 2 and penetration.lambda_um within 5 % of λ, for
 *    every tumour of the subjects run (3 untargeted, 3 PSMA-targeted mice; the trichrome scans are
 *    dropped and the other mice not run, to keep the file fast);
 *  - near/far (rim/core) ratio > 1, CoV and Gini in (0, 1), the profile rows with units;
 *  - flagged rows (value null) for a tumour without a fluorescence section and for a CD31 section
 *    without vessels.
 * Independent check: a single-pixel vessel with I = 20 + 200·exp(−d/λ) rendered from the analytic
 * distance d = √(dx² + dy²)·Δ (not from our distance transform), rounded to 8 bits: the pipeline's
 * profile, fitted as ln(I − B) vs d, gives λ within 2 % and the half-depth within 5 % of λ·ln 2.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { penetrationIndices, planHistology } from "../../src/engine/analyses/histology.js";
import type { TaskContext } from "../../src/engine/task.js";
import { penetration } from "../../src/io/histology/pipelines.js";
import { memorySource } from "../../src/io/histology/rasterSource.js";
import { writePng } from "../../src/io/histology/writers.js";
import type { ReportInput } from "../../src/report/htmlReport.js";
import { histologySection } from "../../src/report/sections/histology.js";
import type { ResultRow } from "../../src/store/types.js";
import { histologyArm } from "../../src/study/demo/arms/histology.js";
import { loadStudy } from "../../src/study/load.js";
import { writeDemoWithArms } from "../helpers/demoArms.js";

interface Truth {
  tumours: {
    subject: string;
    tumour: string;
    penetration: { lambda_um: number; depth50_um: number; background: number };
  }[];
}

const RUN = ["UNP01", "UNP02", "UNP03", "TNP01", "TNP02", "TNP03"];
let dir: string;
let truth: Truth;
let rows: ResultRow[];

async function runSubjects(subjects: string[]): Promise<ResultRow[]> {
  const ls = loadStudy(dir);
  const out: ResultRow[] = [];
  for (const t of planHistology(ls).filter((x) => subjects.includes(x.subject ?? ""))) {
    const ctx = { study: ls, progress() {} } as unknown as TaskContext;
    out.push(...(await t.run(ctx)).rows);
  }
  return out;
}

const get = (rs: ResultRow[], s: string, roi: string, p: string) =>
  rs.find((r) => r.subject === s && r.roi === roi && r.parameter === p);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "penetration-"));
  writeDemoWithArms(dir, [histologyArm]);
  truth = JSON.parse(readFileSync(join(dir, "truth", "histology.json"), "utf8"));
  const path = join(dir, "study.json");
  const study = JSON.parse(readFileSync(path, "utf8"));
  // fast: no trichrome; UNP04 loses its tumour_flu fluorescence and gets a vessel-free tumour_psma CD31
  study.scans = study.scans.filter(
    (s: { id: string }) => !s.id.includes("-MT-") && s.id !== "UNP04-NPF-tumour_flu",
  );
  writeFileSync(path, JSON.stringify(study, null, 2));
  const S = 512;
  const rgb = new Uint8Array(S * S * 3);
  for (let i = 0; i < S * S; i++) rgb.set([196, 206, 226], i * 3); // haematoxylin tint only
  writePng(join(dir, "histology", "UNP04_tumour_psma_CD31.png"), S, S, rgb, 3);
  rows = await runSubjects([...RUN, "UNP04"]);
}, 120_000);

describe("histology arm: nanoparticle penetration recovered", () => {
  it("half-depth within 10 % of λ·ln 2 and λ within 5 % for every tumour run", () => {
    const run = truth.tumours.filter((t) => RUN.includes(t.subject));
    expect(run.length).toBe(12);
    for (const t of run) {
      const d50 = get(rows, t.subject, t.tumour, "penetration.depth50_um");
      const lam = get(rows, t.subject, t.tumour, "penetration.lambda_um");
      expect(d50?.status, `${t.subject} ${t.tumour}`).toBe("ok");
      expect(d50?.unit).toBe("um");
      expect(Math.abs((d50?.value as number) / (t.penetration.lambda_um * Math.LN2) - 1)).toBeLessThan(0.1);
      expect(t.penetration.depth50_um).toBeCloseTo(t.penetration.lambda_um * Math.LN2, 9);
      expect(Math.abs((lam?.value as number) / t.penetration.lambda_um - 1)).toBeLessThan(0.05);
    }
  });

  it("rim/core > 1, CoV and Gini in (0, 1), profile rows decreasing with units", () => {
    for (const t of truth.tumours.filter((x) => RUN.includes(x.subject))) {
      const v = (p: string) => get(rows, t.subject, t.tumour, p)?.value as number;
      expect(v("penetration.rim_core_ratio")).toBeGreaterThan(1);
      for (const p of ["penetration.cov", "penetration.gini"]) {
        expect(v(p)).toBeGreaterThan(0);
        expect(v(p)).toBeLessThan(1);
      }
      const d0 = get(rows, t.subject, t.tumour, "penetration.profile.0.distance_um");
      const m0 = get(rows, t.subject, t.tumour, "penetration.profile.0.mean");
      expect(d0?.unit).toBe("um");
      expect(m0?.unit).toBe("a.u.");
      expect(d0?.value).toBe(2.5);
      expect(v("penetration.profile.0.mean")).toBeGreaterThan(v("penetration.profile.8.mean"));
    }
  });

  it("flagged, not a number, without a fluorescence section or without vessels", () => {
    for (const [roi, msg] of [
      ["tumour_flu", /no nanoparticle-fluorescence section/],
      ["tumour_psma", /no vessel/],
    ] as const)
      for (const p of [
        "penetration.depth50_um",
        "penetration.rim_core_ratio",
        "penetration.cov",
        "penetration.gini",
      ]) {
        const r = get(rows, "UNP04", roi, p);
        expect(r?.status, `${roi} ${p}`).toBe("flagged");
        expect(r?.value).toBeNull();
        expect(r?.message).toMatch(msg);
      }
    expect(get(rows, "UNP04", "tumour_psma", "vessels")?.value).toBe(0);
  });

  it("MVD from the inlined segmentation still within 10 % of the truth; report has the profile", () => {
    const mvdTruth = JSON.parse(readFileSync(join(dir, "truth", "histology.json"), "utf8")).tumours as {
      subject: string;
      tumour: string;
      MVD_per_mm2: number;
    }[];
    for (const t of mvdTruth.filter((x) => RUN.includes(x.subject))) {
      const v = get(rows, t.subject, t.tumour, "MVD_per_mm2")?.value as number;
      expect(Math.abs(v / t.MVD_per_mm2 - 1)).toBeLessThan(0.1);
    }
    const figs: string[] = [];
    const html = histologySection({ study: loadStudy(dir), rows } as unknown as ReportInput, {
      figure: (svg, caption) => {
        figs.push(caption);
        return svg;
      },
      table: (head) => `<table>${head.join("|")}</table>`,
      rowsOf: (kind) => rows.filter((r) => r.analysis === kind),
    });
    expect(html).toContain("Intratumoural penetration");
    expect(figs.some((c) => c.includes("distance from the nearest CD31"))).toBe(true);
    expect(html).toContain("half-depth (µm)");
  });
});

describe("independent reference: analytic exp(−d/λ) around a point vessel", () => {
  it("the profile's log-linear λ within 2 %, half-depth within 5 % of λ·ln 2", async () => {
    const N = 201;
    const um = 2;
    const lambda = 40;
    const B = 20;
    const sig = new Uint8Array(N * N * 3);
    const ves = new Uint8Array(N * N * 3);
    const c = (N - 1) / 2;
    for (let y = 0; y < N; y++)
      for (let x = 0; x < N; x++) {
        const i = y * N + x;
        const d = Math.hypot(x - c, y - c) * um; // analytic distance to the vessel pixel
        sig.fill(Math.round(B + 200 * Math.exp(-d / lambda)), i * 3, i * 3 + 3);
        if (d === 0) ves.fill(255, i * 3, i * 3 + 3);
      }
    const p = await penetration(memorySource(N, N, sig), {
      signal: { channel: "gray" },
      umPerPx: um,
      vessels: memorySource(N, N, ves),
      binUm: 5,
      maxUm: 150,
      rimUm: 20,
      background: B,
    });
    const ix = penetrationIndices(p, B);
    console.log(
      `analytic λ = ${lambda} µm: fitted ${ix.lambda}, half-depth ${ix.depth50} vs ${lambda * Math.LN2}`,
    );
    expect(Math.abs((ix.lambda as number) / lambda - 1)).toBeLessThan(0.02);
    expect(Math.abs((ix.depth50 as number) / (lambda * Math.LN2) - 1)).toBeLessThan(0.05);
    expect(ix.ratio as number).toBeGreaterThan(1);
  });
});
