/**
 * Fusion view: the open scan's functional image (SPECT/PET activity, or one of its parametric
 * maps) over an anatomical image of the same subject and session (GET /api/scans/:id/anatomy:
 * acquisition.anatomy, the CT of a hybrid scan, or a CT/MR anatomy scan of the same session),
 * in its own NiiVue: the anatomy is the background (grey, its own window), the functional image
 * the overlay, resampled onto the anatomy through the two NIfTI affines, with opacity, colour
 * map and a lower threshold (values below it transparent); a CT is shown in a soft-tissue window
 * (W 400 / L 40 HU; lung and bone presets), an MR in its own range. A scan without anatomy
 * disables the control and says why.
 */
import { type NiiVueLocation, Niivue } from "@niivue/niivue";
import { type AnatomyOf, api, type Scan, type ScanMap } from "../api.js";
import { drawColorbar, fmtNum } from "./colorbar.js";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const COLORMAPS = ["hot", "warm", "plasma", "viridis", "inferno", "red"];
/** CT windows (width, level in HU) */
const CT_WINDOWS: Record<string, [number, number]> = {
  "soft tissue": [400, 40],
  lung: [1500, -600],
  bone: [2000, 300],
};

export class FusionPanel {
  private nv: Niivue | null = null;
  private scan: Scan | null = null;
  private maps: ScanMap[] = [];
  private unit = "";
  private anatomy: AnatomyOf | null = null;
  private loadedKey = "";
  private seq = 0;
  /** whether the fusion tab is shown (loading waits for it) */
  visible = false;
  /** availability changed (the tab button is enabled/disabled with this reason) */
  onAvailability: (available: boolean, reason: string) => void = () => {};

  constructor(root: HTMLElement) {
    root.innerHTML =
      '<div class="toolbar">' +
      '<label>anatomy <select id="fusion-anatomy"></select></label>' +
      '<label>functional <select id="fusion-layer"><option value="image">image</option></select></label>' +
      '<label>opacity <input id="fusion-opacity" type="range" min="0" max="1" step="0.05" value="0.6"></label>' +
      '<label>colour map <select id="fusion-colormap"></select></label>' +
      '<label title="functional values below this are transparent">threshold ≥ <input id="fusion-min" type="number" step="any"></label>' +
      '<label title="anatomy window">window <select id="fusion-window"><option value="auto">auto</option><option>soft tissue</option><option>lung</option><option>bone</option></select></label>' +
      '<label>view <select id="fusion-view"><option value="axial">axial</option><option value="coronal">coronal</option><option value="sagittal">sagittal</option><option value="multiplanar">multi-planar</option></select></label>' +
      "</div>" +
      '<p id="fusion-reason" class="warn" hidden></p>' +
      '<div id="fusion-wrap"><canvas id="fusion-gl"></canvas></div>' +
      '<div id="fusion-colorbar"></div><div id="fusion-readout" class="readout"></div>';
    const cm = $<HTMLSelectElement>("fusion-colormap");
    for (const c of COLORMAPS) cm.add(new Option(c, c));
    $<HTMLSelectElement>("fusion-anatomy").onchange = () => void this.load(true);
    $<HTMLSelectElement>("fusion-layer").onchange = () => void this.load(true);
    $<HTMLInputElement>("fusion-opacity").oninput = () => {
      const nv = this.nv;
      if (nv && nv.volumes.length > 1) {
        nv.setOpacity(1, Number($<HTMLInputElement>("fusion-opacity").value));
        document.body.dataset.fusionOpacity = $<HTMLInputElement>("fusion-opacity").value;
      }
    };
    cm.onchange = () => {
      const v = this.nv?.volumes[1];
      if (this.nv && v) {
        this.nv.setColormap(v.id, cm.value);
        this.colorbar();
      }
    };
    $<HTMLInputElement>("fusion-min").onchange = () => {
      const v = this.nv?.volumes[1];
      const lo = Number($<HTMLInputElement>("fusion-min").value);
      if (this.nv && v && Number.isFinite(lo) && lo < (v.cal_max ?? Number.POSITIVE_INFINITY)) {
        v.cal_min = lo;
        this.nv.updateGLVolume();
        this.colorbar();
      }
    };
    $<HTMLSelectElement>("fusion-view").onchange = () => this.applyView();
    $<HTMLSelectElement>("fusion-window").onchange = () => this.applyWindow();
  }

