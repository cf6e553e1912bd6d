/**
 * Connected components of a binary mask (8-connectivity, as skimage.measure.label with
 * connectivity=2), labelled tile by tile with seams merged, so that a vessel crossing tile
 * borders is one component on a whole slide. Tiles must arrive in raster order on a regular
 * grid (rows of tiles top to bottom, left to right within a row). Each tile is labelled with
 * a two-pass union–find; its labels get global ids; then the tile's top row is joined to the
 * bottom row of the tile row above (kept as one slide-wide row of ids, which also holds the
 * diagonal neighbours across tile corners) and its left column to the right column of the
 * previous tile. Memory: one slide-wide row, one tile column and O(number of components)
 * statistics (area, centroid sums, bounding box). Pure: no Node APIs.
 */
import type { MaskTile } from "./raster.js";

/** Local 8-connected labelling: labels 1..count, 0 = background. */
export function labelMask(
  mask: Uint8Array,
  width: number,
  height: number,
): { labels: Int32Array; count: number } {
  const labels = new Int32Array(width * height);
  const parent: number[] = [0];
  const find = (a: number): number => {
    while (parent[a] !== a) {
      parent[a] = parent[parent[a]];
      a = parent[a];
    }
    return a;
  };
  const union = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) {
      if (ra < rb) parent[rb] = ra;
      else parent[ra] = rb;
    }
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (!mask[i]) continue;
      let l = 0;
      // already visited neighbours: W, NW, N, NE
      const nb = [
        x > 0 ? labels[i - 1] : 0,
        x > 0 && y > 0 ? labels[i - width - 1] : 0,
        y > 0 ? labels[i - width] : 0,
        x < width - 1 && y > 0 ? labels[i - width + 1] : 0,
      ];
      for (const n of nb) {
        if (!n) continue;
        if (!l) l = n;
        else if (n !== l) union(l, n);
      }
      if (!l) {
        l = parent.length;
        parent.push(l);
      }
      labels[i] = l;
    }
  }
  // compact to 1..count in raster order of first appearance
  const map = new Int32Array(parent.length);
  let count = 0;
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (!l) continue;
    const r = find(l);
    if (!map[r]) map[r] = ++count;
    labels[i] = map[r];
  }
  return { labels, count };
}

export interface Component {
  /** root id (SeamComponents.rootOf of any of its labels) */
  id: number;
  /** pixels */
  area: number;
  /** centroid, slide pixels */
  cx: number;
  cy: number;
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

class Growable {
  data: Float64Array;
  constructor(n = 1024) {
    this.data = new Float64Array(n);
  }
  ensure(n: number): void {
    if (n <= this.data.length) return;
    let m = this.data.length;
    while (m < n) m *= 2;
    const d = new Float64Array(m);
    d.set(this.data);
    this.data = d;
  }
}

export class SeamComponents {
  private parent = new Int32Array(1024);
  private readonly area = new Growable();
  private readonly sx = new Growable();
  private readonly sy = new Growable();
  private readonly minX = new Growable();
  private readonly minY = new Growable();
  private readonly maxX = new Growable();
  private readonly maxY = new Growable();
  private next = 1;
  private above: Int32Array;
  private nextAbove: Int32Array;
  private left: Int32Array = new Int32Array(0);
  private rowY0 = -1;
  private expectX = 0;
  /** global id offset of each tile, in the order received ("x0,y0" → offset) */
  readonly offsets = new Map<string, number>();

  constructor(readonly width: number) {
    this.above = new Int32Array(width);
    this.nextAbove = new Int32Array(width);
  }

  private find(a: number): number {
    const p = this.parent;
    while (p[a] !== a) {
      p[a] = p[p[a]];
      a = p[a];
    }
    return a;
  }

  private union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return;
    if (ra < rb) this.parent[rb] = ra;
    else this.parent[ra] = rb;
  }

  private grow(n: number): void {
    if (n > this.parent.length) {
      let m = this.parent.length;
      while (m < n) m *= 2;
      const p = new Int32Array(m);
      p.set(this.parent);
      this.parent = p;
    }
    for (const g of [this.area, this.sx, this.sy, this.minX, this.minY, this.maxX, this.maxY]) g.ensure(n);
  }

