/**
 * ROI tools: draw (filled or outline pen) and erase on the open scan with NiiVue's drawing
 * layer, undo, then save: the drawing (a NIfTI on the scan's grid) goes to POST
 * /api/scans/:id/rois, which writes a new label map referenced from study.json (used by the
 * next run) and answers the ROI's statistics, shown at once.
 * Threshold grow: the last clicked voxel is the seed; "grow" asks POST /api/scans/:id/rois/grow
 * for the 6-connected region above a % of the seed value (or inside an absolute interval) on the
 * image or one of its maps, loads it into the drawing layer as the preview (editable with the
 * pen and eraser) and shows its statistics (voxels, volume, mean ± SD, %ID/cc) at once; "save
 * ROI" then saves it like a drawn ROI.
 * Scribble segmentation: paint object strokes (draw, red) and background strokes (background,
 * green) on any slices; "segment" sends them to POST /api/scans/:id/rois/scribble (random
 * walker in a box around the strokes) and loads the object region as the preview, like grow.
 * A drawing that still holds background strokes is not saved (segment first, or erase them).
 */
import { NVImage } from "@niivue/niivue";
import { api, type GrowBody, type GrownRoi, type Scan, type ScribbleRoi, type StudyInfo } from "../api.js";
import { fmtNum } from "./colorbar.js";
import type { Viewer } from "./viewer.js";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

function base64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(b64: string): ArrayBuffer {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out.buffer;
}

export class RoiTools {
  private scan: Scan | null = null;
  private seed: [number, number, number] | null = null;
  /** the last grown region (its statistics stay shown until the drawing is saved or changed) */
  grown: GrownRoi | null = null;

  constructor(
    private viewer: Viewer,
    private study: StudyInfo,
    private onSaved: (scan: Scan) => Promise<void>,
  ) {
    const root = $("roi-tools");
    root.innerHTML =
      '<h3>ROI</h3><div class="toolbar">' +
      '<label>name <input id="roi-name" value="drawn lesion" size="14"></label>' +
      '<label>kind <select id="roi-kind"><option>tumour</option><option>organ</option><option>reference</option><option>other</option></select></label>' +
      '<button id="roi-draw" aria-pressed="false">draw</button><button id="roi-background" aria-pressed="false" title="background strokes for segment (green)">background</button><button id="roi-erase" aria-pressed="false">erase</button>' +
      '<label><input id="roi-filled" type="checkbox" checked> filled</label>' +
      '<button id="roi-undo">undo</button><button id="roi-segment" title="random walker from the object (draw) and background strokes">segment</button><button id="roi-save">save ROI</button></div>' +
      '<div class="toolbar" id="grow-tools" title="threshold grow: 6-connected region from the seed voxel">' +
      '<span id="grow-seed" class="muted">grow: click a seed voxel</span>' +
      '<label>threshold <select id="grow-mode"><option value="percent">≥ % of seed</option><option value="absolute">absolute</option></select></label>' +
      '<input id="grow-value" type="number" step="any" value="50" aria-label="threshold"> <span id="grow-unit">%</span>' +
      '<label id="grow-max-label" hidden>to <input id="grow-max" type="number" step="any" placeholder="∞" aria-label="upper threshold"></label>' +
      '<label>on <select id="grow-source"><option value="image">image</option></select></label>' +
      '<button id="roi-grow" disabled>grow</button></div>' +
      '<div id="grow-result" class="muted"></div>' +
      '<div id="roi-result" class="muted">Open a scan to draw an ROI on it.</div>';
    const nv = this.viewer.nv;
    const mode = (pen: number | null) => {
      nv.setDrawingEnabled(pen !== null);
      if (pen !== null) nv.setPenValue(pen, $<HTMLInputElement>("roi-filled").checked);
      $("roi-draw").setAttribute("aria-pressed", String(pen === 1));
      $("roi-background").setAttribute("aria-pressed", String(pen === 2));
      $("roi-erase").setAttribute("aria-pressed", String(pen === 0));
      document.body.dataset.drawing =
        pen === null ? "off" : pen === 1 ? "draw" : pen === 2 ? "background" : "erase";
    };
    $("roi-draw").onclick = () => mode($("roi-draw").getAttribute("aria-pressed") === "true" ? null : 1);
    $("roi-background").onclick = () =>
      mode($("roi-background").getAttribute("aria-pressed") === "true" ? null : 2);
    $("roi-segment").onclick = () => void this.segment().finally(() => mode(null));
    $("roi-erase").onclick = () => mode($("roi-erase").getAttribute("aria-pressed") === "true" ? null : 0);
    $("roi-undo").onclick = () => nv.drawUndo();
    $("roi-save").onclick = () => void this.save().finally(() => mode(null));
    $<HTMLSelectElement>("grow-mode").onchange = () => this.updateGrowUnit();
    $("roi-grow").onclick = () => void this.grow();
  }

