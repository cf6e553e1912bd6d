/**
 * Typed client of the eprscope server API (the only module that calls fetch). Response types the
 * engine defines are imported type-only from src (erased by the bundler, so no engine code
 * reaches the browser) and cannot drift from it; web/tsconfig.json loads @types/node only so
 * that tsc can check those src files — web code itself must not use Node APIs.
 */
import type { AnatomyCandidate, AnatomyOf } from "../../src/engine/anatomy.js";
import type { GrownRoi as EngineGrownRoi } from "../../src/engine/roiGrow.js";
import type { ScribbleRoi as EngineScribbleRoi } from "../../src/engine/roiScribble.js";
import type { SlideInfo, SlideOverlay } from "../../src/engine/slideCatalog.js";
import type { CurveSeries, VoxelCurve } from "../../src/engine/voxelCurve.js";

/** GET /api/scans/:id/anatomy (AnatomyOf) — the images a scan can be fused with, best first */
export type { AnatomyCandidate, AnatomyOf, SlideOverlay };
export interface Subject {
  id: string;
  group: string;
  species: string;
  sex?: string;
  bodyWeight: string;
}
export interface Scan {
  id: string;
  subject: string;
  modality: string;
  time: string;
  purpose?: string;
  files: string[];
  labels?: string;
}
export interface Roi {
  id: string;
  name: string;
  label?: number;
  kind: string;
}
export interface Administration {
  subject: string;
  agent: string;
  dose: string;
  time: string;
}
export interface StudyInfo {
  id: string;
  title: string;
  subjects: Subject[];
  scans: Scan[];
  rois: Roi[];
  groups: { id: string; description?: string }[];
  administrations: Administration[];
}
export interface ResultRow {
  analysis: string;
  subject: string | null;
  roi: string | null;
  parameter: string;
  value: number | null;
  unit: string;
  group: string | null;
  time_s: number | null;
  status?: string;
}
/** GET /api/scans/:id/maps — the contract: every parametric and status map of a scan */
export interface ScanMap {
  name: string;
  unit: string;
  file: string;
}
/** GET /api/scans/:id/curve (engine/voxelCurve) */
export type Series = CurveSeries;
export type Curve = VoxelCurve;
export interface TimelineEvent {
  subject: string;
  kind: string;
  day: number;
  label: string;
}
export interface Figure {
  caption: string;
  svg: string;
}
/** one server-sent event of a run (engine/runner RunEvent with the task as its id) */
export interface RunEvent {
  type: "plan" | "start" | "progress" | "done" | "skip" | "fail" | "finished" | "idle";
  task?: string;
  index?: number;
  total?: number;
  rows?: number;
  ms?: number;
  message?: string;
  fraction?: number;
  summary?: {
    total?: number;
    ran?: number;
    skipped?: number;
    failed?: { id: string; message: string }[];
    error?: string;
  };
}
export interface SavedRoi {
  roi: Roi & { label: number };
  file: string;
  scans: string[];
  voxels: number;
  stats: { mean: number; sd: number | null; volume_mm3: number; unit: string };
  curve?: Curve;
}

const token = new URLSearchParams(location.search).get("token");
const withToken = (url: string) =>
  token ? `${url}${url.includes("?") ? "&" : "?"}token=${encodeURIComponent(token)}` : url;

async function get<T>(url: string): Promise<T> {
  const r = await fetch(withToken(url));
  if (!r.ok) throw new Error(`${url}: ${r.status} ${(await r.text()).slice(0, 200)}`);
  return (await r.json()) as T;
}

