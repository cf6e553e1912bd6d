/**
 * Splitting the image planes of one series into consistent stacks, each of which is exactly a
 * NIfTI grid (as dcm2niix splits: by orientation, image size, pixel spacing, echo and image type,
 * then by uneven slice spacing), or refusing them with the reason.
 *
 * 1. Group planes with equal ImageOrientationPatient (± ORIENTATION_TOL), Rows × Columns,
 *    PixelSpacing, echo (EchoNumbers/EchoTime) and ImageType: scouts, projections and
 *    localizers of other orientations never join a stack.
 * 2. Positions: planes whose ImagePositionPatient agree within SAME_POSITION_MM are one slice
 *    position (a dynamic series has several planes per position), sorted by their distance along
 *    the slice normal. Two distinct positions at the same distance (shifted field of view) split
 *    the group by in-plane position.
 * 3. Dynamic series: every position must hold the same number of planes, told apart by
 *    TemporalPositionIdentifier, TriggerTime or AcquisitionTime (the first that differs within
 *    every position); otherwise the group is refused (duplicates or an incomplete dynamic).
 * 4. Slice spacing: consecutive positions whose step equals the most common step (within
 *    onGridTolMm) form runs; the rest is split recursively. Every slice of a run must lie within
 *    onGridTolMm of p₀ + k·s (3D), so that every written slice sits where its
 *    ImagePositionPatient says; a missing slice splits the stack instead of being interpolated.
 */
import type { InputProblem } from "../../core/errors.js";
import {
  addScaled,
  dot,
  norm,
  onGridTolMm,
  SAME_POSITION_MM,
  sameOrientation,
  sliceNormal,
  sub,
  type Vec3,
} from "./geometry.js";
import type { DicomFile } from "./read.js";
import { dicomTimeS, num } from "./values.js";

/** One decoded image plane with its geometry. */
export interface Plane {
  f: DicomFile;
  ipp: Vec3;
  iop: number[];
  /** PixelSpacing [between rows, between columns] mm */
  ps: [number, number];
  rows: number;
  cols: number;
  values: Float32Array;
}

export interface Stack {
  /** planes[z][t], z ascending along the slice normal */
  planes: Plane[][];
  /** LPS step between consecutive slices; null for a single slice */
  step: Vec3 | null;
  /** what separated this stack from the rest of the series (empty: the whole series) */
  splitBy: string[];
  /** the attribute that orders the time points of a dynamic stack */
  timeKey?: string;
}

const echoOf = (p: Plane) => String(p.f.ds.EchoNumbers ?? p.f.ds.EchoTime ?? "");
const imageTypeOf = (p: Plane) => {
  const t = p.f.ds.ImageType;
  return Array.isArray(t) ? t.join("\\") : String(t ?? "");
};

const FEATURES: { name: string; same: (a: Plane, b: Plane) => boolean }[] = [
  { name: "orientation", same: (a, b) => sameOrientation(a.iop, b.iop) },
  { name: "image size", same: (a, b) => a.rows === b.rows && a.cols === b.cols },
  {
    name: "pixel spacing",
    same: (a, b) =>
      Math.abs(a.ps[0] - b.ps[0]) <= 1e-6 * a.ps[0] && Math.abs(a.ps[1] - b.ps[1]) <= 1e-6 * a.ps[1],
  },
  { name: "echo", same: (a, b) => echoOf(a) === echoOf(b) },
  { name: "image type", same: (a, b) => imageTypeOf(a) === imageTypeOf(b) },
];

export interface SplitResult {
  stacks: Stack[];
  refused: InputProblem[];
}

export function splitIntoStacks(planes: Plane[]): SplitResult {
  const groups: Plane[][] = [];
  for (const p of planes) {
    const g = groups.find((g) => FEATURES.every((ft) => ft.same(g[0], p)));
    if (g) g.push(p);
    else groups.push([p]);
  }
  const varying = FEATURES.filter((ft) => groups.some((g) => !ft.same(g[0], groups[0][0]))).map(
    (ft) => `${ft.name} differs within the series`,
  );
  const out: SplitResult = { stacks: [], refused: [] };
  for (const g of groups) stackGroup(g, varying, out);
  return out;
}

interface Position {
  ipp: Vec3;
  d: number;
  planes: Plane[];
}

