/**
 * bench roi: read a 256×256×64×60 4D NIfTI (.nii.gz, int16 with scl_slope, written by the bench)
 * and compute statistics for 10 spherical ROIs (organ-sized) in every frame. When Debian's python3-nibabel is present
 * (/usr/bin/python3), nibabel + numpy do the same in the same run for the ratio.
 * Usage: npm run bench -- roi [nx ny nz nt]
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { roiStatistics } from "../src/core/image/roiStats.js";
import { identityAffine } from "../src/core/image/volume.js";
import { readNifti, writeNifti } from "../src/io/nifti.js";

const [nx, ny, nz, nt] = (
  process.argv.length > 5 ? process.argv.slice(2, 6) : ["256", "256", "64", "60"]
).map(Number);
const dir = mkdtempSync(join(tmpdir(), "bench-roi-"));
const nv = nx * ny * nz;
const data = new Float32Array(nv * nt);
for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) % 1000;
const affine = identityAffine([1, 1, 2]);
const img = join(dir, "dyn.nii.gz");
const lab = join(dir, "labels.nii.gz");
writeNifti(
  img,
  { dims: [nx, ny, nz, nt], spacingMm: [1, 1, 2], affine, data, frameS: 2 },
  { datatype: "int16" },
);
// 10 spherical ROIs (organ/tumour-sized, radius nx/10 voxels) along the diagonal of the volume
const labels = new Float32Array(nv);
const rad = nx / 10;
for (let r = 1; r <= 10; r++) {
  const c = [(r * nx) / 11, (r * ny) / 11, (r * nz) / 11];
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        if ((i - c[0]) ** 2 + (j - c[1]) ** 2 + ((k - c[2]) * 2) ** 2 <= rad * rad)
          labels[i + nx * (j + ny * k)] = r;
      }
}
writeNifti(lab, { dims: [nx, ny, nz], spacingMm: [1, 1, 2], affine, data: labels }, { datatype: "uint8" });

const t0 = performance.now();
const stats = roiStatistics(readNifti(img), readNifti(lab));
const sec = (performance.now() - t0) / 1000;
console.log(
  `roi metric: ${sec.toFixed(2)} s to read ${nx}×${ny}×${nz}×${nt} (.nii.gz) and compute ${stats.length} ROI×frame statistics`,
);
console.log(`roi metric: ${((nv * nt) / sec / 1e6).toFixed(1)} Mvoxel/s`);

try {
  const py = `
import sys, time, numpy as np, nibabel as nib
t0 = time.perf_counter()
d = np.asanyarray(nib.load(sys.argv[1]).dataobj, dtype=np.float32)
l = np.asanyarray(nib.load(sys.argv[2]).dataobj).astype(np.int32)
lf = l.reshape(-1, order="F")
out = []
for t in range(d.shape[3]):
    f = d[..., t].reshape(-1, order="F")
    for k in range(1, 11):
        v = f[lf == k]
        out.append((v.mean(), v.std(ddof=1), v.min(), v.max(), v.size))
print(time.perf_counter() - t0)
`;
  const s = Number(
    execFileSync("/usr/bin/python3", ["-c", py, img, lab], { encoding: "utf8", timeout: 1_200_000 }).trim(),
  );
  console.log(`roi metric: ${s.toFixed(2)} s nibabel + numpy on the same files`);
  console.log(`roi ratio vs nibabel: ${(s / sec).toFixed(2)}`);
} catch (e) {
  console.log(`roi ratio vs nibabel: not measured (${(e as Error).message.split("\n")[0]})`);
}
