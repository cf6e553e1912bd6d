/**
 * Voxel models for T1 maps:
 *  - "t1-vfa": variable-flip-angle SPGR, S(α) = M0·sin α·(1 − E1)/(1 − cos α·E1), E1 = e^{−TR/T1}
 *    (core/mri/spgr.ts: nonlinear least squares from the linearised Fram/Gupta estimate, or the
 *    linearised fit alone); optional per-voxel B1 (covariate "b1", actual angle = B1·α);
 *  - "t1-ir": inversion recovery magnitude, S(TI) = |M0·(1 − 2k·e^{−TI/T1})| (Barral 2010,
 *    core/mri/inversionRecovery.ts).
 * Curves are the signal per flip angle / inversion time, in option order.
 */
import { InputError } from "../errors.js";
import { fitInversionRecovery } from "../mri/inversionRecovery.js";
import { distinctAngles, vfaLinear, vfaNonlinear } from "../mri/spgr.js";
import {
  type ChunkCovariates,
  type ChunkResult,
  VOXEL_INVALID,
  VOXEL_NOT_CONVERGED,
  VOXEL_OK,
  type VoxelModel,
} from "./model.js";

export interface T1VfaOptions {
  faDeg: number[];
  trS: number;
  method?: "nonlinear" | "linear";
  /** a B1 map is given as covariate "b1" */
  b1?: boolean;
}

export interface T1IrOptions {
  tiS: number[];
}

export const t1VfaVoxelModel: VoxelModel<T1VfaOptions> = {
  name: "t1-vfa",
  parameters: () => [
    { key: "T1_s", unit: "s", description: "longitudinal relaxation time" },
    { key: "M0", unit: "a.u.", description: "equilibrium signal" },
  ],
  covariates: (o) => (o.b1 ? ["b1"] : []),
  describe: (o) => ({ faDeg: o.faDeg, trS: o.trS, method: o.method ?? "nonlinear", b1: o.b1 === true }),
  validate(o, nSamples) {
    if (o.faDeg.length !== nSamples)
      throw new InputError({
        field: "flip angles",
        value: o.faDeg,
        expected: `${nSamples} angles, one per volume`,
      });
    if (distinctAngles(o.faDeg) < 2)
      throw new InputError({
        field: "flip angles",
        value: o.faDeg,
        expected: "at least 2 distinct flip angles (T1 is not estimable otherwise)",
      });
    if (!(o.trS > 0)) throw new InputError({ field: "TR", value: o.trS, expected: "> 0" });
  },
  fitChunk(curves: Float64Array, n: number, o: T1VfaOptions, out: ChunkResult, cov?: ChunkCovariates) {
    const nv = out.status.length;
    const b1 = o.b1 ? cov?.b1 : undefined;
    const scaled = new Array<number>(n);
    for (let v = 0; v < nv; v++) {
      const s = curves.subarray(v * n, (v + 1) * n);
      const scale = b1 ? b1[v] : 1;
      let ok = scale > 0;
      for (let i = 0; i < n && ok; i++) if (!Number.isFinite(s[i])) ok = false;
      if (!ok) {
        out.status[v] = VOXEL_INVALID;
        out.params[2 * v] = Number.NaN;
        out.params[2 * v + 1] = Number.NaN;
        out.rss[v] = Number.NaN;
        continue;
      }
      let f: ReturnType<typeof vfaLinear>;
      if (o.method === "linear") {
        for (let i = 0; i < n; i++) scaled[i] = o.faDeg[i] * scale;
        f = vfaLinear(s, scaled, o.trS);
      } else f = vfaNonlinear(s, o.faDeg, o.trS, scale);
      const invalid = f.status === "invalid-input" || f.status === "not-estimable";
      out.status[v] = invalid ? VOXEL_INVALID : f.converged ? VOXEL_OK : VOXEL_NOT_CONVERGED;
      out.params[2 * v] = invalid ? Number.NaN : f.t1S;
      out.params[2 * v + 1] = invalid ? Number.NaN : f.m0;
      // RSS of the signal model at the estimate
      let rss = 0;
      const DEG = Math.PI / 180;
      const e = Math.exp(-o.trS / f.t1S);
      for (let i = 0; i < n; i++) {
        const a = o.faDeg[i] * scale * DEG;
        rss += (s[i] - (f.m0 * Math.sin(a) * (1 - e)) / (1 - Math.cos(a) * e)) ** 2;
      }
      out.rss[v] = invalid ? Number.NaN : rss;
    }
  },
};

export const t1IrVoxelModel: VoxelModel<T1IrOptions> = {
  name: "t1-ir",
  parameters: () => [
    { key: "T1_s", unit: "s", description: "longitudinal relaxation time" },
    { key: "M0", unit: "a.u.", description: "equilibrium signal" },
    { key: "efficiency", unit: "1", description: "inversion efficiency k" },
  ],
  describe: (o) => ({ tiS: o.tiS }),
  validate(o, nSamples) {
    if (o.tiS.length !== nSamples || nSamples < 4)
      throw new InputError({
        field: "inversion times",
        value: o.tiS,
        expected: `${nSamples} inversion times, one per volume (at least 4)`,
      });
  },
  fitChunk(curves: Float64Array, n: number, o: T1IrOptions, out: ChunkResult) {
    const nv = out.status.length;
    for (let v = 0; v < nv; v++) {
      const s = curves.subarray(v * n, (v + 1) * n);
      let ok = true;
      for (let i = 0; i < n && ok; i++) if (!Number.isFinite(s[i])) ok = false;
      if (!ok) {
        out.status[v] = VOXEL_INVALID;
        out.params.fill(Number.NaN, 3 * v, 3 * v + 3);
        out.rss[v] = Number.NaN;
        continue;
      }
      const f = fitInversionRecovery(s, o.tiS);
      out.status[v] = f.converged
        ? VOXEL_OK
        : f.status === "invalid-input"
          ? VOXEL_INVALID
          : VOXEL_NOT_CONVERGED;
      out.params[3 * v] = f.t1S;
      out.params[3 * v + 1] = f.m0;
      out.params[3 * v + 2] = f.efficiency;
      let rss = 0;
      for (let i = 0; i < n; i++)
        rss += (s[i] - Math.abs(f.m0 * (1 - 2 * f.efficiency * Math.exp(-o.tiS[i] / f.t1S)))) ** 2;
      out.rss[v] = rss;
    }
  },
};
