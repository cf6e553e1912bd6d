/**
 * Thermometry panel: the PRF thermometry maps of a release study (results/maps/<PRF scan>/ from
 * GET /api/scans/:id/maps) over the anatomy of the same grid — the subject's R1 map before
 * heating (first frame of its r1-series scan), else the heated-target mask. Maps: ΔT (4D, °C,
 * frame slider with its time), CEM43 (min), Tmax (°C), time at 40–43 °C (s), each with a
 * colour map and a lower threshold (ΔT < 1 °C, CEM43 < 0.1 min … transparent) and a colour bar
 * with title and unit. A voxel click plots that voxel's ΔT against time with the target ROI's
 * mean ΔT from the stored results and the 40/43 °C lines (body temperature + ΔT).
 */

import { type NiiVueLocation, Niivue, NVImage } from "@niivue/niivue";
import * as Plot from "@observablehq/plot";
import { api, type ResultRow, type Scan, type ScanMap, type StudyInfo, scanDetails } from "../api.js";
import { drawColorbar, fmtNum } from "./colorbar.js";

const $ = <T extends HTMLElement>(root: HTMLElement, id: string) => root.querySelector(`#${id}`) as T;

interface MapSpec {
  label: string;
  unit: string;
  colormap: string;
  /** values below are transparent */
  min: (max: number, bodyC: number) => number;
  max: (max: number, bodyC: number) => number;
}

/** colour maps and ranges per thermometry map */
export const THERMO_MAPS: Record<string, MapSpec> = {
  dT_C: { label: "ΔT", unit: "°C", colormap: "warm", min: () => 1, max: (m) => Math.max(2, Math.ceil(m)) },
  CEM43_min: {
    label: "CEM43",
    unit: "min",
    colormap: "plasma",
    min: () => 0.1,
    max: (m) => Math.max(1, Number(m.toPrecision(2))),
  },
  Tmax_C: {
    label: "Tmax",
    unit: "°C",
    colormap: "hot",
    min: (_m, b) => b + 1,
    max: (m, b) => Math.max(b + 2, Math.ceil(m)),
  },
  time_40_43C_s: {
    label: "time at 40–43 °C",
    unit: "s",
    colormap: "viridis",
    min: () => 1,
    max: (m) => Math.max(10, Math.ceil(m)),
  },
};

/** largest finite value over every frame (NiiVue's global_max covers the first frame only) */
function maxOf(v: NVImage): number {
  const img = v.img as ArrayLike<number> | undefined;
  let m = Number.NEGATIVE_INFINITY;
  if (img) for (let i = 0; i < img.length; i++) if (img[i] > m && Number.isFinite(img[i])) m = img[i];
  const slope = v.hdr?.scl_slope || 1;
  const inter = v.hdr?.scl_inter || 0;
  return Number.isFinite(m) ? m * slope + inter : 1;
}

export class ThermoPanel {
  private nv: Niivue | null = null;
  private prf: Scan | null = null;
  private maps: ScanMap[] = [];
  private bodyC = 37;
  private frameS = 1;
  private frames = 1;
  private frame = 0;
  private anatomyLabel = "";
  private dT: NVImage | null = null;
  private roiRows: ResultRow[] = [];
  private seq = 0;

  constructor(
    private root: HTMLElement,
    private study: StudyInfo,
  ) {
    root.innerHTML =
      '<h2 id="thermo-title">Thermometry</h2>' +
      '<div class="toolbar">' +
      '<label>map <select id="thermo-map"></select></label>' +
      '<label>time <input id="thermo-frame" type="range" min="0" max="0" value="0" /> <span id="thermo-time"></span></label>' +
      '<label>slice <input id="thermo-slice" type="range" min="0" max="0" value="0" /> <span id="thermo-slice-label"></span></label>' +
      '<label>opacity <input id="thermo-opacity" type="range" min="0" max="1" step="0.05" value="0.8" /></label>' +
      '<button id="thermo-close" class="link">close</button>' +
      "</div>" +
      '<div class="thermo-body"><div><div id="thermo-wrap"><canvas id="thermo-gl"></canvas></div>' +
      '<div id="thermo-colorbar"></div><div id="thermo-readout" class="sp-readout"></div></div>' +
      '<div id="thermo-curve"><p class="muted">Click a voxel to see its temperature change against time.</p></div></div>';
    $<HTMLSelectElement>(root, "thermo-map").onchange = () => void this.showMap();
    $<HTMLInputElement>(root, "thermo-frame").oninput = (e) =>
      this.setFrame(Number((e.target as HTMLInputElement).value));
    $<HTMLInputElement>(root, "thermo-slice").oninput = (e) =>
      this.setSlice(Number((e.target as HTMLInputElement).value));
    $<HTMLInputElement>(root, "thermo-opacity").oninput = (e) => {
      if (this.nv?.volumes[1]) this.nv.setOpacity(1, Number((e.target as HTMLInputElement).value));
    };
    $<HTMLElement>(root, "thermo-close").onclick = () => {
      root.hidden = true;
    };
  }

