/**
 * Whole-slide histology as Deep Zoom (io/histology/deepZoom.ts, engine/slideCatalog.ts):
 *  GET /api/slides                                   → [{ id, subject, sample, stain, file, width, height, um_per_px, overlays }]
 *  GET /api/slides/<id>.dzi[?format=png|jpeg]       → DZI descriptor (256 px tiles, overlap 1)
 *  GET /api/slides/<id>_files/<level>/<col>_<row>.png|jpeg
 *  GET /api/slides/<id>/overlays/<name>.dzi          → the overlay's descriptor (PNG tiles with alpha)
 *  GET /api/slides/<id>/overlays/<name>_files/<level>/<col>_<row>.png
 * Only slides of the study (scans of purpose "histology") and their overlays in results/histology/
 * are served, each resolved inside the study folder (context.ts safeStudyPath: no "..", no
 * absolute paths, no symlinks leaving it); anything else, and tiles outside the pyramid, is 404.
 * Slide tiles default to PNG: lossless (the viewer shows the pixels the analysis measured) and
 * about 5× cheaper to encode than jpeg-js's JPEG (≈ 12 vs 62 ms CPU per 257² tile); `?format=jpeg`
 * describes JPEG tiles instead (smaller on slow remote links). Both extensions are always served.
 */
import { statSync } from "node:fs";
import { join, sep } from "node:path";
import { isSlideScan, listSlides, overlayFiles } from "../../engine/slideCatalog.js";
import { DeepZoomTiler, type TileFormat } from "../../io/histology/deepZoom.js";
import { loadStudy } from "../../study/load.js";
import type { Scan } from "../../study/schema.js";
import { type RouteContext, safeStudyPath } from "../context.js";

const DZI = /^([^/]+)\.dzi$/;
const TILE = /^([^/]+)_files\/(\d{1,3})\/(\d{1,7})_(\d{1,7})\.(jpeg|jpg|png)$/;
const OV_DZI = /^([^/]+)\/overlays\/([^/]+)\.dzi$/;
const OV_TILE = /^([^/]+)\/overlays\/([^/]+)_files\/(\d{1,3})\/(\d{1,7})_(\d{1,7})\.png$/;

export function registerSlides({ app, studyDir }: RouteContext): void {
  const tiler = new DeepZoomTiler();
  const resolve = (rel: string) => safeStudyPath(studyDir, rel.split("/").join(sep));
  // study.json parsed once per change (tile requests come by the dozen)
  let memo: { stamp: string; dir: string; scans: Scan[] } | null = null;
  const study = () => {
    const st = statSync(join(studyDir, "study.json"));
    const stamp = `${st.size}:${st.mtimeMs}`;
    if (memo?.stamp !== stamp) {
      const ls = loadStudy(studyDir);
      memo = { stamp, dir: ls.dir, scans: ls.study.scans };
    }
    return memo;
  };
  const slidePath = (id: string): string | null => {
    const scan = study().scans.find((s) => s.id === id && isSlideScan(s));
    return scan ? resolve(scan.files[0]) : null;
  };
  const overlayPath = (id: string, name: string): string | null => {
    const s = study();
    if (!s.scans.some((x) => x.id === id && isSlideScan(x))) return null;
    const o = overlayFiles(s.dir, id).find((x) => x.name === name);
    return o ? resolve(o.file) : null;
  };
  const notFound = { error: "no such slide, overlay or tile in the study" };

  app.get("/api/slides", async () => {
    const s = study();
    return listSlides(s.dir, s.scans, resolve);
  });

  app.get("/api/slides/*", async (req, reply) => {
    let rest: string;
    try {
      rest = decodeURIComponent((req.params as { "*": string })["*"]);
    } catch {
      return reply.code(404).send(notFound);
    }
    let m = DZI.exec(rest);
    if (m) {
      const p = slidePath(m[1]);
      if (!p) return reply.code(404).send(notFound);
      const q = (req.query ?? {}) as { format?: string };
      const format: TileFormat = q.format === "jpeg" || q.format === "jpg" ? "jpeg" : "png";
      return reply.type("application/xml").send(await tiler.descriptor(p, format));
    }
    m = TILE.exec(rest);
    if (m) {
      const p = slidePath(m[1]);
      const format: TileFormat = m[5] === "png" ? "png" : "jpeg";
      const bytes = p ? await tiler.tile(p, Number(m[2]), Number(m[3]), Number(m[4]), format) : null;
      if (!bytes) return reply.code(404).send(notFound);
      return reply.type(format === "png" ? "image/png" : "image/jpeg").send(Buffer.from(bytes));
    }
    m = OV_DZI.exec(rest);
    if (m) {
      const p = overlayPath(m[1], m[2]);
      if (!p) return reply.code(404).send(notFound);
      return reply.type("application/xml").send(await tiler.descriptor(p, "png"));
    }
    m = OV_TILE.exec(rest);
    if (m) {
      const p = overlayPath(m[1], m[2]);
      const bytes = p
        ? await tiler.tile(p, Number(m[3]), Number(m[4]), Number(m[5]), "png", "overlay")
        : null;
      if (!bytes) return reply.code(404).send(notFound);
      return reply.type("image/png").send(Buffer.from(bytes));
    }
    return reply.code(404).send(notFound);
  });
}
