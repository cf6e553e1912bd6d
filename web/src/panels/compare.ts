/**
 * Side-by-side comparison: up to four synchronised viewers (one NiiVue each) — the same subject at
 * several time points, or several subjects/groups at one time point — picked from the navigator
 * (⊕ per scan, "compare all" per group) or added here ("add subject at this time point").
 * Linked: clicking, dragging or scrolling in one pane moves every pane's crosshair to the same
 * world position (mm), so the slices follow; the view (axial/coronal/sagittal) is shared.
 * One colour scale for all panes: for SPECT/PET images in decay-corrected %ID/cc
 * (GET /api/scans/:id/scale: each pane's display window is the common %ID/cc window divided by
 * its own factor, so equal colours mean equal %ID/cc across time points and animals), otherwise
 * in the common image or map unit. Readouts give each pane's value at the linked position.
 */
import { type NiiVueLocation, Niivue } from "@niivue/niivue";
import { type ActivityScale, api, type Scan, type ScanMap, type StudyInfo, scanDetails } from "../api.js";
import { drawColorbar, fmtNum } from "./colorbar.js";
import { timePoint } from "./navigator.js";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
export const MAX_COMPARE = 4;

interface Pane {
  root: HTMLElement;
  canvas: HTMLCanvasElement;
  nv: Niivue;
  scan: Scan | null;
  /** %ID/cc per image unit, or null */
  factor: number | null;
  unit: string;
  maps: ScanMap[];
}

const isVolume = (s: Scan) => /\.nii(\.gz)?$/i.test(s.files[0]);

export class ComparePanel {
  scans: Scan[] = [];
  private panes: Pane[] = [];
  private syncing = false;
  private seq = 0;
  private scale: { lo: number; hi: number; unit: string; title: string; colormap: string } | null = null;
  /** called when the set of compared scans changes (navigator marks, tab count) */
  onChange: (scans: Scan[]) => void = () => {};

  constructor(
    private root: HTMLElement,
    private study: StudyInfo,
  ) {
    root.innerHTML =
      '<div class="toolbar">' +
      '<span id="compare-count" class="muted"></span>' +
      '<label>view <select id="compare-view"><option value="axial">axial</option><option value="coronal">coronal</option><option value="sagittal">sagittal</option></select></label>' +
      '<label>show <select id="compare-layer"><option value="image">image</option></select></label>' +
      '<label title="one colour scale for every pane">colour scale <input id="compare-min" type="number" step="any"> – <input id="compare-max" type="number" step="any"> <span id="compare-unit"></span></label>' +
      '<label>add subject at this time point <select id="compare-add"></select></label>' +
      '<button id="compare-clear">clear</button></div>' +
      '<div id="compare-grid"></div><div id="compare-colorbar"></div>' +
      '<p id="compare-hint" class="muted">Pick up to four scans with ⊕ in the study navigator (or "compare all" under a modality) to see them side by side with linked crosshairs and one colour scale.</p>';
    $<HTMLSelectElement>("compare-view").onchange = () => this.applyView();
    $<HTMLSelectElement>("compare-layer").onchange = () => void this.load();
    const range = () => {
      const lo = Number($<HTMLInputElement>("compare-min").value);
      const hi = Number($<HTMLInputElement>("compare-max").value);
      if (this.scale && Number.isFinite(lo) && hi > lo) {
        this.scale.lo = lo;
        this.scale.hi = hi;
        this.applyScale();
      }
    };
    $<HTMLInputElement>("compare-min").onchange = range;
    $<HTMLInputElement>("compare-max").onchange = range;
    $<HTMLSelectElement>("compare-add").onchange = (e) => {
      const sel = e.target as HTMLSelectElement;
      const subject = sel.value;
      sel.value = "";
      if (subject) this.addSubjectAtTimePoint(subject);
    };
    $("compare-clear").onclick = () => this.set([]);
    this.renderControls();
  }

  has(id: string): boolean {
    return this.scans.some((s) => s.id === id);
  }

