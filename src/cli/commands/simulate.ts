/**
 * `eprscope simulate <model>` — transport and pharmacokinetic simulations (core/transport):
 *  - ifp: interstitial fluid pressure and velocity in a uniformly perfused spherical tumour,
 *    finite-volume solution (radial, --nodes) with the Baxter & Jain (1989) closed form as check;
 *  - pbpk: whole-body nanoparticle PBPK (size-dependent renal filtration, MPS uptake with the
 *    surface coating --surface peg|bare, EPR);
 *  - pbpk-fit: the PBPK model fitted to a biodistribution CSV (organ, time_h, pctID_per_g[, sd]):
 *    MPS and tumour-permeability scales by log-space weighted least squares (core/transport/pbpk/fit.ts),
 *    standard errors, identifiability status, predicted vs measured;
 *  - transport: particle delivery into a tumour (IFP → convection, pore-theory extravasation,
 *    diffusion, binding) in a sphere (--radius-mm) or an image mask (--mask NIfTI, optional
 *    --vascular-map NIfTI), driven by a mono-exponential plasma curve or the PBPK blood curve;
 *    grid meshes step with the structured kernel on --threads worker threads (engine/transport);
 *  - network: vascular-network DCE simulation (simulateNetwork.ts).
 */
import { availableParallelism } from "node:os";
import type { Command } from "commander";
import { InputError } from "../../core/errors.js";
import { baxterJainAlpha, baxterJainPressureMmHg } from "../../core/transport/baxterJain.js";
import { type FvMesh, gridMesh, radialSphereMesh } from "../../core/transport/fvMesh.js";
import { radialIfpProfile, solveIfp } from "../../core/transport/ifpSolver.js";
import { FIT_PARAMS, fitPbpk, type PbpkObservation, pbpkOrganOf } from "../../core/transport/pbpk/fit.js";
import { simulatePbpk } from "../../core/transport/pbpk/model.js";
import { DISPOSITION, SURFACES, type Surface } from "../../core/transport/pbpk/nanoparticle.js";
import { PHYSIOLOGY, SPECIES, type Species } from "../../core/transport/pbpk/species.js";
import { effectivePressureMmHg } from "../../core/transport/starling.js";
import { simulateTumourTransportThreaded } from "../../engine/transport/tumour.js";
import { hasColumn, numericColumn, readCsv, stringColumn } from "../../io/csv.js";
import { readNifti, writeNifti } from "../../io/nifti.js";
import { assertOutputOutsideInputs } from "../../io/safePaths.js";
import { parseChoice, parseNumberOption } from "../options.js";
import { emit } from "../output.js";
import { registerNetwork } from "./simulateNetwork.js";

const pos = { min: 0, exclusiveMin: true };

interface IfpOpts {
  radiusMm: string;
  lpCmPerMmhgS: string;
  svPerCm: string;
  kCm2PerMmhgS: string;
  pvMmhg: string;
  sigma: string;
  pivMmhg: string;
  piiMmhg: string;
  nodes: string;
  json?: boolean;
  out?: string;
}

function runIfp(o: IfpOpts) {
  const R = parseNumberOption("--radius-mm", o.radiusMm, pos);
  const lp = parseNumberOption("--lp-cm-per-mmhg-s", o.lpCmPerMmhgS, pos);
  const sv = parseNumberOption("--sv-per-cm", o.svPerCm, pos);
  const K = parseNumberOption("--k-cm2-per-mmhg-s", o.kCm2PerMmhgS, pos);
  const pv = parseNumberOption("--pv-mmhg", o.pvMmhg);
  const sigma = parseNumberOption("--sigma", o.sigma, { min: 0, max: 1 });
  const piv = parseNumberOption("--piv-mmhg", o.pivMmhg);
  const pii = parseNumberOption("--pii-mmhg", o.piiMmhg);
  const nodes = parseNumberOption("--nodes", o.nodes, { integer: true, min: 3, max: 1_000_000 });
  const pe = effectivePressureMmHg(pv, sigma, piv, pii);
  const inp = {
    radiusCm: R / 10,
    lpCmPerMmHgS: lp,
    svPerCm: sv,
    kCm2PerMmHgS: K,
    pvMmHg: pv,
    sigma,
    pivMmHg: piv,
    piiMmHg: pii,
  };
  const alpha = baxterJainAlpha(inp);
  const mesh = radialSphereMesh(R / 10, nodes);
  const sol = solveIfp({ mesh, kCm2PerMmHgS: K, lpSvPerMmHgS: lp * sv, peMmHg: pe });
  const prof = radialIfpProfile(mesh, sol, K);
  const r_mm = Array.from(prof.rCm, (r) => r * 10);
  const p_mmHg = Array.from(prof.pMmHg);
  let maxErr = 0;
  prof.rCm.forEach((r, i) => {
    maxErr = Math.max(maxErr, Math.abs(p_mmHg[i] - baxterJainPressureMmHg(inp, r)));
  });
  return {
    r_mm,
    p_mmHg,
    v_um_per_s: Array.from(prof.vCmPerS, (v) => v * 1e4),
    pe_mmHg: pe,
    alpha,
    nodes,
    max_abs_error_vs_baxter_jain_mmHg: maxErr,
    fluid_balance_rel_error: sol.fluidBalanceRelError,
  };
}

