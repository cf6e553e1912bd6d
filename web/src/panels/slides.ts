/**
 * Slide panel: whole-slide histology in OpenSeadragon (Deep Zoom tiles from GET /api/slides/…),
 * a slide picker grouped by subject · tumour with one entry per stain, the analysis overlay
 * (e.g. CD31 vessels: green counted, red below the minimum area) on/off with opacity, a scale
 * bar in µm (from the slide's µm/px and the current zoom), a cursor readout (px and µm) and the
 * tumour's histology numbers (MVD, hotspot MVD, vessel area, collagen fraction) from the results.
 * Opened from the navigator (a histology scan) — the panel is hidden until then.
 */
import OpenSeadragon from "openseadragon";
import { api, type ResultRow, type Slide, slidesApi } from "../api.js";
import { fmtNum } from "./colorbar.js";

const STAIN_NAMES: Record<string, string> = {
  CD31: "CD31 (H-DAB)",
  masson: "Masson trichrome",
};
const OVERLAY_NAMES: Record<string, string> = {
  vessels: "vessels (green counted, red < min area)",
  collagen: "collagen",
};
/** histology result rows shown next to the slide, in this order */
const NUMBERS: { parameter: string; label: string }[] = [
  { parameter: "vessels", label: "vessels" },
  { parameter: "MVD_per_mm2", label: "MVD" },
  { parameter: "hotspot_MVD_per_mm2", label: "hotspot MVD" },
  { parameter: "vessel_area_fraction", label: "vessel area" },
  { parameter: "collagen_fraction", label: "collagen fraction" },
];

const stainName = (s: Slide) => STAIN_NAMES[s.stain] ?? s.stain;
const unitText = (u: string) => (u === "1/mm2" ? "/mm²" : u === "mm2" ? "mm²" : u === "1" ? "" : u);

