/**
 * Demo arm "histology": at necropsy, per tumour of every imaging mouse, two synthetic 512 × 512
 * RGB tiles (PNG, 2 µm/px, 1.05 mm²) rendered from known stain amounts by the Beer–Lambert model
 * with Fiji's stain vectors (I_c = 255·10^(−Σ_k a_k·v_k,c), rounded; core/histology
 * stainVectors.ts presets):
 *  - CD31 immunohistochemistry (H-DAB): haematoxylin background (0.12 OD) with nuclei (discs, 0.45),
 *    and N = round(MVD·area) non-touching elliptical vessels (semi-axes 2–5 px, DAB 0.6–0.9) —
 *    70 % placed uniformly, 30 % in a hotspot cluster. MVD = 150·ε^0.8·LN(1, 0.2) per mm², with ε
 *    the tumour's own EPR factor (its 48 h %ID/g over the design value): correlated with
 *    accumulation, imperfectly, as CD31 MVD is in reality (SCIENCE.md §10).
 *  - Masson trichrome: a smooth two-octave value-noise field thresholded at its (1 − c) quantile
 *    gives the collagen (methyl blue, 0.4–0.7 OD) area fraction c; the rest is cytoplasm/muscle
 *    (ponceau-fuchsin 0.3–0.5). c = 0.22·ε^−0.7·LN(1, 0.25), clipped to [0.04, 0.6]:
 *    anticorrelated with accumulation (dense collagen hinders penetration).
 *  - Nanoparticle fluorescence (co-loaded dye, 8-bit grey PNG registered to the CD31 tile: same
 *    vessels, size and pixel size): I = B + A·exp(−d/λ) + N(0, σ²), rounded and clipped to 0–255,
 *    d the exact Euclidean distance (µm, pixel centres; core distanceTransform.ts) to the nearest
 *    rasterised vessel pixel, B = 12 (autofluorescence, declared as acquisition.background),
 *    σ = 2, A = 160·ε^0.5 clipped to [90, 220]. Penetration length λ = 50 µm·(100 nm/d_h)^0.5
 *    (Stokes–Einstein D ∝ 1/d_h, λ = √(D/k)) ·0.75 for a targeted agent in its target-positive
 *    tumour (binding-site barrier) ·LN(1, 0.15), clipped to [30, 70] µm. Drawn from a separate
 *    stream (seed + 1143) so the CD31/trichrome tiles are unchanged.
 * Truth (truth/histology.json) per tumour: vessel count, MVD, vessel area fraction (rasterised
 * vessel pixels / tile), collagen fraction (collagen pixels / tile), ε; penetration λ_um, A, B and
 * the expected half-depth depth50_um = λ·ln 2 (distance over which the signal above background
 * halves).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { distanceToMask } from "../../../core/histology/distanceTransform.js";
import { presetStainSet } from "../../../core/histology/stainVectors.js";
import { Rng } from "../../../core/random.js";
import { writePng } from "../../../io/histology/writers.js";
import type { Scan } from "../../schema.js";
import { ARMS } from "../design.js";
import { type DemoStudy, TUMOURS, tumourPctIDperG } from "../generate.js";
import type { DemoArm } from "./index.js";

export const HISTO_TILE = { size: 512, umPerPx: 2 };

/** 255·10^(−od) for od on a 1e-4 grid up to 6 (rounding od to 1e-4 moves I by < 0.06) */
const INTENSITY = Uint8Array.from({ length: 60001 }, (_, i) =>
  Math.min(255, Math.round(255 * 10 ** (-i / 1e4))),
);

function render(
  v0: readonly number[],
  v1: readonly number[],
  a0: Float32Array,
  a1: Float32Array,
  n: number,
): Uint8Array {
  const out = new Uint8Array(n * 3);
  for (let c = 0; c < 3; c++) {
    const x = v0[c];
    const y = v1[c];
    for (let i = 0; i < n; i++) {
      const od = a0[i] * x + a1[i] * y;
      out[i * 3 + c] = INTENSITY[Math.min(60000, Math.max(0, Math.round(od * 1e4)))];
    }
  }
  return out;
}

/** smooth value noise in [0, 1) on an S × S tile: bilinear (smoothstep) interpolation of a g × g lattice */
function valueNoise(rng: Rng, S: number, g: number): Float32Array {
  const lat = Float32Array.from({ length: (g + 1) * (g + 1) }, () => rng.uniform());
  const out = new Float32Array(S * S);
  const sm = (t: number) => t * t * (3 - 2 * t);
  for (let y = 0; y < S; y++) {
    const fy = (y / S) * g;
    const j = Math.floor(fy);
    const ty = sm(fy - j);
    for (let x = 0; x < S; x++) {
      const fx = (x / S) * g;
      const i = Math.floor(fx);
      const tx = sm(fx - i);
      const v00 = lat[j * (g + 1) + i];
      const v10 = lat[j * (g + 1) + i + 1];
      const v01 = lat[(j + 1) * (g + 1) + i];
      const v11 = lat[(j + 1) * (g + 1) + i + 1];
      out[y * S + x] = (v00 * (1 - tx) + v10 * tx) * (1 - ty) + (v01 * (1 - tx) + v11 * tx) * ty;
    }
  }
  return out;
}

