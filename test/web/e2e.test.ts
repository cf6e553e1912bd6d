/**
 * End-to-end in real headless Chromium (Debian's chromium driven by playwright-core) over the
 * demo study's workspace (every subject and arm but histology, whose slides slides.e2e.test.ts
 * opens; set-up in test/helpers/browser.ts): the navigator (subjects → scans grouped by
 * modality and time point, filter, first-run hint, no "loading" on the empty viewer); a DCE scan
 * with every map the server lists (switch the overlay to ve and back), colour bar with unit,
 * readout with value + unit + voxel + mm, a voxel curve with fit and AIF; a SPECT scan with
 * decay-corrected %ID/cc vs hours, organ legend, MIP and ROI-mean TACs; figure export (SVG and
 * PNG downloads); an ROI drawn on a SPECT scan saved into the study and measured by the next
 * run; a run streaming progress events as tasks finish. Screenshots of each panel go to
 * /tmp/ws-*.png. EPRSCOPE_WEB_DIST serves another web build (a private one) instead of
 * web/dist. Fails (does not skip) when the browser cannot start, unless EPRSCOPE_SKIP_BROWSER=1.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_ARMS } from "../../src/study/demo/arms/index.js";
import { frames, openScan, openWorkspace, SKIP_BROWSER, shot, type Workspace } from "../helpers/browser.js";
import { runCli } from "../helpers/cli.js";
import { writeDemoSubset } from "../helpers/demoSubset.js";

let ws: Workspace;
let page: Page;
let dir: string;
/** study.json's label maps before the test draws (scan id → file) */
const originalLabels = new Map<string, string>();

async function canvasClick(p: Page, fx: number, fy: number): Promise<void> {
  const box = await p.locator("#gl").boundingBox();
  if (!box) throw new Error("no canvas");
  await p.mouse.click(box.x + box.width * fx, box.y + box.height * fy);
}

