/**
 * Particle transport in the study's own tumours (kind "tumour-transport", one task per DCE tumour
 * scan with a tumour mask and a fitted vp map; issue #15): the diffusion–convection–binding model
 * of core/transport/tumourTransport.ts (Baxter & Jain 1989–1991: IFP → interstitial convection,
 * pore-theory extravasation for the particle size, diffusion, binding) on the finite-volume grid of
 * the DCE tumour mask (gridMesh), with the voxelwise DCE vp map (results/maps/<scan>/vp.nii.gz)
 * as the vascular density in absolute terms: blood volume fraction vb = vp/(1 − Hct) (capped at
 * 1, counted) and exchange surface S/V(x) = 2·vb(x)/r_c with r_c = 5 µm (cylindrical vessels;
 * Baxter & Jain's 200 1/cm ⇔ vb 5 %), so a tumour with more plasma volume takes up more — the
 * tumours differ by their vascularity, not only by its pattern and their geometry.
 *  - Particle size: the subject's agent hydrodynamicSizeNm (study.json). No size → every row
 *    flagged with a null value (a size is never assumed).
 *  - Plasma input (particles are confined to plasma): Cp(t) = C_blood(t)/(1 − Hct), with C_blood
 *    the a-priori blood curve of the agent's PBPK model (the inputs of the pbpk analysis: species,
 *    size, surface, targeting) when that analysis exists — re-simulated here, so the task does not
 *    wait for the pbpk fits, which are not used: the pbpk rows do not hold the scales the fit used
 *    for parameters it could not identify; else C0·2^(−t/t½) with the subject's NCA C0 and λz
 *    half-life (blood-pk). Hct: the DCE acquisition's hematocrit, else the species' PBPK
 *    physiology value. Concentrations are then %ID per cm³ of tissue = %ID/g (1 g/mL).
 *  - Targeted agents bind in the interstitium with the PBPK model's targeting rates
 *    (pbpk/nanoparticle.ts DISPOSITION: k_on 0.5 1/h, k_off 0.01 1/h); untargeted: no binding.
 *  - Report times 1, 4, 24, 48 h and the biodistribution (necropsy) time of the tumour. Rows per
 *    time (roi = the tumour): conc_mean (extravascular, free + bound), conc_rim_mean /
 *    conc_core_mean (outer / inner third of the depth range below the tumour surface),
 *    rim_core_ratio, penetration_depth_um (amount-weighted mean depth), bound_fraction,
 *    plasma_conc, pctIDperG.predicted = conc_mean + mean(vp)·Cp (what a tumour sample holds,
 *    vascular content included). Scalars: mass_balance_rel_error, cells, vp_mean,
 *    vp_voxels_imputed (mask voxels without a converged vp, set to the median of the others),
 *    size_nm, pe_mmHg, ifp_max_mmHg, sigma_particle, permeability_cm_per_s,
 *    tissue_diffusion_cm2_per_s, steps.
 *  - Map: the 24 h concentration (free + bound, %ID/g; NaN outside the mask) as
 *    results/maps/<scan>/transport_24h.nii.gz with the sidecar transport_map.json (engine/mapsList);
 *    removed when the tumour is flagged, so a stale map is never listed.
 * The tumour surface is held at zero concentration (the core model's boundary).
 * Comparison (kind "tumour-transport-comparison", one task): per tumour at the necropsy time the
 * predicted and measured (biodistribution) %ID/g, the model's rim/core ratio and penetration depth
 * next to the histology penetration numbers of the same tumour (histology rows whose parameter ends
 * in "rim_core_ratio" / "depth50_um", when the histology analysis provides them); Pearson and
 * Spearman correlations across tumours (core/stats/correlation.ts) and the geometric mean fold
 * error of predicted vs measured accumulation.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../../core/errors.js";
import { MODEL_PARAMETERS } from "../../core/perfusion/models.js";
import { correlation } from "../../core/stats/correlation.js";
import { gridMesh } from "../../core/transport/fvMesh.js";
import { simulatePbpk } from "../../core/transport/pbpk/model.js";
import { DISPOSITION, type Surface } from "../../core/transport/pbpk/nanoparticle.js";
import { PHYSIOLOGY, SPECIES, type Species } from "../../core/transport/pbpk/species.js";
import { simulateTumourTransport } from "../../core/transport/tumourTransport.js";
import { readNifti, writeNifti } from "../../io/nifti.js";
import type { ProvenanceEntry, ResultReader, ResultRow } from "../../store/types.js";
import type { LoadedStudy } from "../../study/load.js";
import type { Scan } from "../../study/schema.js";
import { VERSION } from "../../version.js";
import type { Task } from "../task.js";
import { BIODISTRIBUTION, planBiodistribution } from "./biodistribution.js";
import { BLOOD_PK, planBloodPk } from "./bloodPk.js";
import { row, subjectAdministration } from "./common.js";
import { DCE, planDce } from "./dce.js";
import { HISTOLOGY, planHistology } from "./histology.js";
import { PBPK, planPbpk } from "./pbpk.js";

export const TUMOUR_TRANSPORT = "tumour-transport";
export const TUMOUR_TRANSPORT_COMPARISON = "tumour-transport-comparison";
export const TRANSPORT_REPORT_TIMES_H = [1, 4, 24, 48];
export const TRANSPORT_MAP_TIME_H = 24;
export const TRANSPORT_MAP_FILE = "transport_24h.nii.gz";
export const TRANSPORT_SIDECAR = "transport_map.json";
const CONC_UNIT = "%ID/g";

/** per-report-time parameters and their units */
export const TRANSPORT_TIME_PARAMS: [string, string][] = [
  ["conc_mean", CONC_UNIT],
  ["conc_rim_mean", CONC_UNIT],
  ["conc_core_mean", CONC_UNIT],
  ["rim_core_ratio", "1"],
  ["penetration_depth_um", "um"],
  ["bound_fraction", "1"],
  ["plasma_conc", CONC_UNIT],
  ["pctIDperG.predicted", CONC_UNIT],
];

