/**
 * Deep Zoom routes of the workspace server (src/server/routes/slides.ts) over the demo study
 * with the histology of one subject run: the slide list with sizes, µm/px and overlays; DZI
 * descriptors; 200 for every tile of the pyramid (JPEG, PNG, overlay PNG with alpha); 404 for
 * levels, columns and rows outside it, unknown slides/overlays, non-histology scans and other
 * formats; no path outside the study folder (encoded traversal, overlay names with slashes, a
 * symbolic link in results/histology/ leading outside).
 */
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decode as decodePng, encode as encodePng } from "fast-png";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planStudy } from "../../src/engine/analyses/index.js";
import { runTasks } from "../../src/engine/runner.js";
import { dziGeometry, levelInfo, tileRect } from "../../src/io/histology/deepZoom.js";
import { createServer } from "../../src/server/app.js";
import { openResultStore } from "../../src/store/open.js";
import { histologyArm } from "../../src/study/demo/arms/histology.js";
import { loadStudy } from "../../src/study/load.js";
import { writeDemoWithArms } from "../helpers/demoArms.js";

let dir: string;
let app: ReturnType<typeof createServer>;
const CD31 = "UNP01-CD31-tumour_psma";
const MT = "UNP01-MT-tumour_psma";

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "slides-"));
  writeDemoWithArms(dir, [histologyArm]);
  const ls = loadStudy(dir);
  const store = await openResultStore(dir);
  try {
    const s = await runTasks(ls, planStudy(ls), store, { only: ["histology/UNP01"] });
    expect(s.failed).toEqual([]);
  } finally {
    await store.close();
  }
  app = createServer({ studyDir: dir });
}, 120_000);
afterAll(() => app?.close());

describe("GET /api/slides", () => {
  it("lists every histology section with stain, tumour, size, µm/px and the overlays the analysis wrote", async () => {
    const r = await app.inject({ url: "/api/slides" });
    expect(r.statusCode).toBe(200);
    const slides = r.json() as Record<string, unknown>[];
    // every histology scan of the study (12 imaging mice × 2 tumours × each stain of the arm)
    const study = JSON.parse(readFileSync(join(dir, "study.json"), "utf8")) as {
      scans: { purpose: string }[];
    };
    expect(slides.length).toBe(study.scans.filter((s) => s.purpose === "histology").length);
    expect(slides.length).toBeGreaterThanOrEqual(48);
    const cd = slides.find((s) => s.id === CD31);
    expect(cd).toEqual({
      id: CD31,
      subject: "UNP01",
      sample: "tumour_psma",
      stain: "CD31",
      stains: "hdab",
      file: "histology/UNP01_tumour_psma_CD31.png",
      width: 512,
      height: 512,
      um_per_px: 2,
      overlays: [{ name: "vessels", file: `results/histology/${CD31}_vessels.png`, width: 512, height: 512 }],
    });
    // the trichrome collagen analysis writes its overlay
    expect(slides.find((s) => s.id === MT)).toMatchObject({
      stain: "masson",
      overlays: [{ name: "collagen", file: `results/histology/${MT}_collagen.png` }],
    });
    // subjects whose histology has not run have no overlays yet
    expect(slides.find((s) => s.id === "TNP01-CD31-tumour_psma")?.overlays).toEqual([]);
  });
});

