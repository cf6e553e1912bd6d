/**
 * End-to-end in real headless Chromium (Debian's chromium via playwright-core) over the demo
 * study: the workstation features of issue #19 —
 *  - threshold grow: click the hottest voxel of a SPECT slice as the seed, grow ≥ 40 % of it,
 *    the preview appears in the drawing layer with its statistics (voxels, mm³, mean ± SD,
 *    %ID/cc) at once, saved as an ROI: a new label file referenced from study.json;
 *  - scribble segmentation: object strokes on the hot spot, background strokes around it, the
 *    random-walker region previewed with its statistics (saving refused while background strokes
 *    are in the drawing);
 *  - side by side: a subject's four SPECT time points in linked viewers on one %ID/cc scale
 *    (a click and a scroll move every pane), then two subjects at one time point;
 *  - fusion: SPECT over the CT of the same session, opacity changes the pixels; a scan without
 *    anatomy disables the fusion tab with the reason;
 *  - analysis settings: an invalid hematocrit shows the zod message and leaves study.json
 *    byte-for-byte; the DCE model set to Tofts is saved into every DCE scan;
 *  - the run (Run button) uses them: the DCE results are Tofts (no vp), the panel says so, the
 *    voxel-click curve offers the model choice, `eprscope results` has the grown ROI's %ID/cc,
 *    and the subject's blood PK shows its terminal-phase fit.
 * The study: the demo's subjects UNP01, UNP02 and TNP01 without the modality arms and PBPK fits
 * (test/helpers/demoSubset.ts), so that the Run button's run is small; set-up in
 * test/helpers/browser.ts. Screenshots of each panel go to /tmp/ws-*.png. EPRSCOPE_WEB_DIST
 * serves another web build (a private one) instead of web/dist. Fails (does not skip) when the
 * browser cannot start, unless EPRSCOPE_SKIP_BROWSER=1.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { decode } from "fast-png";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { frames, openScan, openWorkspace, SKIP_BROWSER, shot, type Workspace } from "../helpers/browser.js";
import { runCli } from "../helpers/cli.js";
import { writeDemoSubset } from "../helpers/demoSubset.js";
import { addCtFor } from "./workstationFixtures.js";

let ws: Workspace;
let page: Page;
let dir: string;
/** the hottest point of the grow test's slice (canvas px), where the scribble test paints */
let hottest = { v: -1, x: 0, y: 0 };
const studyJson = () => JSON.parse(readFileSync(join(dir, "study.json"), "utf8"));

/** fraction of pixels that differ by more than 8 grey levels in some channel */
function pixelChange(a: Buffer, b: Buffer): number {
  const x = decode(a);
  const y = decode(b);
  const n = x.width * x.height;
  const ch = x.channels;
  let changed = 0;
  for (let i = 0; i < n; i++)
    for (let c = 0; c < Math.min(3, ch); c++)
      if (Math.abs(Number(x.data[i * ch + c]) - Number(y.data[i * ch + c])) > 8) {
        changed++;
        break;
      }
  return changed / n;
}