  /** add (or remove, when present) one scan; at most MAX_COMPARE */
  toggle(scan: Scan): void {
    if (this.has(scan.id)) this.set(this.scans.filter((s) => s.id !== scan.id));
    else if (this.scans.length < MAX_COMPARE) this.set([...this.scans, scan]);
    else $("compare-count").textContent = `at most ${MAX_COMPARE} scans: remove one first`;
  }

  set(scans: Scan[]): void {
    this.scans = scans.filter(isVolume).slice(0, MAX_COMPARE);
    this.renderControls();
    this.onChange(this.scans);
    void this.load();
  }

  /** the scan of `subject` with the same modality, purpose and time point as the first pane */
  private addSubjectAtTimePoint(subject: string): void {
    const ref = this.scans[0];
    if (!ref) return;
    const tp = timePoint(this.study, ref);
    const match = this.study.scans.find(
      (s) =>
        s.subject === subject &&
        s.modality === ref.modality &&
        s.purpose === ref.purpose &&
        timePoint(this.study, s) === tp &&
        (ref.purpose !== "dce" || s.id.split("-").pop() === ref.id.split("-").pop()),
    );
    if (match) this.toggle(match);
    else $("compare-count").textContent = `${subject} has no ${ref.modality} scan at ${tp}`;
  }

  private renderControls(): void {
    const n = this.scans.length;
    $("compare-count").textContent = n ? `${n} of ${MAX_COMPARE} scans` : "no scans picked";
    $("compare-hint").hidden = n > 0;
    const add = $<HTMLSelectElement>("compare-add");
    add.replaceChildren(new Option(n ? "…" : "(pick a scan first)", ""));
    add.disabled = n === 0 || n >= MAX_COMPARE;
    if (n) {
      const present = new Set(this.scans.map((s) => s.subject));
      for (const g of [...new Set(this.study.subjects.map((s) => s.group))]) {
        const og = document.createElement("optgroup");
        og.label = g;
        for (const s of this.study.subjects.filter((x) => x.group === g && !present.has(x.id)))
          og.append(new Option(s.id, s.id));
        if (og.children.length) add.append(og);
      }
    }
    const grid = $("compare-grid");
    grid.dataset.n = String(Math.max(1, n));
    // one pane per scan, NiiVue instances reused (WebGL contexts are scarce)
    while (this.panes.length < n) this.panes.push(this.createPane(this.panes.length));
    this.panes.forEach((p, i) => {
      p.root.hidden = i >= n;
    });
  }

  private createPane(index: number): Pane {
    const root = document.createElement("div");
    root.className = "compare-pane";
    root.dataset.pane = String(index);
    root.innerHTML =
      '<div class="pane-head"><strong class="pane-title"></strong> <span class="pane-sub muted"></span><button class="pane-remove" title="remove from the comparison">×</button></div>' +
      '<div class="pane-gl"><canvas></canvas></div><div class="pane-readout readout"></div>';
    $("compare-grid").append(root);
    const canvas = root.querySelector("canvas") as HTMLCanvasElement;
    const nv = new Niivue({
      backColor: [0, 0, 0, 1],
      isColorbar: false,
      show3Dcrosshair: false,
      crosshairWidth: 0.4,
      crosshairWidthUnit: "percent",
      crosshairColor: [0.3, 1, 0.3, 0.55],
      loadingText: "",
    });
    void nv.attachToCanvas(canvas);
    const pane: Pane = { root, canvas, nv, scan: null, factor: null, unit: "", maps: [] };
    nv.onLocationChange = (data: unknown) => this.linked(pane, data as NiiVueLocation);
    (root.querySelector(".pane-remove") as HTMLButtonElement).onclick = () => {
      if (pane.scan) this.toggle(pane.scan);
    };
    return pane;
  }

  /** one pane moved: every other pane's crosshair to the same world position */
  private linked(from: Pane, d: NiiVueLocation): void {
    if (this.syncing || !from.scan || !d?.mm) return;
    this.syncing = true;
    try {
      const mm = [d.mm[0], d.mm[1], d.mm[2]];
      for (const p of this.active()) {
        if (p !== from && p.nv.volumes[0]) {
          p.nv.scene.crosshairPos = p.nv.mm2frac(mm as unknown as Parameters<Niivue["mm2frac"]>[0]);
          p.nv.drawScene();
        }
        this.readout(p);
      }
      $("compare-grid").dataset.mm = mm.map((x) => x.toFixed(1)).join(",");
    } finally {
      this.syncing = false;
    }
  }

