/**
 * A smaller demo study for the browser tests, so that a full run (the workspace's Run button,
 * always forced) has fewer tasks: writeDemoStudy restricted to the named subjects and modality
 * arms (default none), optionally without SPECT/CT and DCE images, and optionally without the
 * per-agent PBPK fits (the agents lose their hydrodynamicSizeNm in study.json after the files are
 * written: the pbpk analysis is planned per agent with a size, so its tasks and the
 * tumour-transport rows are then "missing").
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { DemoArm } from "../../src/study/demo/arms/index.js";
import type { DemoStudy } from "../../src/study/demo/generate.js";
import { writeDemoStudy } from "../../src/study/demo/write.js";

export interface DemoSubsetOptions {
  /** subject ids to keep, e.g. ["UNP01", "UNP02", "TNP01"]; default every subject */
  subjects?: string[];
  /** modality arms to write (default none: SPECT/CT, DCE and samples only) */
  arms?: DemoArm[];
  /** false: no pbpk/<agent> tasks (≈ 20 s of a run, whatever the number of subjects) */
  pbpk?: boolean;
  /** false: no SPECT/CT and DCE files or scans, arms still written */
  images?: boolean;
}

export function writeDemoSubset(dir: string, opts: DemoSubsetOptions = {}): DemoStudy {
  const demo = writeDemoStudy(dir, {
    force: true,
    subjects: opts.subjects,
    arms: opts.arms ?? [],
    noImages: opts.images === false,
  });
  if (opts.pbpk === false) {
    const path = join(dir, "study.json");
    const study = JSON.parse(readFileSync(path, "utf8"));
    for (const a of study.agents) delete a.hydrodynamicSizeNm;
    writeFileSync(path, `${JSON.stringify(study, null, 2)}\n`);
  }
  return demo;
}