  /** Add the next tile (raster order). Returns the tile's global labels (0 = background). */
  addTile(tile: MaskTile): Int32Array {
    const { x0, y0, width: w, height: h } = tile;
    if (y0 !== this.rowY0) {
      if (x0 !== 0) throw new Error(`tile (${x0},${y0}) out of raster order`);
      if (this.rowY0 >= 0) {
        const t = this.above;
        this.above = this.nextAbove;
        this.nextAbove = t;
        this.nextAbove.fill(0);
      }
      this.rowY0 = y0;
      this.expectX = 0;
      this.left = new Int32Array(h);
    }
    if (x0 !== this.expectX) throw new Error(`tile (${x0},${y0}) out of raster order`);
    this.expectX = x0 + w;
    const { labels, count } = labelMask(tile.data, w, h);
    const off = this.next - 1;
    this.offsets.set(`${x0},${y0}`, off);
    this.grow(this.next + count);
    for (let k = 1; k <= count; k++) {
      const id = off + k;
      this.parent[id] = id;
      this.area.data[id] = 0;
      this.sx.data[id] = 0;
      this.sy.data[id] = 0;
      this.minX.data[id] = Number.POSITIVE_INFINITY;
      this.minY.data[id] = Number.POSITIVE_INFINITY;
      this.maxX.data[id] = Number.NEGATIVE_INFINITY;
      this.maxY.data[id] = Number.NEGATIVE_INFINITY;
    }
    this.next += count;
    const A = this.area.data;
    const SX = this.sx.data;
    const SY = this.sy.data;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = y * w + x;
        if (!labels[i]) continue;
        const id = labels[i] + off;
        labels[i] = id;
        const gx = x + x0;
        const gy = y + y0;
        A[id]++;
        SX[id] += gx;
        SY[id] += gy;
        if (gx < this.minX.data[id]) this.minX.data[id] = gx;
        if (gx > this.maxX.data[id]) this.maxX.data[id] = gx;
        if (gy < this.minY.data[id]) this.minY.data[id] = gy;
        if (gy > this.maxY.data[id]) this.maxY.data[id] = gy;
      }
    }
    // seams: top row against the row of ids above (incl. diagonals across tile corners)
    if (y0 > 0) {
      for (let x = 0; x < w; x++) {
        const id = labels[x];
        if (!id) continue;
        const gx = x + x0;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = gx + dx;
          if (nx < 0 || nx >= this.width) continue;
          const o = this.above[nx];
          if (o) this.union(id, o);
        }
      }
    }
    // left column against the previous tile's right column
    if (x0 > 0) {
      for (let y = 0; y < h; y++) {
        const id = labels[y * w];
        if (!id) continue;
        for (let dy = -1; dy <= 1; dy++) {
          const ny = y + dy;
          if (ny < 0 || ny >= h) continue;
          const o = this.left[ny];
          if (o) this.union(id, o);
        }
      }
    }
    for (let x = 0; x < w; x++) this.nextAbove[x + x0] = labels[(h - 1) * w + x];
    for (let y = 0; y < h; y++) this.left[y] = labels[y * w + w - 1];
    return labels;
  }

  /** Root id of a global label (stable once all tiles are in). */
  rootOf(id: number): number {
    return id ? this.find(id) : 0;
  }

  /** Merged components (one per root), in order of their first pixel's tile. */
  components(): Component[] {
    const acc = new Map<number, Omit<Component, "id"> & { sx: number; sy: number }>();
    for (let id = 1; id < this.next; id++) {
      const r = this.find(id);
      let c = acc.get(r);
      if (!c) {
        c = {
          area: 0,
          cx: 0,
          cy: 0,
          sx: 0,
          sy: 0,
          minX: Infinity,
          minY: Infinity,
          maxX: -Infinity,
          maxY: -Infinity,
        };
        acc.set(r, c);
      }
      c.area += this.area.data[id];
      c.sx += this.sx.data[id];
      c.sy += this.sy.data[id];
      c.minX = Math.min(c.minX, this.minX.data[id]);
      c.minY = Math.min(c.minY, this.minY.data[id]);
      c.maxX = Math.max(c.maxX, this.maxX.data[id]);
      c.maxY = Math.max(c.maxY, this.maxY.data[id]);
    }
    return [...acc.entries()].map(([id, { sx, sy, ...c }]) => ({
      ...c,
      id,
      cx: sx / c.area,
      cy: sy / c.area,
    }));
  }
}
