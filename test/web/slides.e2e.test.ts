/**
 * End-to-end in real headless Chromium (Debian's chromium via playwright-core): the slide panel
 * (OpenSeadragon over the Deep Zoom routes) and the thermometry panel on a demo study of four
 * subjects with the histology and release arms (no SPECT/CT or DCE images), the histology of
 * UNP01 and its release analysis run.
 *  - slide: opened from the navigator's histology scan; the OpenSeadragon canvas draws (pixels
 *    of the section, not a blank canvas); the vessel overlay is green where vessels are and
 *    switching it off changes those pixels to the section's brown DAB; a µm scale bar; the
 *    tumour's MVD and collagen fraction next to the slide;
 *  - thermometry: ΔT selectable with °C in the colour bar (CEM43 in min), a frame slider with
 *    time, and the ΔT-vs-time curve of a clicked voxel.
 * Screenshots: /tmp/ws-slides.png, /tmp/ws-slides-overlay-off.png, /tmp/ws-thermo.png.
 * The workspace bundle is web/dist (built if missing; set-up in test/helpers/browser.ts);
 * EPRSCOPE_WEB_DIST points at another build made with base "/app-dev/" (served there).
 * Fails (does not skip) when the browser cannot start, unless EPRSCOPE_SKIP_BROWSER=1.
 */
import { decode as decodePng } from "fast-png";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planStudy } from "../../src/engine/analyses/index.js";
import { runTasks } from "../../src/engine/runner.js";
import { openResultStore } from "../../src/store/open.js";
import { histologyArm } from "../../src/study/demo/arms/histology.js";
import { releaseArm } from "../../src/study/demo/arms/release.js";
import { loadStudy } from "../../src/study/load.js";
import { frames, openWorkspace, SKIP_BROWSER, shot, type Workspace } from "../helpers/browser.js";
import { writeDemoSubset } from "../helpers/demoSubset.js";

const SLIDE = "UNP01-CD31-tumour_psma";
let ws: Workspace;
let page: Page;

/** pixels of an element's screenshot */
async function pixels(
  p: Page,
  selector: string,
): Promise<{ width: number; height: number; rgba: Uint8Array }> {
  const png = decodePng(await p.locator(selector).screenshot());
  const n = png.width * png.height;
  const rgba = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++)
    for (let c = 0; c < 4; c++)
      rgba[i * 4 + c] = c < png.channels ? (png.data[i * png.channels + c] as number) : 255;
  return { width: png.width, height: png.height, rgba };
}

const isGreen = (d: Uint8Array, i: number) => d[i + 1] > 120 && d[i] < 90 && d[i + 2] < 90;
const isBrown = (d: Uint8Array, i: number) => d[i] > 90 && d[i] > d[i + 2] + 30 && d[i + 1] < d[i];