/** a round scale-bar length (1, 2, 5 × 10^k µm) close to `um` */
export function niceLength(um: number): number {
  const p = 10 ** Math.floor(Math.log10(um));
  const m = um / p;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

export class SlidePanel {
  private slides: Slide[] = [];
  private viewer: OpenSeadragon.Viewer | null = null;
  private overlay: OpenSeadragon.TiledImage | null = null;
  private current: Slide | null = null;
  private seq = 0;
  private readonly el: Record<string, HTMLElement> = {};

  constructor(private root: HTMLElement) {
    root.innerHTML =
      '<h2 id="slides-title">Slide</h2>' +
      '<div class="toolbar">' +
      '<label>slide <select id="slide-pick"></select></label>' +
      '<label title="the analysis overlay written by the histology run"><input id="slide-overlay-on" type="checkbox" checked /> overlay <select id="slide-overlay"></select></label>' +
      '<label>opacity <input id="slide-opacity" type="range" min="0" max="1" step="0.05" value="0.8" /></label>' +
      '<button id="slide-zoom-in" title="zoom in">+</button><button id="slide-zoom-out" title="zoom out">−</button>' +
      '<button id="slide-home" title="fit the whole section">fit</button>' +
      '<button id="slide-close" class="link">close</button>' +
      "</div>" +
      '<div class="slides-body"><div id="osd-wrap"><div id="osd"></div>' +
      '<div id="slide-scalebar" aria-label="scale bar"><i></i><span></span></div></div>' +
      '<aside id="slide-info"></aside></div>' +
      '<div id="slide-readout" class="sp-readout"></div>';
    for (const id of [
      "slides-title",
      "slide-pick",
      "slide-overlay-on",
      "slide-overlay",
      "slide-opacity",
      "slide-info",
      "slide-scalebar",
      "slide-readout",
      "osd",
    ])
      this.el[id] = root.querySelector(`#${id}`) as HTMLElement;
    (this.el["slide-pick"] as HTMLSelectElement).onchange = (e) =>
      void this.open((e.target as HTMLSelectElement).value);
    (this.el["slide-overlay"] as HTMLSelectElement).onchange = () => void this.loadOverlay();
    this.el["slide-overlay-on"].onchange = () => this.applyOverlayOpacity();
    this.el["slide-opacity"].oninput = () => this.applyOverlayOpacity();
    (root.querySelector("#slide-zoom-in") as HTMLElement).onclick = () => this.zoomBy(2);
    (root.querySelector("#slide-zoom-out") as HTMLElement).onclick = () => this.zoomBy(0.5);
    (root.querySelector("#slide-home") as HTMLElement).onclick = () => this.viewer?.viewport.goHome();
    (root.querySelector("#slide-close") as HTMLElement).onclick = () => {
      root.hidden = true;
    };
  }

  /** load the study's slide list (once); false when the study has none */
  async init(): Promise<boolean> {
    this.slides = await slidesApi.list().catch(() => []);
    const pick = this.el["slide-pick"] as HTMLSelectElement;
    pick.replaceChildren();
    const groups = new Map<string, Slide[]>();
    for (const s of this.slides) {
      const g = `${s.subject} · ${s.sample ?? "section"}`;
      groups.set(g, [...(groups.get(g) ?? []), s]);
    }
    for (const [g, list] of groups) {
      const og = document.createElement("optgroup");
      og.label = g;
      for (const s of list.sort((a, b) => stainName(a).localeCompare(stainName(b))))
        og.append(new Option(`${s.subject} · ${s.sample ?? ""} · ${stainName(s)}`, s.id));
      pick.append(og);
    }
    return this.slides.length > 0;
  }

  has(id: string): boolean {
    return this.slides.some((s) => s.id === id);
  }

  /** slides of a subject (the navigator's selection) */
  forSubject(subject: string): Slide[] {
    return this.slides.filter((s) => s.subject === subject);
  }

  private ensureViewer(): OpenSeadragon.Viewer {
    if (this.viewer) return this.viewer;
    const v = OpenSeadragon({
      element: this.el.osd,
      drawer: "canvas",
      showNavigationControl: false,
      showNavigator: true,
      navigatorPosition: "TOP_RIGHT",
      navigatorSizeRatio: 0.18,
      crossOriginPolicy: false,
      maxZoomPixelRatio: 4,
      visibilityRatio: 0.5,
      animationTime: 0.4,
      blendTime: 0,
      gestureSettingsMouse: { clickToZoom: false },
    });
    v.addHandler("animation", () => this.updateScaleBar());
    v.addHandler("open", () => this.updateScaleBar());
    v.addHandler("resize", () => this.updateScaleBar());
    this.el.osd.addEventListener("mousemove", (e) => this.readout(e));
    this.viewer = v;
    return v;
  }

  /** the navigator selected a subject: show its first slide, or hide the panel when it has none */
  showSubject(subject: string): void {
    const mine = this.forSubject(subject);
    if (!mine.length) {
      this.root.hidden = true;
      return;
    }
    if (this.current?.subject !== subject || this.root.hidden) void this.open(mine[0].id);
  }

  /** show slide `id` (opens the panel; `scroll` brings it into view) */
  async open(id: string, o: { scroll?: boolean } = {}): Promise<void> {
    const s = this.slides.find((x) => x.id === id);
    if (!s) return;
    if (this.current?.id === id && !this.root.hidden) {
      if (o.scroll) this.root.scrollIntoView({ block: "start", behavior: "smooth" });
      return;
    }
    const seq = ++this.seq;
    this.root.hidden = false;
    this.current = s;
    this.overlay = null;
    delete document.body.dataset.slideLoaded;
    delete document.body.dataset.slideOverlay;
    (this.el["slide-pick"] as HTMLSelectElement).value = id;
    const mm = s.um_per_px
      ? ` · ${fmtNum((s.width * s.um_per_px) / 1000)} × ${fmtNum((s.height * s.um_per_px) / 1000)} mm`
      : "";
    this.el["slides-title"].textContent = `Slide · ${s.subject} · ${s.sample ?? ""} · ${stainName(s)}${mm}`;
    const osel = this.el["slide-overlay"] as HTMLSelectElement;
    osel.replaceChildren(...s.overlays.map((o) => new Option(OVERLAY_NAMES[o.name] ?? o.name, o.name)));
    osel.disabled = s.overlays.length === 0;
    if (!s.overlays.length) osel.append(new Option("none written for this slide", ""));
    (this.el["slide-overlay-on"] as HTMLInputElement).disabled = s.overlays.length === 0;
    (this.el["slide-opacity"] as HTMLInputElement).disabled = s.overlays.length === 0;
    const v = this.ensureViewer();
    v.open({ tileSource: slidesApi.dzi(s.id) });
    v.addOnceHandler("open", () => {
      if (seq !== this.seq) return;
      const item = v.world.getItemAt(0);
      item?.whenFullyLoaded(() => {
        if (seq === this.seq) document.body.dataset.slideLoaded = s.id;
      });
      void this.loadOverlay();
    });
    void this.showNumbers(s, seq);
    if (o.scroll) this.root.scrollIntoView({ block: "start", behavior: "smooth" });
  }

  private async loadOverlay(): Promise<void> {
    const v = this.viewer;
    const s = this.current;
    if (!v || !s) return;
    if (this.overlay) {
      v.world.removeItem(this.overlay);
      this.overlay = null;
    }
    const name = (this.el["slide-overlay"] as HTMLSelectElement).value;
    if (!name) {
      document.body.dataset.slideOverlay = "none";
      return;
    }
    const seq = this.seq;
    v.addTiledImage({
      tileSource: slidesApi.overlayDzi(s.id, name),
      x: 0,
      y: 0,
      width: 1,
      opacity: this.overlayOpacity(),
      success: (e) => {
        const item = (e as unknown as { item: OpenSeadragon.TiledImage }).item;
        if (seq !== this.seq) {
          v.world.removeItem(item);
          return;
        }
        this.overlay = item;
        item.whenFullyLoaded(() => {
          if (seq === this.seq)
            document.body.dataset.slideOverlay = `${name}:${this.overlayOpacity() > 0 ? "on" : "off"}`;
        });
      },
    });
  }

  private overlayOpacity(): number {
    const on = (this.el["slide-overlay-on"] as HTMLInputElement).checked;
    return on ? Number((this.el["slide-opacity"] as HTMLInputElement).value) : 0;
  }

  private applyOverlayOpacity(): void {
    if (!this.overlay) return;
    this.overlay.setOpacity(this.overlayOpacity());
    const name = (this.el["slide-overlay"] as HTMLSelectElement).value;
    document.body.dataset.slideOverlay = `${name}:${this.overlayOpacity() > 0 ? "on" : "off"}`;
  }

  private zoomBy(f: number): void {
    this.viewer?.viewport.zoomBy(f);
    this.viewer?.viewport.applyConstraints();
  }

  /** screen pixels per full-resolution image pixel at the current zoom */
  private imageZoom(): number | null {
    const v = this.viewer;
    const item = v?.world.getItemAt(0);
    if (!v || !item) return null;
    return item.viewportToImageZoom(v.viewport.getZoom(true));
  }

  private updateScaleBar(): void {
    const bar = this.el["slide-scalebar"];
    const um = this.current?.um_per_px;
    const z = this.imageZoom();
    if (!um || !z) {
      bar.hidden = true;
      return;
    }
    bar.hidden = false;
    const umPerScreenPx = um / z;
    const len = niceLength(120 * umPerScreenPx);
    (bar.querySelector("i") as HTMLElement).style.width = `${Math.round(len / umPerScreenPx)}px`;
    (bar.querySelector("span") as HTMLElement).textContent =
      len >= 1000 ? `${fmtNum(len / 1000)} mm` : `${fmtNum(len)} µm`;
    bar.dataset.um = String(len);
  }

  private readout(e: MouseEvent): void {
    const v = this.viewer;
    const item = v?.world.getItemAt(0);
    const s = this.current;
    if (!v || !item || !s) return;
    const r = this.el.osd.getBoundingClientRect();
    const vp = v.viewport.pointFromPixel(new OpenSeadragon.Point(e.clientX - r.left, e.clientY - r.top));
    const p = item.viewportToImageCoordinates(vp);
    if (p.x < 0 || p.y < 0 || p.x >= s.width || p.y >= s.height) {
      this.el["slide-readout"].textContent = "";
      return;
    }
    const um = s.um_per_px;
    this.el["slide-readout"].textContent =
      `x ${Math.floor(p.x)}, y ${Math.floor(p.y)} px` +
      (um ? ` · ${fmtNum(p.x * um)}, ${fmtNum(p.y * um)} µm` : "") +
      ` · ${fmtNum(this.imageZoom() ?? 0)}× zoom`;
  }

  /** the tumour's histology numbers from the stored results */
  private async showNumbers(s: Slide, seq: number): Promise<void> {
    const info = this.el["slide-info"];
    const meta = document.createElement("p");
    meta.className = "muted";
    meta.textContent = `${s.width} × ${s.height} px${s.um_per_px ? ` at ${s.um_per_px} µm/px` : " (pixel size unknown)"} · ${s.file}`;
    info.replaceChildren(meta);
    let rows: ResultRow[] = [];
    try {
      rows = await api.results({ analysis: "histology", subject: s.subject });
    } catch {
      // no results yet
    }
    if (seq !== this.seq) return;
    const mine = rows.filter((r) => r.roi === s.sample);
    const h = document.createElement("h3");
    h.textContent = `Histology · ${s.subject} · ${s.sample ?? ""}`;
    if (!mine.length) {
      const p = document.createElement("p");
      p.className = "muted";
      p.textContent = "No histology results yet: run the analyses.";
      info.append(h, p);
      return;
    }
    const table = document.createElement("table");
    table.id = "slide-numbers";
    for (const n of NUMBERS) {
      const r = mine.find((x) => x.parameter === n.parameter);
      if (!r) continue;
      const tr = document.createElement("tr");
      tr.dataset.parameter = n.parameter;
      const v = r.value;
      const text =
        v === null ? "–" : r.unit === "1" && n.parameter !== "vessels" ? `${fmtNum(100 * v)} %` : fmtNum(v);
      tr.innerHTML = '<th></th><td class="num"></td><td></td>';
      tr.children[0].textContent = n.label;
      tr.children[1].textContent = text;
      tr.children[2].textContent = r.unit === "1" ? "" : unitText(r.unit);
      table.append(tr);
    }
    info.append(h, table);
  }
}