function parseSpecies(raw: string): Species {
  return parseChoice("--species", raw, SPECIES);
}

function parseSurface(raw: string): Surface {
  return parseChoice("--surface", raw, SURFACES);
}

/** biodistribution CSV: organ, time_h, pctID_per_g[, sd] (one row per organ and time) */
function readBiodistCsv(file: string): PbpkObservation[] {
  const t = readCsv(file);
  const organ = stringColumn(t, "organ");
  const time = numericColumn(t, "time_h");
  const v = numericColumn(t, "pctID_per_g");
  const sd = hasColumn(t, "sd") ? numericColumn(t, "sd", { allowMissing: true }) : null;
  return organ.map((name, i) => {
    const o = pbpkOrganOf(name);
    if (o === null)
      throw new InputError({
        file,
        field: `column organ, row ${i + 1}`,
        value: name,
        expected:
          "blood or a PBPK organ (lung, liver, spleen, kidney, heart, muscle, skin, bone_marrow, tumour)",
      });
    return { organ: o, time_h: time[i], pctID_per_g: v[i], sd: sd && Number.isFinite(sd[i]) ? sd[i] : null };
  });
}

interface TransportOpts {
  radiusMm?: string;
  mask?: string;
  vascularMap?: string;
  vascularMapKind?: string;
  hematocrit?: string;
  capillaryRadiusUm?: string;
  surface?: string;
  targeted?: boolean;
  sizeNm: string;
  hours: string;
  nodes: string;
  reports: string;
  plasmaHalfLifeH: string;
  plasmaPbpk?: boolean;
  species: string;
  lpCmPerMmhgS: string;
  svPerCm: string;
  kCm2PerMmhgS: string;
  pvMmhg: string;
  tissueDiffusionRatio: string;
  konPerH?: string;
  koffPerH?: string;
  threads?: string;
  scheme?: string;
  superStepS?: string;
  outMap?: string;
  json?: boolean;
  out?: string;
}