/** how the plasma input is obtained (task inputs, so a change re-runs the task) */
export type PlasmaSource =
  | { kind: "pbpk"; analysis: string; species: Species; sizeNm: number; surface: Surface; targeted: boolean }
  | { kind: "nca"; analysis: string }
  | { kind: "none" };

/** vessel radius for S/V = 2·vb/r_c, µm (capillaries; Baxter & Jain 1989's tumour S/V 200 1/cm at vb 5 %) */
const CAPILLARY_RADIUS_UM = 5;

/** DCE models whose fit gives a vp map */
const hasVp = (model: string) =>
  (MODEL_PARAMETERS as Record<string, { key: string }[]>)[model]?.some((p) => p.key === "vp") ?? false;

/** linear interpolation of y(t) (t increasing), constant outside */
export function interpolator(t: ArrayLike<number>, y: ArrayLike<number>): (x: number) => number {
  const n = t.length;
  return (x) => {
    if (x <= t[0]) return y[0];
    if (x >= t[n - 1]) return y[n - 1];
    let lo = 0;
    let hi = n - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (t[mid] <= x) lo = mid;
      else hi = mid;
    }
    return y[lo] + ((y[hi] - y[lo]) * (x - t[lo])) / (t[hi] - t[lo]);
  };
}

const pbpkCache = new Map<string, { t: number[]; c: number[] }>();

/** blood %ID/g of the agent's a-priori PBPK model over [0, hours] (memoised per model) */
function pbpkBlood(p: Extract<PlasmaSource, { kind: "pbpk" }>, hours: number): { t: number[]; c: number[] } {
  const key = JSON.stringify([p.species, p.sizeNm, p.surface, p.targeted, hours]);
  const hit = pbpkCache.get(key);
  if (hit) return hit;
  const sim = simulatePbpk({
    sizeNm: p.sizeNm,
    species: p.species,
    surface: p.surface,
    targeted: p.targeted,
    hours,
    points: Math.max(241, Math.ceil(hours * 5) + 1),
  });
  const out = { t: sim.time_h, c: sim.conc_pctID_per_g.blood };
  if (pbpkCache.size > 16) pbpkCache.clear();
  pbpkCache.set(key, out);
  return out;
}

