/**
 * Fixtures of the workstation e2e tests: a synthetic micro-CT for a demo SPECT scan (so the
 * fusion view has an anatomy when the demo study has none), and serving a private web build.
 * The CT is made from the SPECT scan's label map on a 2× finer grid over the same field of view
 * (world frame shared, as on a hybrid scanner): air −1000 HU, body 40, lungs −700, organs
 * 30–65, a spine of 800 HU; deterministic noise.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { readNifti, writeNifti } from "../../src/io/nifti.js";

const HU: Record<number, number> = { 1: 45, 2: -700, 3: 65, 4: 55, 5: 32, 6: 50, 7: 30, 8: 33 };

/** add a CT anatomy scan at the time of `scanId` (same subject) unless the subject has one then */
export function addCtFor(dir: string, scanId: string): string {
  const file = join(dir, "study.json");
  const study = JSON.parse(readFileSync(file, "utf8"));
  const spect = study.scans.find((s: { id: string }) => s.id === scanId);
  const existing = study.scans.find(
    (s: { subject: string; modality: string; time: string }) =>
      s.subject === spect.subject && s.modality === "CT" && s.time === spect.time,
  );
  if (existing) return existing.id;
  const img = readNifti(join(dir, spect.files[0]));
  const labels = spect.labels ? readNifti(join(dir, spect.labels)) : null;
  const [nx, ny, nz] = img.dims;
  const [sx, sy, sz] = img.spacingMm;
  const f = 2;
  const dims = [nx * f, ny * f, nz * f];
  const a = img.affine;
  // CT voxel (i, j, k) centre = SPECT voxel ((i + 0.5)/f − 0.5, …)
  const affine = Float64Array.from([
    a[0] / f,
    a[1] / f,
    a[2] / f,
    a[3] + (a[0] + a[1] + a[2]) * (0.5 / f - 0.5),
    a[4] / f,
    a[5] / f,
    a[6] / f,
    a[7] + (a[4] + a[5] + a[6]) * (0.5 / f - 0.5),
    a[8] / f,
    a[9] / f,
    a[10] / f,
    a[11] + (a[8] + a[9] + a[10]) * (0.5 / f - 0.5),
    0,
    0,
    0,
    1,
  ]);
  const data = new Float32Array(dims[0] * dims[1] * dims[2]);
  let seed = 12345;
  const noise = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return (seed / 2147483648 - 0.5) * 30;
  };
  const cx = (nx * sx) / 2;
  const cy = (ny * sy) / 2;
  for (let k = 0; k < dims[2]; k++)
    for (let j = 0; j < dims[1]; j++)
      for (let i = 0; i < dims[0]; i++) {
        const x = ((i + 0.5) / f) * sx;
        const y = ((j + 0.5) / f) * sy;
        const z = ((k + 0.5) / f) * sz;
        const inBody =
          ((x - cx) / (0.42 * nx * sx)) ** 2 + ((y - cy) / (0.42 * ny * sy)) ** 2 <= 1 &&
          z > 2 &&
          z < nz * sz - 2;
        const si = Math.floor((i + 0.5) / f);
        const sj = Math.floor((j + 0.5) / f);
        const sk = Math.floor((k + 0.5) / f);
        const lab = labels ? labels.data[si + nx * (sj + ny * sk)] : 0;
        let hu = inBody ? 40 : -1000;
        if (lab > 0) hu = HU[lab] ?? 40;
        if (inBody && (x - cx) ** 2 + (y - 0.25 * ny * sy) ** 2 < 2.2) hu = 800; // spine
        data[i + dims[0] * (j + dims[1] * k)] = hu + noise();
      }
  const rel = `images/${spect.subject}_ct_fixture.nii.gz`;
  writeNifti(
    join(dir, rel),
    { dims, spacingMm: [sx / f, sy / f, sz / f], affine, data },
    { datatype: "int16", description: "test fixture micro-CT (HU)" },
  );
  const id = `${spect.subject}-CT-fixture`;
  study.scans.push({
    id,
    subject: spect.subject,
    modality: "CT",
    time: spect.time,
    files: [rel],
    purpose: "anatomy",
    acquisition: { units: "HU" },
  });
  writeFileSync(file, `${JSON.stringify(study, null, 2)}\n`);
  return id;
}

/** serve /app/ from a private web build (EPRSCOPE_WEB_DIST) instead of web/dist */
export async function routeWebDist(page: Page, webDist: string | undefined): Promise<void> {
  if (!webDist) return;
  await page.route(/\/app\/.*/, async (route) => {
    const url = new URL(route.request().url());
    const rel = url.pathname.replace(/^\/app\/?/, "") || "index.html";
    try {
      const body = readFileSync(join(webDist, rel));
      const type = rel.endsWith(".js")
        ? "text/javascript"
        : rel.endsWith(".css")
          ? "text/css"
          : rel.endsWith(".html")
            ? "text/html"
            : "application/octet-stream";
      await route.fulfill({ status: 200, body, contentType: type });
    } catch {
      await route.fulfill({ status: 404, body: "not found" });
    }
  });
}
