/**
 * Figure export, client-side: SVG (the figure's <svg> serialized, standalone with its xmlns) and
 * PNG (that SVG drawn on a canvas at 2× and encoded by the browser).
 */
function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function svgText(svg: SVGSVGElement): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  clone.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  const { width, height } = svgSize(svg);
  clone.setAttribute("width", String(width));
  clone.setAttribute("height", String(height));
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(clone)}`;
}

function svgSize(svg: SVGSVGElement): { width: number; height: number } {
  const vb = svg.viewBox?.baseVal;
  const w = Number(svg.getAttribute("width")) || vb?.width || svg.getBoundingClientRect().width || 640;
  const h = Number(svg.getAttribute("height")) || vb?.height || svg.getBoundingClientRect().height || 400;
  return { width: w, height: h };
}

export function exportSvg(svg: SVGSVGElement, name: string): void {
  download(new Blob([svgText(svg)], { type: "image/svg+xml" }), `${name}.svg`);
}

export async function exportPng(svg: SVGSVGElement, name: string, scale = 2): Promise<void> {
  const { width, height } = svgSize(svg);
  const url = URL.createObjectURL(new Blob([svgText(svg)], { type: "image/svg+xml" }));
  try {
    const img = new Image();
    await new Promise<void>((ok, fail) => {
      img.onload = () => ok();
      img.onerror = () => fail(new Error("the SVG could not be rendered"));
      img.src = url;
    });
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    const g = canvas.getContext("2d") as CanvasRenderingContext2D;
    g.fillStyle = "#fff";
    g.fillRect(0, 0, canvas.width, canvas.height);
    g.drawImage(img, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise<Blob>((ok, fail) =>
      canvas.toBlob((b) => (b ? ok(b) : fail(new Error("PNG encoding failed"))), "image/png"),
    );
    download(blob, `${name}.png`);
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** slug of a caption for file names */
export const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 60) || "figure";

/** the figure's chart: its largest <svg> (Observable Plot adds small legend swatch SVGs) */
export function mainSvg(figure: HTMLElement): SVGSVGElement | null {
  let best: SVGSVGElement | null = null;
  let area = -1;
  for (const svg of figure.querySelectorAll("svg")) {
    const { width, height } = svgSize(svg);
    if (width * height > area) {
      area = width * height;
      best = svg;
    }
  }
  return best;
}

/** "SVG" and "PNG" buttons on a <figure> holding an <svg> */
export function addExportButtons(figure: HTMLElement, name: string): void {
  const bar = document.createElement("div");
  bar.className = "export";
  for (const kind of ["SVG", "PNG"] as const) {
    const b = document.createElement("button");
    b.textContent = kind;
    b.className = `export-${kind.toLowerCase()}`;
    b.title = `download this figure as ${kind}`;
    b.onclick = () => {
      const svg = mainSvg(figure);
      if (!svg) return;
      if (kind === "SVG") exportSvg(svg, name);
      else void exportPng(svg, name);
    };
    bar.append(b);
  }
  figure.prepend(bar);
}