async function runTransport(o: TransportOpts) {
  if ((o.radiusMm === undefined) === (o.mask === undefined))
    throw new InputError({
      field: "--radius-mm/--mask",
      value: o.radiusMm ?? o.mask ?? null,
      expected: "exactly one of --radius-mm (sphere) or --mask FILE (image mask)",
    });
  const size = parseNumberOption("--size-nm", o.sizeNm, { ...pos, max: 1000 });
  const hours = parseNumberOption("--hours", o.hours, { ...pos, max: 24 * 30 });
  const nRep = parseNumberOption("--reports", o.reports, { integer: true, min: 1, max: 1000 });
  const threads =
    o.threads === undefined
      ? availableParallelism()
      : parseNumberOption("--threads", o.threads, { integer: true, min: 1, max: 256 });
  const mapKind = parseChoice("--vascular-map-kind", o.vascularMapKind ?? "relative", [
    "relative",
    "vb",
    "vp",
  ] as const);
  if (!o.vascularMap)
    for (const [v, name] of [
      [o.vascularMapKind, "--vascular-map-kind"],
      [o.hematocrit, "--hematocrit"],
      [o.capillaryRadiusUm, "--capillary-radius-um"],
    ] as const)
      if (v !== undefined)
        throw new InputError({ field: name, value: v, expected: "only with --vascular-map" });
  if (!o.plasmaPbpk && (o.surface !== undefined || o.targeted))
    throw new InputError({
      field: o.surface !== undefined ? "--surface" : "--targeted",
      value: o.surface ?? true,
      expected: "only with --plasma-pbpk (they shape the PBPK blood curve)",
    });
  const species = parseSpecies(o.species);
  const surface = o.surface === undefined ? "bare" : parseSurface(o.surface);
  const targeted = !!o.targeted;
  const hct =
    o.hematocrit === undefined
      ? PHYSIOLOGY[species].hematocrit
      : parseNumberOption("--hematocrit", o.hematocrit, {
          min: 0,
          max: 0.99,
          exclusiveMin: true,
        });
  let mesh: FvMesh;
  let maskVol: ReturnType<typeof readNifti> | null = null;
  let vascular: Float64Array | undefined;
  if (o.radiusMm !== undefined) {
    if (o.vascularMap)
      throw new InputError({
        field: "--vascular-map",
        value: o.vascularMap,
        expected: "a map only together with --mask",
      });
    const R = parseNumberOption("--radius-mm", o.radiusMm, pos);
    mesh = radialSphereMesh(
      R / 10,
      parseNumberOption("--nodes", o.nodes, { integer: true, min: 3, max: 100_000 }),
    );
  } else {
    maskVol = readNifti(o.mask as string);
    const dims = maskVol.dims.slice(0, 3) as [number, number, number];
    if (maskVol.dims.length > 3 && maskVol.dims.slice(3).some((d) => d > 1))
      throw new InputError({ file: o.mask, field: "dims", value: maskVol.dims, expected: "a 3D mask" });
    mesh = gridMesh(maskVol.data, dims, maskVol.spacingMm);
    if (o.vascularMap) {
      const vm = readNifti(o.vascularMap);
      if (vm.dims.slice(0, 3).join() !== dims.join())
        throw new InputError({
          file: o.vascularMap,
          field: "dims",
          value: vm.dims,
          expected: `the mask's dimensions ${dims.join("×")}`,
        });
      const voxels = mesh.voxelOfCell as Int32Array;
      vascular = Float64Array.from(voxels, (v) => vm.data[v]);
      const bad = vascular.findIndex((x) => !(x >= 0 && (mapKind === "relative" || x <= 1)));
      if (bad >= 0)
        throw new InputError({
          file: o.vascularMap,
          field: `voxel ${voxels[bad]}`,
          value: vascular[bad],
          expected:
            mapKind === "relative"
              ? "a vascular density ≥ 0 inside the mask"
              : `a ${mapKind} volume fraction in [0, 1] inside the mask`,
        });
      if (mapKind === "vp") {
        // blood volume fraction vb = vp/(1 − Hct)
        vascular = vascular.map((x) => x / (1 - hct));
        const over = vascular.findIndex((x) => x > 1);
        if (over >= 0)
          throw new InputError({
            file: o.vascularMap,
            field: `voxel ${voxels[over]}`,
            value: vascular[over] * (1 - hct),
            expected: `a plasma volume fraction ≤ 1 − Hct = ${(1 - hct).toFixed(3)} (--hematocrit)`,
          });
      }
    }
  }
  if (o.outMap) {
    if (!maskVol)
      throw new InputError({
        field: "--out-map",
        value: o.outMap,
        expected: "a map only together with --mask",
      });
    assertOutputOutsideInputs(
      o.outMap,
      [o.mask, o.vascularMap].filter((x): x is string => !!x),
    );
  }
  let plasma: (tH: number) => number;
  let plasmaUnit = "relative to the initial plasma concentration";
  if (o.plasmaPbpk) {
    const pb = simulatePbpk({ sizeNm: size, species, surface, targeted, hours, points: 481 });
    const t = pb.time_h;
    const c = pb.conc_pctID_per_g.blood;
    plasmaUnit = `%ID/g (blood concentration from simulate pbpk: ${species}, ${surface}, ${targeted ? "targeted" : "untargeted"})`;
    plasma = (tH) => {
      if (tH <= t[0]) return c[0];
      let i = 1;
      while (i < t.length - 1 && t[i] < tH) i++;
      const f = Math.min(1, (tH - t[i - 1]) / (t[i] - t[i - 1]));
      return c[i - 1] + f * (c[i] - c[i - 1]);
    };
  } else {
    const th = parseNumberOption("--plasma-half-life-h", o.plasmaHalfLifeH, pos);
    plasma = (tH) => Math.exp((-Math.LN2 * tH) / th);
  }
  const times = Array.from({ length: nRep }, (_, i) => (hours * (i + 1)) / nRep);
  const scheme = parseChoice("--scheme", o.scheme ?? "explicit", ["explicit", "rkl2"] as const);
  if (o.superStepS !== undefined && scheme !== "rkl2")
    throw new InputError({
      field: "--super-step-s",
      value: o.superStepS,
      expected: "only with --scheme rkl2",
    });
  const res = await simulateTumourTransportThreaded(
    {
      mesh,
      sizeNm: size,
      reportTimesH: times,
      plasma,
      vascularMap: vascular,
      vascularMapKind: mapKind === "relative" ? "relative" : "bloodVolumeFraction",
      capillaryRadiusUm:
        o.capillaryRadiusUm === undefined
          ? undefined
          : parseNumberOption("--capillary-radius-um", o.capillaryRadiusUm, pos),
      lpCmPerMmHgS: parseNumberOption("--lp-cm-per-mmhg-s", o.lpCmPerMmhgS, pos),
      svPerCm: parseNumberOption("--sv-per-cm", o.svPerCm, pos),
      kCm2PerMmHgS: parseNumberOption("--k-cm2-per-mmhg-s", o.kCm2PerMmhgS, pos),
      pvMmHg: parseNumberOption("--pv-mmhg", o.pvMmhg),
      tissueDiffusionRatio: parseNumberOption("--tissue-diffusion-ratio", o.tissueDiffusionRatio, {
        ...pos,
        max: 1,
      }),
      // a targeted carrier binds with the PBPK model's targeting rates unless given
      scheme,
      superStepS:
        o.superStepS === undefined ? undefined : parseNumberOption("--super-step-s", o.superStepS, pos),
      konPerH:
        o.konPerH === undefined
          ? targeted
            ? DISPOSITION.targetedKonPerH
            : 0
          : parseNumberOption("--kon-per-h", o.konPerH, { min: 0 }),
      koffPerH:
        o.koffPerH === undefined
          ? targeted
            ? DISPOSITION.targetedKoffPerH
            : 0
          : parseNumberOption("--koff-per-h", o.koffPerH, { min: 0 }),
    },
    { threads },
  );
  const rep = res.transport.reports;
  const last = res.transport.fields[res.transport.fields.length - 1];
  const total = Float64Array.from(last.free, (c, i) => c + last.bound[i]);
  const out: Record<string, unknown> = {
    geometry: mesh.kind,
    cells: mesh.nCells,
    concentration_unit: plasmaUnit,
    time_h: rep.map((r) => r.timeS / 3600),
    mean_conc: rep.map((r) => r.meanConc),
    rim_mean_conc: rep.map((r) => r.rimMeanConc),
    core_mean_conc: rep.map((r) => r.coreMeanConc),
    bound_fraction: rep.map((r) => r.amountBound / Math.max(r.amountBound + r.amountFree, Number.MIN_VALUE)),
    penetration_depth_um: rep.map((r) => r.penetrationDepthUm),
    mass_balance_rel_error: res.transport.maxBalanceRelError,
    dt_s: res.transport.dtS,
    steps: res.transport.steps,
    kernel: res.transport.kernel,
    threads: res.transport.threads,
    scheme: res.transport.scheme,
    ...(res.transport.rkl ? { rkl: res.transport.rkl } : {}),
    parameters: res.parameters,
  };
  if (mesh.kind === "sphere" && mesh.nodeRadiusCm) {
    out.r_mm = Array.from(
      mesh.centreCm.filter((_, i) => i % 3 === 0),
      (r) => r * 10,
    );
    out.conc_final = Array.from(total);
    out.ifp_mmHg = Array.from(res.ifp.pressureMmHg);
  }
  if (o.outMap && maskVol) {
    const data = new Float32Array(maskVol.data.length);
    const voxels = mesh.voxelOfCell as Int32Array;
    for (let c = 0; c < mesh.nCells; c++) data[voxels[c]] = total[c];
    writeNifti(o.outMap, {
      dims: maskVol.dims.slice(0, 3),
      spacingMm: maskVol.spacingMm,
      affine: maskVol.affine,
      data,
    });
    out.out_map = o.outMap;
  }
  return out;
}

