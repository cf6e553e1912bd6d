/**
 * End-to-end in real headless Chromium (Debian's chromium driven by playwright-core): load the
 * demo study's workspace, see the subject ids, open a DCE scan and see the image with its Ktrans
 * map overlay rendered, click
 * a voxel and see its curve with the fit, run the analyses and see progress reach 100 %, export
 * CSV. Fails (does not skip) when the browser cannot start, unless EPRSCOPE_SKIP_BROWSER=1.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer } from "../../src/server/app.js";
import { writeDemoStudy } from "../../src/study/demo/write.js";
import { ROOT, runCli } from "../helpers/cli.js";

const skip = process.env.EPRSCOPE_SKIP_BROWSER === "1";
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
let browser: Browser;
let page: Page;
let base: string;
let server: ReturnType<typeof createServer>;

describe.skipIf(skip)("browser workspace (headless Chromium)", () => {
  beforeAll(async () => {
    if (!existsSync(join(ROOT, "web", "dist", "index.html"))) {
      const b = spawnSync(process.execPath, [join(ROOT, "scripts", "build-web.mjs")], { encoding: "utf8" });
      if (b.status !== 0) throw new Error(`web build failed: ${b.stderr}`);
    }
    const dir = mkdtempSync(join(tmpdir(), "e2e-"));
    writeDemoStudy(dir);
    expect(runCli(["run", dir, "--no-progress"]).code).toBe(0);
    server = createServer({ studyDir: dir });
    base = await server.listen({ port: 0, host: "127.0.0.1" });
    if (!existsSync(CHROMIUM))
      throw new Error(
        `Chromium not found at ${CHROMIUM}: install Debian's chromium (apt-get install chromium) or set EPRSCOPE_SKIP_BROWSER=1`,
      );
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--use-angle=swiftshader",
        "--enable-unsafe-swiftshader",
      ],
    });
    page = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
    await page.goto(`${base}/app/`);
    await page.waitForSelector("body[data-ready='1']", { timeout: 30_000 });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("lists the study's subjects by id", async () => {
    const ids = await page.$$eval("#subjects td.subject", (tds) => tds.map((t) => t.textContent));
    expect(ids).toContain("UNP01");
    expect(ids).toContain("TNP06");
    expect(ids.length).toBe(24);
  });

  it("shows the timeline and the dashboard figures (bars, PK curves, TACs, scatter, ROC, Kaplan–Meier)", async () => {
    expect(await page.$$eval("#timeline svg circle", (c) => c.length)).toBeGreaterThan(200);
    const captions = await page.$$eval("#dashboard figcaption", (c) => c.map((x) => x.textContent ?? ""));
    expect(captions.length).toBe(6);
    expect(captions.join(" ")).toMatch(/ROC/);
    expect(captions.join(" ")).toMatch(/Kaplan–Meier/);
    expect(await page.$$eval("#dashboard svg", (s) => s.length)).toBe(6);
  });

  it("opens a DCE scan: the canvas shows the image and a voxel click shows its curve and fit", async () => {
    const blank = await page.locator("#gl").screenshot();
    const mapResponses: number[] = [];
    page.on("response", (r) => {
      if (r.url().includes("Ktrans_per_min.nii.gz")) mapResponses.push(r.status());
    });
    await page.click("button[data-scan='UNP01-DCE-tumour_psma']");
    await page.waitForSelector("body[data-viewer-loaded='UNP01-DCE-tumour_psma']", { timeout: 30_000 });
    await page.waitForTimeout(500);
    const shot = await page.locator("#gl").screenshot({ path: join(tmpdir(), "eprscope-e2e-viewer.png") });
    expect(shot.length).toBeGreaterThan(3 * blank.length); // rendered image compresses far worse than black
    expect(mapResponses).toContain(200); // the Ktrans map overlay was loaded
    const box = await page.locator("#gl").boundingBox();
    if (!box) throw new Error("no canvas");
    await page.mouse.click(box.x + box.width * 0.25, box.y + box.height * 0.5);
    await page.waitForSelector("body[data-curve]", { timeout: 30_000 });
    const svgMarks = await page.$$eval("#curve svg circle, #curve svg path", (els) => els.length);
    expect(svgMarks).toBeGreaterThan(10);
    expect(await page.textContent("#curve")).toMatch(/Ktrans/);
    // 4D: the frame slider spans the dynamic series; multi-planar view renders too
    expect(await page.getAttribute("#frame", "max")).toBe("59");
    await page.fill("#frame", "30");
    await page.selectOption("#slice-type", "multiplanar");
    await page.waitForTimeout(300);
    const multi = await page.locator("#gl").screenshot();
    expect(multi.length).toBeGreaterThan(3 * blank.length);
  }, 60_000);

  it("runs the analyses with progress reaching 100 % and exports CSV", async () => {
    await page.click("#run-button");
    // evaluated in the browser (a string keeps the Node type check free of DOM types)
    await page.waitForFunction("document.getElementById('run-progress').value === 100", undefined, {
      timeout: 60_000,
    });
    expect(await page.textContent("#run-status")).toBe("done");
    const csv = await page.evaluate(async () => (await fetch("/api/results.csv")).text());
    expect(csv.split("\n")[0]).toBe("analysis,subject,roi,parameter,value,unit,status,time_s,group");
    expect(csv.split("\n").length).toBeGreaterThan(1000);
  }, 90_000);
});
