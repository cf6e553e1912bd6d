/**
 * The parametric and status maps of one scan, as the workspace lists them: every
 * results/maps/<scan>/*.nii.gz with its unit from the voxelwise engine's JSON sidecars
 * (engine/voxelwise/writer.ts: `parameters: [{ key, unit, file }]`, `files: [...]`; the
 * status map `status.nii.gz` holds codes 0 ok, 1 not converged, 2 invalid, 3 outside mask).
 * A map without a sidecar entry is still listed, with unit "" (unknown). Paths are
 * study-relative with "/" separators, servable from /api/files/….
 * The organ label map the CT pipeline wrote for the scan (results/labels/<scan>.nii.gz,
 * engine/analyses/segmentation.ts) is listed after the parameter maps as { name "labels", unit
 * LABELS_UNIT }: categorical study-ROI labels, to be shown with the ROI colour table.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { NotFoundError } from "./voxelCurve.js";

export interface ScanMap {
  /** parameter key, e.g. "Ktrans_per_min", or "status" */
  name: string;
  /** unit from the sidecar ("1/min", "1" for fractions, "code" for status maps, "" unknown) */
  unit: string;
  /** study-relative path, e.g. "results/maps/<scan>/Ktrans_per_min.nii.gz" */
  file: string;
}

/** the unit of the status map (categorical codes, not a quantity) */
export const STATUS_UNIT = "code";
/** the unit of an organ label map (study ROI labels) */
export const LABELS_UNIT = "label";

interface Sidecar {
  parameters?: { key?: unknown; unit?: unknown; file?: unknown }[];
  files?: unknown[];
}

function readSidecar(path: string): Sidecar | null {
  try {
    const doc = JSON.parse(readFileSync(path, "utf8")) as unknown;
    return doc && typeof doc === "object" ? (doc as Sidecar) : null;
  } catch {
    return null; // a half-written or foreign JSON file: its maps are still listed, without units
  }
}

/** The maps of scan `scanId` in study folder `studyDir` ([] when the scan has none yet). */
export function listScanMaps(studyDir: string, scanIds: readonly string[], scanId: string): ScanMap[] {
  if (!scanIds.includes(scanId))
    throw new NotFoundError({ field: "scan", value: scanId, expected: "a scan id of the study" });
  const rel = `results/maps/${scanId}`;
  const dir = join(studyDir, "results", "maps", scanId);
  const labels: ScanMap[] = existsSync(join(studyDir, "results", "labels", `${scanId}.nii.gz`))
    ? [{ name: "labels", unit: LABELS_UNIT, file: `results/labels/${scanId}.nii.gz` }]
    : [];
  if (!existsSync(dir)) return labels;
  const names = readdirSync(dir);
  const units = new Map<string, string>();
  for (const n of names.filter((x) => x.endsWith(".json")).sort()) {
    const doc = readSidecar(join(dir, n));
    for (const p of doc?.parameters ?? []) {
      if (typeof p.key !== "string") continue;
      const file = typeof p.file === "string" ? p.file : `${p.key}.nii.gz`;
      if (!units.has(file)) units.set(file, typeof p.unit === "string" ? p.unit : "");
    }
  }
  const maps = names
    .filter((n) => n.endsWith(".nii.gz") || n.endsWith(".nii"))
    .map((n) => {
      const name = n.replace(/\.nii(\.gz)?$/, "");
      const isStatus = name === "status" || name.endsWith("_status");
      return { name, unit: units.get(n) ?? (isStatus ? STATUS_UNIT : ""), file: `${rel}/${n}` };
    });
  // parameters in sidecar order, then other maps by name, status maps last
  const order = [...units.keys()];
  const rank = (m: ScanMap) => {
    const i = order.indexOf(m.file.slice(rel.length + 1));
    return m.unit === STATUS_UNIT ? 2e9 : i >= 0 ? i : 1e9;
  };
  maps.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
  const status = maps.findIndex((m) => m.unit === STATUS_UNIT);
  if (status < 0) return [...maps, ...labels];
  return [...maps.slice(0, status), ...labels, ...maps.slice(status)];
}
