import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/core/errors.js";
import { parseRoiTable } from "../../src/io/roi/roiTable.js";

describe("ROI statistics importers", () => {
  it("reads a PMOD VOI statistics export (units in brackets, ccm → mm³)", () => {
    const text = [
      "// PMOD VOI statistics",
      "// Study: mouse 3",
      "VoiName(Region) [string]\tTime [seconds]\tAveraged [kBq/cc]\tSD [kBq/cc]\tVolume [ccm]\tNumberOfVoxels [voxels]",
      "tumour\t14400\t52.5\t8.1\t0.25\t250",
      "liver\t14400\t160.2\t12.0\t1.1\t1100",
    ].join("\n");
    const r = parseRoiTable(text, "m3.voistat");
    expect(r).toEqual([
      {
        roi: "tumour",
        frame: null,
        time_s: 14400,
        mean: 52.5,
        sd: 8.1,
        min: null,
        max: null,
        voxels: 250,
        volume_mm3: 250,
        unit: "kBq/cc",
      },
      {
        roi: "liver",
        frame: null,
        time_s: 14400,
        mean: 160.2,
        sd: 12,
        min: null,
        max: null,
        voxels: 1100,
        volume_mm3: 1100,
        unit: "kBq/cc",
      },
    ]);
  });
  it("reads an AMIDE ROI statistics export (minutes → s)", () => {
    const text = [
      "# AMIDE ROI statistics",
      "ROI\tFrame\tTime Midpt (min)\tMean\tStd Dev\tMin\tMax\tSize (mm^3)\tVoxels",
      "kidney\t0\t2\t3.5\t0.4\t2.9\t4.4\t180\t120",
    ].join("\n");
    expect(parseRoiTable(text)).toEqual([
      {
        roi: "kidney",
        frame: 0,
        time_s: 120,
        mean: 3.5,
        sd: 0.4,
        min: 2.9,
        max: 4.4,
        voxels: 120,
        volume_mm3: 180,
        unit: null,
      },
    ]);
  });
  it("names the problem for unknown layouts and never crashes on garbage (property)", () => {
    expect(() => parseRoiTable("a,b\n1,2\n", "x.csv")).toThrow(
      /x\.csv: header: got \["a","b"\]; expected an ROI name column/,
    );
    expect(() => parseRoiTable("roi,mean\nliver,abc\n", "y.csv")).toThrow(/row 1, column mean: got "abc"/);
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        try {
          parseRoiTable(s);
        } catch (e) {
          if (!(e instanceof InputError)) throw e;
        }
      }),
    );
  });

  it("fuzz: PMOD/AMIDE-shaped tables with arbitrary cells give rows or an InputError", () => {
    const cell = fc.oneof(fc.string({ maxLength: 10 }), fc.double().map(String), fc.constant(""));
    fc.assert(
      fc.property(
        fc.constantFrom(
          "VoiName(Region) [string]\tAveraged [kBq/cc]\tSD [kBq/cc]\tVolume [ccm]",
          "ROI\tFrame\tTime Midpt (min)\tMean\tMin\tMax\tSize (mm^3)\tVoxels",
          "roi,mean,sd,voxels,volume_mm3",
        ),
        fc.array(fc.array(cell, { minLength: 1, maxLength: 9 }), { minLength: 1, maxLength: 6 }),
        (header, rows) => {
          const sep = header.includes("\t") ? "\t" : ",";
          const text = [
            header,
            ...rows.map((r) => r.map((c) => c.replace(/[\t,\r\n]/g, " ")).join(sep)),
          ].join("\n");
          try {
            for (const r of parseRoiTable(text)) expect(Number.isFinite(r.mean)).toBe(true);
          } catch (e) {
            if (!(e instanceof InputError)) throw e;
          }
        },
      ),
    );
  });
});
