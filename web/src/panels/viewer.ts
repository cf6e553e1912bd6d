/**
 * Viewer workspace (NiiVue): a scan's image with one overlay chosen from its label map and every
 * map the server lists for it (GET /api/scans/:id/maps), colour map, opacity, threshold (overlay
 * cal_min/cal_max; values below the minimum are transparent), window/level of the image, a
 * colour bar with title and unit, a readout under the cursor (values with units, voxel, world
 * mm), a thin optional crosshair, an organ legend for label maps (study.json's `labels`, else the
 * CT pipeline's map listed with unit "label"; names from the study's ROIs),
 * a coronal MIP for SPECT/PET and the frame slider for 4D series. Click → onVoxel (curve).
 */
import { type NiiVueLocation, Niivue, type NVImage } from "@niivue/niivue";
import { api, type Roi, type Scan, type ScanMap } from "../api.js";
import { hexRgb, LABEL_COLORS } from "../colors.js";
import { drawColorbar, fmtNum } from "./colorbar.js";
import { drawMip } from "./mip.js";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
/** engine/mapsList: the unit of an organ label map (the CT pipeline's) */
const LABELS_UNIT = "label";
const OVERLAY_COLORMAPS = [
  "warm",
  "hot",
  "viridis",
  "plasma",
  "inferno",
  "magma",
  "winter",
  "cool",
  "gray",
  "red",
];

export interface ScanDetails {
  acquisition?: Record<string, unknown>;
}

type Overlay = { kind: "none" } | { kind: "labels"; file: string } | { kind: "map"; map: ScanMap };

export class Viewer {
  readonly nv: Niivue;
  onVoxel: (scan: Scan, ijk: [number, number, number]) => void = () => {};
  scan: Scan | null = null;
  maps: ScanMap[] = [];
  frames = 1;
  private overlay: Overlay = { kind: "none" };
  private baseUnit = "";
  private rois: Roi[] = [];
  /** the scan's organ label map: study.json's `labels`, else the CT pipeline's */
  private labelFile: string | null = null;
  private frame = 0;

  constructor(private canvas: HTMLCanvasElement) {
    this.nv = new Niivue({
      backColor: [0, 0, 0, 1],
      isColorbar: false,
      show3Dcrosshair: false,
      crosshairWidth: 0.4,
      crosshairWidthUnit: "percent",
      crosshairColor: [0.3, 1, 0.3, 0.55],
      loadingText: "",
    });
    void this.nv.attachToCanvas(canvas);
    this.nv.onLocationChange = (data: unknown) => {
      const d = data as NiiVueLocation;
      document.body.dataset.location = String(d.vox);
      if (!this.scan || !d.vox) return;
      const ijk: [number, number, number] = [d.vox[0], d.vox[1], d.vox[2]];
      this.showReadout(ijk, [d.mm[0], d.mm[1], d.mm[2]]);
      this.onVoxel(this.scan, ijk);
    };
    canvas.addEventListener("mousemove", (e) => this.hover(e));
    this.bindControls();
  }

