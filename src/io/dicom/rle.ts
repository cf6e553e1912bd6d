/**
 * DICOM RLE Lossless (transfer syntax 1.2.840.10008.1.2.5) frame decoder, PS3.5 Annex G.
 *
 * A frame is one fragment: a 64-byte header (uint32 LE segment count ≤ 15, then 15 uint32 LE
 * segment offsets, the first 64) followed by the segments. Each segment holds one byte plane
 * (for sample s and byte b of a BitsAllocated/8-byte sample, segment s·bytes + b, most
 * significant byte first), PackBits-compressed: a header byte n (int8) then either n + 1
 * literal bytes (0 ≤ n ≤ 127), one byte repeated 1 − n times (−127 ≤ n ≤ −1), or nothing
 * (n = −128). A segment must decode to at least Rows × Columns bytes (extra bytes are the
 * non-conformant padding pydicom tolerates; they are dropped, as pydicom does).
 *
 * Hand-written because it is ~60 lines and no maintained pure-JS DICOM RLE decoder exists among
 * our dependencies; it is tested byte for byte against pydicom's decoder (test/reference/pydicom).
 * Output: native little-endian bytes, pixel-interleaved (colour-by-pixel) for several samples,
 * ready for the same reader as uncompressed pixel data.
 */

export class RleError extends Error {}

/** PackBits-decode `seg` into exactly `n` bytes (throws if it decodes to fewer). */
export function decodePackBits(seg: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let o = 0;
  let p = 0;
  while (o < n && p < seg.length) {
    const h = seg[p++];
    if (h < 128) {
      const len = h + 1;
      if (p + len > seg.length)
        throw new RleError(`literal run of ${len} bytes at ${p - 1} runs past the segment end`);
      const take = Math.min(len, n - o);
      out.set(seg.subarray(p, p + take), o);
      o += take;
      p += len;
    } else if (h > 128) {
      if (p >= seg.length) throw new RleError(`repeat run at ${p - 1} has no byte to repeat`);
      const len = 257 - h;
      const take = Math.min(len, n - o);
      out.fill(seg[p], o, o + take);
      o += take;
      p += 1;
    }
    // h === 128: no operation
  }
  if (o < n) throw new RleError(`segment decodes to ${o} bytes, expected ${n}`);
  return out;
}

/**
 * Decode one RLE frame to native little-endian, pixel-interleaved bytes
 * (rows·cols·samples·bitsAllocated/8 bytes).
 */
export function decodeRleFrame(
  frame: Uint8Array,
  rows: number,
  cols: number,
  samples: number,
  bitsAllocated: number,
): Uint8Array {
  if (bitsAllocated % 8 !== 0) throw new RleError(`BitsAllocated ${bitsAllocated} is not a multiple of 8`);
  if (frame.byteLength < 64)
    throw new RleError(`frame of ${frame.byteLength} bytes has no 64-byte RLE header`);
  const dv = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const nSeg = dv.getUint32(0, true);
  const bytes = bitsAllocated / 8;
  if (nSeg !== samples * bytes)
    throw new RleError(
      `${nSeg} RLE segments, expected ${samples * bytes} (${samples} samples × ${bytes} bytes)`,
    );
  const offsets = Array.from({ length: nSeg }, (_, i) => dv.getUint32(4 + 4 * i, true));
  if (offsets[0] !== 64) throw new RleError(`first segment offset ${offsets[0]}, expected 64`);
  for (let i = 1; i < nSeg; i++)
    if (offsets[i] < offsets[i - 1] || offsets[i] > frame.byteLength)
      throw new RleError(`segment offset ${offsets[i]} out of order or past the frame end`);
  const n = rows * cols;
  const out = new Uint8Array(n * samples * bytes);
  for (let s = 0; s < samples; s++) {
    for (let b = 0; b < bytes; b++) {
      const i = s * bytes + b;
      const seg = frame.subarray(offsets[i], i + 1 < nSeg ? offsets[i + 1] : frame.byteLength);
      const plane = decodePackBits(seg, n);
      // segment b holds byte (bytes − 1 − b) of each little-endian sample
      const shift = bytes - 1 - b;
      const stride = samples * bytes;
      const base = s * bytes + shift;
      for (let p = 0; p < n; p++) out[p * stride + base] = plane[p];
    }
  }
  return out;
}
