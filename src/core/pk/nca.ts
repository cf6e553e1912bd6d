/**
 * Non-compartmental analysis of one subject's concentration–time profile with Phoenix
 * WinNonlin conventions (SCIENCE.md §3; rules re-derived in test/reference/pk/README.md):
 *  - time 0: EV/infusion add (0, 0) when there is no t = 0 sample; IV bolus adds (0, C0) with
 *    C0 by log-linear back-extrapolation through the first two samples when C1 > C2 > 0,
 *    otherwise the first positive concentration;
 *  - AUC/AUMC to Tlast by linear or linear-up/log-down trapezoids;
 *  - λz by best adjusted R² (lambdaZ.ts), Cmax excluded for EV/infusion;
 *  - CL = Dose/AUCINF, Vz = Dose/(λz·AUCINF), MRT = AUMC/AUC (− Tinf/2 for infusion),
 *    Vss = MRTINF·CL (IV).
 * Missing results are null with a reason in `messages`, never NaN.
 * BLQ (NaN) handling follows PKNCA's options: before the first measurable concentration
 * "keep" (as 0) or "drop", between measurable values "drop" or "keep", after the last
 * "keep" or "drop" (defaults keep/drop/keep as PKNCA).
 */
import { InputError } from "../errors.js";
import { type AucMethod, cumulativeAuc, intervalAuc, partialAuc } from "./auc.js";
import { bestLambdaZ } from "./lambdaZ.js";
import { parametersFor, type Route } from "./ncaParameters.js";

export interface NcaOptions {
  route: Route;
  auc?: AucMethod;
  /** dose in the user's dose unit; undefined → dose-dependent parameters missing */
  dose?: number;
  /** infusion duration (same time unit as the data) */
  tinf?: number;
  /** manual λz time range */
  lambdaZRange?: { tLower: number; tUpper: number };
  blq?: { first?: "keep" | "drop"; middle?: "keep" | "drop"; last?: "keep" | "drop" };
  /** partial AUCs over [from, to] reported as AUCINT_<from>_<to> */
  partial?: { from: number; to: number }[];
}

export interface NcaResult {
  status: "ok" | "partial" | "error";
  messages: string[];
  /** every parameter reported for the route, keyed by PPTESTCD; null = not computable */
  params: Record<string, number | null>;
}

function applyBlq(
  t: number[],
  c: number[],
  blq: NcaOptions["blq"] = {},
): { t: number[]; c: number[]; dropped: number } {
  const first = blq.first ?? "keep";
  const middle = blq.middle ?? "drop";
  const last = blq.last ?? "keep";
  const measured = c.map((v, i) => (Number.isFinite(v) ? i : -1)).filter((i) => i >= 0 && c[i] > 0);
  const iFirst = measured.length ? measured[0] : c.length;
  const iLast = measured.length ? measured[measured.length - 1] : -1;
  const tt: number[] = [];
  const cc: number[] = [];
  let dropped = 0;
  for (let i = 0; i < c.length; i++) {
    if (Number.isFinite(c[i])) {
      tt.push(t[i]);
      cc.push(c[i]);
      continue;
    }
    const rule = i < iFirst ? first : i > iLast ? last : middle;
    if (rule === "keep") {
      tt.push(t[i]);
      cc.push(0);
    } else dropped++;
  }
  return { t: tt, c: cc, dropped };
}