  private bindControls(): void {
    $<HTMLSelectElement>("slice-type").onchange = (e) => {
      const v = (e.target as HTMLSelectElement).value;
      const t = {
        axial: this.nv.sliceTypeAxial,
        coronal: this.nv.sliceTypeCoronal,
        sagittal: this.nv.sliceTypeSagittal,
        multiplanar: this.nv.sliceTypeMultiplanar,
      }[v];
      if (t !== undefined) this.nv.setSliceType(t);
    };
    $<HTMLInputElement>("frame").oninput = (e) => this.setFrame(Number((e.target as HTMLInputElement).value));
    $<HTMLSelectElement>("overlay").onchange = (e) =>
      void this.selectOverlay((e.target as HTMLSelectElement).value);
    const cm = $<HTMLSelectElement>("colormap");
    const have = new Set(this.nv.colormaps());
    for (const c of OVERLAY_COLORMAPS.filter((x) => have.has(x))) cm.add(new Option(c, c));
    cm.onchange = () => {
      const v = this.overlayVolume();
      if (v && this.overlay.kind === "map") {
        this.nv.setColormap(v.id, cm.value);
        this.updateColorbar();
      }
    };
    $<HTMLInputElement>("opacity").oninput = (e) => {
      if (this.overlayVolume()) this.nv.setOpacity(1, Number((e.target as HTMLInputElement).value));
    };
    const thr = () => {
      const v = this.overlayVolume();
      if (!v || this.overlay.kind !== "map") return;
      const lo = Number($<HTMLInputElement>("thr-min").value);
      const hi = Number($<HTMLInputElement>("thr-max").value);
      if (Number.isFinite(lo)) v.cal_min = lo;
      if (Number.isFinite(hi) && hi > (v.cal_min ?? 0)) v.cal_max = hi;
      this.nv.updateGLVolume();
      this.updateColorbar();
    };
    $<HTMLInputElement>("thr-min").onchange = thr;
    $<HTMLInputElement>("thr-max").onchange = thr;
    const wl = () => {
      const v = this.nv.volumes[0];
      if (!v) return;
      const w = Number($<HTMLInputElement>("win-w").value);
      const l = Number($<HTMLInputElement>("win-l").value);
      if (!(w > 0) || !Number.isFinite(l)) return;
      v.cal_min = l - w / 2;
      v.cal_max = l + w / 2;
      this.nv.updateGLVolume();
      this.updateMip();
    };
    $<HTMLInputElement>("win-w").onchange = wl;
    $<HTMLInputElement>("win-l").onchange = wl;
    $<HTMLInputElement>("crosshair").onchange = (e) =>
      this.nv.setCrosshairWidth((e.target as HTMLInputElement).checked ? 0.4 : 0);
    $<HTMLInputElement>("mip-toggle").onchange = () => this.updateMip();
    // window/level dragged with the right button (NiiVue contrast mode) → refresh the inputs
    this.canvas.addEventListener("mouseup", () => setTimeout(() => this.syncWindowInputs(), 50));
  }

  /** the frame shown (4D series) */
  get currentFrame(): number {
    return this.frame;
  }

  setMultiplanar(on: boolean): void {
    this.nv.setSliceType(on ? this.nv.sliceTypeMultiplanar : this.nv.sliceTypeAxial);
  }

  setFrame(frame: number): void {
    this.frame = frame;
    const v = this.nv.volumes[0];
    if (v) this.nv.setFrame4D(v.id, frame);
    $("frame-label").textContent = `${frame} / ${this.frames - 1}`;
  }

  private overlayVolume(): NVImage | undefined {
    return this.nv.volumes[1];
  }

  async show(scan: Scan, maps: ScanMap[], rois: Roi[], details: ScanDetails): Promise<void> {
    this.scan = scan;
    this.maps = maps;
    this.rois = rois;
    this.frame = 0;
    delete document.body.dataset.viewerLoaded;
    if (!/\.nii(\.gz)?$/i.test(scan.files[0])) {
      // CEUS curves (CSV), planar NM (DICOM), histology tiles (PNG/TIFF): not a NIfTI volume
      const empty = $("viewer-empty");
      empty.hidden = false;
      empty.textContent = `${scan.id}: ${scan.files[0].split(".").pop()?.toUpperCase()} data (${scan.purpose ?? scan.modality}) — its analysis is in the dashboard and the report, not in the volume viewer.`;
      return;
    }
    $("viewer-empty").hidden = true;
    this.baseUnit = String(details.acquisition?.units ?? (scan.modality === "MRI" ? "a.u." : ""));
    await this.nv.loadVolumes([
      {
        url: api.fileUrl(scan.files[0]),
        name: scan.files[0].split("/").pop() as string,
        colormap: scan.modality === "MRI" ? "gray" : "hot",
      },
    ]);
    this.nv.setSliceType(this.nv.sliceTypeAxial);
    $<HTMLSelectElement>("slice-type").value = "axial";
    this.frames = this.nv.volumes[0]?.nFrame4D ?? 1;
    const frame = $<HTMLInputElement>("frame");
    frame.max = String(this.frames - 1);
    frame.value = "0";
    frame.disabled = this.frames < 2;
    $("frame-label").textContent = `0 / ${this.frames - 1}`;
    // overlay choices: the label map (study.json's, else the CT pipeline's, listed with unit
    // "label"), then every quantitative or status map of the scan
    const pipeline = maps.find((m) => m.unit === LABELS_UNIT);
    this.labelFile = scan.labels ?? pipeline?.file ?? null;
    this.maps = maps.filter((m) => m.unit !== LABELS_UNIT);
    const sel = $<HTMLSelectElement>("overlay");
    sel.replaceChildren(new Option("none", "none"));
    if (this.labelFile)
      sel.add(new Option(scan.labels ? "organ labels" : "organ labels (CT pipeline)", "labels"));
    for (const m of this.maps)
      sel.add(new Option(m.unit ? `${m.name} (${m.unit})` : m.name, `map:${m.name}`));
    const first = this.maps.find((m) => m.unit !== "code");
    sel.value = first ? `map:${first.name}` : this.labelFile ? "labels" : "none";
    const isActivity = scan.modality === "SPECT" || scan.modality === "PET";
    $("mip-control").hidden = !isActivity;
    if (!isActivity) $<HTMLInputElement>("mip-toggle").checked = false;
    await this.selectOverlay(sel.value);
    this.syncWindowInputs();
    $("readout").textContent = "Click or hover over the image: value, voxel and position appear here.";
    document.body.dataset.viewerLoaded = scan.id;
  }

