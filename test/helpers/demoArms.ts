/**
 * A fast demo study with only some modality arms: the tables-only demo plus the named arms'
 * files and scans (writeDemoStudy with noImages and arms), with the same seeded random streams as
 * the full demo — for tests that need, e.g., the histology tiles or the release thermometry
 * without the SPECT/CT and DCE volumes (which take most of the demo's writing time).
 */
import type { DemoArm } from "../../src/study/demo/arms/index.js";
import { writeDemoStudy } from "../../src/study/demo/write.js";

export function writeDemoWithArms(dir: string, arms: DemoArm[]): void {
  writeDemoStudy(dir, { noImages: true, arms });
}
