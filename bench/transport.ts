/**
 * bench transport: particle delivery into a tumour (IFP → extravasation → diffusion–convection
 * –binding, engine/transport/tumour.ts) on a 128³ grid for 24 h of model time (issue 15: "under
 * a minute on 2 cores"): a full 128³ cube and a sphere inscribed in it (1.10 M cells), 10 mm box
 * (78 µm voxels), 10 nm and 50 nm particles, 24 report times. Per case the transport solve runs
 * in the same run on each path: explicit scheme with the generic face-list kernel ("generic"), the
 * structured grid kernel on this thread ("grid1") and on worker threads ("grid2"), and the RKL2
 * super-time-stepping scheme (core superTimeStep.ts) with the grid kernel on this thread
 * ("rkl2-grid1") and on worker threads ("rkl2-grid2"). CPU time (user + sys, process.cpuUsage():
 * every thread of the process) and wall time per path; mesh and IFP (Jacobi-PCG, the same for
 * every path) timed separately, and a total (mesh + IFP + transport) per path. Checks: the explicit
 * paths agree (generic vs grid bit-identical, 1 vs N threads identical reports), rkl2 1 vs N threads
 * identical, mass balance ≤ 1e-9; rkl2 vs the first explicit path: max |Δc|/max c of the 24 h free
 * field and the relative differences of the 24 h mean, rim and core concentrations.
 * Usage: npm run bench -- transport [--n 128] [--cases cube10,cube50,sphere10,sphere50]
 *        [--paths grid1,grid2,rkl2-grid1,rkl2-grid2] [--threads 2] [--super-step 3600] [--stages s]
 */
import { gridMesh } from "../src/core/transport/fvMesh.js";
import { solveTransport, type TransportSolution } from "../src/core/transport/particleTransport.js";
import { tumourTransportProblem } from "../src/core/transport/tumourTransport.js";
import { solveTransportThreaded } from "../src/engine/transport/threaded.js";

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : def;
};
const N = Number(arg("--n", "128"));
const cases = arg("--cases", "cube10,cube50,sphere10,sphere50").split(",");
const paths = arg("--paths", "grid1,grid2,rkl2-grid1,rkl2-grid2").split(",");
const threads = Number(arg("--threads", "2"));
const superStep = arg("--super-step", "");
const stages = arg("--stages", "");
const boxMm = 10;

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

function mask(kind: string): Uint8Array {
  const m = new Uint8Array(N * N * N);
  if (kind === "cube") return m.fill(1);
  const c = (N - 1) / 2;
  for (let k = 0; k < N; k++)
    for (let j = 0; j < N; j++)
      for (let i = 0; i < N; i++) if (Math.hypot(i - c, j - c, k - c) <= N / 2) m[i + N * (j + N * k)] = 1;
  return m;
}

interface Timed {
  cpu: number;
  wall: number;
  sol: TransportSolution;
}

async function timed(f: () => TransportSolution | Promise<TransportSolution>): Promise<Timed> {
  const c0 = cpu();
  const w0 = performance.now();
  const sol = await f();
  return { cpu: cpu() - c0, wall: (performance.now() - w0) / 1000, sol };
}

const sameFields = (a: TransportSolution, b: TransportSolution) => {
  const x = a.fields[a.fields.length - 1];
  const y = b.fields[b.fields.length - 1];
  for (let i = 0; i < x.free.length; i++)
    if (x.free[i] !== y.free[i] || x.bound[i] !== y.bound[i]) return false;
  return true;
};
const sameReports = (a: TransportSolution, b: TransportSolution) =>
  JSON.stringify(a.reports) === JSON.stringify(b.reports);

