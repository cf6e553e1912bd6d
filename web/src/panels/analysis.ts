/**
 * Analysis panel: the curve under the clicked voxel (or an ROI's mean curve) in consistent
 * units — decay-corrected %ID/cc vs hours for SPECT/PET, mM vs s for DCE with its fit, residuals
 * and the AIF — and the ROI statistics of the open scan from the stored results. Cleared when
 * the scan changes so a previous scan's curve never sits under the next scan's title.
 * DCE curves: a model choice (Tofts, extended Tofts, Patlak, 2CXM, 2CUM; default the scan's
 * configured model) refits the clicked curve in the browser with the same core fitter the
 * analysis uses (core/perfusion/dceModel: delay fitted, against the AIF the server sent), with
 * its AIC for comparing models. Blood PK per animal: the subject's blood %ID/g samples (log axis)
 * with the NCA terminal-phase fit C(t) = Clast,pred · e^(−λz (t − tlast)) over the λz interval,
 * from the stored results (blood-pk rows LAMZ, LAMZLL, LAMZUL, CLSTP, TLST).
 */
import * as Plot from "@observablehq/plot";
import { DceModel } from "../../../src/core/perfusion/dceModel.js";
import type { DceModelName } from "../../../src/core/perfusion/models.js";
import { api, type Curve, type ResultRow, type Roi, type Scan } from "../api.js";
import { addExportButtons, slug } from "../export.js";
import { aifPlot, curvePlot, residualPlot } from "../plots.js";
import { fmtNum } from "./colorbar.js";

export const DCE_MODEL_NAMES: Record<DceModelName, string> = {
  tofts: "Tofts",
  etofts: "extended Tofts",
  patlak: "Patlak",
  "2cxm": "two-compartment exchange (2CXM)",
  "2cum": "two-compartment uptake (2CUM)",
};
/** the default DCE model (engine/voxelCurve fits the scan's configured model, else this one) */
const SERVER_MODEL: DceModelName = "etofts";
const UNITS: Record<string, string> = {
  Ktrans_per_min: "/min",
  Fp_per_min: "/min",
  PS_per_min: "/min",
  delay_s: "s",
};

