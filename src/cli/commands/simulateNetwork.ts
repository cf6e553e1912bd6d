/**
 * `eprscope simulate network` — Esposito-style vascular-network DCE simulation
 * (core/transport/network): a synthetic network (--synthetic), a network from a segmented
 * vessel image (--vessels mask.nii.gz) or a network.json (--network); Poiseuille flow with
 * pressure boundary conditions; plug-flow transit of the plasma input with flow-weighted mixing
 * and P·S exchange into each voxel's EES → DIR/ct_mM.nii.gz (4D), truth maps, network.json,
 * aif.csv, summary.json; optionally a tracer-kinetic fit of the curves compared with the truth.
 * Registered from simulate.ts.
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { InputError } from "../../core/errors.js";
import type { Volume } from "../../core/image/volume.js";
import { parkerAif } from "../../core/perfusion/aif.js";
import type { DceModelName } from "../../core/perfusion/models.js";
import { simulateNetworkDce } from "../../core/transport/network/dceSimulation.js";
import type { PermeabilitySpec } from "../../core/transport/network/exchange.js";
import { fitNetworkCurves } from "../../core/transport/network/fitComparison.js";
import { segmentVolumeMm3, type VesselNetwork } from "../../core/transport/network/graph.js";
import { networkFromJson, networkToJson } from "../../core/transport/network/networkJson.js";
import { solveNetworkFlow } from "../../core/transport/network/poiseuille.js";
import { IMAGE_FACES, type ImageFace, maskNetwork } from "../../core/transport/network/skeletonGraph.js";
import { SYNTHETIC_DEFAULTS, syntheticNetwork } from "../../core/transport/network/synthetic.js";
import type { ViscosityModel } from "../../core/transport/network/viscosity.js";
import type { VoxelGrid } from "../../core/transport/network/voxelise.js";
import { readPlasmaAif } from "../../io/aif.js";
import { toCsv } from "../../io/csv.js";
import { readNifti, writeNifti } from "../../io/nifti.js";
import { readInputBytes } from "../../io/readInput.js";
import { assertOutputOutsideInputs } from "../../io/safePaths.js";
import { DCE_MODELS, parseChoice, parseNumberOption } from "../options.js";
import { emit, toJson } from "../output.js";

interface NetworkCli {
  synthetic?: boolean;
  vessels?: string;
  network?: string;
  out: string;
  boxMm: string;
  seed: string;
  capillarySpacingUm: string;
  capillaryRadiusUm: string;
  terminalRadiusUm: string;
  venousRadiusFactor: string;
  inletFaces: string;
  outletFaces: string;
  inletPressureMmhg?: string;
  outletPressureMmhg?: string;
  viscosity: string;
  viscosityMpaS: string;
  plasmaViscosityMpaS: string;
  hct: string;
  voxelMm?: string;
  durationS: string;
  dtS: string;
  maxStepS: string;
  aif: string;
  aifDelayS: string;
  psPerMin?: string;
  permeabilityCmPerS?: string;
  poreRadiusNm?: string;
  soluteRadiusNm?: string;
  poreFractionPerLengthPerCm: string;
  maxLeakyRadiusUm?: string;
  ve: string;
  fit?: string;
  json?: boolean;
}

const pos = { min: 0, exclusiveMin: true };
const DEFAULT_INLET_MMHG = 30;
const DEFAULT_OUTLET_MMHG = 10;

function parseFaces(flag: string, raw: string): ImageFace[] {
  return raw.split(",").map((f) => parseChoice(flag, f.trim(), IMAGE_FACES));
}

function parseBox(raw: string): [number, number, number] {
  const parts = raw.split(",").map((x) => x.trim());
  if (parts.length !== 1 && parts.length !== 3)
    throw new InputError({ field: "--box-mm", value: raw, expected: "an edge length L or X,Y,Z (mm)" });
  const v = parts.map((p) => parseNumberOption("--box-mm", p, { ...pos, max: 100 }));
  return (v.length === 1 ? [v[0], v[0], v[0]] : v) as [number, number, number];
}

function permeabilitySpec(o: NetworkCli): PermeabilitySpec {
  const given = [o.psPerMin, o.permeabilityCmPerS, o.poreRadiusNm].filter((x) => x !== undefined).length;
  if (given > 1)
    throw new InputError({
      field: "--ps-per-min/--permeability-cm-per-s/--pore-radius-nm",
      expected: "at most one way of setting the wall permeability",
    });
  if (o.permeabilityCmPerS !== undefined)
    return {
      kind: "permeability",
      cmPerS: parseNumberOption("--permeability-cm-per-s", o.permeabilityCmPerS, { min: 0, max: 1 }),
    };
  if (o.poreRadiusNm !== undefined) {
    if (o.soluteRadiusNm === undefined)
      throw new InputError({
        field: "--solute-radius-nm",
        expected: "the solute's hydrodynamic radius (nm) together with --pore-radius-nm",
      });
    return {
      kind: "pore",
      poreRadiusNm: parseNumberOption("--pore-radius-nm", o.poreRadiusNm, pos),
      soluteRadiusNm: parseNumberOption("--solute-radius-nm", o.soluteRadiusNm, pos),
      poreFractionPerLengthPerCm: parseNumberOption(
        "--pore-fraction-per-length-per-cm",
        o.poreFractionPerLengthPerCm,
        { min: 0 },
      ),
    };
  }
  return {
    kind: "ps-per-min",
    psPerMin: parseNumberOption("--ps-per-min", o.psPerMin ?? "0.1", { min: 0, max: 100 }),
  };
}

/** linear interpolation of a sampled curve; 0 before the first sample */
function sampled(file: string, t: Float64Array, c: Float64Array, durationS: number): (tS: number) => number {
  if (t.length < 2 || !(t[t.length - 1] >= durationS))
    throw new InputError({
      file,
      field: "time_s",
      value: t[t.length - 1],
      expected: `samples covering the simulated duration (last time ≥ ${durationS} s)`,
    });
  for (let i = 1; i < t.length; i++)
    if (!(t[i] > t[i - 1]))
      throw new InputError({
        file,
        field: `time_s, row ${i + 1}`,
        value: t[i],
        expected: "increasing times",
      });
  return (x) => {
    if (x < t[0]) return 0;
    let lo = 0;
    let hi = t.length - 1;
    while (hi - lo > 1) {
      const m = (lo + hi) >> 1;
      if (t[m] <= x) lo = m;
      else hi = m;
    }
    const f = Math.min(1, (x - t[lo]) / (t[hi] - t[lo]));
    return c[lo] + f * (c[hi] - c[lo]);
  };
}