  private active(): Pane[] {
    return this.panes.filter((p, i) => i < this.scans.length && p.scan);
  }

  private readout(p: Pane): void {
    const v = p.nv.volumes[0];
    const el = p.root.querySelector(".pane-readout") as HTMLElement;
    if (!v) return;
    const mm = p.nv.frac2mm(p.nv.scene.crosshairPos);
    const vox = v.mm2vox([mm[0], mm[1], mm[2]]);
    const ijk = [0, 1, 2].map((a) => Math.round(vox[a]));
    const d = v.hdr?.dims ?? [];
    const inside = ijk.every((x, a) => x >= 0 && x < (d[a + 1] ?? 0));
    const raw = inside ? v.getValue(ijk[0], ijk[1], ijk[2], 0) : Number.NaN;
    const shown = p.factor !== null && this.scale?.unit === "%ID/cc" ? raw * p.factor : raw;
    const unit = this.scale?.unit ?? p.unit;
    el.textContent = `${inside ? `${fmtNum(shown)} ${unit}`.trim() : "outside"} · voxel ${ijk.join(", ")} · ${[0, 1, 2].map((a) => mm[a].toFixed(1)).join(", ")} mm`;
    p.root.dataset.mm = [0, 1, 2].map((a) => mm[a].toFixed(1)).join(",");
    p.root.dataset.voxel = ijk.join(",");
  }

  private applyView(): void {
    const v = $<HTMLSelectElement>("compare-view").value;
    for (const p of this.active()) {
      const t = {
        axial: p.nv.sliceTypeAxial,
        coronal: p.nv.sliceTypeCoronal,
        sagittal: p.nv.sliceTypeSagittal,
      }[v];
      if (t !== undefined) p.nv.setSliceType(t);
    }
  }