const rows: string[] = [];
console.log(`transport bench: ${N}³ grid, ${boxMm} mm box, 24 h, paths ${paths.join(", ")}`);
for (const name of cases) {
  const geometry = name.replace(/\d+$/, "");
  const sizeNm = Number(name.slice(geometry.length));
  const sp = boxMm / N;
  let c0 = cpu();
  let w0 = performance.now();
  const mesh = gridMesh(mask(geometry), [N, N, N], [sp, sp, sp]);
  const meshCpu = cpu() - c0;
  const meshWall = (performance.now() - w0) / 1000;
  c0 = cpu();
  w0 = performance.now();
  const { problem, ifp } = tumourTransportProblem({
    mesh,
    sizeNm,
    reportTimesH: Array.from({ length: 24 }, (_, i) => i + 1),
  });
  const ifpCpu = cpu() - c0;
  const ifpWall = (performance.now() - w0) / 1000;
  const rkl = {
    scheme: "rkl2" as const,
    ...(superStep ? { superStepS: Number(superStep) } : {}),
    ...(stages ? { stages: Number(stages) } : {}),
  };
  const res: Record<string, Timed> = {};
  for (const path of paths) {
    res[path] = await timed(() => {
      switch (path) {
        case "generic":
          return solveTransport({ ...problem, kernel: "generic" });
        case "grid1":
          return solveTransport({ ...problem, kernel: "grid" });
        case "grid2":
          return solveTransportThreaded({ ...problem, kernel: "grid" }, { threads });
        case "rkl2-grid1":
          return solveTransport({ ...problem, kernel: "grid", ...rkl });
        case "rkl2-grid2":
          return solveTransportThreaded({ ...problem, kernel: "grid", ...rkl }, { threads });
        default:
          throw new Error(`unknown path ${path}`);
      }
    });
    const r = res[path];
    const st = r.sol.rkl;
    const sweeps = st ? st.sweeps : r.sol.steps;
    console.log(
      `  ${name.padEnd(9)} ${path.padEnd(10)} cpu ${r.cpu.toFixed(1).padStart(6)} s  wall ${r.wall.toFixed(1).padStart(6)} s  (${sweeps} sweeps${st ? ` = ${st.superSteps} super-steps ≤ ${st.maxStages} stages, τ ${st.maxTauS.toFixed(0)} s, ${st.rejected} rejected, ${st.negativesWritten} negatives` : ""}, ${r.sol.threads} thread(s), ${((r.cpu * 1e9) / (sweeps * mesh.nCells)).toFixed(1)} ns cpu per cell-sweep, balance ${r.sol.maxBalanceRelError.toExponential(1)})`,
    );
  }
  const explicit = paths.filter((p) => !p.startsWith("rkl2"));
  const implicitPaths = paths.filter((p) => p.startsWith("rkl2"));
  let identical = true;
  for (const p of explicit.slice(1)) {
    if (!sameFields(res[explicit[0]].sol, res[p].sol)) identical = false;
    if (p !== "generic" && explicit[0] !== "generic")
      identical &&= sameReports(res[explicit[0]].sol, res[p].sol);
  }
  for (const p of implicitPaths.slice(1))
    identical &&=
      sameFields(res[implicitPaths[0]].sol, res[p].sol) && sameReports(res[implicitPaths[0]].sol, res[p].sol);
  const ref = res[explicit[0] ?? paths[0]].sol;
  const last = ref.reports[ref.reports.length - 1];
  console.log(
    `  ${name.padEnd(9)} ${mesh.nCells} cells, mesh ${meshCpu.toFixed(1)} s, IFP ${ifpCpu.toFixed(1)} s cpu / ${ifpWall.toFixed(1)} s wall (${ifp.cgIterations} CG iterations), explicit dt ${ref.dtS.toFixed(1)} s; paths identical within each scheme: ${identical}; 24 h mean ${last.meanConc.toPrecision(4)}, penetration ${last.penetrationDepthUm.toFixed(0)} µm`,
  );
  let diff = "";
  if (explicit.length > 0 && implicitPaths.length > 0) {
    const s = res[implicitPaths[0]].sol;
    const a = ref.fields[ref.fields.length - 1].free;
    const b = s.fields[s.fields.length - 1].free;
    let mx = 0;
    let md = 0;
    for (let i = 0; i < a.length; i++) {
      mx = Math.max(mx, Math.abs(a[i]));
      md = Math.max(md, Math.abs(a[i] - b[i]));
    }
    const R = s.reports[s.reports.length - 1];
    const rel = (x: number, y: number) => Math.abs(x - y) / Math.abs(x);
    diff =
      ` rkl2_vs_explicit_field=${(md / mx).toExponential(2)} mean=${rel(last.meanConc, R.meanConc).toExponential(2)}` +
      ` rim=${rel(last.rimMeanConc, R.rimMeanConc).toExponential(2)} core=${rel(last.coreMeanConc, R.coreMeanConc).toExponential(2)}`;
    console.log(`  ${name.padEnd(9)} rkl2 vs ${explicit[0]} at 24 h:${diff}`);
  }
  const fixed = meshWall + ifpWall;
  for (const p of paths)
    console.log(
      `  ${name.padEnd(9)} total ${p.padEnd(10)} (mesh + IFP + transport): cpu ${(meshCpu + ifpCpu + res[p].cpu).toFixed(1)} s, wall ${(fixed + res[p].wall).toFixed(1)} s`,
    );
  rows.push(
    `transport metric: case=${name} cells=${mesh.nCells} mesh_cpu_s=${meshCpu.toFixed(1)} ifp_cpu_s=${ifpCpu.toFixed(1)} ifp_wall_s=${ifpWall.toFixed(1)}` +
      paths
        .map(
          (p) =>
            ` ${p}_cpu_s=${res[p].cpu.toFixed(1)} ${p}_wall_s=${res[p].wall.toFixed(1)} ${p}_total_wall_s=${(fixed + res[p].wall).toFixed(1)}`,
        )
        .join("") +
      diff +
      ` identical=${identical}`,
  );
}
for (const r of rows) console.log(r);