interface Source {
  kind: "synthetic" | "vessels" | "network";
  net: VesselNetwork;
  grid: VoxelGrid;
  affine: Float64Array;
  originMm: [number, number, number];
  inputs: string[];
  extra: Record<string, unknown>;
}

function gridFor(extentMm: number[], voxel: number): [number, number, number] {
  return extentMm.map((l) => Math.max(1, Math.ceil(l / voxel - 1e-9))) as [number, number, number];
}

function buildSource(o: NetworkCli, pIn: number, pOut: number): Source {
  const sources = [
    o.synthetic ? "--synthetic" : null,
    o.vessels ? "--vessels" : null,
    o.network ? "--network" : null,
  ];
  if (sources.filter(Boolean).length !== 1)
    throw new InputError({
      field: "--synthetic/--vessels/--network",
      value: sources.filter(Boolean).join(" ") || null,
      expected: "exactly one network source: --synthetic, --vessels MASK.nii.gz or --network network.json",
    });
  const voxelOpt =
    o.voxelMm === undefined ? undefined : parseNumberOption("--voxel-mm", o.voxelMm, { ...pos, max: 100 });
  if (o.synthetic) {
    const box = parseBox(o.boxMm);
    const net = syntheticNetwork({
      boxMm: box,
      seed: parseNumberOption("--seed", o.seed, { integer: true, min: 0, max: 2 ** 32 - 1 }),
      capillarySpacingUm: parseNumberOption("--capillary-spacing-um", o.capillarySpacingUm, pos),
      capillaryRadiusUm: parseNumberOption("--capillary-radius-um", o.capillaryRadiusUm, pos),
      terminalRadiusUm: parseNumberOption("--terminal-radius-um", o.terminalRadiusUm, pos),
      venousRadiusFactor: parseNumberOption("--venous-radius-factor", o.venousRadiusFactor, pos),
      inletPressureMmHg: pIn,
      outletPressureMmHg: pOut,
    });
    const v = voxelOpt ?? 0.1;
    const dims = gridFor(box, v);
    const affine = Float64Array.from([v, 0, 0, v / 2, 0, v, 0, v / 2, 0, 0, v, v / 2, 0, 0, 0, 1]);
    return {
      kind: "synthetic",
      net,
      grid: { dims, spacingMm: [v, v, v] },
      affine,
      originMm: [0, 0, 0],
      inputs: [],
      extra: { box_mm: box },
    };
  }
  if (o.vessels) {
    const m: Volume = readNifti(o.vessels);
    if (m.dims.length > 3 && m.dims.slice(3).some((d) => d > 1))
      throw new InputError({ file: o.vessels, field: "dims", value: m.dims, expected: "a 3D mask" });
    const dims = m.dims.slice(0, 3) as [number, number, number];
    if (dims[0] * dims[1] * dims[2] > 64_000_000)
      throw new InputError({
        file: o.vessels,
        field: "dims",
        value: dims,
        expected: "at most 64 million voxels",
      });
    const net = maskNetwork({
      mask: m.data,
      dims,
      spacingMm: m.spacingMm,
      inletFaces: parseFaces("--inlet-faces", o.inletFaces),
      outletFaces: parseFaces("--outlet-faces", o.outletFaces),
      inletPressureMmHg: pIn,
      outletPressureMmHg: pOut,
      source: o.vessels,
    });
    const s = m.spacingMm;
    const ext = dims.map((d, a) => d * s[a]);
    let grid: VoxelGrid;
    let affine: Float64Array;
    if (voxelOpt === undefined && s[0] === s[1] && s[1] === s[2]) {
      grid = { dims, spacingMm: [...s] as [number, number, number] };
      affine = Float64Array.from(m.affine);
    } else {
      const v = voxelOpt ?? Math.max(...s);
      grid = { dims: gridFor(ext, v), spacingMm: [v, v, v] };
      // output voxel i (centre (i + ½)·v in the grid frame) → mask index u = (i + ½)·v/s − ½ → world
      const T = [0, 1, 2].map((a) => [v / s[a], (0.5 * v) / s[a] - 0.5]);
      const A = m.affine;
      affine = new Float64Array(16);
      for (let r = 0; r < 3; r++) {
        for (let c = 0; c < 3; c++) affine[4 * r + c] = A[4 * r + c] * T[c][0];
        affine[4 * r + 3] =
          A[4 * r + 3] + A[4 * r] * T[0][1] + A[4 * r + 1] * T[1][1] + A[4 * r + 2] * T[2][1];
      }
      affine[15] = 1;
    }
    return {
      kind: "vessels",
      net,
      grid,
      affine,
      originMm: [0, 0, 0],
      inputs: [o.vessels],
      extra: {
        mask_voxels: net.maskVoxels,
        skeleton_voxels: net.skeletonVoxels,
        chains: net.chains,
      },
    };
  }
  const file = o.network as string;
  let doc: unknown;
  try {
    doc = JSON.parse(readInputBytes(file, "a JSON file").toString("utf8"));
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError({ file, expected: `valid JSON (${(e as Error).message})` });
  }
  const net = networkFromJson(doc, file);
  if (o.inletPressureMmhg !== undefined || o.outletPressureMmhg !== undefined)
    net.boundary = net.boundary.map((b) => ({
      ...b,
      pressureMmHg:
        b.kind === "inlet"
          ? o.inletPressureMmhg !== undefined
            ? pIn
            : b.pressureMmHg
          : o.outletPressureMmhg !== undefined
            ? pOut
            : b.pressureMmHg,
    }));
  if (voxelOpt === undefined)
    throw new InputError({
      field: "--voxel-mm",
      expected: "the DCE voxel size (mm), required with --network",
    });
  const v = voxelOpt;
  const p = net.positionMm;
  const lo = [0, 1, 2].map((a) => {
    let m = Number.POSITIVE_INFINITY;
    for (let i = a; i < p.length; i += 3) m = Math.min(m, p[i]);
    return Math.floor(m / v) * v;
  });
  const hi = [0, 1, 2].map((a) => {
    let m = Number.NEGATIVE_INFINITY;
    for (let i = a; i < p.length; i += 3) m = Math.max(m, p[i]);
    return m;
  });
  for (let i = 0; i < p.length; i++) p[i] -= lo[i % 3];
  const dims = gridFor(
    hi.map((h, a) => h - lo[a] + (h - lo[a] === 0 ? v : 0)),
    v,
  );
  const nv = dims[0] * dims[1] * dims[2];
  if (nv > 16_000_000)
    throw new InputError({
      field: "--voxel-mm",
      value: v,
      expected: `a voxel giving at most 16 million voxels (${nv})`,
    });
  const affine = Float64Array.from([
    v,
    0,
    0,
    lo[0] + v / 2,
    0,
    v,
    0,
    lo[1] + v / 2,
    0,
    0,
    v,
    lo[2] + v / 2,
    0,
    0,
    0,
    1,
  ]);
  return {
    kind: "network",
    net,
    grid: { dims, spacingMm: [v, v, v] },
    affine,
    originMm: lo as [number, number, number],
    inputs: [file],
    extra: {},
  };
}

