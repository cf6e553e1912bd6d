/**
 * Helpers shared by the conventional-imaging biomarker analyses (ferumoxytol, CEUS, DWI, SWE):
 * acquisition numbers and lists with InputErrors that name the study.json field, the scan's
 * file count, ROI statistics of a voxel map over converged voxels and status-map counts.
 */
import { InputError } from "../../core/errors.js";
import { VOXEL_OK, VOXEL_STATUS_LABELS } from "../../core/voxel/model.js";
import type { Scan } from "../../study/schema.js";

/** the scan's acquisition number `k`, or an InputError naming the field */
export function acqNumber(scan: Scan, k: string, fallback?: number): number {
  const raw = scan.acquisition?.[k];
  if (raw === undefined && fallback !== undefined) return fallback;
  const v = Number(raw);
  if (raw === undefined || typeof raw === "boolean" || !Number.isFinite(v))
    throw new InputError({
      file: "study.json",
      field: `scans[${scan.id}].acquisition.${k}`,
      value: raw,
      expected: "a number",
    });
  return v;
}

/** the scan's acquisition list `k` of n finite numbers */
export function acqList(scan: Scan, k: string, n: number, what: string): number[] {
  const raw = scan.acquisition?.[k];
  if (!Array.isArray(raw) || raw.length !== n || !raw.every(Number.isFinite))
    throw new InputError({
      file: "study.json",
      field: `scans[${scan.id}].acquisition.${k}`,
      value: raw,
      expected: `${n} ${what}, one per volume of ${scan.files[0]}`,
    });
  return raw;
}

export function needFiles(scan: Scan, n: number, expected: string): void {
  if (scan.files.length < n)
    throw new InputError({
      file: "study.json",
      field: `scans[${scan.id}].files`,
      value: scan.files,
      expected,
    });
}

/** mean and median of a map over voxels with status ok and a finite value */
export function roiStats(
  values: ArrayLike<number>,
  status: ArrayLike<number>,
): { mean: number; median: number; n: number } {
  const ok: number[] = [];
  for (let v = 0; v < values.length; v++)
    if (status[v] === VOXEL_OK && Number.isFinite(values[v])) ok.push(values[v]);
  if (ok.length === 0) return { mean: Number.NaN, median: Number.NaN, n: 0 };
  ok.sort((a, b) => a - b);
  const m = ok.length;
  return {
    mean: ok.reduce((a, b) => a + b, 0) / m,
    median: m % 2 ? ok[(m - 1) / 2] : 0.5 * (ok[m / 2 - 1] + ok[m / 2]),
    n: m,
  };
}

export function statusCounts(status: Uint8Array): Record<string, number> {
  const c: Record<string, number> = {};
  for (const s of status) {
    const k = VOXEL_STATUS_LABELS[s] ?? String(s);
    c[k] = (c[k] ?? 0) + 1;
  }
  return c;
}