  async selectOverlay(value: string): Promise<void> {
    if (!this.scan) return;
    delete document.body.dataset.overlay;
    const old = this.overlayVolume();
    if (old) this.nv.removeVolume(old);
    const map = value.startsWith("map:") ? this.maps.find((m) => `map:${m.name}` === value) : undefined;
    this.overlay =
      value === "labels" && this.labelFile
        ? { kind: "labels", file: this.labelFile }
        : map
          ? { kind: "map", map }
          : { kind: "none" };
    const opacity = $<HTMLInputElement>("opacity");
    if (this.overlay.kind === "labels") {
      opacity.value = "0.4";
      const v = await this.nv.addVolumeFromUrl({
        url: api.fileUrl(this.overlay.file),
        name: this.overlay.file.split("/").pop() as string,
        opacity: 0.4,
      });
      v.setColormapLabel(this.labelLut());
      this.nv.updateGLVolume();
    } else if (this.overlay.kind === "map") {
      const m = this.overlay.map;
      const cm = $<HTMLSelectElement>("colormap");
      if (m.unit === "code") cm.value = "winter";
      else if (!cm.value || cm.value === "winter") cm.value = "warm";
      opacity.value = "0.7";
      const v = await this.nv.addVolumeFromUrl({
        url: api.fileUrl(m.file),
        name: m.file.split("/").pop() as string,
        colormap: cm.value || "warm",
        opacity: 0.7,
      });
      if (m.unit === "code") {
        v.cal_min = 0.5; // 0 = ok is transparent: the map shows where fits failed
        v.cal_max = 3;
        this.nv.updateGLVolume();
      }
      $<HTMLInputElement>("thr-min").value = fmtNum(v.cal_min ?? 0);
      $<HTMLInputElement>("thr-max").value = fmtNum(v.cal_max ?? 1);
    }
    for (const id of ["colormap", "thr-min", "thr-max"])
      $<HTMLInputElement>(id).disabled = this.overlay.kind !== "map";
    if (this.overlay.kind !== "map")
      for (const id of ["thr-min", "thr-max"]) $<HTMLInputElement>(id).value = "";
    opacity.disabled = this.overlay.kind === "none";
    this.updateColorbar();
    this.updateLegend();
    this.updateMip();
    document.body.dataset.overlay = this.overlay.kind === "map" ? this.overlay.map.name : this.overlay.kind;
  }

  private labelLut() {
    const max = Math.max(0, ...this.rois.map((r) => r.label ?? 0));
    const I = Array.from({ length: max + 1 }, (_, i) => i);
    const rgb = I.map((i) => hexRgb(LABEL_COLORS[(i - 1 + LABEL_COLORS.length) % LABEL_COLORS.length]));
    return {
      R: rgb.map((c) => c[0]),
      G: rgb.map((c) => c[1]),
      B: rgb.map((c) => c[2]),
      A: I.map((i) => (i === 0 ? 0 : 255)),
      I,
      labels: I.map((i) => this.rois.find((r) => r.label === i)?.name ?? (i === 0 ? "" : `label ${i}`)),
    };
  }

  private updateLegend(): void {
    const root = $("legend");
    root.replaceChildren();
    if (this.overlay.kind !== "labels") return;
    for (const r of this.rois.filter((x) => x.label !== undefined)) {
      const item = document.createElement("span");
      item.className = "legend-item";
      item.dataset.label = String(r.label);
      const sw = document.createElement("i");
      sw.style.background = LABEL_COLORS[((r.label as number) - 1) % LABEL_COLORS.length];
      item.append(sw, `${r.label} ${r.name}`);
      root.append(item);
    }
  }