/**
 * Relative vascular density per mesh cell from a voxel map: finite values ≥ 0 of voxels with
 * status 0 (converged; no status map: all) are used as they are (negatives clipped to 0); the
 * others get the median of the used ones. Null when no voxel of the tumour has a usable value.
 */
export function vascularDensity(
  map: ArrayLike<number>,
  status: ArrayLike<number> | null,
  voxelOfCell: ArrayLike<number>,
): { values: Float64Array; imputed: number; mean: number } | null {
  const n = voxelOfCell.length;
  const values = new Float64Array(n);
  const ok = new Uint8Array(n);
  const used: number[] = [];
  for (let c = 0; c < n; c++) {
    const v = voxelOfCell[c];
    const x = map[v];
    if (Number.isFinite(x) && (!status || status[v] === 0)) {
      values[c] = Math.max(0, x);
      ok[c] = 1;
      used.push(values[c]);
    }
  }
  if (used.length === 0) return null;
  used.sort((a, b) => a - b);
  const m = used.length;
  const median = m % 2 ? used[(m - 1) / 2] : (used[m / 2 - 1] + used[m / 2]) / 2;
  let imputed = 0;
  let sum = 0;
  for (let c = 0; c < n; c++) {
    if (!ok[c]) {
      values[c] = median;
      imputed++;
    }
    sum += values[c];
  }
  if (!(sum > 0)) return null;
  return { values, imputed, mean: sum / n };
}

function hematocrit(scan: Scan, species: string | undefined): { hct: number; from: string } {
  const a = Number(scan.acquisition?.hematocrit);
  if (a > 0 && a < 1) return { hct: a, from: `scans[${scan.id}].acquisition.hematocrit` };
  if (species && (SPECIES as readonly string[]).includes(species))
    return { hct: PHYSIOLOGY[species as Species].hematocrit, from: `${species} physiology (PBPK)` };
  return { hct: 0.45, from: "default 0.45 (no species physiology, no acquisition.hematocrit)" };
}

interface Planned {
  task: Task;
  scan: Scan;
  roi: string;
}

function planScans(ls: LoadedStudy): Planned[] {
  const s = ls.study;
  const dce = new Set(planDce(ls).map((t) => t.id));
  const pbpk = new Map(planPbpk(ls).map((t) => [t.id, t]));
  const pk = new Set(planBloodPk(ls).map((t) => t.id));
  const bio = new Set(planBiodistribution(ls).map((t) => t.id));
  const out: Planned[] = [];
  for (const scan of s.scans) {
    if (scan.modality !== "MRI" || scan.purpose !== "dce" || scan.files.length < 3) continue;
    if (!dce.has(`${DCE}/${scan.id}`) || !hasVp(String(scan.acquisition?.model ?? "etofts"))) continue;
    let agent: ReturnType<typeof subjectAdministration>["agent"];
    try {
      agent = subjectAdministration(s, scan.subject).agent;
    } catch {
      continue; // no nanoparticle given to this subject: nothing to simulate
    }
    const roi = String(scan.acquisition?.tumour ?? "tumour");
    const subject = s.subjects.find((x) => x.id === scan.subject);
    const sizeNm = agent.hydrodynamicSizeNm ?? null;
    const pbpkTask = pbpk.get(`${PBPK}/${agent.id}`);
    const pkId = `${BLOOD_PK}/${scan.subject}`;
    let plasma: PlasmaSource = { kind: "none" };
    if (pbpkTask) {
      const inp = pbpkTask.inputs as { species: Species; surface: Surface; targeted: boolean };
      plasma = {
        kind: "pbpk",
        analysis: pbpkTask.id,
        species: inp.species,
        sizeNm: sizeNm as number,
        surface: inp.surface,
        targeted: inp.targeted,
      };
    } else if (pk.has(pkId)) plasma = { kind: "nca", analysis: pkId };
    const bioId = `${BIODISTRIBUTION}/${scan.subject}`;
    const targeted = Boolean(agent.targetingLigand);
    const hct = hematocrit(scan, subject?.species);
    const maskFile = scan.files[2];
    const mapDir = `results/maps/${scan.id}`;
    const deps = [
      `${DCE}/${scan.id}`,
      // the PBPK curve is re-simulated from the pbpk analysis' model inputs (a priori, not its fit):
      // no need to wait for its fits
      ...(plasma.kind === "nca" ? [plasma.analysis] : []),
      ...(bio.has(bioId) ? [bioId] : []),
    ];
    const inputs = {
      scan: { id: scan.id, subject: scan.subject, mask: maskFile, tumour: roi },
      agent: { id: agent.id, sizeNm, targetingLigand: agent.targetingLigand ?? null },
      plasma,
      hct,
      binding: targeted
        ? { konPerH: DISPOSITION.targetedKonPerH, koffPerH: DISPOSITION.targetedKoffPerH }
        : { konPerH: 0, koffPerH: 0 },
      reportTimesH: TRANSPORT_REPORT_TIMES_H,
    };
    out.push({
      scan,
      roi,
      task: {
        id: `${TUMOUR_TRANSPORT}/${scan.id}`,
        kind: TUMOUR_TRANSPORT,
        revision: 1,
        subject: scan.subject,
        inputFiles: [maskFile, `${mapDir}/vp.nii.gz`, `${mapDir}/status.nii.gz`],
        inputs,
        dependsOn: deps,
        run: ({ store, progress }) =>
          runScan(ls, scan, roi, inputs, bio.has(bioId) ? bioId : null, store, progress),
      },
    });
  }
  return out;
}

