/**
 * Modality arms of the demo study. Each later capability (ferumoxytol, CEUS, DWI, SWE, release
 * with hyperthermia, optical, histology, …) adds its own arm here instead of a second demo: an
 * arm writes its data files under DIR/<arm>/ and its truth under DIR/truth/, and returns the
 * scans (and samples) it adds to study.json. Arms run after the SPECT/CT and DCE data, only
 * when images are written (not with --no-images), each with its own seeded random stream.
 */
import type { Rng } from "../../../core/random.js";
import type { Sample, Scan } from "../../schema.js";
import type { DemoStudy } from "../generate.js";
import { ceusArm } from "./ceus.js";
import { clinicalArm } from "./clinical.js";
import { dscArm } from "./dsc.js";
import { dwiArm } from "./dwi.js";
import { ferumoxytolArm } from "./ferumoxytol.js";
import { histologyArm } from "./histology.js";
import { opticalArm } from "./optical.js";
import { planarArm } from "./planar.js";
import { releaseArm } from "./release.js";
import { sweArm } from "./swe.js";

export interface DemoArmOutput {
  scans: Scan[];
  samples?: Sample[];
  /** ground truth written to truth/<arm>.json */
  truth: unknown;
}

export interface DemoArm {
  /** folder and truth name, e.g. "ferumoxytol" */
  name: string;
  /** offset of this arm's random stream from the study seed (unique per arm) */
  seedOffset: number;
  write(dir: string, demo: DemoStudy, rng: Rng): DemoArmOutput;
}

/** registered arms, in the order they run (one line per arm) */
export const DEMO_ARMS: DemoArm[] = [
  ferumoxytolArm,
  ceusArm,
  dwiArm,
  dscArm,
  sweArm,
  releaseArm,
  opticalArm,
  histologyArm,
  planarArm,
  clinicalArm,
];
