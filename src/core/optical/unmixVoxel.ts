/**
 * Voxel model "unmix": per-voxel multispectral unmixing by NNLS (spectralUnmixing.ts). A curve is
 * one voxel's signal at each wavelength of the stack (frame order = wavelength order). Options hold
 * the endmember matrix already sampled at the stack's wavelengths (buildUnmixingMatrix), so the
 * model runs unchanged in worker threads. Outputs one abundance per component (key = component
 * name, unit "a.u." — the unit of the spectra's concentration scale) and, when both "Hb" and
 * "HbO2" components are present, sO2 = HbO2/(Hb + HbO2) (photoacoustics.ts); rss per voxel.
 */
import { InputError } from "../errors.js";
import { nnls } from "../fit/nnls.js";
import {
  type ChunkResult,
  VOXEL_INVALID,
  VOXEL_NOT_CONVERGED,
  VOXEL_OK,
  type VoxelModel,
} from "../voxel/model.js";

export interface UnmixVoxelOptions {
  names: string[];
  wavelengthNm: number[];
  /** m × n row-major (wavelength × component) */
  a: number[] | Float64Array;
}

const hasSo2 = (o: UnmixVoxelOptions) => o.names.includes("Hb") && o.names.includes("HbO2");

export const unmixVoxelModel: VoxelModel<UnmixVoxelOptions> = {
  name: "unmix",
  parameters: (o) => [
    ...o.names.map((n) => ({ key: n, unit: "a.u.", description: `abundance of ${n} (NNLS)` })),
    ...(hasSo2(o) ? [{ key: "sO2", unit: "1", description: "oxygen saturation HbO2/(Hb + HbO2)" }] : []),
  ],
  describe: (o) => ({ components: o.names, wavelengthNm: o.wavelengthNm }),
  validate(o, nSamples) {
    if (o.wavelengthNm.length !== nSamples)
      throw new InputError({
        field: "wavelengths",
        value: o.wavelengthNm.length,
        expected: `${nSamples}, one per volume of the stack`,
      });
    if (o.a.length !== nSamples * o.names.length)
      throw new InputError({
        field: "spectra",
        value: o.a.length,
        expected: `${nSamples} × ${o.names.length} values`,
      });
    if (nSamples < o.names.length)
      throw new InputError({
        field: "wavelengths",
        value: nSamples,
        expected: `≥ ${o.names.length} (one per component at least)`,
      });
  },
  fitChunk(curves: Float64Array, m: number, o: UnmixVoxelOptions, out: ChunkResult) {
    const nv = out.status.length;
    const n = o.names.length;
    const so2 = hasSo2(o);
    const np = n + (so2 ? 1 : 0);
    const iHb = o.names.indexOf("Hb");
    const iO2 = o.names.indexOf("HbO2");
    const a = Float64Array.from(o.a);
    for (let v = 0; v < nv; v++) {
      const s = curves.subarray(v * m, (v + 1) * m);
      let ok = true;
      for (let i = 0; i < m && ok; i++) if (!Number.isFinite(s[i])) ok = false;
      if (!ok) {
        out.status[v] = VOXEL_INVALID;
        out.params.fill(Number.NaN, v * np, (v + 1) * np);
        out.rss[v] = Number.NaN;
        continue;
      }
      const r = nnls(a, m, n, s);
      for (let k = 0; k < n; k++) out.params[v * np + k] = r.x[k];
      if (so2) {
        const tot = r.x[iHb] + r.x[iO2];
        out.params[v * np + n] = tot > 0 ? r.x[iO2] / tot : Number.NaN;
      }
      out.rss[v] = r.rnorm * r.rnorm;
      out.status[v] = r.converged ? VOXEL_OK : VOXEL_NOT_CONVERGED;
    }
  },
};
