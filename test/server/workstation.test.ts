/**
 * The workstation's routes (they parse and call engine functions): POST /api/scans/:id/rois/grow
 * (preview with the mask as NIfTI; 400 on a bad body), POST /api/scans/:id/rois/scribble (the
 * random-walker region from object/background strokes; 400 on bad strokes), GET /api/scans/:id/anatomy and /scale,
 * GET/PUT /api/settings (400 with the zod message, study.json untouched), GET /api/provenance.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { encodeNifti, parseNifti, readNifti } from "../../src/io/nifti.js";
import { createServer } from "../../src/server/app.js";
import { REF } from "../helpers/cli.js";
import { MINI, writeMiniStudy } from "../helpers/miniStudy.js";

const dir = writeMiniStudy(readNifti(join(REF, "roigrow", "volume.nii.gz")));
const app = createServer({ studyDir: dir });
afterAll(() => app.close());
const json = (method: "POST" | "PUT", url: string, payload: unknown) =>
  app.inject({ method, url, payload: payload as object, headers: { "content-type": "application/json" } });

describe("workstation routes", () => {
  it("grows an ROI preview and answers its statistics and mask", async () => {
    const r = await json("POST", `/api/scans/${MINI.spect}/rois/grow`, {
      seed: [5, 5, 4],
      mode: "percent",
      percent: 50,
    });
    expect(r.statusCode).toBe(200);
    const g = r.json();
    expect(g.voxels).toBe(57); // test/reference/roigrow: scipy.ndimage.label
    expect(g.unit).toBe("Bq/mL");
    expect(g.pctIDperCC.mean).toBeGreaterThan(0);
    const mask = parseNifti(new Uint8Array(gunzipSync(Buffer.from(g.niftiBase64, "base64"))), "mask");
    expect(mask.dims).toEqual([20, 16, 12]);
    expect(Array.from(mask.data).filter((v) => v > 0).length).toBe(57);
    expect(g.nifti).toBeUndefined();
  });
  it("400 on a malformed grow body or a seed outside the image", async () => {
    const a = await json("POST", `/api/scans/${MINI.spect}/rois/grow`, {
      seed: [5, 5],
      mode: "percent",
      percent: 50,
    });
    expect(a.statusCode).toBe(400);
    expect(a.json().error).toMatch(/seed/);
    const b = await json("POST", `/api/scans/${MINI.spect}/rois/grow`, { seed: [5, 5, 4], mode: "median" });
    expect(b.statusCode).toBe(400);
    const c = await json("POST", `/api/scans/${MINI.spect}/rois/grow`, {
      seed: [50, 5, 4],
      mode: "absolute",
      min: 0,
    });
    expect(c.statusCode).toBe(400);
    expect(c.json().error).toMatch(/inside 20×16×12/);
    const d = await json("POST", "/api/scans/nope/rois/grow", { seed: [1, 1, 1], mode: "absolute", min: 0 });
    expect(d.statusCode).toBe(404);
  });
  it("segments from object/background strokes (random walker) and answers the region; 400 on bad strokes", async () => {
    const image = readNifti(join(REF, "roigrow", "volume.nii.gz"));
    const [nx, ny] = image.dims;
    const strokes = new Float32Array(image.data.length);
    const at = (i: number, j: number, k: number) => i + nx * (j + ny * k);
    strokes[at(5, 5, 4)] = 1; // the grow test's seed: inside the hot blob
    for (let i = 0; i < nx; i++) strokes[at(i, 0, 4)] = strokes[at(i, ny - 1, 4)] = 2;
    for (let j = 0; j < ny; j++) strokes[at(0, j, 4)] = strokes[at(nx - 1, j, 4)] = 2;
    const b64 = (data: Float32Array) =>
      Buffer.from(encodeNifti({ ...image, data }, { datatype: "uint8" })).toString("base64");
    const r = await json("POST", `/api/scans/${MINI.spect}/rois/scribble`, { niftiBase64: b64(strokes) });
    expect(r.statusCode).toBe(200);
    const g = r.json();
    expect(g.voxels).toBeGreaterThan(0);
    expect(g.strokes).toEqual({ object: 1, background: 2 * nx + 2 * ny - 4 });
    const mask = parseNifti(new Uint8Array(gunzipSync(Buffer.from(g.niftiBase64, "base64"))), "mask");
    expect(mask.dims).toEqual([20, 16, 12]);
    expect(mask.data[at(5, 5, 4)]).toBe(1);
    expect(mask.data[at(0, 0, 4)]).toBe(0);
    expect(g.nifti).toBeUndefined();
    const bad = await json("POST", `/api/scans/${MINI.spect}/rois/scribble`, { beta: 2 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatch(/niftiBase64/);
    const one = await json("POST", `/api/scans/${MINI.spect}/rois/scribble`, {
      niftiBase64: b64(strokes.map((x) => (x === 2 ? 0 : x))),
    });
    expect(one.statusCode).toBe(400);
    expect(one.json().error).toMatch(/both kinds/);
  });
  it("lists the anatomy of a scan and its %ID/cc factor", async () => {
    const a = (await app.inject({ url: `/api/scans/${MINI.spect}/anatomy` })).json();
    expect(a.candidates.map((c: { scan: string }) => c.scan)).toEqual([MINI.ct]);
    const none = (await app.inject({ url: `/api/scans/${MINI.ct}/anatomy` })).json();
    expect(none.candidates).toEqual([]);
    expect(none.reason).toMatch(/no anatomy/);
    const s = (await app.inject({ url: `/api/scans/${MINI.spect}/scale` })).json();
    expect(s.unit).toBe("%ID/cc");
    expect(s.factor).toBeGreaterThan(0);
    expect((await app.inject({ url: `/api/scans/${MINI.dce[0]}/scale` })).json().factor).toBeNull();
  });
  it("GET/PUT /api/settings: 400 with the zod message and study.json untouched; then saved", async () => {
    const before = readFileSync(join(dir, "study.json"));
    const g = (await app.inject({ url: "/api/settings" })).json();
    expect(g.values.dce.model).toBe("etofts");
    const bad = await json("PUT", "/api/settings", { dce: { hematocrit: 1.5 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toBe("dce.hematocrit: Too big: expected number to be <=0.99");
    expect(readFileSync(join(dir, "study.json")).equals(before)).toBe(true);
    const ok = await json("PUT", "/api/settings", { dce: { model: "2cxm" } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().changes[0]).toMatchObject({ field: "dce.model", to: "2cxm", scans: 2 });
    const s = JSON.parse(readFileSync(join(dir, "study.json"), "utf8"));
    expect(
      s.scans
        .filter((x: { purpose: string }) => x.purpose === "dce")
        .every((x: { acquisition: { model: string } }) => x.acquisition.model === "2cxm"),
    ).toBe(true);
  });
  it("GET /api/provenance: 400 without an analysis, [] for one not run", async () => {
    expect((await app.inject({ url: "/api/provenance" })).statusCode).toBe(400);
    const r = await app.inject({ url: "/api/provenance?analysis=dce/none" });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual([]);
  });
});
