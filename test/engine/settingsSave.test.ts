/**
 * engine/settingsSave: the analysis settings read from and saved into study.json where the
 * analyses read them (DCE scans' acquisition, analyses["blood-pk"]), validated by the settings
 * zod schema and the study schema; the file is replaced atomically (temp + rename), kept
 * byte-for-byte on any refusal or failed write (no temporary file left), untouched by a save that
 * changes nothing; its indentation is kept; the next run's tasks see the new values.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { InputError } from "../../src/core/errors.js";
import { planStudy } from "../../src/engine/analyses/index.js";
import { readAnalysisSettings, saveAnalysisSettings } from "../../src/engine/settingsSave.js";
import { loadStudy } from "../../src/study/load.js";
import { MINI, writeMiniStudy } from "../helpers/miniStudy.js";

const failRename = vi.hoisted(() => ({ on: false }));
vi.mock("node:fs", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs")>();
  return {
    ...fs,
    renameSync: (...a: Parameters<typeof fs.renameSync>) => {
      if (failRename.on) throw Object.assign(new Error("EIO: simulated rename failure"), { code: "EIO" });
      return fs.renameSync(...a);
    },
  };
});

const vol = () => ({
  dims: [4, 4, 2],
  spacingMm: [1, 1, 1] as [number, number, number],
  affine: Float64Array.from([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]),
  data: new Float32Array(32).fill(1000),
});
const file = (dir: string) => join(dir, "study.json");
const bytes = (dir: string) => readFileSync(file(dir));
const leftovers = (dir: string) => readdirSync(dir).filter((f) => f.includes(".tmp-"));

function refused(dir: string, input: unknown, message: RegExp): void {
  const before = bytes(dir);
  let err: unknown;
  try {
    saveAnalysisSettings(dir, input);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(InputError);
  expect((err as Error).message).toMatch(message);
  expect(bytes(dir).equals(before)).toBe(true);
  expect(leftovers(dir)).toEqual([]);
}

describe("analysis settings in study.json", () => {
  it("reads the DCE and blood-PK settings with the JSON Schema of the form", () => {
    const v = readAnalysisSettings(loadStudy(writeMiniStudy(vol())));
    expect(v.values).toEqual({
      dce: { model: "etofts", aif: "dce/aif.csv", hematocrit: 0.45 },
      "blood-pk": { route: "iv-bolus", auc: "linlog" },
    });
    expect(v.mixed).toEqual({});
    expect(v.choices["dce.aif"]).toEqual(["dce/aif.csv"]);
    const s = v.schema as {
      properties: Record<string, { properties: Record<string, { enum?: string[]; maximum?: number }> }>;
    };
    expect(s.properties.dce.properties.model.enum).toEqual(["tofts", "etofts", "patlak", "2cxm", "2cum"]);
    expect(s.properties.dce.properties.hematocrit.maximum).toBe(0.99);
    expect(s.properties["blood-pk"].properties.route.enum).toContain("iv-bolus");
  });

  it("saves a model into every DCE scan atomically, keeps the rest and the indentation; the next run uses it", () => {
    const dir = writeMiniStudy(vol(), { indent: "\t" });
    const before = JSON.parse(bytes(dir).toString("utf8"));
    const r = saveAnalysisSettings(dir, { dce: { model: "tofts" }, "blood-pk": { auc: "linear" } });
    expect(r.changes).toEqual([
      { field: "dce.model", from: "etofts", to: "tofts", scans: 2 },
      { field: "blood-pk.auc", from: "linlog", to: "linear" },
    ]);
    const text = bytes(dir).toString("utf8");
    expect(text.startsWith('{\n\t"schemaVersion"')).toBe(true);
    expect(text.endsWith("}\n")).toBe(true);
    const after = JSON.parse(text);
    for (const s of before.scans) if (s.purpose === "dce") s.acquisition.model = "tofts";
    before.analyses["blood-pk"].auc = "linear";
    expect(after).toEqual(before);
    expect(r.settings.values.dce?.model).toBe("tofts");
    expect(leftovers(dir)).toEqual([]);
    const tasks = planStudy(loadStudy(dir)).filter((t) => t.kind === "dce");
    expect(
      tasks.map((t) => (t.inputs as { scan: { acquisition: { model: string } } }).scan.acquisition.model),
    ).toEqual(["tofts", "tofts"]);
  });

  it("reports settings that differ between DCE scans; saving sets all", () => {
    const dir = writeMiniStudy(vol());
    const s = JSON.parse(bytes(dir).toString("utf8"));
    s.scans.find((x: { id: string }) => x.id === MINI.dce[1]).acquisition.model = "2cxm";
    writeFileSync(file(dir), JSON.stringify(s, null, 2));
    const v = readAnalysisSettings(loadStudy(dir));
    expect(v.mixed["dce.model"]).toEqual({ etofts: 1, "2cxm": 1 });
    const r = saveAnalysisSettings(dir, { dce: { model: "patlak" } });
    expect(r.changes[0]).toMatchObject({ field: "dce.model", to: "patlak", scans: 2 });
    expect(r.settings.mixed).toEqual({});
    expect(bytes(dir).toString("utf8").endsWith("}")).toBe(true); // no final newline before: none after
  });

  it("refuses invalid values with the zod message and leaves study.json byte-for-byte", () => {
    const dir = writeMiniStudy(vol());
    refused(dir, { dce: { hematocrit: 1.5 } }, /dce\.hematocrit: Too big: expected number to be <=0\.99/);
    refused(
      dir,
      { dce: { model: "tofts2" } },
      /dce\.model: Invalid option: expected one of "tofts"\|"etofts"/,
    );
    refused(dir, { dce: { modle: "tofts" } }, /dce\.modle: unknown setting/);
    refused(dir, { "blood-pk": { route: "oral" } }, /blood-pk\.route/);
    refused(
      dir,
      { dce: { aif: "../outside.csv" } },
      /dce\.aif: expected a relative path inside the study folder/,
    );
    refused(dir, { dce: { aif: "dce/missing.csv" } }, /dce\.aif: no file dce\/missing\.csv/);
    refused(dir, { dce: { aif: "dce/not_an_aif.csv" } }, /time_s and cp_mM \(plasma\) or cb_mM \(blood\)/);
    refused(dir, "not an object", /settings/);
  });

  it("accepts another AIF table that exists in the study", () => {
    const dir = writeMiniStudy(vol());
    const r = saveAnalysisSettings(dir, { dce: { aif: "dce/aif_plasma.csv" } });
    expect(r.changes).toEqual([
      { field: "dce.aif", from: "dce/aif.csv", to: "dce/aif_plasma.csv", scans: 2 },
    ]);
  });

  it("a save that changes nothing writes nothing", () => {
    const dir = writeMiniStudy(vol());
    const before = bytes(dir);
    const mtime = statSync(file(dir)).mtimeMs;
    const r = saveAnalysisSettings(dir, {
      dce: { model: "etofts", hematocrit: 0.45 },
      "blood-pk": { route: "iv-bolus" },
    });
    expect(r.changes).toEqual([]);
    expect(bytes(dir).equals(before)).toBe(true);
    expect(statSync(file(dir)).mtimeMs).toBe(mtime);
  });

  it("a failed write keeps the old study.json and leaves no temporary file", () => {
    const dir = writeMiniStudy(vol());
    const before = bytes(dir);
    failRename.on = true;
    try {
      expect(() => saveAnalysisSettings(dir, { dce: { model: "tofts" } })).toThrow(
        /simulated rename failure/,
      );
    } finally {
      failRename.on = false;
    }
    expect(bytes(dir).equals(before)).toBe(true);
    expect(leftovers(dir)).toEqual([]);
    expect(existsSync(file(dir))).toBe(true);
  });

  it("refuses DCE settings for a study without DCE scans", () => {
    const dir = writeMiniStudy(vol());
    const s = JSON.parse(bytes(dir).toString("utf8"));
    s.scans = s.scans.filter((x: { purpose: string }) => x.purpose !== "dce");
    writeFileSync(file(dir), `${JSON.stringify(s, null, 2)}\n`);
    expect(readAnalysisSettings(loadStudy(dir)).values.dce).toBeUndefined();
    refused(dir, { dce: { model: "tofts" } }, /DCE scans/);
  });
});
