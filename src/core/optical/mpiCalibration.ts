/**
 * Magnetic particle imaging (MPI) quantification: the MPI signal is linear in the iron mass of
 * the tracer (Gleich & Weizenecker 2005, Nature 435:1214), so a calibration-phantom series of
 * known iron masses gives
 *   signal = b + m·mass_Fe   (linearCalibration.ts), with LOD/LOQ,
 * and an ROI's integrated signal → iron mass (µg) by inverse prediction; per-voxel iron maps by
 * the same line (µg per voxel), and iron concentration per ROI volume (µg/mL).
 */
import { InputError } from "../errors.js";
import {
  applyCalibration,
  type CalibratedAmount,
  fitLinearCalibration,
  type LinearCalibration,
} from "./linearCalibration.js";

export function fitMpiCalibration(
  ironUg: ArrayLike<number>,
  signal: ArrayLike<number>,
  opts: { throughOrigin?: boolean; blankSignals?: ArrayLike<number> } = {},
): LinearCalibration {
  return fitLinearCalibration(ironUg, signal, opts);
}

export interface MpiRoiIron extends CalibratedAmount {
  iron_ug: number;
  volume_mL: number;
  iron_ug_per_mL: number;
}

/** iron in an ROI from its integrated MPI signal; volume in mL */
export function mpiRoiIron(cal: LinearCalibration, roiSignal: number, volumeMl: number): MpiRoiIron {
  if (!(volumeMl > 0)) throw new InputError({ field: "ROI volume", value: volumeMl, expected: "> 0 mL" });
  const a = applyCalibration(cal, roiSignal);
  return { ...a, iron_ug: a.amount, volume_mL: volumeMl, iron_ug_per_mL: a.amount / volumeMl };
}
