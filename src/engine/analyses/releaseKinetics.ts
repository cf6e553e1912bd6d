/**
 * In-vitro release kinetics per carrier (kind "release-kinetics", one task per in-vitro file
 * named by the r1-series scans' `acquisition.invitro`): first-order release with an Arrhenius
 * rate, f_c(t) = f∞·(1 − e^{−k(T_c)·t}), k(T) = k_ref·exp(−(Ea/R)(1/T − 1/T_ref)), fitted
 * globally to the curves at all temperatures (core/release/releaseKinetics.ts, f∞ = 1 unless
 * `acquisition.fitPlateau`). CSV columns temperature_C, time_s, fraction (one row per sample),
 * the format of `eprscope release kinetics`. Rows: k_ref_per_s, T_ref_C, Ea_kJ_per_mol, f_inf,
 * k at 37 and 42 °C, and the per-temperature k (roi "<T> °C"); a fit that did not converge is
 * stored "flagged".
 */
import { join } from "node:path";
import { InputError } from "../../core/errors.js";
import { fitArrheniusKinetics, type ReleaseCurve } from "../../core/release/releaseKinetics.js";
import { arrheniusK } from "../../core/release/releaseRate.js";
import { numericColumn, readCsv } from "../../io/csv.js";
import type { ResultRow } from "../../store/types.js";
import type { LoadedStudy } from "../../study/load.js";
import type { Scan } from "../../study/schema.js";
import type { Task } from "../task.js";
import { row } from "./common.js";

export const RELEASE_KINETICS = "release-kinetics";

export function carrierOf(scan: Scan): string {
  return String(scan.acquisition?.carrier ?? "carrier");
}

export function kineticsTaskId(carrier: string): string {
  return `${RELEASE_KINETICS}/${carrier}`;
}

export function readInvitroCurves(path: string): ReleaseCurve[] {
  const t = readCsv(path);
  const temp = numericColumn(t, "temperature_C");
  const time = numericColumn(t, "time_s");
  const frac = numericColumn(t, "fraction");
  const by = new Map<number, { t: number[]; f: number[] }>();
  for (let i = 0; i < temp.length; i++) {
    let c = by.get(temp[i]);
    if (!c) {
      c = { t: [], f: [] };
      by.set(temp[i], c);
    }
    c.t.push(time[i]);
    c.f.push(frac[i]);
  }
  return [...by.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([T, c]) => ({ temperatureC: T, timeS: c.t, fraction: c.f }));
}

export function planReleaseKinetics(ls: LoadedStudy): Task[] {
  const byCarrier = new Map<string, { file: string; fitPlateau: boolean }>();
  for (const s of ls.study.scans.filter((x) => x.purpose === "r1-series" && x.acquisition?.invitro)) {
    const carrier = carrierOf(s);
    const file = String(s.acquisition?.invitro);
    const prev = byCarrier.get(carrier);
    if (prev && prev.file !== file)
      throw new InputError({
        file: "study.json",
        field: `scans[${s.id}].acquisition.invitro`,
        value: file,
        expected: `one in-vitro file per carrier (${carrier} already uses ${prev.file})`,
      });
    byCarrier.set(carrier, { file, fitPlateau: s.acquisition?.fitPlateau === true });
  }
  return [...byCarrier.entries()].map(([carrier, { file, fitPlateau }]) => ({
    id: kineticsTaskId(carrier),
    kind: RELEASE_KINETICS,
    revision: 1,
    subject: null,
    inputFiles: [file],
    inputs: { carrier, file, fitPlateau },
    dependsOn: [],
    run: () => {
      const curves = readInvitroCurves(join(ls.dir, file));
      const fit = fitArrheniusKinetics(curves, { fitPlateau });
      const ok = fit.status === "converged";
      const status = ok ? "ok" : "flagged";
      const message = ok ? null : `Arrhenius fit ${fit.status}`;
      const K = RELEASE_KINETICS;
      const rows: ResultRow[] = [
        row(K, null, carrier, "k_ref_per_s", fit.rate.kRefPerS, "1/s", { status, message }),
        row(K, null, carrier, "T_ref_C", fit.rate.tRefC, "°C"),
        row(K, null, carrier, "Ea_kJ_per_mol", fit.rate.eaKjPerMol, "kJ/mol", { status, message }),
        row(K, null, carrier, "Ea_kJ_per_mol.stderr", fit.stderr.eaKjPerMol, "kJ/mol"),
        row(K, null, carrier, "f_inf", fit.fInf, "1"),
        row(K, null, carrier, "k_37C_per_s", arrheniusK(fit.rate, 37), "1/s", { status, message }),
        row(K, null, carrier, "k_42C_per_s", arrheniusK(fit.rate, 42), "1/s", { status, message }),
        row(K, null, carrier, "rss", fit.rss, "1"),
        row(K, null, carrier, "n", fit.n, "1"),
      ];
      for (const c of fit.curves)
        rows.push(
          row(K, null, `${carrier} ${c.temperatureC} °C`, "k_per_s", c.kPerS, "1/s", {
            status: c.status === "converged" ? "ok" : "flagged",
          }),
        );
      return {
        rows,
        provenance: [
          {
            kind: "param",
            name: "model",
            value: `first-order Arrhenius, global fit over ${curves.length} temperatures, f∞ ${fitPlateau ? "fitted" : "= 1"}`,
          },
        ],
      };
    },
  }));
}