  /** the PRF scan belonging to `scan` (itself, the r1 scan's acquisition.prfScan, or the subject's) */
  prfScanOf(scan: Scan & { acquisition?: Record<string, unknown> }): Scan | null {
    if (scan.purpose === "prf") return scan;
    if (scan.purpose !== "r1-series") return null;
    const named = scan.acquisition?.prfScan;
    return (
      this.study.scans.find((s) => s.id === named) ??
      this.study.scans.find((s) => s.subject === scan.subject && s.purpose === "prf") ??
      null
    );
  }

  private ensureNv(): Niivue {
    if (this.nv) return this.nv;
    const nv = new Niivue({
      backColor: [0, 0, 0, 1],
      isColorbar: false,
      show3Dcrosshair: false,
      crosshairWidth: 0.3,
      crosshairWidthUnit: "percent",
      crosshairColor: [0.3, 1, 0.3, 0.5],
      loadingText: "",
    });
    void nv.attachToCanvas($<HTMLCanvasElement>(this.root, "thermo-gl"));
    nv.onLocationChange = (data: unknown) => {
      const d = data as NiiVueLocation;
      if (!d.vox) return;
      const ijk: [number, number, number] = [d.vox[0], d.vox[1], d.vox[2]];
      this.readout(ijk);
      this.curve(ijk);
    };
    this.nv = nv;
    return nv;
  }

  /** the navigator selected a subject: show its thermometry, or hide the panel when it has none */
  showSubject(subject: string): void {
    const prf = this.study.scans.find((s) => s.subject === subject && s.purpose === "prf");
    if (prf) void this.open(prf);
    else this.root.hidden = true;
  }

  /** open the thermometry of the PRF scan `prf` */
  async open(prf: Scan & { acquisition?: Record<string, unknown> }): Promise<void> {
    if (this.prf?.id === prf.id && !this.root.hidden) return;
    const seq = ++this.seq;
    this.root.hidden = false;
    this.prf = prf;
    delete document.body.dataset.thermoLoaded;
    delete document.body.dataset.thermoCurve;
    const details = await scanDetails(prf.id).catch(() => prf);
    const acq = (details as { acquisition?: Record<string, unknown> }).acquisition ?? {};
    this.bodyC = Number(acq.bodyTempC ?? 37);
    this.frameS = Number(acq.frameS ?? 1);
    this.maps = await api.maps(prf.id).catch(() => []);
    const rows = await api.results({ analysis: "release", subject: prf.subject }).catch(() => []);
    if (seq !== this.seq) return;
    const roi = String(acq.tumour ?? "");
    this.roiRows = rows
      .filter((r) => r.parameter === "dT_C" && r.time_s !== null && (!roi || r.roi === roi))
      .sort((a, b) => (a.time_s ?? 0) - (b.time_s ?? 0));
    $<HTMLElement>(this.root, "thermo-title").textContent =
      `Thermometry · ${prf.subject} · ${prf.id}${roi ? ` · target ${roi}` : ""}`;
    const sel = $<HTMLSelectElement>(this.root, "thermo-map");
    sel.replaceChildren();
    for (const name of Object.keys(THERMO_MAPS)) {
      const m = this.maps.find((x) => x.name === name);
      if (m) sel.add(new Option(`${THERMO_MAPS[name].label} (${this.unitOf(m)})`, name));
    }
    $<HTMLElement>(this.root, "thermo-curve").innerHTML =
      '<p class="muted">Click a voxel to see its temperature change against time.</p>';
    if (!sel.options.length) {
      $<HTMLElement>(this.root, "thermo-colorbar").textContent =
        "No thermometry maps yet for this scan: run the analyses (release).";
      return;
    }
    // anatomy: the subject's R1 map before heating, else the target mask of the PRF scan
    const r1 = this.study.scans.find((s) => s.subject === prf.subject && s.purpose === "r1-series");
    const anatomy = r1?.files[0] ?? prf.files[1] ?? prf.files[0];
    this.anatomyLabel = r1 ? "R1 before heating (1/s)" : "target mask";
    const nv = this.ensureNv();
    await nv.loadVolumes([
      { url: api.fileUrl(anatomy), name: anatomy.split("/").pop() as string, colormap: "gray" },
    ]);
    nv.setSliceType(nv.sliceTypeAxial);
    nv.setInterpolation(true); // nearest neighbour: thermometry voxels are large (1–2 mm)
    const dims = nv.volumes[0]?.hdr?.dims ?? [3, 1, 1, 1];
    const slice = $<HTMLInputElement>(this.root, "thermo-slice");
    slice.max = String(Math.max(0, dims[3] - 1));
    slice.value = String(Math.floor(dims[3] / 2));
    slice.disabled = dims[3] < 2;
    const dTmap = this.maps.find((m) => m.name === "dT_C");
    this.dT = dTmap ? await NVImage.loadFromUrl({ url: api.fileUrl(dTmap.file) }) : null;
    if (seq !== this.seq) return;
    sel.value = sel.options[0].value;
    await this.showMap();
    this.setSlice(Number(slice.value));
    document.body.dataset.thermoLoaded = prf.id;
  }

