/** Demo image data (SPECT activity volumes with organ label maps, DCE-MRI per tumour). */
import type { DemoStudy } from "./generate.js";

export function writeDemoImages(_dir: string, _demo: DemoStudy): void {}
