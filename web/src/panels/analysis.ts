/**
 * Analysis panel: the curve under the clicked voxel (or an ROI's mean curve) in consistent
 * units — decay-corrected %ID/cc vs hours for SPECT/PET, mM vs s for DCE with its fit, residuals
 * and the AIF — and the ROI statistics of the open scan from the stored results. Cleared when
 * the scan changes so a previous scan's curve never sits under the next scan's title.
 */
import { api, type Curve, type ResultRow, type Roi, type Scan } from "../api.js";
import { addExportButtons, slug } from "../export.js";
import { aifPlot, curvePlot, residualPlot } from "../plots.js";
import { fmtNum } from "./colorbar.js";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

export class AnalysisPanel {
  private scan: Scan | null = null;
  private seq = 0;

  constructor(private rois: Roi[]) {}

  /** a new scan: clear the curve, list its ROIs with their statistics */
  async setScan(scan: Scan): Promise<void> {
    this.scan = scan;
    this.seq++;
    delete document.body.dataset.curve;
    $("analysis-title").textContent = `Analysis · ${scan.id}`;
    $("curve").innerHTML = '<p class="muted">Click a voxel in the viewer to see its curve.</p>';
    $("aif").replaceChildren();
    await this.showRoiStats(scan);
  }

  async voxel(scan: Scan, ijk: [number, number, number]): Promise<void> {
    const seq = ++this.seq;
    try {
      const c = await api.curve(scan.id, ...ijk);
      if (seq !== this.seq || this.scan?.id !== scan.id) return; // a newer click or scan won
      this.showCurve(c, `${scan.id}:${ijk.join(",")}`);
    } catch (e) {
      $("curve").textContent = String(e);
    }
  }

  async roi(scan: Scan, roi: string): Promise<void> {
    const seq = ++this.seq;
    try {
      const c = await api.roiCurve(scan.id, roi);
      if (seq !== this.seq || this.scan?.id !== scan.id) return;
      this.showCurve(c, `${scan.id}:roi:${roi}`);
    } catch (e) {
      $("curve").textContent = String(e);
    }
  }

  private showCurve(c: Curve, key: string): void {
    const fig = document.createElement("figure");
    fig.className = "curve-figure";
    fig.append(curvePlot(c));
    const res = residualPlot(c);
    if (res) fig.append(res);
    if (c.status !== "ok" && c.timeUnit === "h") {
      const p = document.createElement("p");
      p.className = "warn";
      p.textContent = c.status;
      fig.append(p);
    }
    addExportButtons(fig, slug(`curve ${key}`));
    $("curve").replaceChildren(fig);
    const aif = aifPlot(c);
    $("aif").replaceChildren(...(aif ? [aif] : []));
    document.body.dataset.curve = key;
    document.body.dataset.curveUnit = c.unit;
  }

  private async showRoiStats(scan: Scan): Promise<void> {
    const root = $("roi-stats");
    root.replaceChildren();
    const seq = this.seq;
    const isActivity = scan.purpose === "activity";
    const kind = isActivity ? "imaging" : scan.purpose === "dce" ? "dce" : null;
    if (!kind) return;
    let rows: ResultRow[];
    try {
      rows = await api.results({ analysis: kind, subject: scan.subject });
    } catch {
      return;
    }
    if (seq !== this.seq) return;
    const mine = rows.filter((r) =>
      isActivity ? r.analysis === `imaging/${scan.id}` : r.roi === scan.id.split("-").pop(),
    );
    if (!mine.length) {
      root.innerHTML = '<p class="muted">No stored statistics for this scan yet: run the analyses.</p>';
      return;
    }
    const params = isActivity
      ? ["pctIDperCC", "suvBW", "volume"]
      : ["Ktrans_per_min", "ve", "vp", "kep_per_min"];
    const present = params.filter((p) => mine.some((r) => r.parameter === p));
    const unit = (p: string) => mine.find((r) => r.parameter === p)?.unit ?? "";
    const names: Record<string, string> = { pctIDperCC: "%ID/cc", suvBW: "SUVbw", volume: "volume" };
    const t = document.createElement("table");
    t.id = "roi-table";
    const shown = (p: string) => (unit(p) === "1" ? "" : unit(p));
    const head = present.map(
      (p) => `${names[p] ?? p}${shown(p) && names[p] !== shown(p) ? ` (${shown(p)})` : ""}`,
    );
    t.innerHTML = `<thead><tr><th>ROI</th>${head.map(() => "<th></th>").join("")}${isActivity ? "<th></th>" : ""}</tr></thead><tbody></tbody>`;
    t.querySelectorAll("thead th").forEach((th, i) => {
      if (i > 0 && i <= head.length) th.textContent = head[i - 1];
    });
    const body = t.querySelector("tbody") as HTMLTableSectionElement;
    for (const roiId of [...new Set(mine.map((r) => r.roi as string))]) {
      const tr = document.createElement("tr");
      const name = this.rois.find((r) => r.id === roiId)?.name ?? roiId;
      const td0 = document.createElement("td");
      td0.textContent = name;
      tr.append(td0);
      for (const p of present) {
        const td = document.createElement("td");
        td.className = "num";
        const v = mine.find((r) => r.roi === roiId && r.parameter === p)?.value;
        td.textContent = v === null || v === undefined ? "–" : fmtNum(v);
        tr.append(td);
      }
      if (isActivity) {
        const td = document.createElement("td");
        const b = document.createElement("button");
        b.textContent = "TAC";
        b.title = `mean time–activity curve of ${name}`;
        b.dataset.roi = roiId;
        b.onclick = () => void this.roi(scan, roiId);
        td.append(b);
        tr.append(td);
      }
      body.append(tr);
    }
    const cap = document.createElement("p");
    cap.className = "muted";
    cap.textContent = isActivity
      ? "ROI means from the label map, decay-corrected to injection (stored results of the last run)."
      : "Tumour-mean extended Tofts fit (stored results of the last run).";
    root.append(t, cap);
  }
}