  private unitOf(m: ScanMap): string {
    // the 4D ΔT file has no sidecar entry of its own: its frames (dT_C_t0 …) carry the unit
    return (
      m.unit || this.maps.find((x) => x.name === `${m.name}_t0`)?.unit || THERMO_MAPS[m.name]?.unit || ""
    );
  }

  private async showMap(): Promise<void> {
    const nv = this.nv;
    const name = $<HTMLSelectElement>(this.root, "thermo-map").value;
    const m = this.maps.find((x) => x.name === name);
    const spec = THERMO_MAPS[name];
    if (!nv || !m || !spec) return;
    delete document.body.dataset.thermoMap;
    if (nv.volumes[1]) nv.removeVolume(nv.volumes[1]);
    const opacity = Number($<HTMLInputElement>(this.root, "thermo-opacity").value);
    const v = await nv.addVolumeFromUrl({
      url: api.fileUrl(m.file),
      name: m.file.split("/").pop() as string,
      colormap: spec.colormap,
      opacity,
    });
    const max = maxOf(v);
    v.cal_min = spec.min(max, this.bodyC);
    v.cal_max = spec.max(max, this.bodyC);
    this.frames = v.nFrame4D ?? 1;
    const fr = $<HTMLInputElement>(this.root, "thermo-frame");
    fr.max = String(this.frames - 1);
    fr.disabled = this.frames < 2;
    if (this.frames > 1) {
      // start at the frame of the hottest ROI mean (the heating plateau)
      const peak = this.roiRows.reduce(
        (b, r) => ((r.value ?? -1e9) > (b?.value ?? -1e9) ? r : b),
        this.roiRows[0],
      );
      const f = peak?.time_s != null ? Math.round(peak.time_s / this.frameS) : this.frames - 1;
      this.frame = Math.min(this.frames - 1, Math.max(0, f));
      fr.value = String(this.frame);
      nv.setFrame4D(v.id, this.frame);
    } else this.frame = 0;
    nv.updateGLVolume();
    this.updateTimeLabel();
    this.updateColorbar();
    document.body.dataset.thermoMap = name;
  }

  private setFrame(f: number): void {
    this.frame = f;
    const v = this.nv?.volumes[1];
    if (v && this.frames > 1) this.nv?.setFrame4D(v.id, f);
    this.updateTimeLabel();
    this.updateColorbar();
  }

  private setSlice(k: number): void {
    const nv = this.nv;
    const dims = nv?.volumes[0]?.hdr?.dims;
    if (!nv || !dims) return;
    const frac = nv.scene.crosshairPos;
    nv.scene.crosshairPos = [frac[0], frac[1], (k + 0.5) / dims[3]];
    nv.drawScene();
    $<HTMLElement>(this.root, "thermo-slice-label").textContent = `${k + 1} / ${dims[3]}`;
    // the crosshair voxel moved with the slice: keep the readout and the curve on it
    const ijk: [number, number, number] = [
      Math.min(dims[1] - 1, Math.floor(frac[0] * dims[1])),
      Math.min(dims[2] - 1, Math.floor(frac[1] * dims[2])),
      k,
    ];
    this.readout(ijk);
    if (document.body.dataset.thermoCurve) this.curve(ijk);
  }

  private updateTimeLabel(): void {
    $<HTMLElement>(this.root, "thermo-time").textContent =
      this.frames > 1 ? `t = ${fmtNum(this.frame * this.frameS)} s` : "(not time-resolved)";
  }