type ScanInputs = {
  agent: { id: string; sizeNm: number | null; targetingLigand: string | null };
  plasma: PlasmaSource;
  hct: { hct: number; from: string };
  binding: { konPerH: number; koffPerH: number };
};

/** the measured tumour %ID/g and its time (h) from the subject's biodistribution (latest sample) */
function measuredAccumulation(
  store: ResultReader,
  bioId: string | null,
  subject: string,
  roi: string,
): { tH: number; value: number } | null {
  if (!bioId) return null;
  // the latest sample of the tumour (necropsy)
  const r = store
    .listResults({ analysis: bioId })
    .filter(
      (x) =>
        x.subject === subject &&
        x.roi === roi &&
        x.parameter === "pctIDperG" &&
        x.status === "ok" &&
        x.value !== null &&
        (x.time_s ?? 0) > 0,
    )
    .sort((a, b) => (b.time_s as number) - (a.time_s as number))[0];
  return r ? { tH: (r.time_s as number) / 3600, value: r.value as number } : null;
}

function runScan(
  ls: LoadedStudy,
  scan: Scan,
  roi: string,
  inp: ScanInputs,
  bioId: string | null,
  store: ResultReader,
  progress: (f: number, note?: string) => void,
) {
  const T = TUMOUR_TRANSPORT;
  const sub = scan.subject;
  const mapDir = join(ls.dir, "results", "maps", scan.id);
  const measured = measuredAccumulation(store, bioId, sub, roi);
  const times = [...new Set([...TRANSPORT_REPORT_TIMES_H, ...(measured ? [measured.tH] : [])])].sort(
    (a, b) => a - b,
  );
  const provenance: ProvenanceEntry[] = [];
  const flagged = (message: string) => {
    // a stale map from an earlier run with a size/plasma input must not stay listed
    rmSync(join(mapDir, TRANSPORT_MAP_FILE), { force: true });
    rmSync(join(mapDir, TRANSPORT_SIDECAR), { force: true });
    const f = { status: "flagged" as const, message };
    const rows = times.flatMap((t) =>
      TRANSPORT_TIME_PARAMS.map(([p, u]) => row(T, sub, roi, p, null, u, { ...f, time_s: t * 3600 })),
    );
    rows.push(row(T, sub, roi, "mass_balance_rel_error", null, "1", f));
    return { rows, provenance: [...provenance, { kind: "param" as const, name: "status", value: message }] };
  };
  const size = inp.agent.sizeNm;
  if (!(typeof size === "number" && Number.isFinite(size) && size > 0))
    return flagged(
      `agent ${inp.agent.id} has no hydrodynamicSizeNm in study.json (value ${JSON.stringify(size)}): the transport model needs the particle size, none is assumed`,
    );
  // plasma input Cp(t), %ID/g of plasma
  const hct = inp.hct.hct;
  const tEnd = Math.max(...times);
  let plasma: (tH: number) => number;
  let plasmaText: string;
  const p = inp.plasma;
  if (p.kind === "pbpk") {
    const b = pbpkBlood(p, Math.max(tEnd, 1));
    const blood = interpolator(b.t, b.c);
    plasma = (tH) => blood(tH) / (1 - hct);
    plasmaText = `a-priori blood curve of the PBPK model of analysis ${p.analysis} (${p.species}, ${p.sizeNm} nm, surface ${p.surface}, ${p.targeted ? "targeted" : "untargeted"}) ÷ (1 − Hct ${hct}, ${inp.hct.from})`;
  } else if (p.kind === "nca") {
    const get = (code: string) =>
      store
        .listResults({ analysis: p.analysis })
        .find((r) => r.parameter === code && r.status === "ok" && r.value !== null)?.value ?? null;
    const c0 = get("C0");
    const half = get("LAMZHL");
    if (!(c0 !== null && c0 > 0 && half !== null && half > 0))
      return flagged(
        `no PBPK analysis for agent ${inp.agent.id} and the blood-pk analysis of ${sub} has no C0 and λz half-life (C0 ${c0}, LAMZHL ${half}): no plasma input`,
      );
    plasma = (tH) => (c0 * 2 ** (-tH / half)) / (1 - hct);
    plasmaText = `mono-exponential C0·2^(−t/t½) with the measured blood C0 ${c0.toPrecision(4)} %ID/g and λz half-life ${half.toPrecision(4)} h (${p.analysis}) ÷ (1 − Hct ${hct}, ${inp.hct.from})`;
  } else
    return flagged(
      `no plasma input: no PBPK analysis for agent ${inp.agent.id} and no blood-pk analysis for ${sub}`,
    );
  // tumour grid and vascular density
  const mask = readNifti(join(ls.dir, scan.files[2]));
  const vpFile = join(mapDir, "vp.nii.gz");
  if (!existsSync(vpFile))
    return flagged(`no fitted vp map (results/maps/${scan.id}/vp.nii.gz) from the DCE analysis`);
  const vp = readNifti(vpFile);
  const statusFile = join(mapDir, "status.nii.gz");
  const st = existsSync(statusFile) ? readNifti(statusFile) : null;
  const dims = mask.dims.slice(0, 3) as [number, number, number];
  if (vp.dims.slice(0, 3).join() !== dims.join())
    throw new InputError({
      file: `results/maps/${scan.id}/vp.nii.gz`,
      field: "dims",
      value: vp.dims,
      expected: `the tumour mask's grid ${dims.join("×")} (${scan.files[2]})`,
    });
  const mesh = gridMesh(mask.data, dims, mask.spacingMm);
  const dens = vascularDensity(vp.data, st?.data ?? null, mesh.voxelOfCell as Int32Array);
  if (!dens)
    return flagged(`the vp map of ${scan.id} has no usable (converged, > 0) value inside the tumour`);
  progress(0.2, "transport");
  // blood volume fraction vb = vp/(1 − Hct), at most 1 (a vp above 1 − Hct is not physical)
  let capped = 0;
  const vb = Float64Array.from(dens.values, (v) => {
    const x = v / (1 - hct);
    if (x > 1) capped++;
    return Math.min(1, x);
  });
  const res = simulateTumourTransport({
    mesh,
    sizeNm: size,
    reportTimesH: times,
    plasma,
    vascularMap: vb,
    vascularMapKind: "bloodVolumeFraction",
    capillaryRadiusUm: CAPILLARY_RADIUS_UM,
    konPerH: inp.binding.konPerH,
    koffPerH: inp.binding.koffPerH,
    keepFields: true,
  });
  progress(0.9);
  const rows: ResultRow[] = [];
  const rep = res.transport.reports;
  rep.forEach((r, i) => {
    const t = times[i];
    const x = { time_s: t * 3600 };
    const total = r.amountFree + r.amountBound;
    const cp = plasma(t);
    rows.push(
      row(T, sub, roi, "conc_mean", r.meanConc, CONC_UNIT, x),
      row(T, sub, roi, "conc_rim_mean", r.rimMeanConc, CONC_UNIT, x),
      row(T, sub, roi, "conc_core_mean", r.coreMeanConc, CONC_UNIT, x),
      row(T, sub, roi, "rim_core_ratio", r.coreMeanConc > 0 ? r.rimMeanConc / r.coreMeanConc : null, "1", x),
      row(T, sub, roi, "penetration_depth_um", r.penetrationDepthUm, "um", x),
      row(T, sub, roi, "bound_fraction", total > 0 ? r.amountBound / total : null, "1", x),
      row(T, sub, roi, "plasma_conc", cp, CONC_UNIT, x),
      row(T, sub, roi, "pctIDperG.predicted", r.meanConc + dens.mean * cp, CONC_UNIT, x),
    );
  });
  const pars = res.parameters;
  let ifpMax = 0;
  for (const v of res.ifp.pressureMmHg) ifpMax = Math.max(ifpMax, v);
  const mb = res.transport.maxBalanceRelError;
  rows.push(
    row(T, sub, roi, "mass_balance_rel_error", mb, "1", {
      status: mb <= 1e-9 ? "ok" : "flagged",
      message: mb <= 1e-9 ? null : "mass balance worse than 1e-9 relative",
    }),
    row(T, sub, roi, "cells", mesh.nCells, "1"),
    row(T, sub, roi, "vp_mean", dens.mean, "1"),
    row(T, sub, roi, "vp_voxels_imputed", dens.imputed, "1"),
    row(T, sub, roi, "vb_voxels_capped", capped, "1"),
    row(T, sub, roi, "sv_mean_per_cm", pars.sv_mean_per_cm, "1/cm"),
    row(T, sub, roi, "size_nm", size, "nm"),
    row(T, sub, roi, "pe_mmHg", pars.pe_mmHg, "mmHg"),
    row(T, sub, roi, "ifp_max_mmHg", ifpMax, "mmHg"),
    row(T, sub, roi, "sigma_particle", pars.sigma_particle, "1"),
    row(T, sub, roi, "permeability_cm_per_s", pars.permeability_cm_per_s, "cm/s"),
    row(T, sub, roi, "tissue_diffusion_cm2_per_s", pars.tissue_diffusion_cm2_per_s, "cm2/s"),
    row(T, sub, roi, "steps", res.transport.steps, "1"),
  );
  // 24 h concentration map on the mask grid
  const k24 = times.indexOf(TRANSPORT_MAP_TIME_H);
  const f = res.transport.fields[k24];
  const data = new Float32Array(mask.data.length).fill(Number.NaN);
  const voxels = mesh.voxelOfCell as Int32Array;
  for (let c = 0; c < mesh.nCells; c++) data[voxels[c]] = f.free[c] + f.bound[c];
  mkdirSync(mapDir, { recursive: true });
  const mapGeom = { dims, spacingMm: mask.spacingMm, affine: mask.affine };
  // the NIfTI first, then the sidecar that gives its unit
  writeNifti(
    join(mapDir, TRANSPORT_MAP_FILE),
    { ...mapGeom, data },
    {
      description: `transport model ${TRANSPORT_MAP_TIME_H} h particle conc (${CONC_UNIT})`,
    },
  );
  const sidecar = {
    model: TUMOUR_TRANSPORT,
    parameters: [
      {
        key: "transport_24h",
        unit: CONC_UNIT,
        file: TRANSPORT_MAP_FILE,
        description: `model particle concentration (free + bound, extravascular) at ${TRANSPORT_MAP_TIME_H} h`,
      },
    ],
    files: [TRANSPORT_MAP_FILE],
    time_h: TRANSPORT_MAP_TIME_H,
    agent: inp.agent.id,
    size_nm: size,
    plasma: plasmaText,
    vascular_map: `results/maps/${scan.id}/vp.nii.gz`,
    cells: mesh.nCells,
    mass_balance_rel_error: mb,
    software: `eprscope ${VERSION}`,
  };
  writeFileSync(join(mapDir, TRANSPORT_SIDECAR), `${JSON.stringify(sidecar, null, 2)}\n`);
  provenance.push(
    {
      kind: "param",
      name: "model",
      value: `Baxter–Jain diffusion–convection–binding on the ${dims.join("×")} DCE mask grid (${mesh.nCells} cells), ${size} nm particles, Baxter & Jain (1989) tumour defaults, vascular S/V = 2·vb/r_c with vb = vp/(1 − Hct ${hct}) and r_c ${CAPILLARY_RADIUS_UM} µm (mean ${pars.sv_mean_per_cm.toPrecision(4)} 1/cm; ${dens.imputed} voxels imputed with the median, ${capped} capped at vb 1), binding k_on ${inp.binding.konPerH} 1/h, k_off ${inp.binding.koffPerH} 1/h`,
    },
    { kind: "param", name: "plasma", value: plasmaText },
    {
      kind: "param",
      name: "units",
      value: `concentrations in %ID/g: particles per cm³ of tissue (1 g/mL) in units of the plasma input (%ID/g); pctIDperG.predicted adds the vascular content mean(vp)·Cp`,
    },
    { kind: "param", name: "report_times_h", value: times.join(", ") },
  );
  return { rows, provenance };
}

