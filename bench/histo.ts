/**
 * bench histo: whole-slide CD31 MVD with bounded memory. Writes a synthetic tiled BigTIFF
 * (512-px Deflate tiles, H-DAB rendered from known stain amounts: vessels on a jittered
 * 100-px grid, some across tile seams), procedurally tile by tile (never the whole image in
 * memory), then runs `mvd` (histogram pass + segmentation pass) from the file tile by tile and
 * reports the time, the peak RSS (sampled every 50 ms and at every tile) and
 * process.memoryUsage() before/after, and checks the vessel count against the known number.
 * Usage: npm run bench -- histo [size_px]   (default 8000; the target is 20000)
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderRgb } from "../src/core/histology/opticalDensity.js";
import { presetStainSet } from "../src/core/histology/stainVectors.js";
import { mvd } from "../src/io/histology/pipelines.js";
import { openRaster } from "../src/io/histology/rasterSource.js";
import { TiledTiffWriter } from "../src/io/histology/tiffWriter.js";

const N = Number(process.argv[2] ?? 8000);
const T = 512;
const SP = 100;
const dir = mkdtempSync(join(tmpdir(), "bench-histo-"));
const path = join(dir, "slide.tif");
const set = presetStainSet("hdab");
const bg = renderRgb(set, [0.12, 0, 0]);
const ves = renderRgb(set, [0.12, 0.8, 0]);
const cells = Math.floor(N / SP);
let seed = 12345;
const rnd = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};
const vx = new Float32Array(cells * cells);
const vy = new Float32Array(cells * cells);
const vr = new Float32Array(cells * cells);
for (let j = 0; j < cells; j++)
  for (let i = 0; i < cells; i++) {
    const k = j * cells + i;
    vx[k] = i * SP + 50 + (rnd() - 0.5) * 60;
    vy[k] = j * SP + 50 + (rnd() - 0.5) * 60;
    vr[k] = 4 + rnd() * 3;
  }

const mib = (b: number) => (b / 2 ** 20).toFixed(0);
const t0 = performance.now();
const w = new TiledTiffWriter(path, true);
w.beginImage({
  width: N,
  height: N,
  tileWidth: T,
  tileHeight: T,
  samples: 3,
  format: "uint8",
  compression: "deflate",
  umPerPx: 0.5,
});
const tile = new Uint8Array(T * T * 3);
for (let ty = 0; ty < Math.ceil(N / T); ty++)
  for (let tx = 0; tx < Math.ceil(N / T); tx++) {
    const x0 = tx * T;
    const y0 = ty * T;
    const cw = Math.min(T, N - x0);
    const ch = Math.min(T, N - y0);
    for (let p = 0; p < cw * ch; p++) tile.set(bg, p * 3);
    for (
      let j = Math.max(0, Math.floor(y0 / SP) - 1);
      j <= Math.min(cells - 1, Math.floor((y0 + ch) / SP) + 1);
      j++
    )
      for (
        let i = Math.max(0, Math.floor(x0 / SP) - 1);
        i <= Math.min(cells - 1, Math.floor((x0 + cw) / SP) + 1);
        i++
      ) {
        const k = j * cells + i;
        for (
          let y = Math.max(y0, Math.floor(vy[k] - vr[k]));
          y <= Math.min(y0 + ch - 1, Math.ceil(vy[k] + vr[k]));
          y++
        )
          for (
            let x = Math.max(x0, Math.floor(vx[k] - vr[k]));
            x <= Math.min(x0 + cw - 1, Math.ceil(vx[k] + vr[k]));
            x++
          )
            if ((x - vx[k]) ** 2 + (y - vy[k]) ** 2 <= vr[k] ** 2)
              tile.set(ves, ((y - y0) * cw + (x - x0)) * 3);
      }
    w.writeTile(tx, ty, tile.subarray(0, cw * ch * 3), cw, ch);
  }
w.endImage();
w.close();
const tWrite = (performance.now() - t0) / 1000;
console.log(
  `histo: wrote ${N}×${N} RGB BigTIFF (${mib(statSync(path).size)} MiB on disk) in ${tWrite.toFixed(1)} s`,
);

(globalThis as { gc?: () => void }).gc?.();
const before = process.memoryUsage();
let peak = before.rss;
const timer = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 50);
const t1 = performance.now();
const src = await openRaster(path);
const res = await mvd(src, set, {
  umPerPx: 0.5,
  minAreaUm2: 10,
  fieldMm2: 0.74,
  threshold: "otsu",
  stainIndex: 1,
  tile: 1024,
  progress: (d, n, pass) => {
    peak = Math.max(peak, process.memoryUsage().rss);
    if (d === n || d % Math.ceil(n / 4) === 0) process.stderr.write(`  ${pass} ${d}/${n}\n`);
  },
});
await src.close();
clearInterval(timer);
const sec = (performance.now() - t1) / 1000;
const after = process.memoryUsage();
console.log(
  `histo metric: ${sec.toFixed(1)} s for mvd on ${N}×${N} (${((N * N) / sec / 1e6).toFixed(1)} Mpx/s, 2 passes)`,
);
console.log(
  `histo memory: rss before ${mib(before.rss)} MiB, after ${mib(after.rss)} MiB, peak ${mib(peak)} MiB (limit 1536); heapUsed before ${mib(before.heapUsed)} after ${mib(after.heapUsed)} MiB`,
);
console.log(
  `histo check: vessels ${res.vessels} (expected ${cells * cells}), mvd ${res.mvd_per_mm2.toFixed(1)}/mm², hotspot ${res.hotspot_mvd_per_mm2.toFixed(1)}/mm²`,
);
rmSync(dir, { recursive: true, force: true });
if (res.vessels !== cells * cells || peak > 1536 * 2 ** 20) process.exitCode = 1;