  private updateColorbar(): void {
    const root = $("colorbar");
    const v = this.overlayVolume();
    if (this.overlay.kind === "map" && v) {
      const m = this.overlay.map;
      drawColorbar(root, this.nv.colormap($<HTMLSelectElement>("colormap").value || "warm"), {
        title: m.name,
        unit: m.unit === "1" ? "dimensionless" : m.unit,
        min: v.cal_min ?? 0,
        max: v.cal_max ?? 1,
      });
      return;
    }
    const base = this.nv.volumes[0];
    if (base && this.scan)
      drawColorbar(root, this.nv.colormap(this.scan.modality === "MRI" ? "gray" : "hot"), {
        title: this.scan.modality === "MRI" ? "signal" : "activity concentration",
        unit: this.baseUnit,
        min: base.cal_min ?? 0,
        max: base.cal_max ?? 1,
      });
    else root.replaceChildren();
  }

  private syncWindowInputs(): void {
    const v = this.nv.volumes[0];
    if (!v) return;
    const lo = v.cal_min ?? 0;
    const hi = v.cal_max ?? 1;
    $<HTMLInputElement>("win-w").value = fmtNum(hi - lo);
    $<HTMLInputElement>("win-l").value = fmtNum((hi + lo) / 2);
    if (this.overlay.kind !== "map") this.updateColorbar();
  }

  private updateMip(): void {
    const c = $<HTMLCanvasElement>("mip");
    const on = $<HTMLInputElement>("mip-toggle").checked;
    const v = this.nv.volumes[0];
    c.hidden = !on || !v;
    if (!on || !v?.img || !v.hdr) return;
    const d = v.hdr.dims;
    drawMip(c, v.img as ArrayLike<number>, [d[1], d[2], d[3]], this.nv.colormap("hot"), undefined);
    document.body.dataset.mip = this.scan?.id ?? "";
  }

  /** value of volume `n` at native voxel ijk (current frame for the image) */
  private valueAt(n: number, ijk: [number, number, number]): number | null {
    const v = this.nv.volumes[n];
    if (!v?.hdr) return null;
    const d = v.hdr.dims;
    if (ijk.some((x, a) => x < 0 || x >= d[a + 1])) return null;
    const val = v.getValue(ijk[0], ijk[1], ijk[2], n === 0 ? this.frame : 0);
    return Number.isFinite(val) ? val : null;
  }

  private hover(e: MouseEvent): void {
    const v = this.nv.volumes[0];
    if (!this.scan || !v) return;
    try {
      const r = this.canvas.getBoundingClientRect();
      const dpr = this.nv.uiData.dpr ?? window.devicePixelRatio ?? 1;
      const mm = this.nv.screenXY2mm((e.clientX - r.left) * dpr, (e.clientY - r.top) * dpr);
      if (!mm || !Number.isFinite(mm[0])) return;
      const vox = v.mm2vox([mm[0], mm[1], mm[2]]);
      const ijk: [number, number, number] = [Math.round(vox[0]), Math.round(vox[1]), Math.round(vox[2])];
      if (this.valueAt(0, ijk) === null) return;
      this.showReadout(ijk, [mm[0], mm[1], mm[2]]);
    } catch {
      // the pointer is outside the image tiles
    }
  }

  private showReadout(ijk: [number, number, number], mm: [number, number, number]): void {
    const parts: string[] = [];
    const base = this.valueAt(0, ijk);
    if (base !== null) parts.push(`image ${fmtNum(base)} ${this.baseUnit}`.trim());
    const ov = this.valueAt(1, ijk);
    if (ov !== null && this.overlay.kind === "map") {
      const m = this.overlay.map;
      const unit = m.unit === "1" ? "(dimensionless)" : m.unit === "code" ? "" : m.unit;
      const status =
        m.unit === "code" ? ` = ${["ok", "not converged", "invalid input", "outside mask"][ov] ?? "?"}` : "";
      parts.push(`${m.name} ${Number.isNaN(ov) ? "–" : fmtNum(ov)} ${unit}${status}`.trim());
    } else if (ov !== null && this.overlay.kind === "labels") {
      const roi = this.rois.find((r) => r.label === Math.round(ov));
      parts.push(`label ${Math.round(ov)}${roi ? ` ${roi.name}` : ov === 0 ? " (background)" : ""}`);
    }
    parts.push(`voxel ${ijk.join(", ")}`);
    parts.push(`${mm.map((x) => x.toFixed(1)).join(", ")} mm`);
    const el = $("readout");
    el.textContent = parts.join(" · ");
    el.dataset.voxel = ijk.join(",");
  }
}