/** the study-level comparison with biodistribution and histology */
function planComparison(ls: LoadedStudy, planned: Planned[]): Task[] {
  if (planned.length === 0) return [];
  const subjects = [...new Set(planned.map((p) => p.scan.subject))];
  const bio = new Set(planBiodistribution(ls).map((t) => t.id));
  const histo = new Set(planHistology(ls).map((t) => t.id));
  const bioIds = subjects.map((s) => `${BIODISTRIBUTION}/${s}`).filter((id) => bio.has(id));
  const histoIds = subjects.map((s) => `${HISTOLOGY}/${s}`).filter((id) => histo.has(id));
  const groupOf = new Map(ls.study.subjects.map((s) => [s.id, s.group]));
  const tumours = planned.map((p) => ({ id: p.task.id, subject: p.scan.subject, roi: p.roi }));
  return [
    {
      id: TUMOUR_TRANSPORT_COMPARISON,
      kind: TUMOUR_TRANSPORT_COMPARISON,
      revision: 1,
      subject: null,
      inputFiles: [],
      inputs: { tumours },
      dependsOn: [...tumours.map((t) => t.id), ...bioIds, ...histoIds],
      run: ({ store }) => compare(store, tumours, bio, histo, groupOf),
    },
  ];
}

function compare(
  store: ResultReader,
  tumours: { id: string; subject: string; roi: string }[],
  bio: Set<string>,
  histo: Set<string>,
  groupOf: Map<string, string>,
) {
  const C = TUMOUR_TRANSPORT_COMPARISON;
  const rows: ResultRow[] = [];
  const acc: [number, number][] = [];
  const rc: [number, number][] = [];
  const pd: [number, number][] = [];
  for (const t of tumours) {
    const model = store.listResults({ analysis: t.id });
    const bioId = `${BIODISTRIBUTION}/${t.subject}`;
    const meas = bio.has(bioId) ? measuredAccumulation(store, bioId, t.subject, t.roi) : null;
    const tH = meas?.tH ?? 48;
    const at = (p: string) =>
      model.find(
        (r) => r.parameter === p && r.time_s !== null && Math.abs((r.time_s as number) / 3600 - tH) < 1e-6,
      );
    const okVal = (r: ResultRow | undefined) => (r && r.status === "ok" ? r.value : null);
    const pred = at("pctIDperG.predicted");
    const predV = pred?.unit === CONC_UNIT ? okVal(pred) : null;
    const rcM = okVal(at("rim_core_ratio"));
    const pdM = okVal(at("penetration_depth_um"));
    const hRows = histo.has(`${HISTOLOGY}/${t.subject}`)
      ? store
          .listResults({ analysis: `${HISTOLOGY}/${t.subject}` })
          .filter((r) => r.roi === t.roi && r.status === "ok" && r.value !== null)
      : [];
    const hVal = (suffix: string) => hRows.find((r) => r.parameter.endsWith(suffix))?.value ?? null;
    const rcH = hVal("rim_core_ratio");
    const pdH = hVal("depth50_um");
    const why = (v: number | null, what: string) => (v === null ? { message: what } : {});
    const x = { time_s: tH * 3600, group: groupOf.get(t.subject) ?? null };
    const modelWhy = pred?.message ?? "no transport result";
    rows.push(
      row(C, t.subject, t.roi, "accumulation.predicted_pctIDperG", predV, CONC_UNIT, {
        ...x,
        ...why(predV, modelWhy),
      }),
      row(C, t.subject, t.roi, "accumulation.measured_pctIDperG", meas?.value ?? null, "%ID/g", {
        ...x,
        ...why(meas?.value ?? null, "no biodistribution %ID/g for this tumour"),
      }),
      row(
        C,
        t.subject,
        t.roi,
        "accumulation.predicted_over_measured",
        predV !== null && meas && meas.value > 0 ? predV / meas.value : null,
        "1",
        x,
      ),
      row(C, t.subject, t.roi, "rim_core_ratio.model", rcM, "1", { ...x, ...why(rcM, modelWhy) }),
      row(C, t.subject, t.roi, "penetration_depth_um.model", pdM, "um", { ...x, ...why(pdM, modelWhy) }),
      row(C, t.subject, t.roi, "rim_core_ratio.histology", rcH, "1", {
        ...x,
        ...why(rcH, "the histology analysis has no penetration rim/core ratio for this tumour"),
      }),
      row(C, t.subject, t.roi, "penetration_depth_um.histology", pdH, "um", {
        ...x,
        ...why(pdH, "the histology analysis has no penetration depth (D50) for this tumour"),
      }),
    );
    if (predV !== null && meas) acc.push([predV, meas.value]);
    if (rcM !== null && rcH !== null) rc.push([rcM, rcH]);
    if (pdM !== null && pdH !== null) pd.push([pdM, pdH]);
  }
  const corr = (name: string, pairs: [number, number][]) => {
    for (const method of ["pearson", "spearman"] as const) {
      let c: ReturnType<typeof correlation> | null = null;
      let why = `${pairs.length} tumours with both values (at least 4 needed)`;
      if (pairs.length >= 4)
        try {
          c = correlation(
            pairs.map((q) => q[0]),
            pairs.map((q) => q[1]),
            method,
          );
        } catch (e) {
          why = e instanceof Error ? e.message : String(e);
        }
      const m = c ? {} : { message: why };
      const p = `${name}.${method}`;
      rows.push(
        row(C, null, "tumours", `${p}.r`, c?.r ?? null, "1", m),
        row(C, null, "tumours", `${p}.ci_lower`, c?.ciLower ?? null, "1", m),
        row(C, null, "tumours", `${p}.ci_upper`, c?.ciUpper ?? null, "1", m),
        row(C, null, "tumours", `${p}.p`, c?.p ?? null, "1", m),
        row(C, null, "tumours", `${p}.n`, pairs.length, "1"),
      );
    }
  };
  corr("predicted_vs_measured", acc);
  corr("rim_core_model_vs_histology", rc);
  corr("penetration_model_vs_histology", pd);
  const logs = acc.filter((q) => q[0] > 0 && q[1] > 0).map((q) => Math.abs(Math.log10(q[0] / q[1])));
  rows.push(
    row(
      C,
      null,
      "tumours",
      "accumulation.gmfe",
      logs.length ? 10 ** (logs.reduce((a, b) => a + b, 0) / logs.length) : null,
      "1",
    ),
  );
  return {
    rows,
    provenance: [
      {
        kind: "param" as const,
        name: "comparison",
        value:
          "per tumour at the biodistribution (necropsy) time, 48 h without one; Pearson and Spearman across tumours (R cor.test conventions); GMFE = 10^mean|log10(predicted/measured)|",
      },
    ],
  };
}

export function planTumourTransport(ls: LoadedStudy): Task[] {
  const planned = planScans(ls);
  return [...planned.map((p) => p.task), ...planComparison(ls, planned)];
}