describe("DZI descriptors and tiles", () => {
  const g = dziGeometry(512, 512);

  it("descriptors: PNG (or JPEG on request) for the slide, PNG for the overlay, 256 px tiles, overlap 1, full size", async () => {
    const d = await app.inject({ url: `/api/slides/${CD31}.dzi` });
    expect(d.statusCode).toBe(200);
    expect(d.headers["content-type"]).toMatch(/xml/);
    expect(d.body).toMatch(/Format="png" Overlap="1" TileSize="256"><Size Width="512" Height="512"\/>/);
    const j = await app.inject({ url: `/api/slides/${CD31}.dzi?format=jpeg` });
    expect(j.body).toMatch(/Format="jpeg" Overlap="1" TileSize="256">/);
    const o = await app.inject({ url: `/api/slides/${CD31}/overlays/vessels.dzi` });
    expect(o.statusCode).toBe(200);
    expect(o.body).toMatch(/Format="png"/);
  });

  it("200 for every tile of every level (PNG of the tile's size), JPEG on request, RGBA overlay tiles", async () => {
    for (let L = 0; L <= g.maxLevel; L++) {
      const info = levelInfo(g, L);
      if (!info) throw new Error("level");
      for (let r = 0; r < info.rows; r++)
        for (let c = 0; c < info.cols; c++) {
          const t = await app.inject({ url: `/api/slides/${CD31}_files/${L}/${c}_${r}.png` });
          expect(t.statusCode, `${L}/${c}_${r}`).toBe(200);
          expect(t.headers["content-type"]).toBe("image/png");
          const img = decodePng(t.rawPayload);
          const rect = tileRect(g, L, c, r);
          expect([img.width, img.height, img.channels]).toEqual([rect?.width, rect?.height, 3]);
        }
    }
    const j = await app.inject({ url: `/api/slides/${CD31}_files/9/1_1.jpeg` });
    expect(j.statusCode).toBe(200);
    expect(j.headers["content-type"]).toBe("image/jpeg");
    expect([j.rawPayload[0], j.rawPayload[1]]).toEqual([0xff, 0xd8]);
    const o = await app.inject({ url: `/api/slides/${CD31}/overlays/vessels_files/9/0_0.png` });
    expect(o.statusCode).toBe(200);
    expect(o.headers["content-type"]).toBe("image/png");
    const ov = decodePng(o.rawPayload);
    expect(ov.channels).toBe(4);
    let opaque = 0;
    let clear = 0;
    for (let i = 3; i < ov.data.length; i += 4) {
      if (ov.data[i] === 255) opaque++;
      if (ov.data[i] === 0) clear++;
    }
    expect(opaque).toBeGreaterThan(100); // vessels painted
    expect(clear).toBeGreaterThan(opaque); // the section shows through elsewhere
  });

  it("404 for levels, columns and rows outside the pyramid, other formats and malformed names", async () => {
    for (const url of [
      `/api/slides/${CD31}_files/10/0_0.jpeg`,
      `/api/slides/${CD31}_files/99/0_0.jpeg`,
      `/api/slides/${CD31}_files/9/2_0.jpeg`,
      `/api/slides/${CD31}_files/9/0_2.jpeg`,
      `/api/slides/${CD31}_files/0/1_0.jpeg`,
      `/api/slides/${CD31}_files/9/-1_0.jpeg`,
      `/api/slides/${CD31}_files/9/a_0.jpeg`,
      `/api/slides/${CD31}_files/9/0_0.gif`,
      `/api/slides/${CD31}_files/9/0_0`,
      `/api/slides/${CD31}/overlays/vessels_files/10/0_0.png`,
      `/api/slides/${CD31}/overlays/vessels_files/9/0_0.jpeg`,
      `/api/slides/${CD31}`,
    ]) {
      const r = await app.inject({ url });
      expect(r.statusCode, url).toBe(404);
    }
  });

  it("404 for unknown slides and overlays, and for scans that are not histology", async () => {
    for (const url of [
      "/api/slides/NOPE.dzi",
      "/api/slides/NOPE_files/0/0_0.jpeg",
      "/api/slides/UNP01-SPECT-4h.dzi",
      `/api/slides/${MT}/overlays/vessels.dzi`,
      `/api/slides/${CD31}/overlays/collagen.dzi`,
      `/api/slides/${CD31}/overlays/vessels_files/9/0_0.png`.replace(CD31, "NOPE"),
    ]) {
      const r = await app.inject({ url });
      expect(r.statusCode, url).toBe(404);
    }
  });
});

describe("path safety", () => {
  it("no file outside the study folder: encoded traversal, slashes in names, a symlinked overlay", async () => {
    const outside = join(tmpdir(), `slides-outside-${process.pid}.png`);
    writeFileSync(
      outside,
      encodePng({ width: 2, height: 2, data: new Uint8Array(12).fill(7), channels: 3, depth: 8 }),
    );
    symlinkSync(outside, join(dir, "results", "histology", `${CD31}_evil.png`));
    const list = (await app.inject({ url: "/api/slides" })).json() as {
      id: string;
      overlays: { name: string }[];
    }[];
    expect(list.find((s) => s.id === CD31)?.overlays.map((o) => o.name)).toEqual(["vessels"]);
    for (const url of [
      `/api/slides/${CD31}/overlays/evil.dzi`,
      `/api/slides/${CD31}/overlays/evil_files/0/0_0.png`,
      "/api/slides/..%2F..%2F..%2Fetc%2Fpasswd.dzi",
      "/api/slides/%2e%2e%2fstudy.json.dzi",
      "/api/slides/%2Fetc%2Fpasswd_files/0/0_0.jpeg",
      `/api/slides/${CD31}/overlays/..%2F..%2F..%2Fhistology%2FUNP01_tumour_psma_CD31.dzi`,
      `/api/slides/${CD31}/overlays/%2e%2e%2fvessels.dzi`,
    ]) {
      const r = await app.inject({ url });
      expect(r.statusCode, url).toBe(404);
      expect(r.body).not.toContain("root:");
    }
    // a malformed escape is refused before routing
    expect([400, 404]).toContain((await app.inject({ url: "/api/slides/%E0%A4%A.dzi" })).statusCode);
  });
});
