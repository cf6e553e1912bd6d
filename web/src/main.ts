/**
 * eprscope workspace: study navigator, viewer workspace, analysis panel, run panel and
 * dashboard, each a module in panels/ talking to the typed API client (api.ts). The viewer
 * workspace has three modes (tabs): the viewer, the fusion view (functional over anatomy) and
 * the side-by-side comparison; the analysis panel ends with the subject's blood PK and the
 * study's analysis settings.
 */
import { api, scanDetails } from "./api.js";
import { AnalysisPanel } from "./panels/analysis.js";
import { ComparePanel } from "./panels/compare.js";
import { loadDashboard } from "./panels/dashboard.js";
import { FusionPanel } from "./panels/fusion.js";
import { Navigator } from "./panels/navigator.js";
import { RoiTools } from "./panels/roi.js";
import { RunPanel } from "./panels/run.js";
import { SettingsPanel } from "./panels/settings.js";
import { SlidePanel } from "./panels/slides.js";
import { ThermoPanel } from "./panels/thermo.js";
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

type Mode = "viewer" | "fusion" | "compare";

/** the viewer section's modes: its existing content becomes the "viewer" tab; fusion and compare join it */
function workspaceModes(): {
  show(m: Mode): void;
  tab(m: Mode): HTMLButtonElement;
  body(m: Mode): HTMLElement;
} {
  const section = $("viewer");
  const title = $("viewer-title");
  const tabs = document.createElement("div");
  tabs.id = "mode-tabs";
  tabs.setAttribute("role", "tablist");
  const bodies = {} as Record<Mode, HTMLElement>;
  const buttons = {} as Record<Mode, HTMLButtonElement>;
  const viewerBody = document.createElement("div");
  viewerBody.id = "mode-viewer";
  viewerBody.append(...[...section.children].filter((c) => c !== title));
  bodies.viewer = viewerBody;
  for (const m of ["fusion", "compare"] as const) {
    bodies[m] = document.createElement("div");
    bodies[m].id = `mode-${m}`;
    bodies[m].hidden = true;
  }
  const labels: Record<Mode, string> = { viewer: "Viewer", fusion: "Fusion", compare: "Compare" };
  const show = (m: Mode) => {
    for (const k of Object.keys(bodies) as Mode[]) {
      bodies[k].hidden = k !== m;
      buttons[k].setAttribute("aria-selected", String(k === m));
    }
    document.body.dataset.mode = m;
  };
  for (const m of Object.keys(labels) as Mode[]) {
    const b = document.createElement("button");
    b.id = `tab-${m}`;
    b.setAttribute("role", "tab");
    b.textContent = labels[m];
    b.onclick = () => show(m);
    buttons[m] = b;
    tabs.append(b);
  }
  const reason = document.createElement("span");
  reason.id = "mode-note";
  reason.className = "muted";
  tabs.append(reason);
  title.after(tabs);
  tabs.after(bodies.viewer, bodies.fusion, bodies.compare);
  show("viewer");
  return { show, tab: (m) => buttons[m], body: (m) => bodies[m] };
}

async function main(): Promise<void> {
  firstRunHint();
  const study = await api.study();
  $("title").textContent = study.title;
  const modes = workspaceModes();
  const viewer = new Viewer($("gl") as unknown as HTMLCanvasElement);
  const analysis = new AnalysisPanel(study.rois);
  const rois = new RoiTools(viewer, study, async (scan) => {
    await analysis.setScan(scan, await scanDetails(scan.id).catch(() => ({})));
  });
  viewer.onVoxel = (scan, ijk) => {
    void analysis.voxel(scan, ijk);
    rois.setSeed(ijk);
  };
  // analysis panel: the subject's blood PK, then the study's analysis settings
  const pk = document.createElement("div");
  pk.id = "blood-pk";
  const settingsRoot = document.createElement("details");
  settingsRoot.id = "settings-panel";
  $("analysis").append(pk, settingsRoot);
  const settings = new SettingsPanel(settingsRoot);
  void settings.load();
  // fusion (functional over anatomy) and side-by-side comparison
  const fusion = new FusionPanel(modes.body("fusion"));
  fusion.onAvailability = (ok, why) => {
    modes.tab("fusion").disabled = !ok;
    modes.tab("fusion").title = ok ? "functional image over the anatomy of the same session" : why;
    $("mode-note").textContent = ok ? "" : `Fusion unavailable — ${why}`;
    if (!ok && document.body.dataset.mode === "fusion") modes.show("viewer");
  };
  modes.tab("fusion").disabled = true;
  modes.tab("fusion").title = "open a scan first";
  modes.tab("fusion").addEventListener("click", () => void fusion.show());
  for (const m of ["viewer", "compare"] as const) modes.tab(m).addEventListener("click", () => fusion.hide());
  const compare = new ComparePanel(modes.body("compare"), study);
  modes.tab("compare").addEventListener("click", () => compare.resize());
  const slides = new SlidePanel($("slides"));
  const slidesReady = slides.init();
  const thermo = new ThermoPanel($("thermo"), study);
  const nav = new Navigator($("navigator"), study, {
    onCompare: (scan) => {
      compare.toggle(scan);
      if (compare.scans.length === 2 && compare.has(scan.id)) modes.show("compare");
    },
    onCompareGroup: (scans) => {
      compare.set(scans);
      modes.show("compare");
      fusion.hide();
    },
    isCompared: (id) => compare.has(id),
    onSubject: (s) => {
      document.body.dataset.subject = s.id;
      void analysis.setSubject(s.id);
      // the subject's slides and thermometry follow the selection (hidden when it has none)
      void slidesReady.then(() => slides.showSubject(s.id));
      thermo.showSubject(s.id);
    },
    onScan: async (scan) => {
      if (scan.purpose === "histology" || scan.modality === "microscopy") {
        await slidesReady;
        if (slides.has(scan.id)) return slides.open(scan.id, { scroll: true });
      }
      const prf = thermo.prfScanOf(scan);
      if (prf) void thermo.open(prf);
      $("viewer-title").textContent =
        `${scan.id} (${scan.modality}${scan.purpose ? `, ${scan.purpose}` : ""})`;
      const [maps, details] = await Promise.all([api.maps(scan.id).catch(() => []), scanDetails(scan.id)]);
      void analysis.setScan(scan, details);
      void fusion.setScan(scan, maps, details);
      if (document.body.dataset.mode === "compare") modes.show("viewer");
      await viewer.show(scan, maps, study.rois, details);
      rois.setScan(scan, details);
    },
  });
  compare.onChange = () => nav.render();
  new RunPanel(async () => {
    await loadDashboard(study);
    // the stored results changed: the open scan's statistics, the subject's PK, the settings
    const open = study.scans.find((x) => x.id === document.body.dataset.viewerLoaded);
    if (open) await analysis.setScan(open, await scanDetails(open.id).catch(() => ({})));
    if (document.body.dataset.subject) await analysis.setSubject(document.body.dataset.subject);
    await settings.load();
  });
  await loadDashboard(study);
  document.body.dataset.ready = "1";
}

main().catch((e) => {
  document.body.textContent = `eprscope: ${e}`;
});