/** Validate a profile; throws InputError naming the subject, index and value. */
export function checkProfile(time: ArrayLike<number>, conc: ArrayLike<number>, subject = "subject"): void {
  if (time.length !== conc.length)
    throw new InputError({
      field: `${subject}: time/conc`,
      value: [time.length, conc.length],
      expected: "equal lengths",
    });
  if (time.length === 0) throw new InputError({ field: subject, expected: "at least one sample" });
  for (let i = 0; i < time.length; i++) {
    if (!Number.isFinite(time[i]))
      throw new InputError({ field: `${subject}: time[${i}]`, value: time[i], expected: "a finite time" });
    if (i > 0 && time[i] === time[i - 1])
      throw new InputError({
        field: `${subject}: time[${i}]`,
        value: time[i],
        expected: "no duplicate sampling times",
      });
    if (i > 0 && time[i] < time[i - 1])
      throw new InputError({
        field: `${subject}: time[${i}]`,
        value: time[i],
        expected: `times in increasing order (previous ${time[i - 1]})`,
      });
    if (conc[i] < 0)
      throw new InputError({
        field: `${subject}: conc[${i}]`,
        value: conc[i],
        expected: "a non-negative concentration",
      });
  }
  if (time[0] < 0)
    throw new InputError({
      field: `${subject}: time[0]`,
      value: time[0],
      expected: "times ≥ 0 (relative to dosing)",
    });
}

