/**
 * bench transport: particle delivery into a tumour (IFP → extravasation → diffusion–convection
 * –binding, engine/transport/tumour.ts) on a 128³ grid for 24 h of model time (issue 15: "under
 * a minute on 2 cores"): a full 128³ cube and a sphere inscribed in it (1.10 M cells), 10 mm box
 * (78 µm voxels), 10 nm and 50 nm particles, 24 report times. Per case the transport solve runs
 * (1) with the generic face-list kernel (the previous path), (2) with the structured grid kernel
 * on this thread and (3) on 2 worker threads, in the same run; CPU time (user + sys,
 * process.cpuUsage(): every thread of the process) and wall time. The IFP solve (Jacobi-PCG, the
 * same for every path) is timed separately. Checks: every path gives the same fields (generic vs
 * grid bit-identical, 1 vs 2 threads identical reports) and mass balance ≤ 1e-9.
 * Usage: npm run bench -- transport [--n 128] [--cases cube10,cube50,sphere10,sphere50]
 *        [--paths generic,grid1,grid2] [--threads 2]
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
const paths = arg("--paths", "generic,grid1,grid2").split(",");
const threads = Number(arg("--threads", "2"));
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

const rows: string[] = [];
console.log(`transport bench: ${N}³ grid, ${boxMm} mm box, 24 h, paths ${paths.join(", ")}`);
for (const name of cases) {
  const geometry = name.replace(/\d+$/, "");
  const sizeNm = Number(name.slice(geometry.length));
  const sp = boxMm / N;
  let c0 = cpu();
  const mesh = gridMesh(mask(geometry), [N, N, N], [sp, sp, sp]);
  const meshCpu = cpu() - c0;
  c0 = cpu();
  const { problem, ifp } = tumourTransportProblem({
    mesh,
    sizeNm,
    reportTimesH: Array.from({ length: 24 }, (_, i) => i + 1),
  });
  const ifpCpu = cpu() - c0;
  const res: Record<string, Timed> = {};
  for (const path of paths) {
    res[path] = await timed(() =>
      path === "generic"
        ? solveTransport({ ...problem, kernel: "generic" })
        : path === "grid1"
          ? solveTransport({ ...problem, kernel: "grid" })
          : solveTransportThreaded({ ...problem, kernel: "grid" }, { threads }),
    );
    const r = res[path];
    console.log(
      `  ${name.padEnd(9)} ${path.padEnd(7)} cpu ${r.cpu.toFixed(1).padStart(6)} s  wall ${r.wall.toFixed(1).padStart(6)} s  (${r.sol.steps} steps, ${r.sol.threads} thread(s), ${((r.cpu * 1e9) / (r.sol.steps * mesh.nCells)).toFixed(1)} ns cpu per cell-step, balance ${r.sol.maxBalanceRelError.toExponential(1)})`,
    );
  }
  // the paths agree: fields bit-identical (generic vs grid), reports identical (1 vs 2 threads)
  const ref = res[paths[0]].sol;
  let fieldsEqual = true;
  let reportsEqual = true;
  for (const p of paths.slice(1)) {
    const s = res[p].sol;
    const a = ref.fields[ref.fields.length - 1];
    const b = s.fields[s.fields.length - 1];
    for (let i = 0; i < mesh.nCells; i++)
      if (a.free[i] !== b.free[i] || a.bound[i] !== b.bound[i]) fieldsEqual = false;
    if (p !== "generic" && paths[0] !== "generic")
      reportsEqual &&= JSON.stringify(s.reports) === JSON.stringify(ref.reports);
  }
  if (res.grid1 && res.grid2)
    reportsEqual &&= JSON.stringify(res.grid1.sol.reports) === JSON.stringify(res.grid2.sol.reports);
  const last = ref.reports[ref.reports.length - 1];
  console.log(
    `  ${name.padEnd(9)} ${mesh.nCells} cells, mesh ${meshCpu.toFixed(1)} s, IFP ${ifpCpu.toFixed(1)} s cpu (${ifp.cgIterations} CG iterations), dt ${ref.dtS.toFixed(1)} s; fields identical across paths: ${fieldsEqual}, grid 1 vs ${threads} threads reports identical: ${reportsEqual}; 24 h mean ${last.meanConc.toPrecision(4)}, penetration ${last.penetrationDepthUm.toFixed(0)} µm`,
  );
  const g = res.generic;
  const g1 = res.grid1;
  const g2 = res.grid2;
  rows.push(
    `transport metric: case=${name} cells=${mesh.nCells} steps=${ref.steps} ifp_cpu_s=${ifpCpu.toFixed(1)}` +
      (g ? ` generic_cpu_s=${g.cpu.toFixed(1)} generic_wall_s=${g.wall.toFixed(1)}` : "") +
      (g1 ? ` grid1_cpu_s=${g1.cpu.toFixed(1)} grid1_wall_s=${g1.wall.toFixed(1)}` : "") +
      (g2 ? ` grid${threads}_cpu_s=${g2.cpu.toFixed(1)} grid${threads}_wall_s=${g2.wall.toFixed(1)}` : "") +
      (g && g1 ? ` cpu_speedup_1thread=${(g.cpu / g1.cpu).toFixed(2)}` : "") +
      (g && g2 ? ` wall_speedup_${threads}threads=${(g.wall / g2.wall).toFixed(2)}` : "") +
      ` identical=${fieldsEqual && reportsEqual}`,
  );
}
for (const r of rows) console.log(r);
