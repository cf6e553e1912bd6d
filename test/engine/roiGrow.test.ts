/**
 * engine/roiGrow (threshold-grown ROIs) against scipy.ndimage.label (test/reference/roigrow):
 * the 6-connected component of the threshold interval containing the seed — voxel count and
 * index sum exactly, mean and sample SD to a relative 1e-9, volume = count × |det A| — and
 * %ID/cc by the hand formula 100·C[MBq/mL]·exp(+ln2·Δt/T½)/A_inj (In-111 T½ 2.8047 d, NNDC;
 * relative 1e-9). The mask NIfTI holds the same voxels. Invariant (fast-check, seed 42): a
 * higher percentage grows a subset of a lower one's region, and every region holds its seed.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/core/errors.js";
import type { Volume } from "../../src/core/image/volume.js";
import { type GrowRequest, growRoi } from "../../src/engine/roiGrow.js";
import { parseNifti, readNifti } from "../../src/io/nifti.js";
import { loadStudy } from "../../src/study/load.js";
import { REF } from "../helpers/cli.js";
import { MINI, writeMiniStudy } from "../helpers/miniStudy.js";

interface Case {
  seed: [number, number, number];
  mode: "percent" | "absolute";
  percent: number | null;
  min: number | null;
  max: number | null;
  voxels: number;
  index_sum: number;
  mean: number;
  sd: number | null;
  seed_value: number;
}
const ref = JSON.parse(readFileSync(join(REF, "roigrow", "expected.json"), "utf8")) as {
  voxel_mm3: number;
  cases: Case[];
};
const volume = readNifti(join(REF, "roigrow", "volume.nii.gz"));
const dir = writeMiniStudy(volume);
const study = loadStudy(dir).study;
const cache = new Map<string, Volume>();
const src = {
  volume: (rel: string) => {
    let v = cache.get(rel);
    if (!v) {
      v = readNifti(join(dir, rel));
      cache.set(rel, v);
    }
    return v;
  },
};
const grow = (req: GrowRequest) => growRoi(study, dir, MINI.spect, req, src);
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
const T_HALF_S = 2.8047 * 86400;

function maskOf(nifti: Uint8Array): { count: number; indexSum: number; set: Set<number> } {
  const v = parseNifti(new Uint8Array(gunzipSync(nifti)), "mask");
  const set = new Set<number>();
  let s = 0;
  v.data.forEach((x, i) => {
    if (x > 0) {
      set.add(i);
      s += i;
    }
  });
  return { count: set.size, indexSum: s, set };
}

describe("threshold-grown ROIs = scipy.ndimage.label component of the seed", () => {
  for (const c of ref.cases) {
    const what = c.mode === "percent" ? `≥ ${c.percent} % of the seed` : `[${c.min}, ${c.max ?? "∞"}]`;
    it(`seed ${c.seed.join(",")} ${what}: ${c.voxels} voxels`, () => {
      const g = grow({
        seed: c.seed,
        threshold:
          c.mode === "percent"
            ? { mode: "percent", percent: c.percent as number }
            : { mode: "absolute", min: c.min as number, max: c.max ?? undefined },
      });
      expect(g.seedValue).toBe(c.seed_value);
      expect(g.voxels).toBe(c.voxels);
      const m = maskOf(g.nifti);
      expect(m.count).toBe(c.voxels);
      expect(m.indexSum).toBe(c.index_sum);
      expect(rel(g.mean, c.mean)).toBeLessThan(1e-9);
      if (c.sd === null) expect(g.sd).toBeNull();
      else expect(rel(g.sd as number, c.sd)).toBeLessThan(1e-9);
      expect(rel(g.volume_mm3, c.voxels * ref.voxel_mm3)).toBeLessThan(1e-6); // float32 affine
      expect(g.unit).toBe("Bq/mL");
      // %ID/cc by hand: 15 MBq injected, scan 24 h later, In-111
      const f = (100 * 1e-6 * Math.exp((Math.LN2 * 86400) / T_HALF_S)) / MINI.doseMBq;
      expect(g.pctIDperCC?.time_h).toBe(24);
      expect(rel(g.pctIDperCC?.mean as number, c.mean * f)).toBeLessThan(1e-9);
    });
  }

  it("flags a region that reaches the image border", () => {
    const c = ref.cases.find((x) => x.seed.every((v) => v === 0)) as Case;
    const g = grow({
      seed: c.seed,
      threshold: { mode: "absolute", min: c.min as number, max: c.max as number },
    });
    expect(g.touchesBorder).toBe(true);
    expect(g.warnings.join(" ")).toMatch(/edge of the image/);
    const hot = grow({ seed: [5, 5, 4], threshold: { mode: "percent", percent: 50 } });
    expect(hot.touchesBorder).toBe(false);
    expect(hot.warnings).toEqual([]);
  });

  it("a higher percentage grows a subset holding the seed (fast-check, seed 42)", () => {
    const seeds: [number, number, number][] = [
      [5, 5, 4],
      [14, 10, 7],
      [11, 7, 6],
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds),
        fc.double({ min: 5, max: 95, noNaN: true }),
        fc.double({ min: 5, max: 95, noNaN: true }),
        (seed, a, b) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          const big = maskOf(grow({ seed, threshold: { mode: "percent", percent: lo } }).nifti).set;
          const small = maskOf(grow({ seed, threshold: { mode: "percent", percent: hi } }).nifti).set;
          const s = seed[0] + 20 * (seed[1] + 16 * seed[2]);
          return big.has(s) && small.has(s) && [...small].every((v) => big.has(v));
        },
      ),
      { seed: 42, numRuns: 40 },
    );
  });

  it("refuses bad requests with an InputError naming the field", () => {
    const bad = (req: GrowRequest, field: RegExp) => {
      let err: unknown;
      try {
        grow(req);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InputError);
      expect(String((err as Error).message)).toMatch(field);
    };
    bad({ seed: [20, 0, 0], threshold: { mode: "percent", percent: 50 } }, /seed.*inside 20×16×12/);
    bad({ seed: [5, 5, 4], threshold: { mode: "absolute", min: 2e6 } }, /seed.*threshold interval/);
    bad({ seed: [5, 5, 4], threshold: { mode: "absolute", min: 10, max: 5 } }, /max/);
    bad({ seed: [5, 5, 4], threshold: { mode: "percent", percent: 150 } }, /percent/);
    bad({ seed: [5, 5, 4], threshold: { mode: "percent", percent: 50 }, frame: 3 }, /frame/);
    bad({ seed: [5, 5, 4], threshold: { mode: "percent", percent: 50 }, source: "Ktrans_per_min" }, /source/);
    expect(() =>
      growRoi(study, dir, "nope", { seed: [0, 0, 0], threshold: { mode: "percent", percent: 5 } }, src),
    ).toThrow(/scan/);
  });
});
