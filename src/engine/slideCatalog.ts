/**
 * The study's slides as the workspace lists them (GET /api/slides): every scan of purpose
 * "histology" (or modality "microscopy") with its stain, tumour/sample, pixel size, image size,
 * and the overlays the histology analysis wrote for it — results/histology/<scan>_<name>.png
 * (e.g. `_vessels` for CD31 MVD, pipelines.ts writeOverlay). Image sizes come from the file
 * headers only (PNG IHDR, JPEG SOF, TIFF IFDs), so listing a study of whole slides is cheap.
 * Paths are study-relative with "/" separators; `resolve` (the server's study-folder check) turns
 * them into absolute paths and refuses anything outside the study, so refused files are left out.
 */
import { closeSync, existsSync, openSync, readdirSync, readSync } from "node:fs";
import { join } from "node:path";
import { openRaster } from "../io/histology/rasterSource.js";
import type { Scan } from "../study/schema.js";

export interface SlideOverlay {
  /** suffix of the overlay file, e.g. "vessels" */
  name: string;
  file: string;
  width: number;
  height: number;
}

export interface SlideInfo {
  id: string;
  subject: string;
  /** tumour or tissue sample the section comes from (acquisition.tumour / .sample), null if unknown */
  sample: string | null;
  stain: string;
  /** stain preset of the colour deconvolution ("hdab", "masson" …), null if unset */
  stains: string | null;
  file: string;
  width: number;
  height: number;
  /** µm per pixel at full resolution, null if unset */
  um_per_px: number | null;
  overlays: SlideOverlay[];
}

function readHead(path: string, n: number): Buffer {
  const fd = openSync(path, "r");
  try {
    const b = Buffer.alloc(n);
    const got = readSync(fd, b, 0, n, 0);
    return b.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/** width and height from an image header, without decoding pixels; null when unreadable */
export async function imageSize(path: string): Promise<{ width: number; height: number } | null> {
  let b: Buffer;
  try {
    b = readHead(path, 65536);
  } catch {
    return null;
  }
  if (b.length >= 24 && b.readUInt32BE(0) === 0x89504e47 && b.toString("latin1", 12, 16) === "IHDR")
    return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) {
    // walk the JPEG markers to the first SOFn (C0–CF except C4 DHT, C8 JPG, CC DAC)
    let i = 2;
    while (i + 9 < b.length) {
      if (b[i] !== 0xff) return null;
      const m = b[i + 1];
      if (m === 0xff) {
        i++;
        continue;
      }
      const len = b.readUInt16BE(i + 2);
      if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc)
        return { height: b.readUInt16BE(i + 5), width: b.readUInt16BE(i + 7) };
      i += 2 + len;
    }
    return null;
  }
  if (b.length >= 4 && ((b[0] === 0x49 && b[1] === 0x49) || (b[0] === 0x4d && b[1] === 0x4d))) {
    try {
      const src = await openRaster(path);
      const size = { width: src.width, height: src.height };
      await src.close();
      return size;
    } catch {
      return null;
    }
  }
  return null;
}

export function isSlideScan(s: Scan): boolean {
  return s.purpose === "histology" || (s.purpose === undefined && s.modality === "microscopy");
}

function histologyResults(studyDir: string): string[] {
  const dir = join(studyDir, "results", "histology");
  return existsSync(dir) ? readdirSync(dir) : [];
}

/** the overlays of scan `id`: results/histology/<id>_<name>.png (`names`: that folder's listing) */
export function overlayFiles(
  studyDir: string,
  id: string,
  names: readonly string[] = histologyResults(studyDir),
): { name: string; file: string }[] {
  return names
    .filter((n) => n.startsWith(`${id}_`) && n.toLowerCase().endsWith(".png"))
    .sort()
    .map((n) => ({ name: n.slice(id.length + 1, -4), file: `results/histology/${n}` }));
}

export async function listSlides(
  studyDir: string,
  scans: readonly Scan[],
  resolve: (rel: string) => string | null,
): Promise<SlideInfo[]> {
  const out: SlideInfo[] = [];
  const names = histologyResults(studyDir);
  for (const s of scans.filter(isSlideScan)) {
    const path = resolve(s.files[0]);
    const size = path ? await imageSize(path) : null;
    if (!size) continue;
    const a = s.acquisition ?? {};
    const um = Number(a.umPerPx);
    const overlays: SlideOverlay[] = [];
    for (const o of overlayFiles(studyDir, s.id, names)) {
      const p = resolve(o.file);
      const os = p ? await imageSize(p) : null;
      if (os) overlays.push({ ...o, ...os });
    }
    out.push({
      id: s.id,
      subject: s.subject,
      sample: a.tumour !== undefined ? String(a.tumour) : a.sample !== undefined ? String(a.sample) : null,
      stain: String(a.stain ?? a.stains ?? "unknown"),
      stains: a.stains !== undefined ? String(a.stains) : null,
      file: s.files[0],
      ...size,
      um_per_px: um > 0 ? um : null,
      overlays,
    });
  }
  return out;
}
