/**
 * Particle delivery into a tumour, assembled from the pieces of this folder:
 *   1. IFP and interstitial fluid velocity from the vascular density (ifpSolver.ts);
 *   2. local filtration Jv/V = Lp·S/V·(pe − p) and size-dependent P, σ from pore theory
 *      (poreTheory.ts, stokesEinstein.ts) → extravasation coefficients (extravasation.ts);
 *   3. diffusion–convection–binding with vascular sources (particleTransport.ts), driven by a
 *      plasma curve (mono-exponential, or any function, e.g. from the PBPK model).
 * Heterogeneous vascular density, two readings of a per-cell map m:
 *  - "relative" (default): m is a pattern (e.g. CD31 area) scaling S/V as S/V·m/mean(m), so the
 *    tumour mean S/V is the given one and tumours differ only by pattern and geometry;
 *  - "bloodVolumeFraction": m is the vascular (blood) volume fraction vb (e.g. DCE vp/(1 − Hct)),
 *    and S/V = 2·vb/r_c for cylindrical vessels of radius r_c (default 5 µm; Baxter & Jain's
 *    tumour S/V 200 1/cm is vb 5 % at r_c 5 µm), so a better-vascularised tumour has more
 *    exchange surface and takes up more.
 * Defaults: Baxter & Jain (1989) tumour values (Lp 2.8e-7 cm/(mmHg·s), S/V 200 1/cm,
 * K 4.13e-8 cm²/(mmHg·s), pv 15.6, πv 20, πi 15 mmHg, σ_protein 0.82 for the oncotic term),
 * tumour pores r_p = 200 nm with ε/ΔX = 1.8 1/cm (see pbpk/nanoparticle.ts), tissue diffusion
 * D = 0.2·D₀ (Pluen et al. 2001 PNAS 98:4628: D/D₀ ≈ 0.1–0.5 for macromolecules in tumours),
 * available volume fraction 0.4 (tumour interstitial fraction).
 */
import { InputError } from "../errors.js";
import { extravasationCoefficients } from "./extravasation.js";
import type { FvMesh } from "./fvMesh.js";
import { type IfpSolution, solveIfp } from "./ifpSolver.js";
import { solveTransport, type TransportProblem, type TransportSolution } from "./particleTransport.js";
import { diffusiveHindrance, reflectionCoefficient } from "./poreTheory.js";
import { effectivePressureMmHg } from "./starling.js";
import { stokesEinsteinDiffusionCm2PerS } from "./stokesEinstein.js";

export interface TumourTransportInput {
  mesh: FvMesh;
  sizeNm: number;
  /** report times, h */
  reportTimesH: number[];
  /** plasma concentration at time t (h); default exp(−ln2·t/24) */
  plasma?: (tH: number) => number;
  /** vascular density per cell (≥ 0); default uniform; read as vascularMapKind says */
  vascularMap?: ArrayLike<number>;
  /** "relative" (default: S/V·m/mean(m)) or "bloodVolumeFraction" (S/V = 2·vb/r_c; svPerCm unused) */
  vascularMapKind?: "relative" | "bloodVolumeFraction";
  /** vessel radius r_c for bloodVolumeFraction maps, µm (default 5) */
  capillaryRadiusUm?: number;
  lpCmPerMmHgS?: number;
  svPerCm?: number;
  kCm2PerMmHgS?: number;
  pvMmHg?: number;
  /** reflection coefficient of plasma proteins (oncotic term), default 0.82 */
  sigmaProtein?: number;
  pivMmHg?: number;
  piiMmHg?: number;
  poreRadiusNm?: number;
  poreFractionPerLengthPerCm?: number;
  tissueDiffusionRatio?: number;
  availableFraction?: number;
  konPerH?: number;
  koffPerH?: number;
  keepFields?: boolean;
  /** time integration of the transport solve (particleTransport.ts): "explicit" (default) or "rkl2" */
  scheme?: TransportProblem["scheme"];
  /** rkl2: target super-step, s (default 3600) */
  superStepS?: number;
}

export interface TumourTransportResult {
  ifp: IfpSolution;
  transport: TransportSolution;
  parameters: {
    diffusion_cm2_per_s: number;
    tissue_diffusion_cm2_per_s: number;
    permeability_cm_per_s: number;
    sigma_particle: number;
    pe_mmHg: number;
    /** mean vascular S/V over the cells (1/cm) */
    sv_mean_per_cm: number;
  };
}

