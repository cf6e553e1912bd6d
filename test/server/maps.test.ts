/**
 * GET /api/scans/:id/maps — the contract scripts outside the repository call: an array of
 * { name, unit, file } for every parametric and status map of the scan, units from the
 * voxelwise engine's sidecar, each file servable from /api/files/….
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listScanMaps } from "../../src/engine/mapsList.js";
import { createServer } from "../../src/server/app.js";
import { writeDemoStudy } from "../../src/study/demo/write.js";
import { runCli } from "../helpers/cli.js";

let dir: string;
let app: ReturnType<typeof createServer>;
const SCAN = "UNP01-DCE-tumour_psma";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "maps-"));
  writeDemoStudy(dir);
  expect(runCli(["run", dir, "--no-progress", "--only", "dce"]).code).toBe(0);
  app = createServer({ studyDir: dir });
}, 60_000);
afterAll(() => app.close());

describe("GET /api/scans/:id/maps", () => {
  it("lists Ktrans, ve, vp with the sidecar's units and the status map, exactly { name, unit, file }", async () => {
    const r = await app.inject({ url: `/api/scans/${SCAN}/maps` });
    expect(r.statusCode).toBe(200);
    const maps = r.json() as { name: string; unit: string; file: string }[];
    expect(maps).toEqual([
      { name: "Ktrans_per_min", unit: "1/min", file: `results/maps/${SCAN}/Ktrans_per_min.nii.gz` },
      { name: "ve", unit: "1", file: `results/maps/${SCAN}/ve.nii.gz` },
      { name: "vp", unit: "1", file: `results/maps/${SCAN}/vp.nii.gz` },
      { name: "status", unit: "code", file: `results/maps/${SCAN}/status.nii.gz` },
    ]);
    for (const m of maps) expect(Object.keys(m).sort()).toEqual(["file", "name", "unit"]);
  });

  it("every listed file is servable from /api/files/… (gzip NIfTI bytes)", async () => {
    const maps = (await app.inject({ url: `/api/scans/${SCAN}/maps` })).json() as { file: string }[];
    for (const m of maps) {
      const f = await app.inject({ url: `/api/files/${m.file}` });
      expect(f.statusCode).toBe(200);
      expect(f.rawPayload[0]).toBe(0x1f); // gzip magic
      expect(f.rawPayload[1]).toBe(0x8b);
    }
  });

  it("a scan without maps gives [], an unknown scan 404", async () => {
    const none = await app.inject({ url: "/api/scans/UNP01-SPECT-4h/maps" });
    expect(none.statusCode).toBe(200);
    expect(none.json()).toEqual([]);
    const bad = await app.inject({ url: "/api/scans/NOPE/maps" });
    expect(bad.statusCode).toBe(404);
    expect(bad.json().error).toMatch(/scan/);
    const traversal = await app.inject({ url: "/api/scans/..%2F..%2Fetc/maps" });
    expect(traversal.statusCode).toBe(404);
  });

  it("maps without a sidecar entry are listed with unit '' and a broken sidecar does not hide them", () => {
    const d = join(dir, "results", "maps", "UNP02-DCE-tumour_psma");
    writeFileSync(join(d, "extra.nii.gz"), "");
    writeFileSync(join(d, "broken.json"), "{ not json");
    const maps = listScanMaps(dir, ["UNP02-DCE-tumour_psma"], "UNP02-DCE-tumour_psma");
    expect(maps.find((m) => m.name === "extra")).toEqual({
      name: "extra",
      unit: "",
      file: "results/maps/UNP02-DCE-tumour_psma/extra.nii.gz",
    });
    expect(maps.find((m) => m.name === "Ktrans_per_min")?.unit).toBe("1/min");
    expect(maps.at(-1)?.name).toBe("status");
  });
});