  /** load every pane's volume, then one colour scale */
  async load(): Promise<void> {
    const seq = ++this.seq;
    delete document.body.dataset.compareLoaded;
    const scans = [...this.scans];
    if (!scans.length) {
      $("compare-colorbar").replaceChildren();
      return;
    }
    // maps common to every scan can be compared too
    const mapLists = await Promise.all(scans.map((s) => api.maps(s.id).catch(() => [] as ScanMap[])));
    if (seq !== this.seq) return;
    const common = (mapLists[0] ?? []).filter(
      (m) =>
        m.unit !== "code" && m.unit !== "label" && mapLists.every((l) => l.some((x) => x.name === m.name)),
    );
    const layerSel = $<HTMLSelectElement>("compare-layer");
    const want = layerSel.value;
    layerSel.replaceChildren(new Option("image", "image"));
    for (const m of common)
      layerSel.add(new Option(m.unit && m.unit !== "1" ? `${m.name} (${m.unit})` : m.name, m.name));
    layerSel.value = common.some((m) => m.name === want) ? want : "image";
    const layer = layerSel.value;
    const scales = await Promise.all(
      scans.map((s) =>
        layer === "image"
          ? api.scale(s.id).catch((): ActivityScale => ({ scan: s.id, factor: null, reason: "unavailable" }))
          : Promise.resolve<ActivityScale>({ scan: s.id, factor: null, reason: "map" }),
      ),
    );
    const details = await Promise.all(
      scans.map((s) =>
        scanDetails(s.id)
          .then((d) => String(d.acquisition?.units ?? (s.modality === "MRI" ? "a.u." : "")))
          .catch(() => ""),
      ),
    );
    if (seq !== this.seq) return;
    await Promise.all(
      scans.map(async (scan, i) => {
        const p = this.panes[i];
        p.scan = scan;
        p.maps = mapLists[i];
        const sc = scales[i];
        p.factor = sc.factor;
        const map = mapLists[i].find((m) => m.name === layer);
        p.unit = map ? (map.unit === "1" ? "" : map.unit) : details[i];
        const file = map ? map.file : scan.files[0];
        const subj = this.study.subjects.find((s) => s.id === scan.subject);
        (p.root.querySelector(".pane-title") as HTMLElement).textContent =
          `${scan.subject} · ${timePoint(this.study, scan)}`;
        (p.root.querySelector(".pane-sub") as HTMLElement).textContent =
          `${subj?.group ?? ""} · ${scan.modality}${scan.purpose === "dce" ? ` ${scan.id.split("-").pop()}` : ""}`;
        p.root.dataset.scan = scan.id;
        const colormap = map ? "warm" : scan.modality === "MRI" || scan.modality === "CT" ? "gray" : "hot";
        await p.nv.loadVolumes([{ url: api.fileUrl(file), name: file.split("/").pop() as string, colormap }]);
      }),
    );
    if (seq !== this.seq) return;
    this.panes.forEach((p, i) => {
      if (i >= scans.length) p.scan = null;
    });
    const act = this.active();
    // the common colour scale: %ID/cc when every pane has a factor, else the shared unit
    const pct = layer === "image" && act.every((p) => p.factor !== null);
    const units = new Set(act.map((p) => p.unit));
    const colormap =
      layer !== "image" ? "warm" : scans[0].modality === "MRI" || scans[0].modality === "CT" ? "gray" : "hot";
    if (pct) {
      // up to the hottest voxel of all panes, so no organ saturates in any of them
      const top = (p: Pane) => {
        const v = p.nv.volumes[0];
        return Number.isFinite(v.global_max) ? (v.global_max as number) : (v.cal_max ?? 1);
      };
      const hi = Math.max(...act.map((p) => top(p) * (p.factor as number)));
      this.scale = { lo: 0, hi, unit: "%ID/cc", title: "decay-corrected activity", colormap };
    } else if (units.size === 1) {
      const lo = Math.min(...act.map((p) => p.nv.volumes[0].cal_min ?? 0));
      const hi = Math.max(...act.map((p) => p.nv.volumes[0].cal_max ?? 1));
      this.scale = { lo, hi, unit: [...units][0], title: layer === "image" ? "image" : layer, colormap };
    } else this.scale = null;
    this.applyScale();
    this.applyView();
    // start linked: every pane at the first pane's crosshair
    const first = act[0];
    if (first) {
      const mm = first.nv.frac2mm(first.nv.scene.crosshairPos);
      this.linked(first, { mm } as unknown as NiiVueLocation);
    }
    document.body.dataset.compareLoaded = scans.map((s) => s.id).join(",");
  }

  private applyScale(): void {
    const s = this.scale;
    const cb = $("compare-colorbar");
    const minI = $<HTMLInputElement>("compare-min");
    const maxI = $<HTMLInputElement>("compare-max");
    minI.disabled = maxI.disabled = !s;
    if (!s) {
      $("compare-unit").textContent = "different units: one scale per pane";
      cb.replaceChildren();
      return;
    }
    for (const p of this.active()) {
      const v = p.nv.volumes[0];
      const f = s.unit === "%ID/cc" && p.factor ? p.factor : 1;
      v.cal_min = s.lo / f;
      v.cal_max = s.hi / f;
      p.nv.updateGLVolume();
      this.readout(p);
    }
    minI.value = fmtNum(s.lo);
    maxI.value = fmtNum(s.hi);
    $("compare-unit").textContent = s.unit;
    const first = this.active()[0];
    drawColorbar(cb, first ? first.nv.colormap(s.colormap) : null, {
      title: s.unit === "%ID/cc" ? "decay-corrected activity, every pane" : `${s.title}, every pane`,
      unit: s.unit,
      min: s.lo,
      max: s.hi,
    });
    cb.dataset.range = `${fmtNum(s.lo)},${fmtNum(s.hi)}`;
  }

  /** panes were hidden (another tab): let NiiVue size the canvases again */
  resize(): void {
    for (const p of this.active()) p.nv.resizeListener();
  }
}