export function nca(time: ArrayLike<number>, conc: ArrayLike<number>, opts: NcaOptions): NcaResult {
  const method = opts.auc ?? "linear";
  const messages: string[] = [];
  const params: Record<string, number | null> = {};
  for (const p of parametersFor(opts.route)) params[p.code] = null;
  const blq = applyBlq(Array.from(time), Array.from(conc), opts.blq);
  if (blq.dropped > 0) messages.push(`${blq.dropped} BLQ/missing sample(s) dropped`);
  const t = blq.t;
  const c = blq.c;
  const positive = c.map((v, i) => (v > 0 ? i : -1)).filter((i) => i >= 0);
  if (positive.length === 0)
    return { status: "error", messages: [...messages, "no positive concentration"], params };
  if (opts.route === "iv-infusion" && !(opts.tinf !== undefined && opts.tinf > 0)) {
    throw new InputError({
      field: "tinf",
      value: opts.tinf,
      expected: "a positive infusion duration for route iv-infusion",
    });
  }

  // observed quantities (before time-0 augmentation)
  let iMax = 0;
  for (let i = 1; i < c.length; i++) if (c[i] > c[iMax]) iMax = i;
  const iLast = positive[positive.length - 1];
  params.CMAX = c[iMax];
  params.TMAX = t[iMax];
  params.TLST = t[iLast];
  params.CLST = c[iLast];
  if (opts.route === "ev") {
    let tlag = 0;
    if (!(c[0] > 0 && t[0] === 0)) {
      for (let i = 0; i < positive[0]; i++) if (c[i] === 0) tlag = t[i];
    }
    params.TLAG = tlag;
  }

  // time-zero augmentation
  const ta = [...t];
  const ca = [...c];
  let shift = 0;
  if (opts.route === "iv-bolus") {
    let c0: number;
    if (t[0] === 0 && c[0] > 0) c0 = c[0];
    else {
      const [i1, i2] = [positive[0], positive[1]];
      if (i2 !== undefined && i1 === (t[0] === 0 ? 1 : 0) && c[i1] > c[i2]) {
        const slope = (Math.log(c[i2]) - Math.log(c[i1])) / (t[i2] - t[i1]);
        c0 = Math.exp(Math.log(c[i1]) - slope * t[i1]);
      } else c0 = c[positive[0]];
      if (t[0] === 0) ca[0] = c0;
      else {
        ta.unshift(0);
        ca.unshift(c0);
        shift = 1;
      }
    }
    params.C0 = c0;
  } else if (t[0] !== 0) {
    ta.unshift(0);
    ca.unshift(0);
    shift = 1;
  }
  const last = iLast + shift;
  const { auc: aucLast, aumc: aumcLast } = cumulativeAuc(ta, ca, last, method);
  params.AUCLST = aucLast;
  params.AUMCLST = aumcLast;
  params.AUCALL = cumulativeAuc(ta, ca, ta.length - 1, method).auc;

  const tinf = opts.route === "iv-infusion" ? (opts.tinf as number) : 0;
  const mrtLast = aumcLast / aucLast - tinf / 2;
  if (opts.route === "ev") params.MRTEVLST = mrtLast;
  else params.MRTIVLST = mrtLast;

  const dose = opts.dose;
  const hasDose = dose !== undefined && Number.isFinite(dose) && dose > 0;
  if (hasDose) params.CMAXD = c[iMax] / dose;
  else messages.push("no dose: dose-dependent parameters not computed");

  // λz on observed points: EV/infusion start after Tmax, bolus at Tmax or later
  const firstIndex = opts.route === "iv-bolus" ? iMax : iMax + 1;
  const lz = bestLambdaZ(t, c, iLast, { firstIndex, manual: opts.lambdaZRange });
  if (!lz.ok) {
    messages.push(`λz not estimable: ${lz.reason}`);
  } else {
    const f = lz.fit;
    const lam = f.lambdaZ;
    Object.assign(params, {
      LAMZ: lam,
      LAMZHL: Math.LN2 / lam,
      LAMZNPT: f.nPoints,
      LAMZLL: f.tLower,
      LAMZUL: f.tUpper,
      R2: f.r2,
      R2ADJ: Number.isFinite(f.r2adj) ? f.r2adj : null,
      CORRXY: f.corrXY,
    });
    const clast = c[iLast];
    const tlast = t[iLast];
    const clastPred = Math.exp(f.intercept - lam * tlast);
    params.CLSTP = clastPred;
    const aucInfObs = aucLast + clast / lam;
    const aucInfPred = aucLast + clastPred / lam;
    const aumcInfObs = aumcLast + (clast * tlast) / lam + clast / (lam * lam);
    const aumcInfPred = aumcLast + (clastPred * tlast) / lam + clastPred / (lam * lam);
    Object.assign(params, {
      AUCIFO: aucInfObs,
      AUCIFP: aucInfPred,
      AUCPEO: 100 * (1 - aucLast / aucInfObs),
      AUCPEP: 100 * (1 - aucLast / aucInfPred),
      AUMCIFO: aumcInfObs,
      AUMCIFP: aumcInfPred,
      AUMCPEO: 100 * (1 - aumcLast / aumcInfObs),
      AUMCPEP: 100 * (1 - aumcLast / aumcInfPred),
    });
    const mrtObs = aumcInfObs / aucInfObs - tinf / 2;
    const mrtPred = aumcInfPred / aucInfPred - tinf / 2;
    if (opts.route === "ev") Object.assign(params, { MRTEVIFO: mrtObs, MRTEVIFP: mrtPred });
    else Object.assign(params, { MRTIVIFO: mrtObs, MRTIVIFP: mrtPred });
    if (opts.route === "iv-bolus" && shift === 1) {
      const back = intervalAuc(ta[0], ca[0], ta[1], ca[1], method);
      params.AUCPBEO = (100 * back) / aucInfObs;
      params.AUCPBEP = (100 * back) / aucInfPred;
    } else if (opts.route === "iv-bolus") {
      params.AUCPBEO = 0;
      params.AUCPBEP = 0;
    }
    if (hasDose) {
      params.AUCIFOD = aucInfObs / dose;
      params.AUCIFPD = aucInfPred / dose;
      const clObs = dose / aucInfObs;
      const clPred = dose / aucInfPred;
      const vzObs = dose / (lam * aucInfObs);
      const vzPred = dose / (lam * aucInfPred);
      if (opts.route === "ev")
        Object.assign(params, { CLFO: clObs, CLFP: clPred, VZFO: vzObs, VZFP: vzPred });
      else
        Object.assign(params, {
          CLO: clObs,
          CLP: clPred,
          VZO: vzObs,
          VZP: vzPred,
          VSSO: mrtObs * clObs,
          VSSP: mrtPred * clPred,
        });
    }
  }
  for (const p of opts.partial ?? [])
    params[`AUCINT_${p.from}_${p.to}`] = partialAuc(ta, ca, p.from, p.to, method);
  for (const [k, v] of Object.entries(params)) if (v !== null && !Number.isFinite(v)) params[k] = null;
  const missing = Object.values(params).some((v) => v === null);
  return { status: missing ? "partial" : "ok", messages, params };
}
