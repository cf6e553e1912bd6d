/** Typed client of the eprscope server API (the only module that calls fetch). */
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
export interface Series {
  timeS: number[];
  values: number[];
  unit: string;
  label: string;
}
export interface Curve {
  timeS: number[];
  time_h: number[];
  values: number[];
  fitted?: number[];
  residuals?: number[];
  unit: string;
  label: string;
  timeUnit: "h" | "s";
  quantity: string;
  aif?: Series;
  status: string;
  scans?: string[];
}
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

/** POST /api/scans/:id/rois/grow — the preview of a threshold-grown ROI (nothing saved) */
export interface GrownRoi {
  scan: string;
  source: { name: string; file: string; unit: string };
  frame: number;
  seed: [number, number, number];
  seedValue: number;
  range: { min: number; max: number | null };
  voxels: number;
  volume_mm3: number;
  mean: number;
  sd: number | null;
  unit: string;
  pctIDperCC?: { mean: number; sd: number | null; time_h: number };
  touchesBorder: boolean;
  warnings: string[];
  /** the region as uint8 NIfTI (gzip), base64 */
  niftiBase64: string;
}
export type GrowBody = { seed: [number, number, number]; frame?: number; source?: string } & (
  | { mode: "percent"; percent: number }
  | { mode: "absolute"; min: number; max?: number }
);
/** GET /api/scans/:id/anatomy — the images a scan can be fused with, best first */
export interface AnatomyCandidate {
  file: string;
  scan?: string;
  modality: string;
  via: string;
  dt_h: number;
  label: string;
}
export interface AnatomyOf {
  scan: string;
  candidates: AnatomyCandidate[];
  reason?: string;
}
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
export interface SlideOverlay {
  name: string;
  file: string;
  width: number;
  height: number;
}
export interface Slide {
  id: string;
  subject: string;
  sample: string | null;
  stain: string;
  stains: string | null;
  file: string;
  width: number;
  height: number;
  um_per_px: number | null;
  overlays: SlideOverlay[];
}
export const slidesApi = {
  list: () => get<Slide[]>("/api/slides"),
  /** DZI descriptor URLs (OpenSeadragon appends the query, e.g. the token, to every tile URL) */
  dzi: (id: string) => withToken(`/api/slides/${enc(id)}.dzi`),
  overlayDzi: (id: string, name: string) => withToken(`/api/slides/${enc(id)}/overlays/${enc(name)}.dzi`),
};