function cd31Tile(rng: Rng, mvdPerMm2: number) {
  const S = HISTO_TILE.size;
  const n = S * S;
  const areaMm2 = (S * HISTO_TILE.umPerPx * 1e-3) ** 2;
  const hema = new Float32Array(n).fill(0.12);
  const dab = new Float32Array(n);
  const vesselMask = new Uint8Array(n);
  for (let q = 0; q < 600; q++) {
    const cx = rng.between(0, S);
    const cy = rng.between(0, S);
    const r = rng.between(1.5, 2.8);
    for (let y = Math.max(0, Math.floor(cy - r)); y <= Math.min(S - 1, Math.ceil(cy + r)); y++)
      for (let x = Math.max(0, Math.floor(cx - r)); x <= Math.min(S - 1, Math.ceil(cx + r)); x++)
        if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) hema[y * S + x] = 0.45;
  }
  const target = Math.round(mvdPerMm2 * areaMm2);
  const placed: { x: number; y: number; a: number }[] = [];
  const hot = { x: rng.between(120, S - 120), y: rng.between(120, S - 120) };
  let vesselPx = 0;
  for (let tries = 0; placed.length < target && tries < target * 200; tries++) {
    const a = rng.between(2, 5);
    const b = a * rng.between(0.55, 1);
    const inHot = placed.length < target * 0.3;
    const x = inHot ? hot.x + rng.normal(0, 45) : rng.between(a + 1, S - a - 1);
    const y = inHot ? hot.y + rng.normal(0, 45) : rng.between(a + 1, S - a - 1);
    if (x < a + 1 || y < a + 1 || x > S - a - 2 || y > S - a - 2) continue;
    if (placed.some((p) => Math.hypot(p.x - x, p.y - y) < p.a + a + 3)) continue;
    placed.push({ x, y, a });
    const th = rng.between(0, Math.PI);
    const c = Math.cos(th);
    const s = Math.sin(th);
    const amount = rng.between(0.6, 0.9);
    for (let yy = Math.floor(y - a - 1); yy <= Math.ceil(y + a + 1); yy++)
      for (let xx = Math.floor(x - a - 1); xx <= Math.ceil(x + a + 1); xx++) {
        const u = ((xx - x) * c + (yy - y) * s) / a;
        const v = (-(xx - x) * s + (yy - y) * c) / b;
        if (u * u + v * v <= 1) {
          const i = yy * S + xx;
          if (dab[i] === 0) vesselPx++;
          vesselMask[i] = 1;
          dab[i] = amount;
          hema[i] = 0.1;
        }
      }
  }
  const set = presetStainSet("hdab");
  return {
    rgb: render(set.vectors[0], set.vectors[1], hema, dab, n),
    vessels: placed.length,
    mvdPerMm2: placed.length / areaMm2,
    vesselAreaFraction: vesselPx / n,
    vesselMask,
  };
}

export const FLUO = { background: 12, noiseSd: 2 };

/** nanoparticle fluorescence from the vessel raster: B + A·exp(−d/λ) + noise, 8-bit grey */
function fluorescenceTile(rng: Rng, vesselMask: Uint8Array, lambdaUm: number, amplitude: number) {
  const S = HISTO_TILE.size;
  const d = distanceToMask(vesselMask, S, S);
  const out = new Uint8Array(S * S);
  for (let i = 0; i < out.length; i++) {
    const v = FLUO.background + amplitude * Math.exp(-(d[i] * HISTO_TILE.umPerPx) / lambdaUm);
    out[i] = Math.min(255, Math.max(0, Math.round(v + rng.normal(0, FLUO.noiseSd))));
  }
  return out;
}

function massonTile(rng: Rng, collagenFraction: number) {
  const S = HISTO_TILE.size;
  const n = S * S;
  const f1 = valueNoise(rng, S, 8);
  const f2 = valueNoise(rng, S, 24);
  const field = new Float32Array(n);
  for (let i = 0; i < n; i++) field[i] = f1[i] + 0.5 * f2[i];
  // (1 − c) quantile from a fine histogram of the field (range [0, 1.5)); the truth is the pixel count
  const bins = new Uint32Array(15000);
  for (let i = 0; i < n; i++) bins[Math.min(14999, Math.floor(field[i] * 1e4))]++;
  let acc = 0;
  let b = 0;
  while (b < 14999 && acc + bins[b] <= (1 - collagenFraction) * n) acc += bins[b++];
  const thr = b / 1e4;
  const shade = valueNoise(rng, S, 6);
  const blue = new Float32Array(n);
  const red = new Float32Array(n);
  let px = 0;
  for (let i = 0; i < n; i++) {
    if (field[i] >= thr) {
      blue[i] = 0.4 + 0.3 * shade[i];
      red[i] = 0.05;
      px++;
    } else red[i] = 0.3 + 0.2 * shade[i];
  }
  const set = presetStainSet("masson");
  return { rgb: render(set.vectors[0], set.vectors[1], blue, red, n), collagenFraction: px / n };
}