export function register(program: Command): void {
  const sim = program
    .command("simulate")
    .description("transport and nanoparticle PBPK simulations (ifp, pbpk, pbpk-fit, transport, network)");
  sim
    .command("ifp")
    .description(
      "interstitial fluid pressure/velocity in a uniformly perfused sphere (finite volume; Baxter & Jain 1989 check)",
    )
    .requiredOption("--radius-mm <R>", "tumour radius (mm)")
    .requiredOption("--lp-cm-per-mmhg-s <x>", "vascular hydraulic conductivity Lp (cm/(mmHg·s)), e.g. 2.8e-7")
    .requiredOption("--sv-per-cm <x>", "vascular surface per volume S/V (1/cm), e.g. 200")
    .requiredOption(
      "--k-cm2-per-mmhg-s <x>",
      "interstitial hydraulic conductivity K (cm²/(mmHg·s)), e.g. 4.13e-8",
    )
    .requiredOption("--pv-mmhg <x>", "microvascular pressure (mmHg), e.g. 15.6")
    .requiredOption("--sigma <x>", "osmotic reflection coefficient of plasma proteins, e.g. 0.82")
    .requiredOption("--piv-mmhg <x>", "plasma oncotic pressure (mmHg), e.g. 20")
    .requiredOption("--pii-mmhg <x>", "interstitial oncotic pressure (mmHg), e.g. 15")
    .option("--nodes <n>", "radial nodes from the centre (0) to the rim (R)", "401")
    .option("--json", "print JSON { r_mm, p_mmHg, v_um_per_s, pe_mmHg, alpha, … }")
    .option("--out <file>", "write JSON")
    .action((o: IfpOpts) => {
      const r = runIfp(o);
      emit(
        r,
        o,
        () =>
          `pe = ${r.pe_mmHg.toFixed(3)} mmHg, α = ${r.alpha.toFixed(3)}, p(0) = ${r.p_mmHg[0].toFixed(3)} mmHg, v(R) = ${r.v_um_per_s[r.v_um_per_s.length - 1].toFixed(4)} µm/s (${r.nodes} nodes; max |Δ| vs Baxter–Jain ${r.max_abs_error_vs_baxter_jain_mmHg.toExponential(2)} mmHg)\n`,
      );
    });
  sim
    .command("pbpk")
    .description("whole-body nanoparticle PBPK (mouse, rat, human): %ID per organ, urine, faeces over time")
    .requiredOption("--size-nm <d>", "hydrodynamic diameter (nm)")
    .requiredOption("--species <s>", SPECIES.join("|"))
    .requiredOption("--hours <h>", "simulated time (h)")
    .option("--targeted", "ligand-targeted carrier (tumour binding, higher MPS recognition)")
    .option("--surface <s>", "particle surface: peg (stealth coating, low MPS uptake) | bare", "bare")
    .option("--dose-mg-per-kg <d>", "dose, adds conc_ug_per_g (the model is linear in dose)")
    .option("--points <n>", "report times", "241")
    .option("--json", "print JSON { time_h, amount_pctID, conc_pctID_per_g, summary, parameters }")
    .option("--out <file>", "write JSON")
    .action(
      (o: {
        sizeNm: string;
        species: string;
        hours: string;
        targeted?: boolean;
        surface: string;
        doseMgPerKg?: string;
        points: string;
        json?: boolean;
        out?: string;
      }) => {
        const r = simulatePbpk({
          sizeNm: parseNumberOption("--size-nm", o.sizeNm, { ...pos, max: 1000 }),
          species: parseSpecies(o.species),
          hours: parseNumberOption("--hours", o.hours, { ...pos, max: 24 * 60 }),
          targeted: !!o.targeted,
          surface: parseSurface(o.surface),
          doseMgPerKg:
            o.doseMgPerKg === undefined
              ? undefined
              : parseNumberOption("--dose-mg-per-kg", o.doseMgPerKg, pos),
          points: parseNumberOption("--points", o.points, { integer: true, min: 2, max: 100_000 }),
        });
        emit(r, o, () => {
          const last = r.time_h.length - 1;
          const rows = Object.entries(r.amount_pctID).map(
            ([k, v]) => `  ${k.padEnd(12)} ${v[last].toFixed(2).padStart(8)} %ID`,
          );
          const s = r.summary;
          return `${r.parameters.species}, ${r.parameters.size_nm} nm (${r.parameters.surface}) at ${r.time_h[last]} h:\n${rows.join("\n")}\nblood half-life ${s.blood_half_life_h === null ? s.blood_half_life_status : `${s.blood_half_life_h.toFixed(3)} h`}; tumour peak ${s.tumour_peak_pctID_per_g.toFixed(3)} %ID/g at ${s.tumour_peak_time_h.toFixed(2)} h; AUC ${s.tumour_auc_pctID_h_per_g.toFixed(2)} %ID·h/g\n`;
        });
      },
    );
  sim
    .command("pbpk-fit <biodist>")
    .description(
      "fit the nanoparticle PBPK model to a biodistribution CSV (organ, time_h, pctID_per_g[, sd]): MPS uptake and tumour permeability scales, SEs, identifiability",
    )
    .requiredOption("--size-nm <d>", "hydrodynamic diameter (nm)")
    .requiredOption("--species <s>", SPECIES.join("|"))
    .option("--surface <s>", "particle surface: peg | bare", "bare")
    .option("--targeted", "ligand-targeted carrier")
    .option("--fit <list>", `comma-separated parameters to fit (default all: ${FIT_PARAMS.join(",")})`)
    .option("--json", "print JSON { params, stderr, status, predicted, rss, … }")
    .option("--out <file>", "write JSON")
    .addHelpText(
      "after",
      "\nWeighted least squares in log space (weights from sd when every row has one); organ rows are compared with extravascular + residual-blood %ID/g. Parameters that the data do not identify are null with a status.",
    )
    .action(
      (
        file: string,
        o: {
          sizeNm: string;
          species: string;
          surface: string;
          targeted?: boolean;
          fit?: string;
          json?: boolean;
          out?: string;
        },
      ) => {
        const fit = o.fit?.split(",").map((x) => parseChoice("--fit", x.trim(), FIT_PARAMS));
        const r = fitPbpk({
          sizeNm: parseNumberOption("--size-nm", o.sizeNm, { ...pos, max: 1000 }),
          species: parseSpecies(o.species),
          surface: parseSurface(o.surface),
          targeted: !!o.targeted,
          observations: readBiodistCsv(file),
          fit,
        });
        emit(r, { ...o, inputs: [file] }, () => {
          const lines = FIT_PARAMS.map(
            (k) =>
              `  ${k.padEnd(26)} ${r.params[k] === null ? r.param_status[k] : `${r.params[k]?.toPrecision(4)} ± ${r.stderr[k]?.toPrecision(2)}`}`,
          );
          const pts = r.predicted.map(
            (p) =>
              `  ${p.organ.padEnd(12)} ${String(p.time_h).padStart(6)} h  measured ${p.measured.toPrecision(4).padStart(8)}  fitted ${p.predicted.toPrecision(4).padStart(8)}  a priori ${p.apriori.toPrecision(4).padStart(8)}`,
          );
          const hl =
            r.blood_half_life_h === null ? r.blood_half_life_status : `${r.blood_half_life_h.toFixed(2)} h`;
          return `status: ${r.status}\n${lines.join("\n")}\n${pts.join("\n")}\nGMFE ${r.gmfe.toFixed(3)} (a priori ${r.gmfe_apriori.toFixed(3)}); RSS ${r.rss.toPrecision(4)} (${r.weighting}); fitted blood half-life ${hl}\n`;
        });
      },
    );
  sim
    .command("transport")
    .description(
      "particle delivery into a tumour: IFP-driven convection, pore-theory extravasation, diffusion, binding; sphere (--radius-mm) or image mask (--mask)",
    )
    .option("--radius-mm <R>", "spherical tumour of radius R (mm), radial finite volumes")
    .option("--mask <file>", "tumour mask NIfTI (voxels > 0), 3D finite volumes on the voxel grid")
    .option(
      "--vascular-map <file>",
      "vascular density NIfTI on the mask grid (e.g. DCE vp, CD31 fraction); read as --vascular-map-kind says",
    )
    .option(
      "--vascular-map-kind <k>",
      "relative (pattern: S/V·m/mean(m), default) | vb (blood volume fraction: S/V = 2·vb/r_c) | vp (plasma volume fraction, vb = vp/(1 − Hct))",
    )
    .option(
      "--hematocrit <h>",
      "with --vascular-map-kind vp: large-vessel hematocrit (default: the species' value)",
    )
    .option("--capillary-radius-um <r>", "vessel radius r_c for vb/vp maps (µm; default 5)")
    .requiredOption("--size-nm <d>", "particle hydrodynamic diameter (nm)")
    .requiredOption("--hours <h>", "simulated time (h)")
    .option("--nodes <n>", "radial nodes (sphere)", "101")
    .option("--reports <n>", "number of report times (evenly spaced)", "24")
    .option(
      "--plasma-half-life-h <h>",
      "mono-exponential plasma curve, concentration relative to t = 0",
      "24",
    )
    .option(
      "--plasma-pbpk",
      "use the blood curve of `simulate pbpk` for --size-nm, --species, --surface and --targeted instead (%ID/g)",
    )
    .option("--surface <s>", "with --plasma-pbpk: particle surface peg | bare (default bare)")
    .option(
      "--targeted",
      "with --plasma-pbpk: ligand-targeted carrier (PBPK targeting; binding k_on/k_off default to its rates)",
    )
    .option("--species <s>", SPECIES.join("|"), "mouse")
    .option("--lp-cm-per-mmhg-s <x>", "vascular hydraulic conductivity (cm/(mmHg·s))", "2.8e-7")
    .option("--sv-per-cm <x>", "mean vascular surface per volume (1/cm)", "200")
    .option("--k-cm2-per-mmhg-s <x>", "interstitial hydraulic conductivity (cm²/(mmHg·s))", "4.13e-8")
    .option("--pv-mmhg <x>", "microvascular pressure (mmHg)", "15.6")
    .option("--tissue-diffusion-ratio <x>", "interstitial D / free D (0, 1]", "0.2")
    .option(
      "--kon-per-h <x>",
      "binding/internalisation rate (1/h); default 0, or the targeting rate with --targeted",
    )
    .option("--koff-per-h <x>", "release rate (1/h); default 0, or the targeting rate with --targeted")
    .option(
      "--threads <n>",
      "worker threads for --mask (structured grid kernel, z-slabs; same result for any n; default: all cores)",
    )
    .option(
      "--scheme <s>",
      "explicit (positivity-limited steps, default) | rkl2 (super-time-stepping, Meyer et al. 2012: 2–5× less CPU at 128³; 24 h fields within 2e-3 of the explicit max)",
    )
    .option(
      "--super-step-s <s>",
      "rkl2: target super-step (s), default 3600; report intervals split into whole super-steps",
    )
    .option("--out-map <file>", "write the final concentration map (NIfTI, with --mask)")
    .option(
      "--json",
      "print JSON { time_h, mean_conc, rim_mean_conc, core_mean_conc, penetration_depth_um, mass_balance_rel_error, … }",
    )
    .option("--out <file>", "write JSON")
    .addHelpText(
      "after",
      "\nRim = outer third of the depth range below the tumour surface, core = inner third; penetration depth = amount-weighted mean depth.\nThe surface is held at zero concentration (drainage to normal tissue). Defaults: Baxter & Jain (1989) tumour values.",
    )
    .action(async (o: TransportOpts) => {
      const r = await runTransport(o);
      emit(r, o, () => {
        const t = r.time_h as number[];
        const i = t.length - 1;
        return `${r.geometry} (${r.cells} cells), ${t[i]} h: mean ${(r.mean_conc as number[])[i].toPrecision(4)}, rim ${(r.rim_mean_conc as number[])[i].toPrecision(4)}, core ${(r.core_mean_conc as number[])[i].toPrecision(4)} (${r.concentration_unit}); penetration ${(r.penetration_depth_um as number[])[i].toFixed(1)} µm; mass balance ${(r.mass_balance_rel_error as number).toExponential(1)}\n`;
      });
    });
  registerNetwork(sim);
}
