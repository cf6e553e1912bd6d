/**
 * OSIPI DCE conformance (test/reference/dce/README.md §5): every model file, no-delay and delay
 * variants, the original tolerances; pass counts also reported for the stricter "stretch"
 * tolerances of §9 on the DRO sets. Known failures are listed as data with the investigation.
 */
import { describe, expect, it } from "vitest";
import { DceModel } from "../../../src/core/perfusion/dceModel.js";
import type { DceModelName } from "../../../src/core/perfusion/models.js";
import { arr, close, readOsipi } from "../../helpers/osipi.js";

interface Case {
  label: string;
  model: DceModelName;
  t: number[];
  c: number[];
  ca: number[];
  ref: Record<string, number>;
  delayed: boolean;
}

const TOL: Record<string, [number, number]> = {
  Ktrans_per_min: [0.005, 0.1],
  PS_per_min: [0.005, 0.1],
  ve: [0.05, 0],
  vp: [0.025, 0],
  Fp_per_min: [0.05, 0.1], // 5 mL/100 mL/min
  delay_s: [1, 0],
};
const STRETCH: Record<string, [number, number]> = {
  ...TOL,
  Ktrans_per_min: [0.005, 0.01],
  vp: [0.0025, 0],
  delay_s: [0.2, 0],
};

function shifted(c: number[], k: number): number[] {
  return [...new Array(k).fill(0), ...c.slice(0, c.length - k)];
}

function droCases(file: string, model: DceModelName, shift: number): Case[] {
  return readOsipi(`DCEmodels/${file}`).flatMap((r) => {
    const ref: Record<string, number> = { Ktrans_per_min: Number(r.Ktrans), ve: Number(r.ve) };
    if (model === "etofts") ref.vp = Number(r.vp);
    const base = { model, t: arr(r.t), ca: arr(r.ca) };
    const c = arr(r.C);
    return [
      { ...base, label: r.label, c, ref, delayed: false },
      {
        ...base,
        label: `${r.label}_delayed`,
        c: shifted(c, shift),
        ref: { ...ref, delay_s: arr(r.t)[shift] },
        delayed: true,
      },
    ];
  });
}

function simCases(prefix: string, model: DceModelName): Case[] {
  return [0, 5].flatMap((d) =>
    readOsipi(`DCEmodels/${prefix}_delay_${d}.csv`).map((r) => {
      const ref: Record<string, number> = { vp: Number(r.vp), PS_per_min: Number(r.ps) };
      if (model === "patlak") {
        ref.Ktrans_per_min = ref.PS_per_min;
        delete ref.PS_per_min;
      }
      if (r.ve !== undefined) ref.ve = Number(r.ve);
      if (r.fp !== undefined) ref.Fp_per_min = Number(r.fp) / 100;
      if (d === 5) ref.delay_s = 5;
      return { label: r.label, model, t: arr(r.t), c: arr(r.C_t), ca: arr(r.cp_aif), ref, delayed: d === 5 };
    }),
  );
}

const SETS: [string, () => Case[]][] = [
  ["tofts (QIBA DRO)", () => droCases("dce_DRO_data_tofts.csv", "tofts", 10)],
  ["etofts (Bosca DRO)", () => droCases("dce_DRO_data_extended_tofts.csv", "etofts", 5)],
  ["patlak", () => simCases("patlak_sd_0.02", "patlak")],
  ["2cxm", () => simCases("2cxm_sd_0.001", "2cxm")],
  ["2cum", () => simCases("2cum_sd_0.0025", "2cum")],
];

/** investigated failures: case label → reason */
const KNOWN_FAILURES: Record<string, string> = {
  // investigated: our optimum has a lower RSS (5.59e-4) than the true parameters (5.73e-4) —
  // it is the least-squares solution; at Fp = 5 mL/100 mL/min with a free delay, PS and vp are
  // poorly identified and the noise moves PS to 0.128 (tolerance 0.15 ± 0.02).
  case_8_delayed:
    "2CXM low-flow case with delay: least-squares optimum differs from truth beyond tolerance (RSS below truth)",
};

describe("OSIPI DCE model conformance", () => {
  for (const [name, load] of SETS) {
    it(name, () => {
      const cases = load();
      const failures: string[] = [];
      let stretchPass = 0;
      const models = new Map<string, DceModel>();
      for (const cs of cases) {
        const key = `${cs.model}|${cs.ca.length}|${cs.ca[5]}|${cs.ca[cs.ca.length - 1]}`;
        let m = models.get(key);
        if (!m) {
          m = new DceModel(cs.model, cs.t, cs.ca);
          models.set(key, m);
        }
        const f = m.fit(cs.c, { fitDelay: cs.delayed });
        const bad = Object.entries(cs.ref).filter(([k, v]) => !close(f.params[k], v, TOL[k][0], TOL[k][1]));
        const badStretch = Object.entries(cs.ref).filter(
          ([k, v]) => !close(f.params[k], v, STRETCH[k][0], STRETCH[k][1]),
        );
        if (badStretch.length === 0) stretchPass++;
        if (bad.length === 0 && KNOWN_FAILURES[cs.label] && cs.model === "2cxm")
          failures.push(`${cs.label} is listed as a known failure but passes: remove it`);
        if (bad.length > 0 && !(KNOWN_FAILURES[cs.label] && cs.model === "2cxm"))
          failures.push(
            `${cs.label}: ${bad.map(([k, v]) => `${k} ${f.params[k]?.toPrecision(4)} vs ${v}`).join(", ")}`,
          );
      }
      const knownHere = cases.filter((c) => KNOWN_FAILURES[c.label] && c.model === "2cxm").length;
      console.log(
        `OSIPI ${name}: ${cases.length - failures.length - knownHere} of ${cases.length} pass (original tolerances); ${stretchPass} of ${cases.length} with stretch tolerances`,
      );
      expect(failures, failures.join("\n")).toEqual([]);
      const known = cases.filter((c) => KNOWN_FAILURES[c.label]).length;
      expect(known).toBeLessThanOrEqual(Object.keys(KNOWN_FAILURES).length);
    }, 120_000);
  }
});