describe.skipIf(SKIP_BROWSER)("browser workspace (headless Chromium)", () => {
  beforeAll(async () => {
    ws = await openWorkspace({
      prefix: "e2e-",
      acceptDownloads: true,
      write: (d) => {
        // the whole demo but the histology arm (its slides: slides.e2e.test.ts) and the PBPK fits
        // (no panel shows them): ≈ 45 s + 20 s less in each of the two runs
        writeDemoSubset(d, { arms: DEMO_ARMS.filter((a) => a.name !== "histology"), pbpk: false });
        for (const s of JSON.parse(readFileSync(join(d, "study.json"), "utf8")).scans)
          if (s.labels) originalLabels.set(s.id, s.labels);
        expect(runCli(["run", d, "--no-progress"]).code).toBe(0);
      },
    });
    ({ page, dir } = ws);
  }, 300_000); // the demo study and its full run (SPECT/CT segmentation, the arms)
  afterAll(async () => {
    await ws?.close();
  });

  it("lists the study's subjects by id", async () => {
    const ids = await page.$$eval("#subjects td.subject", (tds) => tds.map((t) => t.textContent));
    expect(ids).toContain("UNP01");
    expect(ids).toContain("TNP06");
    expect(ids.length).toBe(JSON.parse(readFileSync(join(dir, "study.json"), "utf8")).subjects.length);
  });

  it("shows a first-run hint and an empty viewer that invites a choice instead of 'loading'", async () => {
    expect(await page.isVisible("#hint")).toBe(true);
    expect(await page.textContent("#hint")).toMatch(/Pick a subject/);
    expect(await page.isVisible("#viewer-empty")).toBe(true);
    expect(await page.textContent("#viewer")).not.toMatch(/loading/i);
    await page.screenshot({ path: shot("first-run") });
    await page.click("#hint-close");
    expect(await page.isVisible("#hint")).toBe(false);
  });

  it("navigator: clicking a subject selects it and groups its scans by modality and time point; the filter narrows", async () => {
    await page.click("#subjects tr[data-subject='UNP01']");
    expect(await page.getAttribute("#subjects tr[data-subject='UNP01']", "class")).toBe("selected");
    const groups = await page.$$eval("#scan-tree details.scan-group", (d) =>
      d.map((x) => x.getAttribute("data-group")),
    );
    expect(groups).toContain("MRI · dce");
    expect(groups).toContain("SPECT · activity");
    expect(new Set(groups).size).toBe(groups.length); // one group per modality/purpose
    const spect = await page.$$eval(
      "#scan-tree details[data-group='SPECT · activity'] button[data-scan]",
      (b) => b.map((x) => x.textContent),
    );
    expect(spect).toEqual(["4 h p.i.", "24 h p.i.", "48 h p.i.", "4 d p.i."]);
    const total = await page.$$eval("#subjects td.subject", (t) => t.length);
    await page.fill("#nav-filter", "TNP");
    const rows = await page.$$eval("#subjects tbody tr", (r) => r.map((x) => x.textContent ?? ""));
    expect(rows.length).toBe(6);
    expect(rows.every((t) => t.includes("TNP"))).toBe(true);
    await page.fill("#nav-filter", "");
    expect(await page.$$eval("#subjects td.subject", (t) => t.length)).toBe(total);
    await page.locator("#navigator").screenshot({ path: shot("navigator") });
  });

  it("shows the timeline and the dashboard figures (bars, PK curves, TACs, scatter, ROC, Kaplan–Meier)", async () => {
    expect(await page.$$eval("#timeline svg circle", (c) => c.length)).toBeGreaterThan(200);
    const captions = await page.$$eval("#dashboard figcaption", (c) => c.map((x) => x.textContent ?? ""));
    expect(captions.length).toBeGreaterThanOrEqual(6);
    expect(captions.join(" ")).toMatch(/ROC/);
    expect(captions.join(" ")).toMatch(/Kaplan–Meier/);
    expect(
      await page.$$eval("#dashboard figure", (f) => f.filter((x) => x.querySelector("svg")).length),
    ).toBe(captions.length);
    // the workspace %ID/g chart: error bars, n and time point, the report's group colours
    const bio = await page.textContent("#biodist");
    expect(bio).toMatch(/mean ± SD/);
    expect(bio).toMatch(/n = /);
    expect(bio).toMatch(/ h p\.i\./);
    const fills = await page.$$eval("#biodist svg rect", (r) => [
      ...new Set(r.map((x) => x.getAttribute("fill"))),
    ]);
    expect(fills).toContain("#1f77b4");
    expect(fills).toContain("#d62728");
  });

  it("DCE scan: every listed map selectable (ve and back), colour bar with unit, readout with unit, curve with fit and AIF", async () => {
    const blank = await page.locator("#gl").screenshot();
    const mapResponses: string[] = [];
    page.on("response", (r) => {
      if (r.url().includes("/results/maps/")) mapResponses.push(`${r.status()} ${r.url().split("/").pop()}`);
    });
    await openScan(page, "UNP01", "UNP01-DCE-tumour_psma");
    const rendered = await page.locator("#gl").screenshot();
    expect(rendered.length).toBeGreaterThan(3 * blank.length); // rendered image compresses far worse than black
    const options = await page.$$eval("#overlay option", (o) => o.map((x) => x.getAttribute("value")));
    // every map the server lists (other arms may add theirs before the status map)
    expect(options.slice(0, 4)).toEqual(["none", "map:Ktrans_per_min", "map:ve", "map:vp"]);
    expect(options.at(-1)).toBe("map:status");
    expect(await page.getAttribute("body", "data-overlay")).toBe("Ktrans_per_min");
    expect(await page.textContent("#colorbar")).toMatch(/Ktrans_per_min \(1\/min\)/);
    await page.selectOption("#overlay", "map:ve");
    await page.waitForSelector("body[data-overlay='ve']", { timeout: 30_000 });
    expect(mapResponses).toContain("200 ve.nii.gz");
    expect(await page.textContent("#colorbar")).toMatch(/ve \(dimensionless\)/);
    await canvasClick(page, 0.42, 0.55);
    await page.waitForSelector("body[data-curve^='UNP01-DCE-tumour_psma:']", { timeout: 30_000 });
    expect(await page.textContent("#readout")).toMatch(
      /ve \d[\d.e+-]* \(dimensionless\) · voxel \d+, \d+, \d+ · [-\d.]+, [-\d.]+, [-\d.]+ mm/,
    );
    await page.selectOption("#overlay", "map:Ktrans_per_min");
    await page.waitForSelector("body[data-overlay='Ktrans_per_min']", { timeout: 30_000 });
    await canvasClick(page, 0.45, 0.5);
    await page.waitForFunction(
      "/Ktrans_per_min [0-9.e+-]+ 1\\/min/.test(document.getElementById('readout').textContent)",
    );
    expect(await page.textContent("#readout")).toMatch(/image [\d.e+]+ a\.u\./);
    const svgMarks = await page.$$eval("#curve svg circle, #curve svg path", (els) => els.length);
    expect(svgMarks).toBeGreaterThan(10);
    expect(await page.textContent("#curve")).toMatch(/Ktrans/);
    expect(await page.textContent("#curve")).toMatch(/time \(s\)/);
    expect(await page.textContent("#curve")).toMatch(/Gd concentration \(mM\)/);
    expect(await page.textContent("#aif")).toMatch(/AIF/);
    expect(await page.textContent("#roi-stats")).toMatch(/Ktrans/);
    await page.screenshot({ path: shot("viewer-dce") });
    await page.locator("#analysis").screenshot({ path: shot("analysis-dce") });
    // 4D: the frame slider spans the dynamic series; multi-planar view renders too
    expect(await page.getAttribute("#frame", "max")).toBe("59");
    await page.fill("#frame", "30");
    await page.selectOption("#slice-type", "multiplanar");
    await frames(page);
    const multi = await page.locator("#gl").screenshot();
    expect(multi.length).toBeGreaterThan(3 * blank.length);
    await page.selectOption("#slice-type", "axial");
  }, 90_000);

  it("SPECT scan: curve cleared on scan change, then %ID/cc vs hours; organ legend, MIP, readout in Bq/mL, ROI TAC", async () => {
    await openScan(page, "UNP01", "UNP01-SPECT-24h");
    expect(await page.textContent("#curve")).toMatch(/Click a voxel/); // the DCE curve is gone
    expect(await page.getAttribute("body", "data-overlay")).toBe("labels");
    const legend = await page.textContent("#legend");
    expect(legend).toMatch(/liver/);
    expect(legend).toMatch(/PC3-PIP tumour/);
    await page.check("#mip-toggle");
    await page.waitForSelector("#mip:not([hidden])");
    await canvasClick(page, 0.4, 0.6);
    await page.waitForSelector("body[data-curve^='UNP01-SPECT-24h:']", { timeout: 30_000 });
    expect(await page.getAttribute("body", "data-curve-unit")).toBe("%ID/cc");
    expect(await page.textContent("#curve")).toMatch(/time after injection \(h\)/);
    expect(await page.textContent("#curve")).toMatch(/decay-corrected/);
    expect(await page.textContent("#readout")).toMatch(/image [\d.e+]+ Bq\/mL/);
    await page.click("#roi-stats button[data-roi='tumour_psma']");
    await page.waitForSelector("body[data-curve='UNP01-SPECT-24h:roi:tumour_psma']", { timeout: 30_000 });
    expect(await page.textContent("#curve")).toMatch(/PC3-PIP tumour/);
    await page.screenshot({ path: shot("viewer-spect") });
    await page.locator("#analysis").screenshot({ path: shot("analysis-spect") });
  }, 60_000);

  it("exports a dashboard figure as SVG and as PNG (downloads)", async () => {
    const fig = page.locator("#dashboard figure").first();
    const [svgDl] = await Promise.all([
      page.waitForEvent("download"),
      fig.locator("button.export-svg").click(),
    ]);
    expect(svgDl.suggestedFilename()).toMatch(/\.svg$/);
    const svg = readFileSync((await svgDl.path()) as string, "utf8");
    expect(svg).toMatch(/^<\?xml/);
    expect(svg).toMatch(/<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toMatch(/<\/svg>$/);
    const [pngDl] = await Promise.all([
      page.waitForEvent("download"),
      fig.locator("button.export-png").click(),
    ]);
    expect(pngDl.suggestedFilename()).toMatch(/\.png$/);
    const png = readFileSync((await pngDl.path()) as string);
    expect([...png.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect(png.length).toBeGreaterThan(2000);
    // the workspace's own charts export too
    const [bioDl] = await Promise.all([
      page.waitForEvent("download"),
      page.locator("#biodist button.export-svg").click(),
    ]);
    expect(readFileSync((await bioDl.path()) as string, "utf8")).toMatch(/%ID\/g/);
    await page.locator("#dashboard-section").screenshot({ path: shot("dashboard") });
  }, 60_000);

  it("draws an ROI on a SPECT scan, saves it into the study and shows its statistics at once", async () => {
    await openScan(page, "UNP02", "UNP02-SPECT-24h");
    await page.fill("#roi-name", "e2e lesion");
    await page.click("#roi-draw");
    const box = await page.locator("#gl").boundingBox();
    if (!box) throw new Error("no canvas");
    const cx = box.x + box.width * 0.5;
    const cy = box.y + box.height * 0.5;
    await page.mouse.move(cx - 30, cy - 30);
    await page.mouse.down();
    for (const [dx, dy] of [
      [30, -30],
      [30, 30],
      [-30, 30],
      [-30, -30],
    ])
      await page.mouse.move(cx + dx, cy + dy, { steps: 8 });
    await page.mouse.up();
    await page.click("#roi-save");
    await page.waitForSelector("#roi-result[data-file]", { timeout: 30_000 });
    const result = await page.textContent("#roi-result");
    expect(result).toMatch(/saved e2e lesion \(label \d+\) → rois\/UNP02_labels_v1\.nii\.gz: \d+ voxels/);
    expect(result).toMatch(/%ID\/cc/);
    const study = JSON.parse(readFileSync(join(dir, "study.json"), "utf8"));
    const roi = study.rois.find((r: { id: string }) => r.id === "roi_e2e_lesion");
    expect(roi.label).toBeGreaterThan(
      Math.max(
        ...study.rois.filter((r: { id: string }) => r !== roi).map((r: { label?: number }) => r.label ?? 0),
      ),
    );
    // the drawn scan (and the scans that shared its label map) now point at the new label map
    const scan = study.scans.find((s: { id: string }) => s.id === "UNP02-SPECT-24h");
    expect(scan.labels).toBe("rois/UNP02_labels_v1.nii.gz");
    const old = originalLabels.get("UNP02-SPECT-24h");
    if (old) {
      expect(existsSync(join(dir, old))).toBe(true); // the input label map is untouched
      for (const s of study.scans.filter((x: { id: string }) => originalLabels.get(x.id) === old))
        expect(s.labels).toBe("rois/UNP02_labels_v1.nii.gz");
    }
    await page.locator("#analysis").screenshot({ path: shot("roi") });
  }, 60_000);

  it("runs the analyses: progress streams per task (more than two events before it finishes), a task log, figures refreshed; the drawn ROI is in the results", async () => {
    const before = await page.getAttribute("body", "data-dashboard");
    // the run shares this process with the test, so the click's reply may wait for a task to finish
    await page.click("#run-button", { timeout: 120_000 });
    await page.waitForFunction(
      "document.getElementById('run-status').textContent.startsWith('done')",
      undefined,
      {
        timeout: 360_000,
      },
    );
    expect(await page.textContent("#run-status")).toBe("done");
    expect(await page.evaluate("document.getElementById('run-progress').value")).toBe(100);
    const arrivals = JSON.parse((await page.getAttribute("body", "data-run-arrivals")) ?? "[]") as number[];
    expect(arrivals.length).toBeGreaterThan(100); // one per task
    expect(new Set(arrivals).size).toBeGreaterThan(2); // not one burst at the end
    expect(await page.$$eval("#run-log li", (l) => l.length)).toBe(arrivals.length);
    await page.waitForFunction(`document.body.dataset.dashboard !== ${JSON.stringify(before)}`, undefined, {
      timeout: 30_000,
    });
    await page.click("#run-details summary");
    await page.screenshot({ path: shot("run") });
    const csv = await page.evaluate(async () => (await fetch("/api/results.csv")).text());
    expect(csv.split("\n")[0]).toBe("analysis,subject,roi,parameter,value,unit,status,time_s,group");
    expect(csv.split("\n").length).toBeGreaterThan(1000);
    const res = runCli(["results", dir, "--json"]);
    expect(res.code).toBe(0);
    const rows = JSON.parse(res.stdout) as {
      analysis: string;
      roi: string;
      parameter: string;
      value: number;
    }[];
    const mine = rows.filter(
      (r) => r.analysis.startsWith("imaging/UNP02-SPECT") && r.roi === "roi_e2e_lesion",
    );
    // one row per scan whose label map holds the ROI (all four time points when they shared one)
    const labelled = JSON.parse(readFileSync(join(dir, "study.json"), "utf8")).scans.filter(
      (s: { subject: string; labels?: string }) =>
        s.subject === "UNP02" && s.labels === "rois/UNP02_labels_v1.nii.gz",
    ).length;
    expect(labelled).toBeGreaterThanOrEqual(1);
    expect(mine.filter((r) => r.parameter === "pctIDperCC").length).toBe(labelled);
    expect(mine.every((r) => r.parameter !== "pctIDperCC" || r.value > 0)).toBe(true);
  }, 480_000);
});