/** refit a DCE curve with another model (core fitter, delay fitted) */
export function refitDce(c: Curve, model: DceModelName): Curve {
  if (!c.aif) return c;
  const fit = new DceModel(model, c.timeS, c.aif.values).fit(Float64Array.from(c.values), { fitDelay: true });
  const fitted = Array.from(fit.fitted);
  const name = c.label.split(":")[0];
  const params = Object.entries(fit.params)
    .filter(([k]) => k !== "delay_s")
    .map(
      ([k, v]) =>
        `${k.replace(/_per_min$/, "")} ${Number.isFinite(v) ? v.toFixed(3) : "–"}${UNITS[k] ? ` ${UNITS[k]}` : ""}`,
    )
    .join(", ");
  return {
    ...c,
    fitted,
    residuals: c.values.map((v, i) => v - fitted[i]),
    label: `${name}: ${DCE_MODEL_NAMES[model]} — ${params} (AIC ${fit.aic.toFixed(1)}, ${fit.status})`,
    status: fit.status,
  };
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

export class AnalysisPanel {
  private scan: Scan | null = null;
  private seq = 0;
  private pkSeq = 0;
  /** the DCE model of the curve view (the scan's configured model until the user picks one) */
  private model: DceModelName = SERVER_MODEL;
  private modelChosen = false;
  private lastCurve: { c: Curve; key: string } | null = null;

  constructor(private rois: Roi[]) {}

  /** a new scan: clear the curve, list its ROIs with their statistics */
  async setScan(scan: Scan, details?: { acquisition?: Record<string, unknown> }): Promise<void> {
    const configured = String(details?.acquisition?.model ?? "");
    if (scan.purpose === "dce" && !this.modelChosen)
      this.model = configured in DCE_MODEL_NAMES ? (configured as DceModelName) : SERVER_MODEL;
    this.lastCurve = null;
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

  /** the model picker above a DCE curve */
  private modelPicker(): HTMLElement {
    const bar = document.createElement("div");
    bar.className = "toolbar";
    const label = document.createElement("label");
    label.title = "refit this curve with another tracer-kinetic model (delay fitted)";
    label.append("model ");
    const sel = document.createElement("select");
    sel.id = "curve-model";
    for (const [k, name] of Object.entries(DCE_MODEL_NAMES)) sel.add(new Option(name, k));
    sel.value = this.model;
    sel.onchange = () => {
      this.model = sel.value as DceModelName;
      this.modelChosen = true;
      if (this.lastCurve) this.showCurve(this.lastCurve.c, this.lastCurve.key);
    };
    label.append(sel);
    bar.append(label);
    return bar;
  }

  private showCurve(raw: Curve, key: string): void {
    const dce = raw.timeUnit === "s" && raw.aif !== undefined && raw.unit === "mM";
    this.lastCurve = { c: raw, key };
    // shown with the picked model's fit (the same core fitter as the server's, one label format)
    const c = dce ? refitDce(raw, this.model) : raw;
    const fig = document.createElement("figure");
    fig.className = "curve-figure";
    if (dce) fig.append(this.modelPicker());
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
    if (dce) document.body.dataset.curveModel = this.model;
    else delete document.body.dataset.curveModel;
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
    cap.id = "roi-stats-caption";
    cap.textContent = isActivity
      ? "ROI means from the label map, decay-corrected to injection (stored results of the last run)."
      : "Tumour-mean fit (stored results of the last run).";
    root.append(t, cap);
    if (!isActivity) {
      // the model the last run fitted, from its provenance
      const prov = await api.provenance(`dce/${scan.id}`).catch(() => []);
      if (seq !== this.seq) return;
      const m = prov.find((p) => p.kind === "param" && p.name === "model")?.value;
      const name = m?.split(",")[0].trim() as DceModelName | undefined;
      if (m && name) {
        cap.textContent = `Tumour-mean ${DCE_MODEL_NAMES[name] ?? name} fit: ${m} (stored results of the last run).`;
        cap.dataset.model = name;
      }
    }
  }

  /** the subject's blood PK: samples and the NCA terminal-phase fit, from the stored results */
  async setSubject(subject: string): Promise<void> {
    const seq = ++this.pkSeq;
    const root = document.getElementById("blood-pk");
    if (!root) return;
    let bio: ResultRow[] = [];
    let pk: ResultRow[] = [];
    try {
      [bio, pk] = await Promise.all([
        api.results({ analysis: "biodistribution", subject }),
        api.results({ analysis: "blood-pk", subject }),
      ]);
    } catch {
      // no results yet
    }
    if (seq !== this.pkSeq) return;
    const pts = bio
      .filter(
        (r) => r.roi === "blood" && r.parameter === "pctIDperG" && r.value !== null && r.time_s !== null,
      )
      .map((r) => ({ t: (r.time_s as number) / 3600, c: r.value as number }))
      .filter((p) => p.c > 0)
      .sort((a, b) => a.t - b.t);
    root.replaceChildren();
    delete document.body.dataset.bloodPk;
    const h = document.createElement("h3");
    h.textContent = `Blood PK · ${subject}`;
    root.append(h);
    if (pts.length < 3) {
      const p = document.createElement("p");
      p.className = "muted";
      p.textContent = bio.length
        ? `${subject} has ${pts.length} blood sample${pts.length === 1 ? "" : "s"}: no per-animal PK (NCA needs ≥ 3; sparse sampling is analysed per group).`
        : `No stored results for ${subject} yet: run the analyses.`;
      root.append(p);
      return;
    }
    const p = (code: string) => pk.find((r) => r.parameter === code)?.value ?? null;
    const lamz = p("LAMZ");
    const t1 = p("LAMZLL");
    const t2 = p("LAMZUL");
    const clstp = p("CLSTP");
    const tlst = p("TLST");
    const fit: { t: number; c: number }[] = [];
    if (lamz !== null && t1 !== null && t2 !== null && clstp !== null && tlst !== null)
      for (let k = 0; k <= 40; k++) {
        const t = t1 + ((t2 - t1) * k) / 40;
        fit.push({ t, c: clstp * Math.exp(-lamz * (t - tlst)) });
      }
    const hl = p("LAMZHL");
    const plot = Plot.plot({
      width: 440,
      height: 220,
      marginLeft: 64,
      marginBottom: 40,
      x: { label: "time after injection (h)", labelAnchor: "center", labelArrow: "none" },
      y: { type: "log", label: "blood %ID/g", grid: true, labelAnchor: "center", labelArrow: "none" },
      marks: [
        Plot.dot(pts, { x: "t", y: "c", r: 3, fill: "#1f77b4", tip: true }),
        Plot.line(pts, { x: "t", y: "c", stroke: "#1f77b4", strokeOpacity: 0.35 }),
        ...(fit.length ? [Plot.line(fit, { x: "t", y: "c", stroke: "#d62728", strokeWidth: 2 })] : []),
      ],
      caption: fit.length
        ? `${subject}: blood samples (blue) and the terminal-phase fit (red, λz ${fmtNum(lamz as number)} /h over ${fmtNum(t1 as number)}–${fmtNum(t2 as number)} h, t½ ${fmtNum(hl ?? Number.NaN)} h, R²adj ${fmtNum(p("R2ADJ") ?? Number.NaN)})`
        : `${subject}: blood samples (no λz fit in the stored results)`,
    });
    const fig = document.createElement("figure");
    fig.append(plot);
    const table = document.createElement("table");
    table.id = "pk-table";
    const shown: [string, string][] = [
      ["CMAX", "Cmax"],
      ["AUCLST", "AUClast"],
      ["AUCIFO", "AUC∞"],
      ["LAMZHL", "t½ λz"],
      ["CLO", "CL"],
      ["VSSO", "Vss"],
    ];
    for (const [code, name] of shown) {
      const r = pk.find((x) => x.parameter === code);
      if (!r) continue;
      const tr = table.insertRow();
      tr.insertCell().textContent = name;
      const v = tr.insertCell();
      v.className = "num";
      v.textContent = r.value === null ? "–" : fmtNum(r.value);
      tr.insertCell().textContent = r.unit;
    }
    addExportButtons(fig, slug(`blood pk ${subject}`));
    root.append(fig, table);
    document.body.dataset.bloodPk = `${subject}:${fit.length ? "fit" : "points"}`;
  }
}
