/**
 * Study navigator: subjects (id, group, number of scans) with a filter; clicking a subject
 * selects it and lists its scans grouped by modality/purpose, then by time point relative to
 * the subject's first administration ("4 h p.i.", "−1 d"); clicking a scan opens it. Volume
 * scans carry a ⊕ button that adds them to the side-by-side comparison (marked while compared),
 * and a group of two or more volumes a "compare all" button (its first four scans).
 */
import type { Scan, StudyInfo, Subject } from "../api.js";

export interface NavigatorEvents {
  onSubject(subject: Subject): void;
  onScan(scan: Scan): void;
  /** ⊕: add the scan to (or remove it from) the side-by-side comparison */
  onCompare?(scan: Scan): void;
  /** "compare all": compare these scans side by side */
  onCompareGroup?(scans: Scan[]): void;
  /** whether a scan is in the comparison (its ⊕ is marked) */
  isCompared?(id: string): boolean;
}

const isVolume = (s: Scan) => /\.nii(\.gz)?$/i.test(s.files[0]);

/** time of a scan relative to the subject's first administration, as a short label */
export function timePoint(study: StudyInfo, scan: Scan): string {
  const admin = study.administrations
    .filter((a) => a.subject === scan.subject)
    .sort((a, b) => Date.parse(a.time) - Date.parse(b.time))[0];
  if (!admin) return scan.time.slice(0, 16).replace("T", " ");
  const h = (Date.parse(scan.time) - Date.parse(admin.time)) / 3.6e6;
  const sign = h < 0 ? "−" : "";
  const a = Math.abs(h);
  if (a < 72) return `${sign}${Number(a.toFixed(1))} h${h >= 0 ? " p.i." : ""}`;
  return `${sign}${Number((a / 24).toFixed(1))} d${h >= 0 ? " p.i." : ""}`;
}

const groupName = (s: Scan) => `${s.modality}${s.purpose ? ` · ${s.purpose}` : ""}`;

export class Navigator {
  private selected: string | null = null;
  private filter = "";

  constructor(
    private root: HTMLElement,
    private study: StudyInfo,
    private ev: NavigatorEvents,
  ) {
    root.innerHTML =
      '<h2>Study</h2><input id="nav-filter" type="search" placeholder="filter: subject, group, modality, time…" aria-label="filter subjects and scans">' +
      '<table id="subjects"><thead><tr><th>subject</th><th>group</th><th>scans</th></tr></thead><tbody></tbody></table>' +
      '<div id="scan-tree"><p class="muted">Select a subject to see its scans.</p></div>';
    const input = root.querySelector("#nav-filter") as HTMLInputElement;
    input.oninput = () => {
      this.filter = input.value.trim().toLowerCase();
      this.render();
    };
    this.render();
  }

  private matches(...texts: string[]): boolean {
    return !this.filter || texts.some((t) => t.toLowerCase().includes(this.filter));
  }

  private scanText(s: Scan): string[] {
    return [s.id, s.modality, s.purpose ?? "", timePoint(this.study, s)];
  }

  render(): void {
    const tbody = this.root.querySelector("#subjects tbody") as HTMLTableSectionElement;
    tbody.replaceChildren();
    for (const s of this.study.subjects) {
      const scans = this.study.scans.filter((x) => x.subject === s.id);
      const hit =
        this.matches(s.id, s.group, s.species) || scans.some((x) => this.matches(...this.scanText(x)));
      if (!hit) continue;
      const tr = document.createElement("tr");
      tr.dataset.subject = s.id;
      tr.tabIndex = 0;
      if (s.id === this.selected) tr.className = "selected";
      tr.innerHTML = `<td class="subject"></td><td></td><td class="num"></td>`;
      const [a, b, c] = tr.children;
      a.textContent = s.id;
      b.textContent = s.group;
      c.textContent = String(scans.length);
      tr.onclick = () => this.select(s.id);
      tr.onkeydown = (e) => {
        if (e.key === "Enter") this.select(s.id);
      };
      tbody.append(tr);
    }
    this.renderScans();
  }

  select(id: string): void {
    this.selected = id;
    const s = this.study.subjects.find((x) => x.id === id);
    this.render();
    if (s) this.ev.onSubject(s);
  }

  private renderScans(): void {
    const tree = this.root.querySelector("#scan-tree") as HTMLElement;
    const subj = this.study.subjects.find((x) => x.id === this.selected);
    if (!subj) return;
    tree.replaceChildren();
    const h = document.createElement("h3");
    h.textContent = `${subj.id} · ${subj.group} · ${subj.species}, ${subj.bodyWeight}`;
    tree.append(h);
    const scans = this.study.scans
      .filter((x) => x.subject === subj.id)
      .filter((x) => this.matches(subj.id, subj.group) || this.matches(...this.scanText(x)))
      .sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
    const groups = new Map<string, Scan[]>();
    for (const s of scans) groups.set(groupName(s), [...(groups.get(groupName(s)) ?? []), s]);
    for (const [name, list] of groups) {
      const d = document.createElement("details");
      d.open = true;
      d.className = "scan-group";
      d.dataset.group = name;
      const sum = document.createElement("summary");
      sum.textContent = `${name} (${list.length})`;
      d.append(sum);
      const ul = document.createElement("ul");
      for (const sc of list) {
        const li = document.createElement("li");
        const b = document.createElement("button");
        b.dataset.scan = sc.id;
        const extra = sc.purpose === "dce" ? ` ${sc.id.split("-").pop()}` : "";
        b.textContent = `${timePoint(this.study, sc)}${extra}`;
        b.title = sc.id;
        b.onclick = () => {
          for (const x of this.root.querySelectorAll("button[data-scan].active"))
            x.classList.remove("active");
          b.classList.add("active");
          this.ev.onScan(sc);
        };
        li.append(b);
        if (this.ev.onCompare && isVolume(sc)) {
          const c = document.createElement("button");
          c.className = "compare-add";
          c.dataset.compareScan = sc.id;
          const on = this.ev.isCompared?.(sc.id) ?? false;
          c.setAttribute("aria-pressed", String(on));
          c.textContent = on ? "✓" : "⊕";
          c.title = on ? `remove ${sc.id} from the comparison` : `compare ${sc.id} side by side (up to 4)`;
          c.onclick = () => this.ev.onCompare?.(sc);
          li.append(c);
        }
        ul.append(li);
      }
      const volumes = list.filter(isVolume);
      if (this.ev.onCompareGroup && volumes.length >= 2) {
        const li = document.createElement("li");
        const c = document.createElement("button");
        c.className = "compare-group";
        c.dataset.compareGroup = name;
        c.textContent = "⇆ compare";
        c.title = `${subj.id}: ${name} side by side (${Math.min(4, volumes.length)} scans, linked crosshair, one colour scale)`;
        c.onclick = () => this.ev.onCompareGroup?.(volumes.slice(0, 4));
        li.append(c);
        ul.append(li);
      }
      d.append(ul);
      tree.append(d);
    }
    if (!scans.length)
      tree.insertAdjacentHTML("beforeend", '<p class="muted">No scans match the filter.</p>');
  }
}