  /** the seed of the next grow: the voxel last clicked in the viewer */
  setSeed(ijk: [number, number, number]): void {
    this.seed = ijk;
    $("grow-seed").textContent = `seed voxel ${ijk.join(", ")}`;
    $("grow-seed").className = "";
    $<HTMLButtonElement>("roi-grow").disabled = !this.scan;
    document.body.dataset.growSeed = ijk.join(",");
  }

  private updateGrowUnit(): void {
    const abs = $<HTMLSelectElement>("grow-mode").value === "absolute";
    const src = $<HTMLSelectElement>("grow-source").value;
    const map = this.viewer.maps.find((m) => m.name === src);
    const unit = src === "image" ? String(this.imageUnit ?? "") : (map?.unit ?? "");
    $("grow-unit").textContent = abs ? unit : "%";
    $("grow-unit").title = abs ? "" : "per cent of the seed voxel's value";
    $("grow-max-label").hidden = !abs;
  }

  private imageUnit: string | undefined;

  async grow(): Promise<void> {
    const scan = this.scan;
    const out = $("grow-result");
    if (!scan || !this.seed) {
      out.textContent = "Click a seed voxel in the viewer first.";
      return;
    }
    const value = Number($<HTMLInputElement>("grow-value").value);
    const maxText = $<HTMLInputElement>("grow-max").value.trim();
    const source = $<HTMLSelectElement>("grow-source").value;
    const body: GrowBody =
      $<HTMLSelectElement>("grow-mode").value === "absolute"
        ? { seed: this.seed, mode: "absolute", min: value, ...(maxText ? { max: Number(maxText) } : {}) }
        : { seed: this.seed, mode: "percent", percent: value };
    if (source !== "image") body.source = source;
    else body.frame = this.viewer.currentFrame;
    out.className = "muted";
    out.textContent = "growing…";
    delete document.body.dataset.grown;
    try {
      const g = await api.growRoi(scan.id, body);
      if (this.scan?.id !== scan.id) return;
      await this.loadPreview(g.niftiBase64);
      this.grown = g;
      const u = (x: string) => (x === "1" ? "" : ` ${x}`);
      const range =
        g.range.max === null ? `≥ ${fmtNum(g.range.min)}` : `${fmtNum(g.range.min)} – ${fmtNum(g.range.max)}`;
      out.className = g.warnings.length ? "warn" : "";
      out.textContent =
        `grown on ${g.source.name}${g.source.name === "image" && g.frame ? ` frame ${g.frame}` : ""}: seed ${fmtNum(g.seedValue)}${u(g.unit)}, ${range}${u(g.unit)} → ` +
        `${this.statsText(g)}${g.warnings.length ? ` — ${g.warnings.join("; ")}` : ""}. Edit with draw/erase, then save ROI.`;
      out.dataset.voxels = String(g.voxels);
      document.body.dataset.grown = String(g.voxels);
    } catch (e) {
      out.className = "warn";
      out.textContent = String(e);
    }
  }

  /** the region (uint8 NIfTI, base64) into the drawing layer, in blue (pen colour 3) */
  private async loadPreview(niftiBase64: string): Promise<void> {
    const nv = this.viewer.nv;
    // NVImage.new's other (defaulted) arguments are declared required in its typings
    const newImage = NVImage.new as unknown as (buf: ArrayBuffer, name: string) => Promise<NVImage>;
    const img = await newImage(fromBase64(niftiBase64), "region.nii.gz");
    nv.setDrawingEnabled(false);
    if (!nv.loadDrawing(img)) throw new Error("the region does not fit the image grid");
    // distinct from hot/warm colour maps and the red/green strokes
    if (nv.drawBitmap) {
      nv.drawBitmap = nv.drawBitmap.map((x) => (x ? 3 : 0));
      nv.refreshDrawing(true);
    }
    nv.setDrawOpacity(0.65);
  }

  private statsText(g: GrownRoi | ScribbleRoi): string {
    const u = (x: string) => (x === "1" ? "" : ` ${x}`);
    const pct = g.pctIDperCC
      ? ` · ${fmtNum(g.pctIDperCC.mean)} ± ${fmtNum(g.pctIDperCC.sd ?? Number.NaN)} %ID/cc (decay-corrected, ${fmtNum(g.pctIDperCC.time_h)} h)`
      : "";
    return `${g.voxels} voxels, ${fmtNum(g.volume_mm3)} mm³, mean ${fmtNum(g.mean)} ± ${fmtNum(g.sd ?? Number.NaN)}${u(g.unit)}${pct}`;
  }