describe.skipIf(SKIP_BROWSER)("workstation features (headless Chromium)", () => {
  beforeAll(async () => {
    ws = await openWorkspace({
      prefix: "ws-e2e-",
      acceptDownloads: true,
      closeHint: true,
      write: (d) => {
        // the subjects the tests open (UNP01: time points, fusion, DCE, blood PK; UNP02: grow;
        // TNP01: the other group), no modality arms, no PBPK fits: the Run button's run is small
        writeDemoSubset(d, { subjects: ["UNP01", "UNP02", "TNP01"], pbpk: false });
        addCtFor(d, "UNP01-SPECT-24h"); // the demo's CT of that session, or a fixture CT when it has none
      },
    });
    ({ page, dir } = ws);
  }, 120_000);
  afterAll(async () => {
    await ws?.close();
  });

  it("threshold grow: seed = the hottest clicked voxel, ≥ 40 % region previewed with its statistics, saved as an ROI in study.json", async () => {
    await openScan(page, "UNP02", "UNP02-SPECT-24h");
    const before = await page.locator("#gl").screenshot();
    // look for the hottest spot under the cursor, as a user would, then click it
    const box = await page.locator("#gl").boundingBox();
    if (!box) throw new Error("no canvas");
    let best = { v: -1, x: 0, y: 0 };
    for (let fx = 0.15; fx < 0.9; fx += 0.05)
      for (let fy = 0.15; fy < 0.9; fy += 0.05) {
        const x = box.x + box.width * fx;
        const y = box.y + box.height * fy;
        await page.mouse.move(x, y);
        const m = /image ([\d.e+-]+) Bq\/mL/.exec((await page.textContent("#readout")) ?? "");
        if (m && Number(m[1]) > best.v) best = { v: Number(m[1]), x, y };
      }
    expect(best.v).toBeGreaterThan(0);
    hottest = best;
    await page.mouse.click(best.x, best.y);
    await page.waitForSelector("body[data-grow-seed]");
    const seed = await page.getAttribute("body", "data-grow-seed");
    expect(await page.textContent("#grow-seed")).toBe(`seed voxel ${seed?.split(",").join(", ")}`);
    expect(await page.getAttribute("#readout", "data-voxel")).toBe(seed);
    await page.selectOption("#grow-mode", "percent");
    await page.fill("#grow-value", "40");
    await page.click("#roi-grow");
    await page.waitForSelector("body[data-grown]", { timeout: 30_000 });
    const grown = Number(await page.getAttribute("body", "data-grown"));
    expect(grown).toBeGreaterThan(1);
    expect(grown).toBeLessThan(32 * 24 * 64 * 0.1); // a lesion/organ, not the body
    const text = (await page.textContent("#grow-result")) ?? "";
    expect(text).toMatch(
      /grown on image: seed [\d.e+]+ Bq\/mL, ≥ [\d.e+]+ Bq\/mL → \d+ voxels, [\d.e+]+ mm³, mean [\d.e+]+ ± [\d.e+]+ Bq\/mL · [\d.]+ ± [\d.]+ %ID\/cc \(decay-corrected, 24 h\)/,
    );
    const preview = await page.locator("#gl").screenshot();
    expect(pixelChange(before, preview)).toBeGreaterThan(0.001); // the region is drawn
    await page.locator("#glwrap").screenshot({ path: shot("grow-preview") });
    await page.fill("#roi-name", "grown hot spot");
    await page.click("#roi-save");
    await page.waitForSelector("#roi-result[data-file]", { timeout: 30_000 });
    const saved = (await page.textContent("#roi-result")) ?? "";
    expect(saved).toMatch(
      new RegExp(`saved grown hot spot \\(label \\d+\\) → rois/UNP02_labels_v1\\.nii\\.gz: ${grown} voxels`),
    );
    expect(saved).toMatch(/%ID\/cc/);
    const study = studyJson();
    expect(study.rois.find((r: { id: string }) => r.id === "roi_grown_hot_spot")).toMatchObject({
      name: "grown hot spot",
      kind: "tumour",
    });
    expect(study.scans.find((s: { id: string }) => s.id === "UNP02-SPECT-24h").labels).toBe(
      "rois/UNP02_labels_v1.nii.gz",
    );
    expect(existsSync(join(dir, "rois", "UNP02_labels_v1.nii.gz"))).toBe(true);
    await page.locator("#analysis").screenshot({ path: shot("grow") });
  }, 90_000);

  it("scribble segmentation: object strokes on the hot spot, background strokes around it → random-walker region previewed with its statistics", async () => {
    // the grow test left UNP02-SPECT-24h open with its ROI saved; paint outline strokes
    await page.uncheck("#roi-filled");
    const stroke = async (pts: [number, number][]) => {
      await page.mouse.move(pts[0][0], pts[0][1]);
      await page.mouse.down();
      for (const [x, y] of pts.slice(1)) await page.mouse.move(x, y, { steps: 6 });
      await page.mouse.up();
    };
    const { x, y } = hottest;
    await page.click("#roi-draw");
    expect(await page.getAttribute("body", "data-drawing")).toBe("draw");
    await stroke([
      [x - 4, y],
      [x + 4, y],
    ]);
    await page.click("#roi-background");
    expect(await page.getAttribute("body", "data-drawing")).toBe("background");
    const d = 130; // ≈ 7.5 SPECT voxels at this zoom: around the flank tumour, not through it
    await stroke([
      [x - d, y - d],
      [x + d, y - d],
      [x + d, y + d],
      [x - d, y + d],
      [x - d, y - d],
    ]);
    // background strokes in the drawing: saving is refused until it is segmented
    await page.click("#roi-save");
    await expect.poll(() => page.textContent("#roi-result")).toMatch(/background strokes: segment first/);
    const before = await page.locator("#gl").screenshot();
    await page.click("#roi-segment");
    await page.waitForSelector("body[data-segmented]", { timeout: 60_000 });
    const n = Number(await page.getAttribute("body", "data-segmented"));
    expect(n).toBeGreaterThan(1);
    expect(n).toBeLessThan(36 * 24 * 64 * 0.1); // a lesion/organ, not the body
    const text = (await page.textContent("#grow-result")) ?? "";
    expect(text).toMatch(
      /segmented on image \(random walker, \d+ object \/ \d+ background stroke voxels, box [\d,]+–[\d,]+\) → \d+ voxels, [\d.e+]+ mm³, mean [\d.e+]+ ± [\d.e+]+ Bq\/mL · [\d.]+ ± [\d.]+ %ID\/cc/,
    );
    await frames(page, 2);
    const preview = await page.locator("#gl").screenshot();
    expect(pixelChange(before, preview)).toBeGreaterThan(0.001); // the region replaced the strokes
    await page.locator("#glwrap").screenshot({ path: shot("scribble") });
    await page.check("#roi-filled");
  }, 90_000);

  it("side by side: four SPECT time points linked on one %ID/cc scale, then two subjects at one time point", async () => {
    await page.click("#subjects tr[data-subject='UNP01']");
    await page.click("#scan-tree details[data-group='SPECT · activity'] button.compare-group");
    const ids = ["UNP01-SPECT-4h", "UNP01-SPECT-24h", "UNP01-SPECT-48h", "UNP01-SPECT-96h"];
    await page.waitForSelector(`body[data-compare-loaded='${ids.join(",")}']`, { timeout: 60_000 });
    await frames(page);
    expect(await page.getAttribute("body", "data-mode")).toBe("compare");
    const panes = page.locator(".compare-pane:not([hidden])");
    expect(await panes.count()).toBe(4);
    expect(
      await page.$$eval(".compare-pane:not([hidden]) .pane-title", (t) => t.map((x) => x.textContent)),
    ).toEqual(["UNP01 · 4 h p.i.", "UNP01 · 24 h p.i.", "UNP01 · 48 h p.i.", "UNP01 · 4 d p.i."]);
    expect(await page.textContent("#compare-colorbar")).toMatch(
      /decay-corrected activity, every pane \(%ID\/cc\)/,
    );
    expect(await page.$$eval("#scan-tree button.compare-add[aria-pressed='true']", (b) => b.length)).toBe(4);
    // a click in the first pane moves every crosshair to the same world position
    const other = await panes.nth(2).locator("canvas").screenshot();
    const box = await panes.nth(0).locator("canvas").boundingBox();
    if (!box) throw new Error("no pane");
    await page.mouse.click(box.x + box.width * 0.35, box.y + box.height * 0.6);
    await frames(page);
    const mm = await page.$$eval(".compare-pane:not([hidden])", (p) =>
      p.map((x) => x.getAttribute("data-mm")),
    );
    expect(new Set(mm).size).toBe(1);
    expect(mm[0]).toBe(await page.getAttribute("#compare-grid", "data-mm"));
    expect(pixelChange(other, await panes.nth(2).locator("canvas").screenshot())).toBeGreaterThan(0.0005);
    const readouts = await page.$$eval(".compare-pane:not([hidden]) .pane-readout", (r) =>
      r.map((x) => x.textContent ?? ""),
    );
    for (const r of readouts) expect(r).toMatch(/^[\d.e+-]+ %ID\/cc · voxel \d+, \d+, \d+ · /);
    // scrolling one pane changes the slice of all
    const k0 = await page.$$eval(".compare-pane:not([hidden])", (p) =>
      p.map((x) => x.getAttribute("data-voxel")),
    );
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
    await page.mouse.wheel(0, 300);
    await frames(page);
    const k1 = await page.$$eval(".compare-pane:not([hidden])", (p) =>
      p.map((x) => x.getAttribute("data-voxel")),
    );
    expect(new Set(k1).size).toBe(1);
    expect(k1[0]).not.toBe(k0[0]);
    await page.locator("#viewer").screenshot({ path: shot("compare-time") });
    // two subjects (groups) at the same time point, one colour scale
    await page.click("#compare-clear");
    await page.click("button[data-compare-scan='UNP01-SPECT-24h']");
    await page.selectOption("#compare-add", "TNP01");
    await page.waitForSelector("body[data-compare-loaded='UNP01-SPECT-24h,TNP01-SPECT-24h']", {
      timeout: 30_000,
    });
    await frames(page);
    expect(
      await page.$$eval(".compare-pane:not([hidden]) .pane-sub", (t) => t.map((x) => x.textContent)),
    ).toEqual(["UNP · SPECT", "TNP · SPECT"]);
    expect(await page.getAttribute("#compare-colorbar", "data-range")).toMatch(/^0,[\d.]+$/);
    await page.locator("#viewer").screenshot({ path: shot("compare-subjects") });
  }, 90_000);

  it("fusion: SPECT over the session's CT with opacity; a scan without anatomy disables it with the reason", async () => {
    await openScan(page, "UNP01", "UNP01-SPECT-24h");
    expect(await page.getAttribute("body", "data-mode")).toBe("viewer");
    await page.waitForFunction("!document.getElementById('tab-fusion').disabled", undefined, {
      timeout: 30_000,
    });
    await page.click("#tab-fusion");
    await page.waitForSelector("body[data-fusion='UNP01-SPECT-24h']", { timeout: 30_000 });
    await frames(page);
    expect(await page.textContent("#fusion-anatomy")).toMatch(/CT/);
    expect(await page.textContent("#fusion-colorbar")).toMatch(/activity concentration \(Bq\/mL\)/);
    // the whole activity image over the CT (threshold 0), first strong, then faint
    await page.fill("#fusion-min", "0");
    await page.locator("#fusion-min").dispatchEvent("change");
    await page.fill("#fusion-opacity", "0.9");
    await page.waitForSelector("body[data-fusion-opacity='0.9']");
    await frames(page);
    const strong = await page.locator("#fusion-gl").screenshot();
    await page.locator("#viewer").screenshot({ path: shot("fusion") });
    await page.fill("#fusion-opacity", "0.1");
    await page.waitForSelector("body[data-fusion-opacity='0.1']");
    await frames(page);
    const faint = await page.locator("#fusion-gl").screenshot();
    expect(pixelChange(strong, faint)).toBeGreaterThan(0.005);
    const box = await page.locator("#fusion-gl").boundingBox();
    if (!box) throw new Error("no canvas");
    await page.mouse.click(box.x + box.width * 0.45, box.y + box.height * 0.55);
    await page.waitForFunction(
      "/CT -?[\\d.e+]+ HU/.test(document.getElementById('fusion-readout').textContent)",
    );
    expect(await page.textContent("#fusion-readout")).toMatch(
      /activity concentration [\d.e+]+ Bq\/mL · [-\d.]+, [-\d.]+, [-\d.]+ mm/,
    );
    // a DCE scan has no anatomy of its session in the demo
    await openScan(page, "UNP02", "UNP02-DCE-tumour_psma");
    await page.waitForSelector("body[data-fusion='none']", { timeout: 30_000 });
    expect(await page.isDisabled("#tab-fusion")).toBe(true);
    expect(await page.getAttribute("#tab-fusion", "title")).toMatch(/no anatomy for UNP02-DCE-tumour_psma/);
    expect(await page.textContent("#mode-note")).toMatch(
      /Fusion unavailable — no anatomy for UNP02-DCE-tumour_psma: UNP02 has no CT or MR scan/,
    );
    await page.locator("#viewer").screenshot({ path: shot("fusion-disabled") });
  }, 90_000);

  it("analysis settings: an invalid value shows the zod message and leaves study.json byte-for-byte; the DCE model is saved", async () => {
    await page.click("#settings-panel summary");
    await page.waitForSelector("#set-dce-model");
    expect(await page.inputValue("#set-dce-model")).toBe("etofts");
    expect(await page.$$eval("#set-dce-model option", (o) => o.map((x) => x.getAttribute("value")))).toEqual([
      "tofts",
      "etofts",
      "patlak",
      "2cxm",
      "2cum",
    ]);
    const before = readFileSync(join(dir, "study.json"));
    await page.fill("#set-dce-hematocrit", "1.5");
    await page.click("#settings-save");
    await page.waitForSelector("#settings-error:not([hidden])");
    expect(await page.textContent("#settings-error")).toBe(
      "not saved — dce.hematocrit: Too big: expected number to be <=0.99",
    );
    expect(readFileSync(join(dir, "study.json")).equals(before)).toBe(true);
    await page.locator("#settings-panel").screenshot({ path: shot("settings-error") });
    await page.fill("#set-dce-hematocrit", "0.45");
    await page.selectOption("#set-dce-model", "tofts");
    await page.click("#settings-save");
    await page.waitForSelector("body[data-settings-saved]");
    expect(await page.isHidden("#settings-error")).toBe(true);
    expect(await page.textContent("#settings-status")).toMatch(
      /saved: dce\.model etofts → tofts \(\d+ scans\)\. The next run uses them\./,
    );
    const dce = studyJson().scans.filter((s: { purpose: string }) => s.purpose === "dce");
    expect(dce.length).toBeGreaterThan(1);
    expect(dce.every((s: { acquisition: { model: string } }) => s.acquisition.model === "tofts")).toBe(true);
    await page.locator("#settings-panel").screenshot({ path: shot("settings") });
  }, 60_000);

  it("the run uses the settings (Tofts DCE results) and measures the grown ROI; model choice and blood PK fit in the panel", async () => {
    // the run shares this process with the test, so the click's reply may wait for a task to finish
    await page.click("#run-button", { timeout: 120_000 });
    await page.waitForFunction(
      "document.getElementById('run-status').textContent.startsWith('done')",
      undefined,
      {
        timeout: 360_000,
      },
    );
    const res = runCli(["results", dir, "--json"]);
    expect(res.code).toBe(0);
    const rows = JSON.parse(res.stdout) as {
      analysis: string;
      roi: string;
      parameter: string;
      value: number;
    }[];
    const dce = rows.filter((r) => r.analysis === "dce/UNP01-DCE-tumour_psma").map((r) => r.parameter);
    expect(dce).toContain("Ktrans_per_min");
    expect(dce).toContain("ve");
    expect(dce).not.toContain("vp"); // Tofts has no plasma volume
    const grown = rows.filter(
      (r) =>
        r.analysis.startsWith("imaging/UNP02-SPECT") &&
        r.roi === "roi_grown_hot_spot" &&
        r.parameter === "pctIDperCC",
    );
    expect(grown.length).toBeGreaterThanOrEqual(1);
    expect(grown.every((r) => r.value > 0)).toBe(true);
    // the panel: the stored fit's model, then a voxel curve with the model choice
    await page.click("#tab-viewer");
    await openScan(page, "UNP01", "UNP01-DCE-tumour_psma");
    await page.waitForSelector("#roi-stats-caption[data-model='tofts']", { timeout: 30_000 });
    expect(await page.textContent("#roi-stats-caption")).toMatch(
      /^Tumour-mean Tofts fit: tofts, ROI mean of \d+ voxels/,
    );
    const box = await page.locator("#gl").boundingBox();
    if (!box) throw new Error("no canvas");
    await page.mouse.click(box.x + box.width * 0.45, box.y + box.height * 0.5);
    await page.waitForSelector("body[data-curve^='UNP01-DCE-tumour_psma:'][data-curve-model='tofts']", {
      timeout: 30_000,
    });
    expect(await page.textContent("#curve")).toMatch(/Tofts — Ktrans [\d.]+ \/min, ve [\d.]+ \(AIC -?[\d.]+/);
    await page.selectOption("#curve-model", "etofts");
    await page.waitForSelector("body[data-curve-model='etofts']");
    // every DCE curve is shown with the picked model's fit, its name and AIC
    expect(await page.textContent("#curve")).toMatch(
      /Extended Tofts — Ktrans [\d.]+ \/min, (ve [\d.]+, vp [\d.]+|vp [\d.]+, ve [\d.]+) \(AIC/i,
    );
    await page.selectOption("#curve-model", "2cxm");
    await page.waitForSelector("body[data-curve-model='2cxm']");
    expect(await page.textContent("#curve")).toMatch(
      /two-compartment exchange \(2CXM\) — vp [\d.]+, ve [\d.]+, Fp [\d.]+ \/min, PS [\d.]+ \/min \(AIC/,
    );
    await page.locator("#analysis").screenshot({ path: shot("analysis-model") });
    // the subject's blood PK with its terminal-phase fit
    await page.waitForSelector("body[data-blood-pk='UNP01:fit']", { timeout: 30_000 });
    expect(await page.textContent("#blood-pk")).toMatch(
      /terminal-phase fit \(red, λz [\d.]+ \/h over [\d.]+–[\d.]+ h, t½ [\d.]+ h/,
    );
    expect(await page.$$eval("#blood-pk svg [stroke='#d62728']", (p) => p.length)).toBeGreaterThan(0);
    expect(await page.$$eval("#pk-table tr", (r) => r.length)).toBeGreaterThanOrEqual(5);
    await page.locator("#blood-pk").screenshot({ path: shot("blood-pk") });
  }, 480_000);
});