  private updateColorbar(): void {
    const nv = this.nv;
    const v = nv?.volumes[1];
    const name = $<HTMLSelectElement>(this.root, "thermo-map").value;
    const m = this.maps.find((x) => x.name === name);
    const spec = THERMO_MAPS[name];
    if (!nv || !v || !m || !spec) return;
    const when = this.frames > 1 ? ` at t = ${fmtNum(this.frame * this.frameS)} s` : "";
    const root = $<HTMLElement>(this.root, "thermo-colorbar");
    drawColorbar(root, nv.colormap(spec.colormap), {
      title: `${spec.label}${when}`,
      unit: this.unitOf(m),
      min: v.cal_min ?? 0,
      max: v.cal_max ?? 1,
    });
    const note = document.createElement("div");
    note.className = "muted";
    note.textContent = `below ${fmtNum(v.cal_min ?? 0)} ${this.unitOf(m)} transparent · over ${this.anatomyLabel}`;
    root.append(note);
  }

  private valueAt(v: NVImage | null | undefined, ijk: [number, number, number], frame = 0): number | null {
    const d = v?.hdr?.dims;
    if (!v || !d || ijk.some((x, a) => x < 0 || x >= d[a + 1])) return null;
    const val = v.getValue(ijk[0], ijk[1], ijk[2], frame);
    return Number.isFinite(val) ? val : null;
  }

  private readout(ijk: [number, number, number]): void {
    const nv = this.nv;
    if (!nv) return;
    const name = $<HTMLSelectElement>(this.root, "thermo-map").value;
    const m = this.maps.find((x) => x.name === name);
    const parts: string[] = [];
    const a = this.valueAt(nv.volumes[0], ijk);
    if (a !== null) parts.push(`${this.anatomyLabel} ${fmtNum(a)}`);
    const ov = this.valueAt(nv.volumes[1], ijk, this.frames > 1 ? this.frame : 0);
    if (ov !== null && m) parts.push(`${THERMO_MAPS[name]?.label ?? name} ${fmtNum(ov)} ${this.unitOf(m)}`);
    parts.push(`voxel ${ijk.join(", ")}`);
    const el = $<HTMLElement>(this.root, "thermo-readout");
    el.textContent = parts.join(" · ");
    el.dataset.voxel = ijk.join(",");
  }

  private curve(ijk: [number, number, number]): void {
    const root = $<HTMLElement>(this.root, "thermo-curve");
    const v = this.dT;
    const n = v?.nFrame4D ?? 0;
    if (!v || n < 2) {
      root.innerHTML = '<p class="muted">No time-resolved ΔT for this scan.</p>';
      return;
    }
    const voxel: { t: number; dT: number; series: string }[] = [];
    for (let f = 0; f < n; f++) {
      const val = this.valueAt(v, ijk, f);
      if (val !== null) voxel.push({ t: f * this.frameS, dT: val, series: `voxel ${ijk.join(",")}` });
    }
    const roi = this.roiRows.map((r) => ({
      t: r.time_s as number,
      dT: r.value as number,
      series: "target ROI mean",
    }));
    const data = [...voxel, ...roi];
    const fig = document.createElement("figure");
    fig.append(
      Plot.plot({
        width: 440,
        height: 240,
        marginLeft: 56,
        marginBottom: 40,
        x: { label: "time (s)", labelAnchor: "center", labelArrow: "none" },
        y: { label: "ΔT (°C)", grid: true, labelAnchor: "center", labelArrow: "none" },
        color: {
          legend: true,
          domain: [`voxel ${ijk.join(",")}`, "target ROI mean"],
          range: ["#d62728", "#7f7f7f"],
        },
        marks: [
          Plot.ruleY([0], { stroke: "#bbb" }),
          Plot.ruleY([40 - this.bodyC, 43 - this.bodyC], { stroke: "#ff7f0e", strokeDasharray: "4,3" }),
          Plot.text([40 - this.bodyC, 43 - this.bodyC], {
            x: 0,
            y: (d: number) => d,
            text: (d: number) => `${fmtNum(d + this.bodyC)} °C`,
            textAnchor: "start",
            dy: -5,
            fill: "#c25a00",
          }),
          Plot.line(data, { x: "t", y: "dT", stroke: "series", strokeWidth: 1.6 }),
          Plot.dot(voxel, { x: "t", y: "dT", r: 2, fill: "#d62728", tip: true }),
        ],
        caption: `ΔT of voxel ${ijk.join(", ")} (body ${fmtNum(this.bodyC)} °C); dashed: 40 and 43 °C`,
      }),
    );
    root.replaceChildren(fig);
    document.body.dataset.thermoCurve = ijk.join(",");
  }
}