async function send<T>(url: string, body: unknown, method = "POST"): Promise<T> {
  const r = await fetch(withToken(url), {
    method,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const out = (await r.json().catch(() => ({}))) as T & { error?: string };
  if (!r.ok) throw new Error(`${url}: ${r.status} ${out.error ?? ""}`);
  return out;
}

/**
 * POST /api/scans/:id/rois/grow — the preview of a threshold-grown ROI (nothing saved);
 * server/routes/roiGrow sends the mask as base64
 */
export type GrownRoi = Omit<EngineGrownRoi, "nifti"> & {
  /** the region as uint8 NIfTI (gzip), base64 */
  niftiBase64: string;
};
/** POST /api/scans/:id/rois/scribble — the random-walker region from object/background strokes */
export type ScribbleRoi = Omit<EngineScribbleRoi, "nifti"> & { niftiBase64: string };
export interface ScribbleBody {
  /** the strokes (1 object, 2 background) as NIfTI on the scan's grid, base64 */
  niftiBase64: string;
  frame?: number;
  source?: string;
  beta?: number;
  marginVoxels?: number;
  intensity?: "log" | "linear";
}
export type GrowBody = { seed: [number, number, number]; frame?: number; source?: string } & (
  | { mode: "percent"; percent: number }
  | { mode: "absolute"; min: number; max?: number }
);
/** GET /api/scans/:id/scale — image unit → decay-corrected %ID/cc */
export type ActivityScale =
  | { scan: string; factor: number; unit: "%ID/cc"; imageUnit: string; time_h: number; nuclide: string }
  | { scan: string; factor: null; reason: string };
/** a JSON Schema node of the settings form (z.toJSONSchema of engine/settingsSave) */
export interface SchemaNode {
  type?: string;
  title?: string;
  description?: string;
  enum?: string[];
  minimum?: number;
  maximum?: number;
  pattern?: string;
  properties?: Record<string, SchemaNode>;
}
export type SettingsValues = Record<string, Record<string, string | number | undefined>>;
export interface SettingsView {
  values: SettingsValues;
  mixed: Record<string, Record<string, number>>;
  choices: Record<string, string[]>;
  where: Record<string, string>;
  schema: SchemaNode;
}
export interface SettingsChange {
  field: string;
  from: unknown;
  to: unknown;
  scans?: number;
}
export interface ProvenanceEntry {
  kind: string;
  name: string;
  value: string;
}

const enc = encodeURIComponent;

export const api = {
  figures: () => get<Figure[]>("/api/figures"),
  timeline: () => get<TimelineEvent[]>("/api/timeline"),
  study: () => get<StudyInfo>("/api/study"),
  results: (q: Record<string, string>) => get<ResultRow[]>(`/api/results?${new URLSearchParams(q)}`),
  maps: (scan: string) => get<ScanMap[]>(`/api/scans/${enc(scan)}/maps`),
  curve: (scan: string, i: number, j: number, k: number) =>
    get<Curve>(`/api/scans/${enc(scan)}/curve?i=${i}&j=${j}&k=${k}`),
  roiCurve: (scan: string, roi: string) => get<Curve>(`/api/scans/${enc(scan)}/curve?roi=${enc(roi)}`),
  fileUrl: (rel: string) => withToken(`/api/files/${rel.split("/").map(enc).join("/")}`),
  run: (force = true) => send<{ started: boolean }>("/api/run", { force }),
  events: () => new EventSource(withToken("/api/run/events")),
  /** save a drawn ROI (label NIfTI bytes, base64) for a scan */
  saveRoi: (scan: string, body: { name: string; kind?: string; niftiBase64: string }) =>
    send<SavedRoi>(`/api/scans/${enc(scan)}/rois`, body),
  growRoi: (scan: string, body: GrowBody) => send<GrownRoi>(`/api/scans/${enc(scan)}/rois/grow`, body),
  scribbleRoi: (scan: string, body: ScribbleBody) =>
    send<ScribbleRoi>(`/api/scans/${enc(scan)}/rois/scribble`, body),
  anatomy: (scan: string) => get<AnatomyOf>(`/api/scans/${enc(scan)}/anatomy`),
  scale: (scan: string) => get<ActivityScale>(`/api/scans/${enc(scan)}/scale`),
  settings: () => get<SettingsView>("/api/settings"),
  saveSettings: (values: SettingsValues) =>
    send<{ settings: SettingsView; changes: SettingsChange[] }>("/api/settings", values, "PUT"),
  provenance: (analysis: string) => get<ProvenanceEntry[]>(`/api/provenance?analysis=${enc(analysis)}`),
};

/** GET /api/scans/:id — the scan with its acquisition (image units …) */
export const scanDetails = (scan: string) =>
  get<Scan & { acquisition?: Record<string, unknown> }>(`/api/scans/${enc(scan)}`);

/** GET /api/slides — the study's histology slides with their overlays (deep zoom) */
export type Slide = SlideInfo;
export const slidesApi = {
  list: () => get<Slide[]>("/api/slides"),
  /** DZI descriptor URLs (OpenSeadragon appends the query, e.g. the token, to every tile URL) */
  dzi: (id: string) => withToken(`/api/slides/${enc(id)}.dzi`),
  overlayDzi: (id: string, name: string) => withToken(`/api/slides/${enc(id)}/overlays/${enc(name)}.dzi`),
};
