/**
 * Drug release under MR-guided hyperthermia (kind "release", one task per r1-series scan with
 * its PRF scan, `acquisition.prfScan` or the subject's PRF scan):
 *  1. MR thermometry: phase drift from the unheated reference mask (files[2] of the PRF scan,
 *     core/release/prfDrift.ts, order `driftOrder`, default 0), then the voxel model "prf" through
 *     the voxelwise engine: ΔT per frame, CEM43 = Σ R^(43−T) (exact per linear segment), Tmax and
 *     time in 40–43 °C per voxel → results/maps/<prf scan>/ (one NIfTI per parameter, plus a 4D
 *     dT_C.nii.gz). ROI (files[1], the target) rows: ΔT per frame (ROI mean), CEM43 (mean and
 *     median of the voxel map), time-averaged T10/T50/T90 over [heatingStartS, heatingEndS]
 *     (core/release/hyperthermiaQuality.ts).
 *  2. Release from R1: f(t) = (R1(t) − R1(t0))/(R1,full − R1(t0)) of the ROI-mean R1 (the first
 *     R1 frame is before heating), Gd released/encapsulated/total (mM) from the relaxivities
 *     (ΔR1/(r1,free − r1,enc)) and their mass balance at every time, drug released through the
 *     co-release ratio; t50, final fraction, AUC (core/release/releaseComparison.ts); the final
 *     f map → results/maps/<r1 scan>/released_fraction_final.nii.gz.
 *  3. Prediction: first-order release with the carrier's fitted in-vitro k(T) (release-kinetics
 *     task) integrated per ROI voxel under that voxel's measured temperature history
 *     (core/release/releasePredict.ts, RK45), averaged with the voxel's Gd weight
 *     (R1,full − R1(t0)) as the ROI-mean R1 weights it; RMSE and bias against the measured f.
 * The study-level "release-comparison" task compares the carriers (e.g. TSL vs non-TSL).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../../core/errors.js";
import { frameCount, type Volume, voxelCount3d } from "../../core/image/volume.js";
import { roiHyperthermiaQuality } from "../../core/release/hyperthermiaQuality.js";
import { partitionByFraction } from "../../core/release/massBalance.js";
import { type DriftOrder, estimatePhaseDrift } from "../../core/release/prfDrift.js";
import type { PrfVoxelOptions } from "../../core/release/prfVoxel.js";
import { summariseRelease } from "../../core/release/releaseComparison.js";
import { releasedFractionCurve, releasedFractionMap } from "../../core/release/releasedFraction.js";
import { compareWithMeasured, predictRelease } from "../../core/release/releasePredict.js";
import type { ArrheniusRate } from "../../core/release/releaseRate.js";
import { readNifti, writeNifti } from "../../io/nifti.js";
import type { ResultRow } from "../../store/types.js";
import type { LoadedStudy } from "../../study/load.js";
import type { Scan } from "../../study/schema.js";
import type { Task } from "../task.js";
import { runVoxelMap } from "../voxelwise/engine.js";
import { writeVoxelMaps } from "../voxelwise/writer.js";
import { row } from "./common.js";
import { carrierOf, kineticsTaskId, planReleaseKinetics } from "./releaseKinetics.js";

export const RELEASE = "release";
export const RELEASE_COMPARISON = "release-comparison";

function num(scan: Scan, key: string, fallback?: number): number {
  const raw = scan.acquisition?.[key];
  const v = raw === undefined && fallback !== undefined ? fallback : Number(raw);
  if (!Number.isFinite(v))
    throw new InputError({
      file: "study.json",
      field: `scans[${scan.id}].acquisition.${key}`,
      value: raw,
      expected: "a number",
    });
  return v;
}

function files(scan: Scan, n: number, what: string): void {
  if (scan.files.length < n)
    throw new InputError({
      file: "study.json",
      field: `scans[${scan.id}].files`,
      value: scan.files,
      expected: what,
    });
}

function sameGrid(a: Volume, b: Volume, file: string): void {
  if (voxelCount3d(a) !== voxelCount3d(b))
    throw new InputError({
      file,
      field: "dims",
      value: b.dims,
      expected: `the grid ${a.dims.slice(0, 3).join("×")}`,
    });
}

function findPrf(ls: LoadedStudy, r1: Scan): Scan {
  const ref = r1.acquisition?.prfScan;
  const prf = ls.study.scans.find((s) =>
    ref !== undefined ? s.id === String(ref) : s.subject === r1.subject && s.purpose === "prf",
  );
  if (prf?.purpose !== "prf")
    throw new InputError({
      file: "study.json",
      field: `scans[${r1.id}].acquisition.prfScan`,
      value: ref ?? null,
      expected: "the PRF thermometry scan (purpose prf) of the heating session",
    });
  return prf;
}

function kineticsFrom(rows: ResultRow[]): { rate: ArrheniusRate; fInf: number } | null {
  const v = (p: string) => rows.find((r) => r.parameter === p)?.value ?? null;
  const k = v("k_ref_per_s");
  const t = v("T_ref_C");
  const ea = v("Ea_kJ_per_mol");
  const f = v("f_inf");
  if (k === null || t === null || ea === null || f === null) return null;
  return { rate: { kind: "arrhenius", kRefPerS: k, tRefC: t, eaKjPerMol: ea }, fInf: f };
}

export function planRelease(ls: LoadedStudy): Task[] {
  const kinetics = planReleaseKinetics(ls);
  const r1Scans = ls.study.scans.filter((s) => s.purpose === "r1-series");
  const perSubject = new Map<string, number>();
  for (const s of r1Scans) perSubject.set(s.subject, (perSubject.get(s.subject) ?? 0) + 1);
  const tasks: Task[] = r1Scans.map((r1) => {
    const prf = findPrf(ls, r1);
    const carrier = carrierOf(r1);
    const kinId = r1.acquisition?.invitro ? kineticsTaskId(carrier) : null;
    const id = `${RELEASE}/${(perSubject.get(r1.subject) ?? 0) > 1 ? r1.id : r1.subject}`;
    return {
      id,
      kind: RELEASE,
      revision: 1,
      subject: r1.subject,
      inputFiles: [...prf.files, ...r1.files],
      inputs: { prf, r1 },
      dependsOn: kinId ? [kinId] : [],
      run: async ({ store, progress, signal }) => {
        files(prf, 3, "[PRF phase 4D (rad), target mask, drift reference mask]");
        files(r1, 3, "[R1 series 4D (1/s), R1 after full release, target mask]");
        const roi = String(r1.acquisition?.tumour ?? prf.acquisition?.tumour ?? "tumour");
        const phase = readNifti(join(ls.dir, prf.files[0]));
        const target = readNifti(join(ls.dir, prf.files[1]));
        const driftMask = readNifti(join(ls.dir, prf.files[2]));
        sameGrid(phase, target, prf.files[1]);
        sameGrid(phase, driftMask, prf.files[2]);
        const nvox = voxelCount3d(phase);
        const nf = frameCount(phase);
        const [nx, ny] = phase.dims;
        const frameS = num(prf, "frameS", phase.frameS);
        const timeS = Array.from({ length: nf }, (_, i) => i * frameS);
        const baselineFrames = num(prf, "baselineFrames");
        const bodyTempC = num(prf, "bodyTempC", 37);
        const order = num(prf, "driftOrder", 0) as DriftOrder;
        // drift from the reference region: [voxel][frame] and voxel indices
        const refIdx: number[] = [];
        for (let v = 0; v < nvox; v++) if (driftMask.data[v] > 0) refIdx.push(v);
        const refPhase = new Float64Array(refIdx.length * nf);
        const refIjk = new Float64Array(refIdx.length * 3);
        refIdx.forEach((v, q) => {
          for (let f = 0; f < nf; f++) refPhase[q * nf + f] = phase.data[f * nvox + v];
          refIjk[3 * q] = v % nx;
          refIjk[3 * q + 1] = Math.floor(v / nx) % ny;
          refIjk[3 * q + 2] = Math.floor(v / (nx * ny));
        });
        const drift = estimatePhaseDrift(refPhase, refIjk, nf, baselineFrames, order);
        const options: PrfVoxelOptions = {
          teS: num(prf, "teMs") / 1000,
          fieldT: num(prf, "fieldStrengthT"),
          baselineFrames,
          timeS,
          bodyTempC,
          drift,
        };
        const cov =
          drift.nTerms > 0
            ? {
                i: Float64Array.from({ length: nvox }, (_, v) => v % nx),
                j: Float64Array.from({ length: nvox }, (_, v) => Math.floor(v / nx) % ny),
                k: Float64Array.from({ length: nvox }, (_, v) => Math.floor(v / (nx * ny))),
              }
            : undefined;
        const maps = await runVoxelMap({
          model: "prf",
          options,
          data: phase.data,
          nVoxels: nvox,
          nSamples: nf,
          covariates: cov,
          threads: 1,
          signal,
        });
        progress(0.4, "thermometry");
        const geom = { dims: phase.dims, spacingMm: phase.spacingMm, affine: phase.affine };
        const prfDir = join(ls.dir, "results", "maps", prf.id);
        mkdirSync(prfDir, { recursive: true });
        writeVoxelMaps(prfDir, maps, geom, {
          sidecarName: "prf_map.json",
          options: { teS: options.teS, fieldT: options.fieldT, baselineFrames, bodyTempC },
          extra: { input: prf.files[0], driftMask: prf.files[2], driftOrder: order },
        });
        const dT4 = new Float32Array(nvox * nf);
        for (let f = 0; f < nf; f++) {
          const m = maps.params[`dT_C_t${f}`];
          for (let v = 0; v < nvox; v++) dT4[f * nvox + v] = m[v];
        }
        writeNifti(
          join(prfDir, "dT_C.nii.gz"),
          { ...geom, dims: [...phase.dims.slice(0, 3), nf], data: dT4, frameS },
          {
            description: "PRF temperature change from baseline (°C)",
          },
        );
        // ROI thermometry
        const R = RELEASE;
        const sub = r1.subject;
        const rows: ResultRow[] = [];
        const roiVox: number[] = [];
        for (let v = 0; v < nvox; v++) if (target.data[v] > 0 && maps.status[v] === 0) roiVox.push(v);
        if (roiVox.length === 0) throw new Error(`scan ${prf.id}: no usable voxel in the target mask`);
        const temps = new Float64Array(roiVox.length * nf);
        roiVox.forEach((v, q) => {
          for (let f = 0; f < nf; f++) temps[q * nf + f] = bodyTempC + maps.params[`dT_C_t${f}`][v];
        });
        let dTmax = Number.NEGATIVE_INFINITY;
        for (let f = 0; f < nf; f++) {
          let s = 0;
          for (let q = 0; q < roiVox.length; q++) s += temps[q * nf + f] - bodyTempC;
          const m = s / roiVox.length;
          dTmax = Math.max(dTmax, m);
          rows.push(row(R, sub, roi, "dT_C", m, "°C", { time_s: timeS[f] }));
        }
        const cem = roiVox.map((v) => maps.params.CEM43_min[v]).sort((a, b) => a - b);
        const med =
          cem.length % 2 ? cem[(cem.length - 1) / 2] : (cem[cem.length / 2 - 1] + cem[cem.length / 2]) / 2;
        const band = roiVox.reduce((a, v) => a + maps.params.time_40_43C_s[v], 0) / roiVox.length;
        const q = roiHyperthermiaQuality(temps, timeS, {
          fromS: num(prf, "heatingStartS", timeS[0]),
          toS: num(prf, "heatingEndS", timeS[nf - 1]),
        });
        rows.push(
          row(R, sub, roi, "dT_C.max", dTmax, "°C"),
          row(R, sub, roi, "CEM43_min", cem.reduce((a, b) => a + b, 0) / cem.length, "min"),
          row(R, sub, roi, "CEM43_min.median", med, "min"),
          row(R, sub, roi, "T10_C", q.timeAveraged.T10_C, "°C"),
          row(R, sub, roi, "T50_C", q.timeAveraged.T50_C, "°C"),
          row(R, sub, roi, "T90_C", q.timeAveraged.T90_C, "°C"),
          row(R, sub, roi, "time_40_43C_s", band, "s"),
          row(R, sub, roi, "drift_reference_voxels", drift.nReference, "1"),
          row(R, sub, roi, "drift_total_rad", drift.meanRad[nf - 1], "rad"),
          row(R, sub, roi, "thermometry_voxels", roiVox.length, "1"),
        );
        // release from R1
        const r1v = readNifti(join(ls.dir, r1.files[0]));
        const r1full = readNifti(join(ls.dir, r1.files[1]));
        const r1mask = readNifti(join(ls.dir, r1.files[2]));
        sameGrid(phase, r1v, r1.files[0]);
        sameGrid(phase, r1full, r1.files[1]);
        sameGrid(phase, r1mask, r1.files[2]);
        const nr = frameCount(r1v);
        const rawTimes = r1.acquisition?.timesS;
        const r1Times = Array.isArray(rawTimes) ? rawTimes.map(Number) : [];
        if (r1Times.length !== nr)
          throw new InputError({
            file: "study.json",
            field: `scans[${r1.id}].acquisition.timesS`,
            value: rawTimes ?? null,
            expected: `${nr} times (s, on the PRF clock), one per R1 frame`,
          });
        const rVox: number[] = [];
        for (let v = 0; v < nvox; v++) if (r1mask.data[v] > 0) rVox.push(v);
        const meanR1 = Array.from(
          { length: nr },
          (_, f) => rVox.reduce((a, v) => a + r1v.data[f * nvox + v], 0) / rVox.length,
        );
        const meanFull = rVox.reduce((a, v) => a + r1full.data[v], 0) / rVox.length;
        const fc = releasedFractionCurve(meanR1, meanR1[0], meanFull);
        const fstatus = fc.status === "ok" ? {} : { status: "flagged" as const, message: fc.status };
        const r1Free = num(r1, "r1FreePerMmS", 0);
        const r1Enc = num(r1, "r1EncapsulatedPerMmS", 0);
        const ratio = r1.acquisition?.drugPerGdRatio !== undefined ? num(r1, "drugPerGdRatio") : null;
        const gdTotal = r1Free > r1Enc ? (meanFull - meanR1[0]) / (r1Free - r1Enc) : null;
        let maxResidual = 0;
        for (let f = 0; f < nr; f++) {
          const t = { time_s: r1Times[f] };
          rows.push(row(R, sub, roi, "R1_per_s", meanR1[f], "1/s", t));
          rows.push(row(R, sub, roi, "released_fraction", fc.fraction[f], "1", { ...t, ...fstatus }));
          if (gdTotal !== null) {
            const mb = partitionByFraction(fc.fraction[f], gdTotal);
            maxResidual = Math.max(maxResidual, Math.abs(mb.residual));
            rows.push(row(R, sub, roi, "Gd_released_mM", mb.released, "mM", t));
            rows.push(row(R, sub, roi, "Gd_encapsulated_mM", mb.encapsulated, "mM", t));
            if (ratio !== null) rows.push(row(R, sub, roi, "drug_released_mM", mb.released * ratio, "mM", t));
          }
        }
        rows.push(row(R, sub, roi, "R1_full_per_s", meanFull, "1/s"));
        if (gdTotal !== null) {
          rows.push(row(R, sub, roi, "Gd_total_mM", gdTotal, "mM"));
          rows.push(row(R, sub, roi, "mass_balance_max_residual_mM", maxResidual, "mM"));
        }
        const summ = summariseRelease(r1Times, fc.fraction);
        rows.push(
          row(R, sub, roi, "final_fraction", summ.final_fraction, "1", fstatus),
          row(
            R,
            sub,
            roi,
            "t50_s",
            summ.t50_s,
            "s",
            summ.t50_s === null ? { message: "50 % release not reached" } : {},
          ),
          row(R, sub, roi, "auc_fraction_s", summ.auc_fraction_s, "s"),
        );
        const fmap = releasedFractionMap(
          Float64Array.from({ length: nvox }, (_, v) => r1v.data[(nr - 1) * nvox + v]),
          Float64Array.from({ length: nvox }, (_, v) => r1v.data[v]),
          r1full.data,
        );
        const r1Dir = join(ls.dir, "results", "maps", r1.id);
        mkdirSync(r1Dir, { recursive: true });
        writeNifti(
          join(r1Dir, "released_fraction_final.nii.gz"),
          { ...geom, dims: geom.dims.slice(0, 3), data: Float32Array.from(fmap) },
          {
            description: `released fraction at t = ${r1Times[nr - 1]} s`,
          },
        );
        progress(0.7, "release");
        // prediction from the in-vitro kinetics under each voxel's measured temperature history
        const kin = kinId ? kineticsFrom(store.listResults({ analysis: kinId })) : null;
        if (kin) {
          const pred = new Float64Array(nr);
          let wsum = 0;
          const hist = new Float64Array(nf);
          for (const v of rVox) {
            if (maps.status[v] !== 0) continue;
            const w = r1full.data[v] - r1v.data[v];
            if (!(w > 0)) continue;
            for (let f = 0; f < nf; f++) hist[f] = bodyTempC + maps.params[`dT_C_t${f}`][v];
            const p = predictRelease(kin.rate, timeS, hist, { fInf: kin.fInf, tEval: r1Times });
            for (let f = 0; f < nr; f++) pred[f] += w * p.fraction[f];
            wsum += w;
          }
          for (let f = 0; f < nr; f++) {
            pred[f] /= wsum;
            rows.push(row(R, sub, roi, "predicted_fraction", pred[f], "1", { time_s: r1Times[f] }));
          }
          const agree = compareWithMeasured(
            { timeS: r1Times, fraction: Array.from(pred), steps: 0 },
            r1Times,
            fc.fraction,
          );
          rows.push(
            row(R, sub, roi, "prediction_rmse", agree.rmse, "1"),
            row(R, sub, roi, "prediction_bias", agree.bias, "1"),
            row(R, sub, roi, "prediction_max_abs_error", agree.maxAbsError, "1"),
          );
        } else if (kinId) {
          rows.push(
            row(R, sub, roi, "prediction_rmse", null, "1", {
              status: "missing",
              message: `no kinetics from ${kinId}`,
            }),
          );
        }
        return {
          rows,
          provenance: [
            { kind: "param", name: "carrier", value: carrier },
            { kind: "param", name: "drift", value: `order ${order}, ${drift.nReference} reference voxels` },
          ],
        };
      },
    } satisfies Task;
  });
  if (tasks.length === 0) return kinetics;
  const carriers = new Map(tasks.map((t) => [t.id, carrierOf((t.inputs as { r1: Scan }).r1)]));
  const comparison: Task = {
    id: RELEASE_COMPARISON,
    kind: RELEASE_COMPARISON,
    revision: 1,
    subject: null,
    inputFiles: [],
    inputs: { carriers: [...carriers.entries()] },
    dependsOn: tasks.map((t) => t.id),
    run: ({ store }) => {
      const rows: ResultRow[] = [];
      const by = new Map<string, { final: number[]; auc: number[]; cem: number[] }>();
      for (const t of tasks) {
        const c = carriers.get(t.id) as string;
        const rs = store.listResults({ analysis: t.id });
        const v = (p: string) => rs.find((r) => r.parameter === p && r.status === "ok")?.value ?? null;
        let b = by.get(c);
        if (!b) {
          b = { final: [], auc: [], cem: [] };
          by.set(c, b);
        }
        const f = v("final_fraction");
        const a = v("auc_fraction_s");
        const d = v("CEM43_min");
        if (f !== null) b.final.push(f);
        if (a !== null) b.auc.push(a);
        if (d !== null) b.cem.push(d);
      }
      const mean = (x: number[]) => (x.length ? x.reduce((s, y) => s + y, 0) / x.length : null);
      for (const [c, b] of by) {
        rows.push(row(RELEASE_COMPARISON, null, c, "final_fraction.mean", mean(b.final), "1"));
        rows.push(row(RELEASE_COMPARISON, null, c, "auc_fraction_s.mean", mean(b.auc), "s"));
        rows.push(row(RELEASE_COMPARISON, null, c, "CEM43_min.mean", mean(b.cem), "min"));
        rows.push(row(RELEASE_COMPARISON, null, c, "n", b.final.length, "1"));
      }
      const names = [...by.keys()];
      const test = names.find((n) => n === "TSL") ?? names[0];
      const ref = names.find((n) => n !== test);
      if (ref) {
        const ft = mean((by.get(test) as { final: number[] }).final);
        const fr = mean((by.get(ref) as { final: number[] }).final);
        rows.push(
          row(
            RELEASE_COMPARISON,
            null,
            `${test} − ${ref}`,
            "final_fraction.difference",
            ft !== null && fr !== null ? ft - fr : null,
            "1",
          ),
        );
      }
      return { rows };
    },
  };
  return [...kinetics, ...tasks, comparison];
}