function progress(label: string) {
  const t0 = performance.now();
  let last = 0;
  return (f: number) => {
    const d = Math.floor(10 * f);
    if (d > last && performance.now() - t0 > 1000) {
      last = d;
      process.stderr.write(`simulate network: ${label} ${10 * d} %\n`);
    }
  };
}

const mean = (a: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return a.length ? s / a.length : 0;
};

export function runNetwork(o: NetworkCli): Record<string, unknown> {
  const pIn = parseNumberOption("--inlet-pressure-mmhg", o.inletPressureMmhg ?? DEFAULT_INLET_MMHG, {
    min: -1000,
    max: 1000,
  });
  const pOut = parseNumberOption("--outlet-pressure-mmhg", o.outletPressureMmhg ?? DEFAULT_OUTLET_MMHG, {
    min: -1000,
    max: 1000,
  });
  const hct = parseNumberOption("--hct", o.hct, { min: 0, max: 0.95 });
  const visc: ViscosityModel =
    parseChoice("--viscosity", o.viscosity, ["pries", "constant"] as const) === "pries"
      ? {
          kind: "pries-vitro",
          plasmaViscosityMPaS: parseNumberOption("--plasma-viscosity-mpa-s", o.plasmaViscosityMpaS, pos),
          haematocrit: hct,
        }
      : { kind: "constant", viscosityMPaS: parseNumberOption("--viscosity-mpa-s", o.viscosityMpaS, pos) };
  const durationS = parseNumberOption("--duration-s", o.durationS, { ...pos, max: 7 * 24 * 3600 });
  const frameS = parseNumberOption("--dt-s", o.dtS, { ...pos, max: durationS });
  const maxStepS = parseNumberOption("--max-step-s", o.maxStepS, { ...pos, max: 60 });
  const ve = parseNumberOption("--ve", o.ve, { ...pos, max: 1 });
  const permeability = permeabilitySpec(o);
  const maxLeaky =
    o.maxLeakyRadiusUm === undefined
      ? undefined
      : parseNumberOption("--max-leaky-radius-um", o.maxLeakyRadiusUm, pos);
  const fitModel =
    o.fit === undefined ? undefined : (parseChoice("--fit", o.fit, DCE_MODELS) as DceModelName);
  const aifDelay = parseNumberOption("--aif-delay-s", o.aifDelayS, { min: 0, max: durationS });
  let aif: (tS: number) => number;
  let aifInput: string[] = [];
  if (o.aif === "parker") aif = (t) => parkerAif([t], aifDelay)[0] / (1 - hct);
  else {
    const a = readPlasmaAif(o.aif, hct);
    const f = sampled(o.aif, a.timeS, a.cp, durationS - aifDelay);
    aif = (t) => f(t - aifDelay);
    aifInput = [o.aif];
  }
  const src = buildSource(o, pIn, pOut);
  assertOutputOutsideInputs(o.out, [...src.inputs, ...aifInput], { outputIsFolder: true });
  if (existsSync(o.out) && !statSync(o.out).isDirectory())
    throw new InputError({ field: "--out", value: o.out, expected: "a folder (this is a file)" });
  const net = src.net;
  const flow = solveNetworkFlow(net, visc);
  const inletInflow = net.boundary.reduce(
    (acc, b, i) => acc + (b.kind === "inlet" ? Math.max(0, flow.boundaryInflowMm3PerS[i]) : 0),
    0,
  );
  if (!(inletInflow > 0))
    throw new InputError({
      field: "--inlet-pressure-mmhg/--outlet-pressure-mmhg",
      value: [pIn, pOut],
      expected: "pressures that drive flow into the network (inlet pressure above the outlet pressure)",
    });
  const sim = simulateNetworkDce({
    net,
    grid: src.grid,
    viscosity: visc,
    haematocrit: hct,
    permeability,
    maxLeakyRadiusUm: maxLeaky,
    ve,
    durationS,
    frameS,
    maxStepS,
    aif,
    flow,
    onProgress: progress("transport"),
  });
  mkdirSync(o.out, { recursive: true });
  const dims3 = [...src.grid.dims];
  const nv = dims3[0] * dims3[1] * dims3[2];
  const vol = (data: ArrayLike<number>): Volume => ({
    dims: dims3,
    spacingMm: src.grid.spacingMm,
    affine: src.affine,
    data: Float32Array.from(data),
  });
  const files: Record<string, string> = {};
  const write = (name: string, v: Volume) => {
    const p = join(o.out, name);
    writeNifti(p, v);
    files[name.replace(/\.nii\.gz$/, "")] = p;
  };
  const nFrames = sim.frameTimesS.length;
  write("ct_mM.nii.gz", {
    dims: [...dims3, nFrames],
    spacingMm: src.grid.spacingMm,
    affine: src.affine,
    data: sim.ctMM,
    frameS,
  });
  write("vp.nii.gz", vol(sim.maps.vp));
  write("vb.nii.gz", vol(sim.maps.vb));
  write("ve.nii.gz", vol(sim.maps.ve));
  write("flow_ml_per_min_per_ml.nii.gz", vol(sim.maps.flowMlPerMinPerMl));
  write("ps_per_min.nii.gz", vol(sim.maps.psPerMin));
  write("ktrans_renkin_crone_per_min.nii.gz", vol(sim.maps.ktransRenkinCronePerMin));
  const aifPath = join(o.out, "aif.csv");
  writeFileSync(
    aifPath,
    toCsv(
      Array.from(sim.frameTimesS, (t, i) => ({ time_s: t, cp_mM: sim.aifMM[i] })),
      ["time_s", "cp_mM"],
    ),
  );
  files.aif = aifPath;
  const netPath = join(o.out, "network.json");
  writeFileSync(
    netPath,
    `${toJson(
      networkToJson(net, {
        pressureMmHg: flow.pressureMmHg,
        flowMm3PerS: flow.flowMm3PerS,
        transitS: sim.transitS,
        viscosityPaS: flow.viscosityPaS,
      }),
    )}\n`,
  );
  files.network = netPath;
  let perfusedVolume = 0;
  for (let s = 0; s < net.from.length; s++)
    if (Number.isFinite(sim.transitS[s])) perfusedVolume += segmentVolumeMm3(net, s);
  let vesselVolume = 0;
  for (let s = 0; s < net.from.length; s++) vesselVolume += segmentVolumeMm3(net, s);
  const tissueVolume = nv * src.grid.spacingMm[0] * src.grid.spacingMm[1] * src.grid.spacingMm[2];
  const Q = flow.totalInflowMm3PerS;
  const summary: Record<string, unknown> = {
    source: src.kind,
    ...src.extra,
    nodes: net.positionMm.length / 3,
    segments: net.from.length,
    inlets: net.boundary.filter((b) => b.kind === "inlet").length,
    outlets: net.boundary.filter((b) => b.kind === "outlet").length,
    stagnant_segments: sim.stagnantSegments,
    floating_nodes: flow.floatingNodes,
    inlet_pressure_mmHg: pIn,
    outlet_pressure_mmHg: pOut,
    viscosity:
      visc.kind === "constant"
        ? { model: "constant", mPa_s: visc.viscosityMPaS }
        : { model: "pries-vitro-1992", plasma_mPa_s: visc.plasmaViscosityMPaS, hct },
    hct,
    total_flow_ml_per_min: (Q * 60) / 1000,
    perfusion_ml_per_min_per_ml: (Q * 60) / tissueVolume,
    flow_balance_rel_error: flow.flowBalanceRelError,
    mass_balance_rel_error: sim.balance.maxRelError,
    vessel_volume_mm3: vesselVolume,
    perfused_vessel_volume_mm3: perfusedVolume,
    mean_transit_time_s: perfusedVolume / Q,
    mean_vb: mean(sim.maps.vb),
    mean_vp: mean(sim.maps.vp),
    mean_flow_ml_per_min_per_ml: mean(sim.maps.flowMlPerMinPerMl),
    mean_ps_per_min: mean(sim.maps.psPerMin),
    mean_ktrans_renkin_crone_per_min: mean(sim.maps.ktransRenkinCronePerMin),
    permeability_cm_per_s: sim.permeabilityCmPerS,
    ve,
    vessel_filled_voxels: sim.vesselFilledVoxels,
    grid: { dims: dims3, voxel_mm: src.grid.spacingMm, origin_mm: src.originMm },
    frames: nFrames,
    dt_s: frameS,
    duration_s: sim.frameTimesS[nFrames - 1],
    step_s: sim.stepS,
    aif: o.aif === "parker" ? "parker-2006 (blood, / (1 − hct))" : o.aif,
    contrast_nmol: {
      in: sim.balance.inNmol,
      out: sim.balance.outNmol,
      tissue: sim.balance.tissueNmol,
      vessels: sim.balance.vesselNmol,
    },
    files,
  };
  if (fitModel) {
    const fit = fitNetworkCurves({
      model: fitModel,
      timeS: sim.frameTimesS,
      aifMM: sim.aifMM,
      ctMM: sim.ctMM,
      nVoxels: nv,
      maps: sim.maps,
      haematocrit: hct,
      onProgress: progress(`${fitModel} fit`),
    });
    for (const [k, m] of Object.entries(fit.params)) write(`fit_${k}.nii.gz`, vol(m));
    summary.fit = { model: fit.model, fitted_voxels: fit.fittedVoxels, comparison: fit.comparison };
  }
  const warnings: string[] = [];
  if (sim.vesselFilledVoxels > 0)
    warnings.push(
      `${sim.vesselFilledVoxels} voxels are filled by vessel lumen (vb ≥ 1 − 0.001): they do not exchange; use a --voxel-mm larger than the vessel diameters`,
    );
  if (sim.stagnantSegments > 0)
    warnings.push(
      `${sim.stagnantSegments} segments carry no flow (dead ends or unconnected): no contrast reaches them`,
    );
  summary.warnings = warnings;
  for (const w of warnings) process.stderr.write(`simulate network: warning: ${w}\n`);
  const sumPath = join(o.out, "summary.json");
  files.summary = sumPath;
  writeFileSync(sumPath, `${toJson(summary, true)}\n`);
  return summary;
}

