/** Typed client of the eprscope server API. */
export interface Subject {
  id: string;
  group: string;
  species: string;
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
export interface StudyInfo {
  id: string;
  title: string;
  subjects: Subject[];
  scans: Scan[];
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
}
export interface Curve {
  timeS: number[];
  values: number[];
  fitted?: number[];
  unit: string;
  label: string;
}

const token = new URLSearchParams(location.search).get("token");
const withToken = (url: string) =>
  token ? `${url}${url.includes("?") ? "&" : "?"}token=${encodeURIComponent(token)}` : url;

async function get<T>(url: string): Promise<T> {
  const r = await fetch(withToken(url));
  if (!r.ok) throw new Error(`${url}: ${r.status}`);
  return (await r.json()) as T;
}

export interface TimelineEvent {
  subject: string;
  kind: string;
  day: number;
  label: string;
}

export const api = {
  figures: () => get<{ caption: string; svg: string }[]>("/api/figures"),
  timeline: () => get<TimelineEvent[]>("/api/timeline"),
  study: () => get<StudyInfo>("/api/study"),
  results: (q: Record<string, string>) => get<ResultRow[]>(`/api/results?${new URLSearchParams(q)}`),
  curve: (scan: string, i: number, j: number, k: number) =>
    get<Curve>(`/api/scans/${encodeURIComponent(scan)}/curve?i=${i}&j=${j}&k=${k}`),
  fileUrl: (rel: string) => withToken(`/api/files/${rel.split("/").map(encodeURIComponent).join("/")}`),
  run: async () => {
    const r = await fetch(withToken("/api/run"), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ force: true }),
    });
    if (!r.ok) throw new Error(`run: ${r.status}`);
  },
  events: () => new EventSource(withToken("/api/run/events")),
};