export const histologyArm: DemoArm = {
  name: "histology",
  seedOffset: 143,
  write(dir: string, demo: DemoStudy, rng: Rng) {
    mkdirSync(join(dir, "histology"), { recursive: true });
    const scans: Scan[] = [];
    const tumours = [];
    const frng = new Rng(demo.truth.seed + 1143);
    const sizeNm = (agent: string) =>
      demo.study.agents.find((a) => a.id === agent)?.hydrodynamicSizeNm ?? 100;
    const targetedIn = (agent: string, tu: string) =>
      Boolean(demo.study.agents.find((a) => a.id === agent)?.targetingLigand) && tu === "tumour_psma";
    for (const s of demo.truth.subjects.filter((x) => x.imaging)) {
      const arm = ARMS.find((a) => a.group === s.group);
      if (!arm) continue;
      const time = new Date(Date.parse(s.injectionTime) + 96 * 3600_000).toISOString().replace(".000Z", "Z");
      for (const tu of TUMOURS) {
        const eps = tumourPctIDperG(s, tu, 48) / arm.tumour[tu].pctIDperG48h;
        const mvd = 150 * eps ** 0.8 * rng.logNormal(1, 0.2);
        const col = Math.min(0.6, Math.max(0.04, 0.22 * eps ** -0.7 * rng.logNormal(1, 0.25)));
        const cd = cd31Tile(rng, mvd);
        const mt = massonTile(rng, col);
        const S = HISTO_TILE.size;
        const cdFile = `histology/${s.id}_${tu}_CD31.png`;
        const mtFile = `histology/${s.id}_${tu}_trichrome.png`;
        const flFile = `histology/${s.id}_${tu}_NPfluo.png`;
        const lambdaUm = Math.min(
          70,
          Math.max(
            30,
            50 *
              Math.sqrt(100 / sizeNm(arm.agent)) *
              (targetedIn(arm.agent, tu) ? 0.75 : 1) *
              frng.logNormal(1, 0.15),
          ),
        );
        const amplitude = Math.min(220, Math.max(90, 160 * Math.sqrt(eps)));
        writePng(join(dir, cdFile), S, S, cd.rgb, 3);
        writePng(join(dir, mtFile), S, S, mt.rgb, 3);
        writePng(join(dir, flFile), S, S, fluorescenceTile(frng, cd.vesselMask, lambdaUm, amplitude), 1);
        const acq = { tumour: tu, umPerPx: HISTO_TILE.umPerPx, section: "central, 4 µm, FFPE" };
        scans.push(
          {
            id: `${s.id}-CD31-${tu}`,
            subject: s.id,
            modality: "microscopy",
            time,
            files: [cdFile],
            purpose: "histology",
            acquisition: { ...acq, stain: "CD31", stains: "hdab", minAreaUm2: 10 },
          },
          {
            id: `${s.id}-MT-${tu}`,
            subject: s.id,
            modality: "microscopy",
            time,
            files: [mtFile],
            purpose: "histology",
            acquisition: { ...acq, stain: "masson", stains: "masson" },
          },
          {
            id: `${s.id}-NPF-${tu}`,
            subject: s.id,
            modality: "microscopy",
            time,
            files: [flFile],
            purpose: "histology",
            acquisition: {
              ...acq,
              stain: "fluorescence",
              channel: "gray",
              fluorophore: "DiD (co-loaded)",
              background: FLUO.background,
              registeredTo: `${s.id}-CD31-${tu}`,
            },
          },
        );
        tumours.push({
          subject: s.id,
          tumour: tu,
          eprFactor: eps,
          vessels: cd.vessels,
          MVD_per_mm2: cd.mvdPerMm2,
          vessel_area_fraction: cd.vesselAreaFraction,
          collagen_fraction: mt.collagenFraction,
          penetration: {
            lambda_um: lambdaUm,
            depth50_um: lambdaUm * Math.LN2,
            amplitude,
            background: FLUO.background,
            noise_sd: FLUO.noiseSd,
          },
        });
      }
    }
    return {
      scans,
      truth: {
        description: `synthetic CD31 (H-DAB), Masson trichrome and registered nanoparticle-fluorescence tiles, ${HISTO_TILE.size}² px at ${HISTO_TILE.umPerPx} µm/px`,
        tileAreaMm2: (HISTO_TILE.size * HISTO_TILE.umPerPx * 1e-3) ** 2,
        tumours,
      },
    };
  },
};