  /** random walker from the object (1) and background (2) strokes of the drawing layer */
  async segment(): Promise<void> {
    const nv = this.viewer.nv;
    const scan = this.scan;
    const out = $("grow-result");
    const bm = nv.drawBitmap;
    if (!scan || !bm || !nv.volumes[0] || !bm.some((v) => v === 1) || !bm.some((v) => v === 2)) {
      out.className = "warn";
      out.textContent =
        "Paint object strokes (draw) and background strokes (background) first, then segment.";
      return;
    }
    const bytes = await nv.volumes[0].saveToUint8Array("strokes.nii", bm);
    const source = $<HTMLSelectElement>("grow-source").value;
    out.className = "muted";
    out.textContent = "segmenting…";
    delete document.body.dataset.segmented;
    try {
      const g = await api.scribbleRoi(scan.id, {
        niftiBase64: base64(bytes),
        ...(source === "image" ? { frame: this.viewer.currentFrame } : { source }),
      });
      if (this.scan?.id !== scan.id) return;
      await this.loadPreview(g.niftiBase64);
      out.className = g.warnings.length ? "warn" : "";
      out.textContent =
        `segmented on ${g.source.name} (random walker, ${g.strokes.object} object / ${g.strokes.background} background stroke voxels, box ${g.box.lo.join(",")}–${g.box.hi.join(",")}) → ` +
        `${this.statsText(g)}${g.warnings.length ? ` — ${g.warnings.join("; ")}` : ""}. Edit with draw/erase, then save ROI.`;
      out.dataset.voxels = String(g.voxels);
      document.body.dataset.segmented = String(g.voxels);
    } catch (e) {
      out.className = "warn";
      out.textContent = String(e);
    }
  }

  setScan(scan: Scan, details?: { acquisition?: Record<string, unknown> }): void {
    this.scan = scan;
    this.seed = null;
    this.grown = null;
    this.imageUnit = String(details?.acquisition?.units ?? (scan.modality === "MRI" ? "a.u." : ""));
    this.viewer.nv.setDrawingEnabled(false);
    $("roi-result").textContent =
      `Draw on ${scan.id} — or click a seed voxel and grow — then save: the ROI joins the study's label map for the next run.`;
    $("grow-seed").textContent = "grow: click a seed voxel";
    $("grow-seed").className = "muted";
    $("grow-result").textContent = "";
    $<HTMLButtonElement>("roi-grow").disabled = true;
    const src = $<HTMLSelectElement>("grow-source");
    src.replaceChildren(new Option("image", "image"));
    for (const m of this.viewer.maps.filter((x) => x.unit !== "code"))
      src.add(new Option(m.unit && m.unit !== "1" ? `${m.name} (${m.unit})` : m.name, m.name));
    this.updateGrowUnit();
  }

  async save(): Promise<void> {
    const nv = this.viewer.nv;
    const scan = this.scan;
    const out = $("roi-result");
    if (!scan || !nv.drawBitmap || !nv.volumes[0]) {
      out.textContent = "Nothing drawn yet.";
      return;
    }
    if (!nv.drawBitmap.some((v) => v > 0)) {
      out.textContent = "Nothing drawn yet.";
      return;
    }
    if (nv.drawBitmap.some((v) => v === 2)) {
      out.className = "warn";
      out.textContent = "The drawing holds background strokes: segment first, or erase them, then save.";
      return;
    }
    const bytes = await nv.volumes[0].saveToUint8Array("drawing.nii", nv.drawBitmap);
    try {
      const r = await api.saveRoi(scan.id, {
        name: $<HTMLInputElement>("roi-name").value,
        kind: $<HTMLSelectElement>("roi-kind").value,
        niftiBase64: base64(bytes),
      });
      const roi = r.roi;
      if (!this.study.rois.some((x) => x.id === roi.id)) this.study.rois.push(roi);
      for (const id of r.scans) {
        const s = this.study.scans.find((x) => x.id === id);
        if (s) s.labels = r.file;
      }
      const st = r.stats;
      const tac = r.curve
        ? ` · ${r.curve.values.map((v, i) => `${fmtNum(r.curve?.time_h[i] ?? 0)} h: ${fmtNum(v)}`).join(", ")} ${r.curve.unit}`
        : "";
      out.className = "";
      out.textContent = `saved ${roi.name} (label ${roi.label}) → ${r.file}: ${r.voxels} voxels, ${fmtNum(st.volume_mm3)} mm³, mean ${fmtNum(st.mean)} ± ${fmtNum(st.sd ?? Number.NaN)} ${st.unit}${tac}`;
      out.dataset.file = r.file;
      nv.closeDrawing();
      await this.onSaved(scan);
    } catch (e) {
      out.className = "warn";
      out.textContent = String(e);
    }
  }
}
