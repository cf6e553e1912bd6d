/**
 * Analysis settings form (analysis panel): the study's settings from GET /api/settings — DCE
 * model, AIF and hematocrit of every DCE scan, the blood-PK route and AUC method — as a form
 * built from the settings' zod schema (sent as JSON Schema: enums → choices, numbers with their
 * bounds, descriptions as help). "save settings" PUTs the values; the server validates them with
 * the same schema and writes study.json atomically; its message is shown when a value is
 * refused (study.json is then left as it was). The next run uses the saved settings.
 */
import { api, type SchemaNode, type SettingsValues, type SettingsView } from "../api.js";
import { DCE_MODEL_NAMES } from "./analysis.js";

/** readable names of enum values (the value itself is what is saved) */
const NAMES: Record<string, Record<string, string>> = {
  "dce.model": DCE_MODEL_NAMES,
  "blood-pk.route": { "iv-bolus": "IV bolus", "iv-infusion": "IV infusion", ev: "extravascular" },
  "blood-pk.auc": { linlog: "linear-up/log-down", linear: "linear" },
};

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

export class SettingsPanel {
  private view: SettingsView | null = null;
  /** called after a successful save (e.g. to refresh what depends on the settings) */
  onSaved: () => void = () => {};

  constructor(root: HTMLElement) {
    root.innerHTML =
      '<summary>Analysis settings <span class="muted">(study.json)</span></summary>' +
      '<form id="settings-form" novalidate></form>' +
      '<div class="toolbar"><button id="settings-save" type="button">save settings</button>' +
      '<button id="settings-reset" type="button">reset</button></div>' +
      '<p id="settings-error" class="warn" hidden></p><p id="settings-status" class="muted"></p>';
    $("settings-save").onclick = () => void this.save();
    $("settings-reset").onclick = () => void this.load();
  }

  async load(): Promise<void> {
    try {
      this.view = await api.settings();
    } catch (e) {
      $("settings-error").hidden = false;
      $("settings-error").textContent = String(e);
      return;
    }
    this.render();
  }

  private render(): void {
    const v = this.view;
    const form = $("settings-form");
    form.replaceChildren();
    if (!v) return;
    for (const [section, node] of Object.entries(v.schema.properties ?? {})) {
      const values = v.values[section];
      if (!values) continue; // e.g. no DCE scans in the study
      const fs = document.createElement("fieldset");
      fs.dataset.section = section;
      const legend = document.createElement("legend");
      legend.textContent = node.title ?? section;
      fs.append(legend);
      for (const [key, field] of Object.entries(node.properties ?? {}))
        fs.append(this.field(section, key, field, values[key]));
      if (v.where[section]) {
        const w = document.createElement("p");
        w.className = "muted where";
        w.textContent = `stored in ${v.where[section]}`;
        fs.append(w);
      }
      form.append(fs);
    }
    $("settings-error").hidden = true;
    document.body.dataset.settings = JSON.stringify(v.values);
  }

  private field(
    section: string,
    key: string,
    f: SchemaNode,
    value: string | number | undefined,
  ): HTMLElement {
    const id = `set-${section}-${key}`;
    const label = document.createElement("label");
    label.className = "setting";
    label.title = f.description ?? "";
    const name = document.createElement("span");
    name.textContent = f.title ?? key;
    let input: HTMLInputElement | HTMLSelectElement;
    const choices = this.view?.choices[`${section}.${key}`];
    if (f.enum) {
      const s = document.createElement("select");
      const names = NAMES[`${section}.${key}`] ?? {};
      for (const o of f.enum) s.add(new Option(names[o] ? `${o} — ${names[o]}` : o, o));
      input = s;
    } else if (f.type === "number") {
      const n = document.createElement("input");
      n.type = "number";
      n.step = "any";
      if (f.minimum !== undefined) n.min = String(f.minimum);
      if (f.maximum !== undefined) n.max = String(f.maximum);
      input = n;
    } else {
      const t = document.createElement("input");
      t.type = "text";
      t.size = 22;
      if (choices?.length) {
        const dl = document.createElement("datalist");
        dl.id = `${id}-choices`;
        for (const c of choices) dl.append(new Option(c, c));
        t.setAttribute("list", dl.id);
        label.append(dl);
      }
      input = t;
    }
    input.id = id;
    input.name = `${section}.${key}`;
    input.dataset.type = f.type ?? "string";
    input.value = value === undefined ? "" : String(value);
    label.append(name, input);
    const mixed = this.view?.mixed[`${section}.${key}`];
    if (mixed) {
      const m = document.createElement("span");
      m.className = "warn mixed";
      m.textContent = ` differs between scans (${Object.entries(mixed)
        .map(([k, n]) => `${k} ×${n}`)
        .join(", ")}): saving sets all`;
      label.append(m);
    }
    if (f.description) {
      const d = document.createElement("small");
      d.className = "muted";
      d.textContent = f.description;
      label.append(d);
    }
    return label;
  }

  private values(): SettingsValues {
    const out: SettingsValues = {};
    for (const el of $("settings-form").querySelectorAll<HTMLInputElement | HTMLSelectElement>("[name]")) {
      const [section, key] = el.name.split(".");
      const raw = el.value.trim();
      if (raw === "") continue;
      out[section] ??= {};
      // numbers go as numbers (a non-number stays text so the schema names the problem)
      out[section][key] = el.dataset.type === "number" && Number.isFinite(Number(raw)) ? Number(raw) : raw;
    }
    return out;
  }

  async save(): Promise<void> {
    const err = $("settings-error");
    const status = $("settings-status");
    err.hidden = true;
    status.textContent = "saving…";
    delete document.body.dataset.settingsSaved;
    try {
      const r = await api.saveSettings(this.values());
      this.view = r.settings;
      this.render();
      status.textContent = r.changes.length
        ? `saved: ${r.changes
            .map(
              (c) =>
                `${c.field} ${String(c.from ?? "–")} → ${String(c.to)}${c.scans ? ` (${c.scans} scans)` : ""}`,
            )
            .join("; ")}. The next run uses them.`
        : "nothing changed.";
      document.body.dataset.settingsSaved = String(Date.now());
      this.onSaved();
    } catch (e) {
      status.textContent = "";
      err.hidden = false;
      err.textContent = `not saved — ${String(e).replace(/^Error: \/api\/settings: \d+ /, "")}`;
      document.body.dataset.settingsError = String(Date.now());
    }
  }
}