export function registerNetwork(sim: Command): void {
  sim
    .command("network")
    .description(
      "vascular-network DCE simulation (Esposito-style): Poiseuille flow, plug-flow transit, P·S extravasation → 4D curves and truth maps",
    )
    .option("--synthetic", "generate a network: artery tree (Murray's law) → capillary lattice → venous tree")
    .option("--vessels <mask>", "binary vessel mask NIfTI (> 0): network from its 3D skeleton")
    .option("--network <file>", "a network.json (written by a previous run, or built by another tool)")
    .requiredOption("--out <dir>", "output folder")
    .option("--box-mm <L>", "synthetic: box edge L or X,Y,Z (mm)", "1")
    .option("--seed <n>", "synthetic: random seed", "1")
    .option(
      "--capillary-spacing-um <h>",
      "synthetic: capillary lattice spacing (µm)",
      String(SYNTHETIC_DEFAULTS.capillarySpacingUm),
    )
    .option(
      "--capillary-radius-um <r>",
      "synthetic: capillary radius (µm)",
      String(SYNTHETIC_DEFAULTS.capillaryRadiusUm),
    )
    .option(
      "--terminal-radius-um <r>",
      "synthetic: terminal arteriole radius (µm)",
      String(SYNTHETIC_DEFAULTS.terminalRadiusUm),
    )
    .option(
      "--venous-radius-factor <f>",
      "synthetic: venous / arterial radius",
      String(SYNTHETIC_DEFAULTS.venousRadiusFactor),
    )
    .option(
      "--inlet-faces <list>",
      "--vessels: image faces whose vessel ends are inlets (x-,x+,y-,y+,z-,z+)",
      "x-",
    )
    .option("--outlet-faces <list>", "--vessels: image faces whose vessel ends are outlets", "x+")
    .option(
      "--inlet-pressure-mmhg <p>",
      `inlet pressure (mmHg; default ${DEFAULT_INLET_MMHG}, --network: the file's)`,
    )
    .option(
      "--outlet-pressure-mmhg <p>",
      `outlet pressure (mmHg; default ${DEFAULT_OUTLET_MMHG}, --network: the file's)`,
    )
    .option("--viscosity <m>", "pries (in-vitro law, Pries et al. 1992) | constant", "pries")
    .option("--viscosity-mpa-s <mu>", "blood viscosity for --viscosity constant (mPa·s)", "3.5")
    .option("--plasma-viscosity-mpa-s <mu>", "plasma viscosity for --viscosity pries (mPa·s)", "1.2")
    .option("--hct <h>", "discharge haematocrit (viscosity; plasma = 1 − hct of flow and lumen)", "0.45")
    .option(
      "--voxel-mm <v>",
      "DCE voxel (mm; default: synthetic 0.1, --vessels the mask grid; required with --network)",
    )
    .option("--duration-s <T>", "simulated time (s)", "300")
    .option("--dt-s <dt>", "frame interval of the 4D output (s)", "2")
    .option("--max-step-s <s>", "largest internal time step (s)", "0.5")
    .option(
      "--aif <parker|file>",
      "inlet plasma input: parker (population blood AIF / (1 − hct)) or a CSV (time_s + cp_mM or cb_mM)",
      "parker",
    )
    .option("--aif-delay-s <s>", "delay of the input at the inlets (s)", "0")
    .option("--ps-per-min <x>", "wall permeability such that Σ P·S / tissue volume = x (1/min; default 0.1)")
    .option("--permeability-cm-per-s <P>", "wall permeability P (cm/s)")
    .option("--pore-radius-nm <r>", "pore theory: P = D₀·H(λ)·ε/ΔX for pores of radius r (nm)")
    .option("--solute-radius-nm <r>", "pore theory: hydrodynamic radius of the contrast agent (nm)")
    .option("--pore-fraction-per-length-per-cm <x>", "pore theory: ε/ΔX (1/cm)", "1.8")
    .option("--max-leaky-radius-um <r>", "only vessels with radius ≤ r leak (default: all)")
    .option("--ve <x>", "EES volume fraction of tissue (per voxel at most 1 − vb)", "0.2")
    .option(
      "--fit <model>",
      "fit the voxel curves (tofts|etofts|patlak|2cxm|2cum) and compare with the truth maps",
    )
    .option("--json", "print the summary as JSON")
    .addHelpText(
      "after",
      `
Writes to DIR: ct_mM.nii.gz (4D tissue concentration, mM), vp/vb/ve/flow_ml_per_min_per_ml/ps_per_min/
ktrans_renkin_crone_per_min.nii.gz (truth maps, perfused vessels), aif.csv (inlet plasma input on the
frame times), network.json (nodes, segments with radius/length/flow/transit), summary.json (= --json),
and fit_<param>.nii.gz with --fit. The curves can be fitted with: eprscope dce map DIR/ct_mM.nii.gz
--aif DIR/aif.csv --model etofts --out FITDIR.
Flow per voxel = blood flow entering the voxel through its faces (plus inlet inflow) per voxel volume.
Examples:
  eprscope simulate network --synthetic --box-mm 1 --seed 3 --voxel-mm 0.1 --out sim --fit etofts --json
  eprscope simulate network --vessels vessels.nii.gz --inlet-faces x- --outlet-faces x+ --voxel-mm 0.2 --out sim
`,
    )
    .action((o: NetworkCli) => {
      const r = runNetwork(o);
      emit(r, { json: o.json }, () => {
        const fit = r.fit as
          | { model: string; comparison: Record<string, { median_ratio: number | null }> }
          | undefined;
        const fitLine = fit
          ? `\n${fit.model} fit vs truth (median fitted/true): ${Object.entries(fit.comparison)
              .map(([k, c]) => `${k} ${c.median_ratio === null ? "–" : c.median_ratio.toFixed(3)}`)
              .join(", ")}`
          : "";
        return `${r.source} network: ${r.nodes} nodes, ${r.segments} segments (${r.stagnant_segments} stagnant); flow ${(r.total_flow_ml_per_min as number).toPrecision(4)} ml/min (perfusion ${(r.perfusion_ml_per_min_per_ml as number).toPrecision(3)} ml/min/ml), mean vp ${(r.mean_vp as number).toPrecision(3)}, mean PS ${(r.mean_ps_per_min as number).toPrecision(3)} /min; flow balance ${(r.flow_balance_rel_error as number).toExponential(1)}, contrast mass balance ${(r.mass_balance_rel_error as number).toExponential(1)}${fitLine}\nwrote ${o.out}\n`;
      });
    });
}
