/**
 * ROI tools: draw (filled or outline pen) and erase on the open scan with NiiVue's drawing
 * layer, undo, then save: the drawing (a NIfTI on the scan's grid) goes to POST
 * /api/scans/:id/rois, which writes a new label map referenced from study.json (used by the
 * next run) and answers the ROI's statistics, shown at once.
 */
import { api, type Scan, type StudyInfo } from "../api.js";
import { fmtNum } from "./colorbar.js";
import type { Viewer } from "./viewer.js";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

function base64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export class RoiTools {
  private scan: Scan | null = null;

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
      '<button id="roi-draw" aria-pressed="false">draw</button><button id="roi-erase" aria-pressed="false">erase</button>' +
      '<label><input id="roi-filled" type="checkbox" checked> filled</label>' +
      '<button id="roi-undo">undo</button><button id="roi-save">save ROI</button></div><div id="roi-result" class="muted">Open a scan to draw an ROI on it.</div>';
    const nv = this.viewer.nv;
    const mode = (pen: number | null) => {
      nv.setDrawingEnabled(pen !== null);
      if (pen !== null) nv.setPenValue(pen, $<HTMLInputElement>("roi-filled").checked);
      $("roi-draw").setAttribute("aria-pressed", String(pen === 1));
      $("roi-erase").setAttribute("aria-pressed", String(pen === 0));
      document.body.dataset.drawing = pen === null ? "off" : pen ? "draw" : "erase";
    };
    $("roi-draw").onclick = () => mode($("roi-draw").getAttribute("aria-pressed") === "true" ? null : 1);
    $("roi-erase").onclick = () => mode($("roi-erase").getAttribute("aria-pressed") === "true" ? null : 0);
    $("roi-undo").onclick = () => nv.drawUndo();
    $("roi-save").onclick = () => void this.save().finally(() => mode(null));
  }

  setScan(scan: Scan): void {
    this.scan = scan;
    this.viewer.nv.setDrawingEnabled(false);
    $("roi-result").textContent =
      `Draw on ${scan.id}, then save: the ROI joins the study's label map for the next run.`;
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
