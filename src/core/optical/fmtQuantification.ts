/**
 * Quantification of reconstructed FMT / hybrid CT-FMT volumes per organ label (Ntziachristos et
 * al. 2005, Nat Biotechnol 23:313; hybrid CT-FMT of pHPMA carriers e.g. Kunjachan et al. 2013,
 * ACS Nano 7:252): the reconstruction gives a fluorochrome concentration per voxel (nM, after the
 * system's phantom calibration), so per label ℓ
 *   amount_ℓ (pmol) = Σ_{v ∈ ℓ} c_v (nM) · V_v (mL)       (1 nM · 1 mL = 1 pmol)
 *   %ID_ℓ = 100 · amount_ℓ / injected (pmol),  %ID/mL = %ID_ℓ / V_ℓ,
 * plus mean and maximum concentration. An optional linear calibration (signal → nM) is applied
 * first. Label 0 is background and skipped. Non-finite voxels are skipped and counted.
 */
import { InputError } from "../errors.js";

export interface FmtOrganAmount {
  label: number;
  name?: string;
  voxels: number;
  volume_mL: number;
  amount_pmol: number;
  percentID: number | null;
  percentID_per_mL: number | null;
  mean_nM: number;
  max_nM: number;
  nonFinite: number;
}

export function fmtOrganAmounts(
  concentrationNm: ArrayLike<number>,
  labels: ArrayLike<number>,
  voxelVolumeMm3: number,
  opts: {
    injectedPmol?: number;
    names?: Record<number, string>;
    calibration?: { slope: number; intercept: number };
  } = {},
): FmtOrganAmount[] {
  if (labels.length !== concentrationNm.length)
    throw new InputError({
      field: "labels",
      value: labels.length,
      expected: `${concentrationNm.length} voxels like the FMT volume`,
    });
  if (!(voxelVolumeMm3 > 0))
    throw new InputError({ field: "voxel volume", value: voxelVolumeMm3, expected: "> 0 mm³" });
  if (opts.injectedPmol !== undefined && !(opts.injectedPmol > 0))
    throw new InputError({ field: "injected dose", value: opts.injectedPmol, expected: "> 0 pmol" });
  const vMl = voxelVolumeMm3 / 1000;
  const acc = new Map<number, { n: number; sum: number; max: number; bad: number }>();
  for (let v = 0; v < labels.length; v++) {
    const l = Math.round(labels[v]);
    if (l === 0) continue;
    let e = acc.get(l);
    if (!e) {
      e = { n: 0, sum: 0, max: Number.NEGATIVE_INFINITY, bad: 0 };
      acc.set(l, e);
    }
    e.n++;
    const raw = concentrationNm[v];
    const c = opts.calibration ? (raw - opts.calibration.intercept) / opts.calibration.slope : raw;
    if (!Number.isFinite(c)) {
      e.bad++;
      continue;
    }
    e.sum += c;
    e.max = Math.max(e.max, c);
  }
  return [...acc.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([label, e]) => {
      const volume = e.n * vMl;
      const amount = e.sum * vMl;
      const pid = opts.injectedPmol !== undefined ? (100 * amount) / opts.injectedPmol : null;
      const good = e.n - e.bad;
      return {
        label,
        ...(opts.names?.[label] !== undefined ? { name: opts.names[label] } : {}),
        voxels: e.n,
        volume_mL: volume,
        amount_pmol: amount,
        percentID: pid,
        percentID_per_mL: pid !== null ? pid / volume : null,
        mean_nM: good > 0 ? e.sum / good : Number.NaN,
        max_nM: good > 0 ? e.max : Number.NaN,
        nonFinite: e.bad,
      };
    });
}