function stackGroup(g: Plane[], splitBy: string[], out: SplitResult): void {
  const normal = sliceNormal(g[0].iop);
  const positions: Position[] = [];
  for (const p of g) {
    const pos = positions.find((q) => norm(sub(q.ipp, p.ipp)) <= SAME_POSITION_MM);
    if (pos) pos.planes.push(p);
    else positions.push({ ipp: p.ipp, d: dot(p.ipp, normal), planes: [p] });
  }
  positions.sort((a, b) => a.d - b.d);
  // distinct positions at the same distance along the normal: split by in-plane position
  if (positions.some((p, i) => i > 0 && p.d - positions[i - 1].d < SAME_POSITION_MM)) {
    const [r, c] = [g[0].iop.slice(0, 3), g[0].iop.slice(3, 6)];
    const parts = new Map<string, Plane[]>();
    for (const p of g) {
      const key = `${dot(p.ipp, r).toFixed(2)},${dot(p.ipp, c).toFixed(2)}`;
      parts.set(key, [...(parts.get(key) ?? []), p]);
    }
    if (parts.size > 1) {
      for (const part of parts.values()) stackGroup(part, [...splitBy, "in-plane position differs"], out);
      return;
    }
  }
  // dynamic: the same number of planes at every position, ordered by a time attribute
  const counts = new Set(positions.map((p) => p.planes.length));
  if (counts.size > 1) {
    const tally = [...counts].map((c) => [c, positions.filter((p) => p.planes.length === c).length]);
    const usual = tally.reduce((a, b) => (b[1] > a[1] ? b : a))[0];
    const worst = positions.find((p) => p.planes.length !== usual) ?? positions[0];
    out.refused.push({
      file: worst.planes[0].f.path,
      field: "ImagePositionPatient",
      value: worst.ipp,
      expected: `the same number of images at every slice position (${[...counts].join(" vs ")} images per position among ${g.length} images: duplicates or an incomplete dynamic series); none of these ${g.length} images were converted`,
    });
    return;
  }
  const nt = positions[0].planes.length;
  let timeKey: string | undefined;
  if (nt > 1) {
    timeKey = TIME_KEYS.find((k) =>
      positions.every((p) => {
        const ts = p.planes.map((q) => k.of(q));
        return ts.every(Number.isFinite) && new Set(ts).size === ts.length;
      }),
    )?.name;
    if (!timeKey) {
      const p = positions[0];
      out.refused.push({
        file: p.planes.map((q) => q.f.path).join(", "),
        field: "ImagePositionPatient",
        value: p.ipp,
        expected: `one image per slice position, or time points told apart by ${TIME_KEYS.map((k) => k.name).join("/")} (${nt} images at this position: duplicates); none of these ${g.length} images were converted`,
      });
      return;
    }
    const key = TIME_KEYS.find((k) => k.name === timeKey);
    for (const p of positions) p.planes.sort((a, b) => (key?.of(a) ?? 0) - (key?.of(b) ?? 0));
  }
  for (const run of runs(positions, 0, positions.length - 1)) {
    const onGrid = stepOf(run);
    if (onGrid === undefined) {
      // not on one grid in 3D: every slice on its own
      for (const p of run)
        out.stacks.push({
          planes: [p.planes],
          step: null,
          splitBy: [...splitBy, "slice positions not on one grid"],
          timeKey,
        });
      continue;
    }
    out.stacks.push({
      planes: run.map((p) => p.planes),
      step: onGrid,
      splitBy:
        run.length < positions.length
          ? [...splitBy, "uneven slice spacing (missing or extra slices)"]
          : splitBy,
      timeKey,
    });
  }
}

const TIME_KEYS: { name: string; of: (p: Plane) => number }[] = [
  { name: "TemporalPositionIdentifier", of: (p) => num(p.f.ds.TemporalPositionIdentifier) },
  { name: "TriggerTime", of: (p) => num(p.f.ds.TriggerTime) },
  { name: "AcquisitionTime", of: (p) => dicomTimeS(p.f.ds.AcquisitionTime) },
];

/** Runs of positions with the modal step; the remainder split recursively. */
function runs(pos: Position[], a: number, b: number): Position[][] {
  if (a > b) return [];
  if (a === b) return [[pos[a]]];
  const steps = Array.from({ length: b - a }, (_, i) => pos[a + i + 1].d - pos[a + i].d);
  let modal = steps[0];
  let best = 0;
  for (const s of steps) {
    const n = steps.filter((t) => Math.abs(t - s) <= onGridTolMm(s)).length;
    if (n > best) {
      best = n;
      modal = s;
    }
  }
  const isModal = (s: number) => Math.abs(s - modal) <= onGridTolMm(modal);
  const out: Position[][] = [];
  let pending = a; // start of positions not yet in a run
  let i = a;
  while (i <= b) {
    let j = i;
    while (j < b && isModal(pos[j + 1].d - pos[j].d)) j++;
    if (j > i) {
      // there is at least one modal run, so every pending segment is shorter than [a, b]
      if (pending < i) out.push(...runs(pos, pending, i - 1));
      out.push(pos.slice(i, j + 1));
      pending = j + 1;
      i = j + 1;
    } else i++;
  }
  if (pending <= b) out.push(...runs(pos, pending, b));
  return out;
}

/** the 3D step when every position is within onGridTolMm of p₀ + k·s, else undefined */
function stepOf(run: Position[]): Vec3 | null | undefined {
  if (run.length === 1) return null;
  const n = run.length - 1;
  const step = sub(run[n].ipp, run[0].ipp).map((v) => v / n) as Vec3;
  const tol = onGridTolMm(norm(step));
  return run.every((p, k) => norm(sub(p.ipp, addScaled(run[0].ipp, step, k))) <= tol) ? step : undefined;
}