/** the IFP solution, the transport problem and the derived parameters of simulateTumourTransport */
export function tumourTransportProblem(p: TumourTransportInput): {
  ifp: IfpSolution;
  problem: TransportProblem;
  parameters: TumourTransportResult["parameters"];
} {
  const m = p.mesh;
  const n = m.nCells;
  const lp = p.lpCmPerMmHgS ?? 2.8e-7;
  const sv = p.svPerCm ?? 200;
  const K = p.kCm2PerMmHgS ?? 4.13e-8;
  const pe = effectivePressureMmHg(
    p.pvMmHg ?? 15.6,
    p.sigmaProtein ?? 0.82,
    p.pivMmHg ?? 20,
    p.piiMmHg ?? 15,
  );
  if (!(p.sizeNm > 0))
    throw new InputError({ field: "--size-nm", value: p.sizeNm, expected: "a diameter > 0 nm" });
  // rel·sv = the cell's S/V (1/cm)
  const rel = new Float64Array(n).fill(1);
  const kind = p.vascularMapKind ?? "relative";
  if (kind === "bloodVolumeFraction" && !p.vascularMap)
    throw new InputError({
      field: "vascularMap",
      expected: "a blood volume fraction map (vascularMapKind bloodVolumeFraction)",
    });
  if (p.vascularMap) {
    if (p.vascularMap.length !== n)
      throw new InputError({
        field: "vascularMap",
        value: p.vascularMap.length,
        expected: `${n} values (one per tumour cell)`,
      });
    let s = 0;
    for (let i = 0; i < n; i++) {
      const v = p.vascularMap[i];
      const ok = kind === "relative" ? v >= 0 : v >= 0 && v <= 1;
      if (!ok)
        throw new InputError({
          field: `vascularMap[${i}]`,
          value: v,
          expected: kind === "relative" ? "a vascular density ≥ 0" : "a blood volume fraction in [0, 1]",
        });
      s += v;
    }
    if (!(s > 0))
      throw new InputError({ field: "vascularMap", expected: "a vascular density map that is not all zero" });
    if (kind === "relative") for (let i = 0; i < n; i++) rel[i] = (p.vascularMap[i] * n) / s;
    else {
      const rc = p.capillaryRadiusUm ?? 5;
      if (!(rc > 0))
        throw new InputError({ field: "capillaryRadiusUm", value: rc, expected: "a vessel radius > 0 µm" });
      const rcCm = rc * 1e-4;
      for (let i = 0; i < n; i++) rel[i] = (2 * p.vascularMap[i]) / rcCm / sv;
    }
  }
  const lpSv = Float64Array.from(rel, (r) => lp * sv * r);
  const ifp = solveIfp({ mesh: m, kCm2PerMmHgS: K, lpSvPerMmHgS: lpSv, peMmHg: pe });
  const rs = p.sizeNm / 2;
  const rp = p.poreRadiusNm ?? 200;
  const d0 = stokesEinsteinDiffusionCm2PerS({ radiusNm: rs });
  const lambda = rs / rp;
  const perm = d0 * diffusiveHindrance(lambda) * (p.poreFractionPerLengthPerCm ?? 1.8);
  const sigma = reflectionCoefficient(lambda);
  const a = new Float64Array(n);
  const k = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = extravasationCoefficients(ifp.filtrationPerS[i], sigma, perm * sv * rel[i]);
    a[i] = c.aPerS;
    k[i] = c.kPerS;
  }
  const plasmaH = p.plasma ?? ((t: number) => Math.exp((-Math.LN2 * t) / 24));
  const dTissue = d0 * (p.tissueDiffusionRatio ?? 0.2);
  return {
    ifp,
    problem: {
      mesh: m,
      diffusionCm2PerS: dTissue,
      faceFlowCm3PerS: ifp.faceFlowCm3PerS,
      boundaryFlowCm3PerS: ifp.boundaryFlowCm3PerS,
      uptakePerS: a,
      backfluxPerS: k,
      availableFraction: p.availableFraction ?? 0.4,
      konPerS: (p.konPerH ?? 0) / 3600,
      koffPerS: (p.koffPerH ?? 0) / 3600,
      plasma: (tS) => plasmaH(tS / 3600),
      reportTimesS: p.reportTimesH.map((t) => t * 3600),
      keepFields: p.keepFields,
      scheme: p.scheme,
      superStepS: p.superStepS,
    },
    parameters: {
      diffusion_cm2_per_s: d0,
      tissue_diffusion_cm2_per_s: dTissue,
      permeability_cm_per_s: perm,
      sigma_particle: sigma,
      pe_mmHg: pe,
      sv_mean_per_cm: (sv * rel.reduce((a, b) => a + b, 0)) / n,
    },
  };
}

export function simulateTumourTransport(p: TumourTransportInput): TumourTransportResult {
  const { ifp, problem, parameters } = tumourTransportProblem(p);
  return { ifp, transport: solveTransport(problem), parameters };
}