describe.skipIf(SKIP_BROWSER)("slide and thermometry panels (headless Chromium)", () => {
  beforeAll(async () => {
    ws = await openWorkspace({
      prefix: "e2e-slides-",
      webDist: "static",
      write: async (dir) => {
        // release needs two subjects per group (its carrier plan); UNP01's files are the full demo's
        writeDemoSubset(dir, {
          subjects: ["UNP01", "UNP02", "TNP01", "TNP02"],
          images: false,
          arms: [histologyArm, releaseArm],
        });
        const ls = loadStudy(dir);
        const store = await openResultStore(dir);
        try {
          const s = await runTasks(ls, planStudy(ls), store, { only: ["histology/UNP01", "release/UNP01"] });
          expect(s.failed).toEqual([]);
        } finally {
          await store.close();
        }
      },
      // element screenshots scroll; keep the sticky header from covering the panels' toolbars
      style: "header { position: static !important; } #hint { display: none; }",
    });
    page = ws.page;
  }, 180_000);
  afterAll(async () => {
    await ws?.close();
  });

  it("the navigator's histology scan opens the slide; the OpenSeadragon canvas draws the section", async () => {
    expect(await page.isVisible("#slides")).toBe(false);
    await page.click("#subjects tr[data-subject='UNP01']");
    await page.click(`button[data-scan='${SLIDE}']`);
    await page.waitForSelector(`body[data-slide-loaded='${SLIDE}'][data-slide-overlay='vessels:on']`, {
      timeout: 30_000,
    });
    await frames(page); // tiles loaded: drawn in OpenSeadragon's next frames
    expect(await page.isVisible("#slides")).toBe(true);
    expect(await page.textContent("#slides-title")).toMatch(/UNP01 · tumour_psma · CD31/);
    const { width, height, rgba } = await pixels(page, "#osd");
    let section = 0;
    let green = 0;
    const colours = new Set<number>();
    for (let i = 0; i < width * height * 4; i += 4) {
      const white = rgba[i] > 245 && rgba[i + 1] > 245 && rgba[i + 2] > 245;
      if (!white) section++;
      if (isGreen(rgba, i)) green++;
      colours.add((rgba[i] << 16) | (rgba[i + 1] << 8) | rgba[i + 2]);
    }
    expect(section / (width * height)).toBeGreaterThan(0.3); // the section fills the view (square in a wide box)
    expect(colours.size).toBeGreaterThan(200); // an image, not a flat fill
    expect(green).toBeGreaterThan(2000); // the vessel overlay
    await page.locator("#slides").screenshot({ path: shot("slides") });
  });

  it("switching the overlay off changes the vessel pixels from green to the section's DAB brown", async () => {
    const on = await pixels(page, "#osd");
    await page.uncheck("#slide-overlay-on");
    await page.waitForSelector("body[data-slide-overlay='vessels:off']");
    await frames(page);
    const off = await pixels(page, "#osd");
    expect([off.width, off.height]).toEqual([on.width, on.height]);
    let changed = 0;
    let greenOn = 0;
    let greenOff = 0;
    let brownWhereGreen = 0;
    for (let i = 0; i < on.rgba.length; i += 4) {
      if (Math.abs(on.rgba[i] - off.rgba[i]) + Math.abs(on.rgba[i + 1] - off.rgba[i + 1]) > 30) changed++;
      if (isGreen(on.rgba, i)) {
        greenOn++;
        if (isBrown(off.rgba, i)) brownWhereGreen++;
      }
      if (isGreen(off.rgba, i)) greenOff++;
    }
    expect(changed).toBeGreaterThan(2000);
    expect(greenOff).toBeLessThan(greenOn / 50);
    expect(brownWhereGreen / greenOn).toBeGreaterThan(0.5); // counted vessels are the DAB-positive objects
    await page.locator("#slides").screenshot({ path: shot("slides-overlay-off") });
    await page.check("#slide-overlay-on");
    await page.waitForSelector("body[data-slide-overlay='vessels:on']");
  });

  it("a µm scale bar that follows the zoom, and the tumour's MVD and collagen fraction next to the slide", async () => {
    const bar = async () => Number(await page.getAttribute("#slide-scalebar", "data-um"));
    const before = await bar();
    expect(await page.textContent("#slide-scalebar")).toMatch(/^\d+ µm$/);
    expect(before).toBe(200); // 512 px × 2 µm in a ≈ 520 px view: ≈ 2 µm per screen px → 120 px ≈ 240 µm → 200 µm
    await page.click("#slide-zoom-in");
    await page.click("#slide-zoom-in");
    await page.waitForSelector("#slide-scalebar[data-um='50']", { timeout: 10_000 });
    await page.waitForTimeout(400); // one animationTime more: a zoom still animating would move on
    expect(await bar()).toBe(50); // 4× zoom
    await page.click("#slide-home");
    await page.waitForSelector("#slide-numbers tr[data-parameter='MVD_per_mm2']");
    const mvd = await page.textContent("#slide-numbers tr[data-parameter='MVD_per_mm2']");
    expect(mvd).toMatch(/MVD\s*\d+.*\/mm²/);
    expect(await page.textContent("#slide-numbers tr[data-parameter='collagen_fraction']")).toMatch(
      /\d+(\.\d+)? %/,
    );
    // the picker lists the subject's other sections, grouped by tumour, one entry per stain
    const groups = await page.$$eval("#slide-pick optgroup", (g) => g.map((x) => x.getAttribute("label")));
    expect(groups).toContain("UNP01 · tumour_psma");
    expect(groups).toContain("UNP01 · tumour_flu");
    const stains = await page.$$eval("#slide-pick optgroup[label='UNP01 · tumour_psma'] option", (o) =>
      o.map((x) => x.textContent),
    );
    expect(stains).toEqual([
      "UNP01 · tumour_psma · CD31 (H-DAB)",
      "UNP01 · tumour_psma · fluorescence",
      "UNP01 · tumour_psma · Masson trichrome",
    ]);
  });

  it("thermometry: ΔT selectable with °C in the colour bar, CEM43 in min, a voxel's ΔT-vs-time curve", async () => {
    await page.waitForSelector("body[data-thermo-loaded='UNP01-PRF'][data-thermo-map='dT_C']", {
      timeout: 30_000,
    });
    const options = await page.$$eval("#thermo-map option", (o) => o.map((x) => x.textContent));
    expect(options).toEqual(["ΔT (°C)", "CEM43 (min)", "Tmax (°C)", "time at 40–43 °C (s)"]);
    expect(await page.textContent("#thermo-colorbar .cb-title")).toMatch(/^ΔT at t = \d+ s \(°C\)$/);
    expect(await page.isDisabled("#thermo-frame")).toBe(false);
    await page.selectOption("#thermo-map", "CEM43_min");
    await page.waitForSelector("body[data-thermo-map='CEM43_min']");
    expect(await page.textContent("#thermo-colorbar .cb-title")).toBe("CEM43 (min)");
    await page.selectOption("#thermo-map", "dT_C");
    await page.waitForSelector("body[data-thermo-map='dT_C']");
    expect(await page.textContent("#thermo-colorbar .cb-title")).toMatch(/\(°C\)$/);
    await page.locator("#thermo-gl").scrollIntoViewIfNeeded();
    const box = await page.locator("#thermo-gl").boundingBox();
    if (!box) throw new Error("no thermometry canvas");
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForSelector("body[data-thermo-curve]", { timeout: 10_000 });
    expect(await page.textContent("#thermo-readout")).toMatch(/ΔT -?\d+(\.\d+)? °C · voxel \d+, \d+, \d+/);
    expect(await page.$$eval("#thermo-curve svg path", (p) => p.length)).toBeGreaterThan(1);
    expect(await page.textContent("#thermo-curve")).toMatch(/ΔT \(°C\)/);
    await frames(page);
    await page.locator("#thermo").screenshot({ path: shot("thermo") });
  });
});
