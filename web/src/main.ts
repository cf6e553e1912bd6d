/**
 * eprscope workspace: study navigator, viewer workspace, analysis panel, run panel and
 * dashboard, each a module in panels/ talking to the typed API client (api.ts).
 */
import { api, scanDetails } from "./api.js";
import { AnalysisPanel } from "./panels/analysis.js";
import { loadDashboard } from "./panels/dashboard.js";
import { Navigator } from "./panels/navigator.js";
import { RoiTools } from "./panels/roi.js";
import { RunPanel } from "./panels/run.js";
import { Viewer } from "./panels/viewer.js";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

function firstRunHint(): void {
  const hint = $("hint");
  const KEY = "eprscope.hint.dismissed";
  hint.hidden = localStorage.getItem(KEY) === "1";
  $("hint-close").onclick = () => {
    hint.hidden = true;
    localStorage.setItem(KEY, "1");
  };
  $("hint-show").onclick = () => {
    hint.hidden = false;
  };
}

async function main(): Promise<void> {
  firstRunHint();
  const study = await api.study();
  $("title").textContent = study.title;
  const viewer = new Viewer($("gl") as unknown as HTMLCanvasElement);
  const analysis = new AnalysisPanel(study.rois);
  const rois = new RoiTools(viewer, study, async (scan) => {
    await analysis.setScan(scan);
  });
  viewer.onVoxel = (scan, ijk) => void analysis.voxel(scan, ijk);
  new Navigator($("navigator"), study, {
    onSubject: (s) => {
      document.body.dataset.subject = s.id;
    },
    onScan: async (scan) => {
      $("viewer-title").textContent =
        `${scan.id} (${scan.modality}${scan.purpose ? `, ${scan.purpose}` : ""})`;
      const [maps, details] = await Promise.all([api.maps(scan.id).catch(() => []), scanDetails(scan.id)]);
      void analysis.setScan(scan);
      await viewer.show(scan, maps, study.rois, details);
      rois.setScan(scan);
    },
  });
  new RunPanel(() => loadDashboard(study));
  await loadDashboard(study);
  document.body.dataset.ready = "1";
}

main().catch((e) => {
  document.body.textContent = `eprscope: ${e}`;
});