  private anatomyCandidate() {
    const file = $<HTMLSelectElement>("fusion-anatomy").value;
    return this.anatomy?.candidates.find((c) => c.file === file) ?? this.anatomy?.candidates[0];
  }

  /** the anatomy's grey window: a CT preset in HU, or the image's own range */
  private applyWindow(): void {
    const v = this.nv?.volumes[0];
    if (!this.nv || !v) return;
    const w = CT_WINDOWS[$<HTMLSelectElement>("fusion-window").value];
    if (w) {
      v.cal_min = w[1] - w[0] / 2;
      v.cal_max = w[1] + w[0] / 2;
    } else {
      v.cal_min = v.robust_min ?? v.cal_min;
      v.cal_max = v.robust_max ?? v.cal_max;
    }
    this.nv.updateGLVolume();
  }

  private ensureViewer(): Niivue {
    if (this.nv) return this.nv;
    const nv = new Niivue({
      backColor: [0, 0, 0, 1],
      isColorbar: false,
      show3Dcrosshair: false,
      crosshairWidth: 0.4,
      crosshairWidthUnit: "percent",
      crosshairColor: [0.3, 1, 0.3, 0.55],
      loadingText: "",
    });
    void nv.attachToCanvas($<HTMLCanvasElement>("fusion-gl"));
    nv.onLocationChange = (d: unknown) => this.readout(d as NiiVueLocation);
    this.nv = nv;
    return nv;
  }

  private setDisabled(reason: string | null): void {
    const p = $("fusion-reason");
    p.hidden = reason === null;
    p.textContent = reason ?? "";
    for (const id of [
      "fusion-anatomy",
      "fusion-layer",
      "fusion-opacity",
      "fusion-colormap",
      "fusion-min",
      "fusion-window",
      "fusion-view",
    ])
      $<HTMLInputElement>(id).disabled = reason !== null;
    $("fusion-wrap").hidden = reason !== null;
    this.onAvailability(reason === null, reason ?? "");
  }

  /** the open scan changed: find its anatomy (the view loads when shown) */
  async setScan(
    scan: Scan,
    maps: ScanMap[],
    details: { acquisition?: Record<string, unknown> },
  ): Promise<void> {
    const seq = ++this.seq;
    this.scan = scan;
    this.maps = maps.filter((m) => m.unit !== "code" && m.unit !== "label");
    this.unit = String(details.acquisition?.units ?? "");
    this.loadedKey = "";
    delete document.body.dataset.fusion;
    $("fusion-readout").textContent = "";
    if (!/\.nii(\.gz)?$/i.test(scan.files[0])) {
      this.anatomy = null;
      this.setDisabled(`${scan.id} is not a volume: nothing to fuse`);
      return;
    }
    let a: AnatomyOf;
    try {
      a = await api.anatomy(scan.id);
    } catch (e) {
      a = { scan: scan.id, candidates: [], reason: String(e) };
    }
    if (seq !== this.seq) return;
    this.anatomy = a;
    const sel = $<HTMLSelectElement>("fusion-anatomy");
    sel.replaceChildren(...a.candidates.map((c) => new Option(c.label, c.file)));
    const layer = $<HTMLSelectElement>("fusion-layer");
    layer.replaceChildren(new Option(`${scan.modality} image`, "image"));
    for (const m of this.maps)
      layer.add(new Option(m.unit && m.unit !== "1" ? `${m.name} (${m.unit})` : m.name, m.name));
    // a parametric map is the functional layer of an MR scan; the activity image of SPECT/PET
    const firstMap = this.maps.find((m) => m.unit !== "label" && m.unit !== "");
    layer.value = scan.purpose !== "activity" && firstMap ? firstMap.name : "image";
    if (!a.candidates.length) {
      this.setDisabled(a.reason ?? `no anatomy for ${scan.id}`);
      document.body.dataset.fusion = "none";
      return;
    }
    this.setDisabled(null);
    if (this.visible) await this.load();
  }

  async show(): Promise<void> {
    this.visible = true;
    this.nv?.resizeListener();
    await this.load();
  }

  hide(): void {
    this.visible = false;
  }

  private functional(): { file: string; name: string; unit: string } | null {
    if (!this.scan) return null;
    const v = $<HTMLSelectElement>("fusion-layer").value;
    const m = this.maps.find((x) => x.name === v);
    if (m) return { file: m.file, name: m.name, unit: m.unit === "1" ? "dimensionless" : m.unit };
    return {
      file: this.scan.files[0],
      name: this.scan.purpose === "activity" ? "activity concentration" : `${this.scan.modality} image`,
      unit: this.unit,
    };
  }

