/**
 * Lesion SUV from a PET volume (core/scintigraphy/petLesions.ts):
 *  - against an independent numpy/scipy computation on the committed phantom
 *    (test/reference/pet/: 40×36×24 voxels of 2 × 2.5 × 3 mm, three lesions — one cut by the
 *    image face — and a blood VOI; SUVpeak by scipy.ndimage.correlate with the 1 cm³ spherical
 *    footprint, mode "constant"): every value within 1e-9 relative;
 *  - decay correction exactly as the hand formula SUV = C·W/(A·2^(−Δt/T½)), T½(Cu-64) = 12.701 h
 *    (NNDC), and 1 when the image is already decay-corrected to injection (1e-12);
 *  - identities: pctID = 100·SUVmean·V/W; SUVmean ≤ SUVmax, SUVpeak ≤ SUVmax (fast-check, seed 42);
 *  - bad input: non-integer or negative labels, an absent blood label, no lesion, weight ≤ 0,
 *    a scan before the injection, non-finite voxels → InputError.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/core/errors.js";
import { petLesionTable, suvScale } from "../../../src/core/scintigraphy/petLesions.js";
import { readNifti } from "../../../src/io/nifti.js";
import { REF } from "../../helpers/cli.js";

const dir = `${REF}/pet`;
const ref = JSON.parse(readFileSync(`${dir}/suv_reference.json`, "utf8"));
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe("PET lesion table vs numpy/scipy on the committed phantom", () => {
  const img = readNifti(`${dir}/pet.nii.gz`);
  const lab = readNifti(`${dir}/labels.nii.gz`);
  const uptakeS = (Date.parse(ref.inputs.scan_time) - Date.parse(ref.inputs.injection_time)) / 1000;
  const res = petLesionTable(
    img.data,
    { dims: [img.dims[0], img.dims[1], img.dims[2]], spacingMm: img.spacingMm },
    lab.data,
    {
      weightKg: ref.inputs.weight_kg,
      injectedMBq: ref.inputs.injected_mbq,
      nuclide: "cu-64",
      uptakeS,
      bloodLabel: 10,
    },
  );
  it("decay factor and SUV scale", () => {
    expect(rel(res.scale.decay_factor, ref.decay_factor)).toBeLessThan(1e-12);
    expect(rel(res.scale.suv_per_unit, ref.suv_per_bq_per_ml)).toBeLessThan(1e-12);
    expect(rel(res.bloodSUVmean as number, ref.blood_SUVmean)).toBeLessThan(1e-9);
  });
  type Key =
    | "SUVmax"
    | "SUVpeak"
    | "SUVmean"
    | "volume_ml"
    | "pctID"
    | "lesion_to_blood"
    | "voxels"
    | "peak_voxels";
  type RefLesion = { lesion: string } & Record<Key, number>;
  const cases: [string, RefLesion][] = ref.lesions.map((l: RefLesion) => [l.lesion, l]);
  it.each(cases)("lesion %s", (_, l) => {
    const r = res.rows.find((x) => x.lesion === l.lesion);
    expect(r).toBeDefined();
    for (const k of ["SUVmax", "SUVpeak", "SUVmean", "volume_ml", "pctID", "lesion_to_blood"] as const)
      expect(rel(r?.[k] as number, l[k]), k).toBeLessThan(1e-9);
    expect(r?.voxels).toBe(l.voxels);
    expect(r?.peak_voxels).toBe(l.peak_voxels);
  });
  it("the lesion cut by the image face has a partial SUVpeak sphere", () => {
    const cut = res.rows.find((x) => x.lesion === "3");
    expect(cut?.peak_voxels).toBeLessThan(ref.sphere_voxels_interior);
  });
});

describe("decay correction, exact", () => {
  const dims: [number, number, number] = [6, 6, 6];
  const grid = { dims, spacingMm: [4, 4, 4] as [number, number, number] };
  const C = 5432.1; // Bq/mL everywhere
  const values = new Float64Array(216).fill(C);
  const labels = new Float64Array(216);
  labels[100] = 1;
  labels[101] = 1;
  const base = { weightKg: 71.3, injectedMBq: 203.4, nuclide: "Cu-64" };
  it("image at scan time: SUV = C·W/(A·2^(−Δt/T½))", () => {
    for (const dtH of [0, 1.5, 24.25, 48]) {
      const r = petLesionTable(values, grid, labels, { ...base, uptakeS: dtH * 3600 });
      const hand = (C * 71.3e3) / (203.4e6 * 2 ** (-dtH / 12.701));
      expect(rel(r.rows[0].SUVmean, hand)).toBeLessThan(1e-12);
      expect(rel(r.rows[0].SUVmax, hand)).toBeLessThan(1e-12);
      expect(rel(r.rows[0].pctID, (100 * hand * r.rows[0].volume_ml) / 71.3e3)).toBeLessThan(1e-12);
    }
  });
  it("image decay-corrected to injection: SUV = C·W/A; kBq/mL units", () => {
    const r = petLesionTable(values, grid, labels, { ...base, uptakeS: 86400, imageReference: "injection" });
    expect(rel(r.rows[0].SUVmean, (C * 71.3e3) / 203.4e6)).toBeLessThan(1e-12);
    const k = petLesionTable(values, grid, labels, { ...base, uptakeS: 0, bqPerMlPerUnit: 1000 });
    expect(rel(k.rows[0].SUVmean, (1000 * C * 71.3e3) / 203.4e6)).toBeLessThan(1e-12);
  });
});

describe("invariants and bad input", () => {
  it("SUVmean ≤ SUVmax, SUVpeak ≤ SUVmax, pctID = 100·SUVmean·V/W (fast-check, seed 42)", () => {
    const grid = {
      dims: [8, 7, 6] as [number, number, number],
      spacingMm: [3, 3.5, 4] as [number, number, number],
    };
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e5, noNaN: true }), { minLength: 336, maxLength: 336 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 336, maxLength: 336 }),
        (v, l) => {
          if (!l.some((x) => x > 0)) return;
          const r = petLesionTable(v, grid, l, {
            weightKg: 60,
            injectedMBq: 100,
            nuclide: "F-18",
            uptakeS: 3600,
          });
          for (const x of r.rows) {
            expect(x.SUVmean).toBeLessThanOrEqual(x.SUVmax * (1 + 1e-12));
            expect(x.SUVpeak).toBeLessThanOrEqual(x.SUVmax * (1 + 1e-12));
            expect(Math.abs(x.pctID - (100 * x.SUVmean * x.volume_ml) / 60e3)).toBeLessThan(
              1e-9 * (1 + x.pctID),
            );
          }
        },
      ),
      { seed: 42, numRuns: 60 },
    );
  });
  const grid = {
    dims: [2, 2, 2] as [number, number, number],
    spacingMm: [4, 4, 4] as [number, number, number],
  };
  const v = new Float64Array(8).fill(1);
  const ok = { weightKg: 70, injectedMBq: 100, nuclide: "Cu-64", uptakeS: 3600 };
  it.each([
    ["non-integer label", v, [0, 1.5, 0, 0, 0, 0, 0, 0], ok, /positive integers/],
    ["negative label", v, [0, -1, 0, 0, 0, 0, 0, 0], ok, /positive integers/],
    ["no lesion", v, [0, 0, 0, 0, 0, 0, 0, 0], ok, /lesion label/],
    ["only the blood label", v, [10, 0, 0, 0, 0, 0, 0, 0], { ...ok, bloodLabel: 10 }, /lesion label/],
    ["absent blood label", v, [1, 0, 0, 0, 0, 0, 0, 0], { ...ok, bloodLabel: 10 }, /blood label/],
    ["weight 0", v, [1, 0, 0, 0, 0, 0, 0, 0], { ...ok, weightKg: 0 }, /weight/],
    ["scan before injection", v, [1, 0, 0, 0, 0, 0, 0, 0], { ...ok, uptakeS: -60 }, /after the injection/],
    ["NaN voxel", [Number.NaN, 1, 1, 1, 1, 1, 1, 1], [1, 0, 0, 0, 0, 0, 0, 0], ok, /finite/],
  ])("%s → InputError", (_, values, labels, o, msg) => {
    expect(() => petLesionTable(values as ArrayLike<number>, grid, labels, o)).toThrow(InputError);
    expect(() => petLesionTable(values as ArrayLike<number>, grid, labels, o)).toThrow(msg as RegExp);
  });
  it("unknown nuclide", () => {
    expect(() => suvScale({ ...ok, nuclide: "Xx-1" })).toThrow(InputError);
  });
});
