/**
 * Writing overlays and optical-density images: PNG through fast-png (8-bit grey or RGB),
 * float32 OD images as tiled, Deflate-compressed TIFF (tiffWriter.ts) so that whole slides
 * are written tile by tile. Fiji-style 8-bit stain images: 255·10^(−amount).
 */
import { writeFileSync } from "node:fs";
import { encode } from "fast-png";

export function writePng(
  path: string,
  width: number,
  height: number,
  data: Uint8Array,
  channels: 1 | 3,
): void {
  writeFileSync(path, encode({ width, height, data, channels, depth: 8 }));
}