  async load(force = false): Promise<void> {
    const scan = this.scan;
    const a = this.anatomy;
    if (!scan || !a?.candidates.length || !this.visible) return;
    const anatomy = $<HTMLSelectElement>("fusion-anatomy").value || a.candidates[0].file;
    const fn = this.functional();
    if (!fn) return;
    const key = `${scan.id}|${anatomy}|${fn.file}`;
    if (!force && key === this.loadedKey) return;
    const seq = ++this.seq;
    delete document.body.dataset.fusion;
    const nv = this.ensureViewer();
    const opacity = Number($<HTMLInputElement>("fusion-opacity").value);
    const cm = $<HTMLSelectElement>("fusion-colormap");
    await nv.loadVolumes([
      { url: api.fileUrl(anatomy), name: anatomy.split("/").pop() as string, colormap: "gray" },
      {
        url: api.fileUrl(fn.file),
        name: fn.file.split("/").pop() as string,
        colormap: cm.value || "hot",
        opacity,
      },
    ]);
    if (seq !== this.seq) return;
    $<HTMLSelectElement>("fusion-window").value =
      this.anatomyCandidate()?.modality === "CT" ? "soft tissue" : "auto";
    this.applyWindow();
    const over = nv.volumes[1];
    if (over) {
      // full range up to the hottest voxel, the lowest 10 % transparent: uptake over the anatomy
      const hi =
        Number.isFinite(over.global_max) && (over.global_max ?? 0) > 0
          ? (over.global_max as number)
          : (over.cal_max ?? 1);
      const lo = Math.max(over.cal_min ?? 0, 0.1 * hi);
      over.cal_min = lo;
      over.cal_max = hi;
      nv.updateGLVolume();
      $<HTMLInputElement>("fusion-min").value = fmtNum(lo);
    }
    this.applyView();
    this.loadedKey = key;
    this.colorbar();
    $("fusion-readout").textContent = "Click the image: functional value and anatomy (HU) at the point.";
    document.body.dataset.fusion = scan.id;
    document.body.dataset.fusionOpacity = String(opacity);
  }

  private applyView(): void {
    const nv = this.nv;
    if (!nv) return;
    const v = $<HTMLSelectElement>("fusion-view").value;
    const t = {
      axial: nv.sliceTypeAxial,
      coronal: nv.sliceTypeCoronal,
      sagittal: nv.sliceTypeSagittal,
      multiplanar: nv.sliceTypeMultiplanar,
    }[v];
    if (t !== undefined) nv.setSliceType(t);
  }

  private colorbar(): void {
    const nv = this.nv;
    const v = nv?.volumes[1];
    const fn = this.functional();
    if (!nv || !v || !fn) return;
    drawColorbar($("fusion-colorbar"), nv.colormap($<HTMLSelectElement>("fusion-colormap").value || "hot"), {
      title: fn.name,
      unit: fn.unit,
      min: v.cal_min ?? 0,
      max: v.cal_max ?? 1,
    });
  }

  private readout(d: NiiVueLocation): void {
    const nv = this.nv;
    if (!nv || !d?.mm) return;
    const parts: string[] = [];
    const fn = this.functional();
    nv.volumes.forEach((v, n) => {
      const vox = v.mm2vox([d.mm[0], d.mm[1], d.mm[2]]);
      const ijk = [0, 1, 2].map((a) => Math.round(vox[a]));
      const dims = v.hdr?.dims ?? [];
      if (!ijk.every((x, a) => x >= 0 && x < (dims[a + 1] ?? 0))) return;
      const val = v.getValue(ijk[0], ijk[1], ijk[2], 0);
      const anat = this.anatomyCandidate();
      const anatText =
        anat?.modality === "CT" ? `CT ${fmtNum(val)} HU` : `${anat?.modality ?? "anatomy"} ${fmtNum(val)}`;
      parts.push(n === 0 ? anatText : `${fn?.name ?? "functional"} ${fmtNum(val)} ${fn?.unit ?? ""}`.trim());
    });
    parts.push(`${[0, 1, 2].map((a) => d.mm[a].toFixed(1)).join(", ")} mm`);
    $("fusion-readout").textContent = parts.join(" · ");
  }
}
