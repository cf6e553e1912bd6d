/**
 * A smaller demo study for the browser tests, so that a full run (the workspace's Run button,
 * always forced) has fewer tasks: the demo's design (same seed, same subject truths, SPECT/CT and
 * DCE data) restricted to the named subjects, with only the named modality arms, optionally
 * without the per-agent PBPK fits or without the SPECT/CT and DCE images. Groups left without subjects are dropped. With every subject
 * kept, the files are those of writeDemoStudy (the same random streams); with fewer, the image
 * noise of a subject after a dropped one comes from a shifted stream (its truth is unchanged).
 * Stand-in for `subjects` / `arms` options of writeDemoStudy (src/study/demo/write.ts).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Rng } from "../../src/core/random.js";
import type { DemoArm } from "../../src/study/demo/arms/index.js";
import { writeDemoDce } from "../../src/study/demo/dce.js";
import { type DemoStudy, generateDemoStudy } from "../../src/study/demo/generate.js";
import { writeDemoImages } from "../../src/study/demo/images.js";

export interface DemoSubsetOptions {
  /** subject ids to keep, e.g. ["UNP01", "UNP02", "TNP01"]; default every subject */
  subjects?: string[];
  /** modality arms to write, in DEMO_ARMS order (default none: SPECT/CT, DCE and samples only) */
  arms?: DemoArm[];
  /**
   * false: no pbpk/<agent> tasks (≈ 20 s of a run, whatever the number of subjects). The pbpk
   * analysis is planned per agent with a hydrodynamicSizeNm, so the agents lose their size, and
   * tumour-transport rows are then "missing" (engine/analyses/pbpk.ts, tumourTransport.ts).
   */
  pbpk?: boolean;
  /** false: no SPECT/CT and DCE files or scans (as writeDemoStudy's noImages), arms still written */
  images?: boolean;
}

export function writeDemoSubset(dir: string, opts: DemoSubsetOptions = {}): DemoStudy {
  const demo = generateDemoStudy();
  const s = demo.study;
  if (opts.subjects) {
    const keep = new Set(opts.subjects);
    const unknown = opts.subjects.filter((id) => !s.subjects.some((x) => x.id === id));
    if (unknown.length) throw new Error(`writeDemoSubset: no demo subject ${unknown.join(", ")}`);
    const mine = <T extends { subject: string }>(xs: T[]) => xs.filter((x) => keep.has(x.subject));
    s.subjects = s.subjects.filter((x) => keep.has(x.id));
    s.administrations = mine(s.administrations);
    s.samples = mine(s.samples);
    s.outcomes = mine(s.outcomes ?? []);
    const groups = new Set(s.subjects.map((x) => x.group));
    s.groups = s.groups?.filter((g) => groups.has(g.id));
    demo.truth.subjects = demo.truth.subjects.filter((x) => keep.has(x.id));
  }
  if (opts.pbpk === false) for (const a of s.agents) delete a.hydrodynamicSizeNm;
  mkdirSync(join(dir, "truth"), { recursive: true });
  if (opts.images !== false) {
    writeDemoImages(dir, demo);
    writeDemoDce(dir, demo);
  }
  // arms see only the kept subjects (demo.truth); those adding their own (clinical, planar) add them
  for (const arm of opts.arms ?? []) {
    const out = arm.write(dir, demo, new Rng(demo.truth.seed + arm.seedOffset));
    s.scans.push(...out.scans);
    s.samples.push(...(out.samples ?? []));
    writeFileSync(join(dir, "truth", `${arm.name}.json`), `${JSON.stringify(out.truth, null, 2)}\n`);
  }
  writeFileSync(join(dir, "study.json"), `${JSON.stringify(s, null, 2)}\n`);
  writeFileSync(join(dir, "truth", "ground_truth.json"), `${JSON.stringify(demo.truth, null, 2)}\n`);
  return demo;
}
