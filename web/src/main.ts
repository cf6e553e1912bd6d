/** eprscope workspace: study overview, image viewer with curves, plots, analysis runs. */
import { api, type Scan } from "./api.js";
import { biodistPlot, curvePlot } from "./plots.js";
import { Viewer } from "./viewer.js";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

async function main(): Promise<void> {
  const study = await api.study();
  $("title").textContent = study.title;
  const tbody = $("subjects").querySelector("tbody") as HTMLTableSectionElement;
  for (const s of study.subjects) {
    const tr = document.createElement("tr");
    for (const [cls, v] of [
      ["subject", s.id],
      ["", s.group],
      ["", s.species],
      ["", s.bodyWeight],
    ]) {
      const td = document.createElement("td");
      if (cls) td.className = cls;
      td.textContent = v;
      tr.append(td);
    }
    tbody.append(tr);
  }
  const viewer = new Viewer($("gl") as unknown as HTMLCanvasElement);
  viewer.onVoxel = async (scan: Scan, ijk) => {
    try {
      const c = await api.curve(scan.id, ...ijk);
      $("curve").replaceChildren(curvePlot(c));
      document.body.dataset.curve = `${scan.id}:${ijk.join(",")}`;
    } catch (e) {
      $("curve").textContent = String(e);
    }
  };
  const list = $("scan-list");
  for (const sc of study.scans) {
    const li = document.createElement("li");
    const b = document.createElement("button");
    b.textContent = `${sc.id} (${sc.modality}${sc.purpose ? `, ${sc.purpose}` : ""})`;
    b.dataset.scan = sc.id;
    b.onclick = () => {
      $("viewer-title").textContent = sc.id;
      void viewer.show(sc);
    };
    li.append(b);
    list.append(li);
  }
  const bio = await api.results({ analysis: "group-summary", parameter: "biodistribution:pctIDperG.mean" });
  if (bio.length) $("biodist").replaceChildren(biodistPlot(bio.filter((r) => r.roi !== "blood")));
  $("run-button").onclick = async () => {
    const bar = $<HTMLProgressElement>("run-progress");
    bar.value = 0;
    await api.run();
    const es = api.events();
    es.onmessage = (m) => {
      const e = JSON.parse(m.data);
      if (e.type === "done" || e.type === "skip" || e.type === "fail")
        bar.value = Math.round((100 * (e.index + 1)) / e.total);
      if (e.type === "finished" || e.type === "idle") {
        bar.value = 100;
        $("run-status").textContent = "done";
        es.close();
      }
    };
  };
  document.body.dataset.ready = "1";
}

main().catch((e) => {
  document.body.textContent = `eprscope: ${e}`;
});
