/** Colour bar drawn in HTML/canvas under the viewer: the overlay's colour map, range, title and unit. */
export function drawColorbar(
  root: HTMLElement,
  lut: Uint8ClampedArray | null,
  o: { title: string; unit: string; min: number; max: number },
): void {
  root.replaceChildren();
  if (!lut) return;
  const title = document.createElement("div");
  title.className = "cb-title";
  title.textContent = o.unit ? `${o.title} (${o.unit})` : o.title;
  const c = document.createElement("canvas");
  c.width = 256;
  c.height = 12;
  const g = c.getContext("2d") as CanvasRenderingContext2D;
  const img = g.createImageData(256, 12);
  for (let x = 0; x < 256; x++)
    for (let y = 0; y < 12; y++) {
      const o4 = 4 * (y * 256 + x);
      img.data[o4] = lut[4 * x];
      img.data[o4 + 1] = lut[4 * x + 1];
      img.data[o4 + 2] = lut[4 * x + 2];
      img.data[o4 + 3] = 255;
    }
  g.putImageData(img, 0, 0);
  const ticks = document.createElement("div");
  ticks.className = "cb-ticks";
  for (const v of [o.min, (o.min + o.max) / 2, o.max]) {
    const s = document.createElement("span");
    s.textContent = fmtNum(v);
    ticks.append(s);
  }
  root.append(title, c, ticks);
}

export function fmtNum(v: number): string {
  if (!Number.isFinite(v)) return "–";
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(2);
  return Number(v.toPrecision(3)).toString();
}
