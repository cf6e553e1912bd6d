/**
 * A fast demo study with only some modality arms: the tables-only demo (writeDemoStudy with
 * noImages) plus the named arms' files and scans, with the same seeded random streams as the full
 * demo — for tests that need, e.g., the histology tiles or the release thermometry without the
 * SPECT/CT and DCE volumes (which take most of the demo's writing time).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Rng } from "../../src/core/random.js";
import type { DemoArm } from "../../src/study/demo/arms/index.js";
import { writeDemoStudy } from "../../src/study/demo/write.js";

export function writeDemoWithArms(dir: string, arms: DemoArm[]): void {
  const demo = writeDemoStudy(dir, { noImages: true });
  const path = join(dir, "study.json");
  const study = JSON.parse(readFileSync(path, "utf8"));
  for (const arm of arms) {
    const out = arm.write(dir, demo, new Rng(demo.truth.seed + arm.seedOffset));
    study.scans.push(...out.scans);
    study.samples.push(...(out.samples ?? []));
    writeFileSync(join(dir, "truth", `${arm.name}.json`), `${JSON.stringify(out.truth, null, 2)}\n`);
  }
  writeFileSync(path, `${JSON.stringify(study, null, 2)}\n`);
}
