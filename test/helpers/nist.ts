/** Parser for NIST StRD .dat files (test/reference/nist/README.md): LF or CRLF, trailing blanks. */
import { readFileSync } from "node:fs";
import { REF } from "./cli.js";

export interface NistNonlinear {
  name: string;
  start1: number[];
  start2: number[];
  certified: number[];
  certifiedSd: number[];
  rss: number;
  x: number[][]; // one row per observation (predictors)
  y: number[];
}

export function readNistNonlinear(name: string): NistNonlinear {
  const lines = readFileSync(`${REF}/nist/${name}.dat`, "utf8")
    .split(/\r?\n/)
    .map((l) => l.trimEnd());
  const fmt = lines.join("\n");
  const cert = /Certified Values\s+\(lines\s+(\d+)\s+to\s+(\d+)\)/.exec(fmt);
  const data = /Data\s+\(lines\s+(\d+)\s+to\s+(\d+)\)/.exec(fmt);
  if (!cert || !data) throw new Error(`${name}: no line ranges in header`);
  const start1: number[] = [];
  const start2: number[] = [];
  const certified: number[] = [];
  const certifiedSd: number[] = [];
  let rss = Number.NaN;
  for (let i = Number(cert[1]) - 1; i < Number(cert[2]); i++) {
    const m = /^\s*b\d+\s*=\s*(\S+)\s+(\S+)\s+(\S+)\s+(\S+)/.exec(lines[i]);
    if (m) {
      start1.push(Number(m[1]));
      start2.push(Number(m[2]));
      certified.push(Number(m[3]));
      certifiedSd.push(Number(m[4]));
    }
    const r = /Residual Sum of Squares:\s+(\S+)/.exec(lines[i]);
    if (r) rss = Number(r[1]);
  }
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = Number(data[1]) - 1; i < Number(data[2]); i++) {
    const v = lines[i].trim().split(/\s+/).map(Number);
    y.push(v[0]);
    x.push(v.slice(1));
  }
  return { name, start1, start2, certified, certifiedSd, rss, x, y };
}

/** log relative error: number of matching significant digits */
export function lre(computed: number, certified: number): number {
  if (computed === certified) return 16;
  const e = certified === 0 ? Math.abs(computed) : Math.abs(computed - certified) / Math.abs(certified);
  return Math.min(16, -Math.log10(e));
}

export interface NistLinear {
  name: string;
  certified: number[];
  certifiedSd: number[];
  residualSd: number;
  r2: number;
  y: number[];
  x: number[][];
}

export function readNistLinear(name: string): NistLinear {
  const lines = readFileSync(`${REF}/nist/${name}.dat`, "utf8")
    .split(/\r?\n/)
    .map((l) => l.trimEnd());
  const fmt = lines.join("\n");
  const data = /Data\s+\(lines\s+(\d+)\s+to\s+(\d+)\)/.exec(fmt);
  if (!data) throw new Error(`${name}: no data line range`);
  const certified: number[] = [];
  const certifiedSd: number[] = [];
  let residualSd = Number.NaN;
  let r2 = Number.NaN;
  for (const l of lines.slice(0, Number(data[1]) - 1)) {
    const m = /^\s*B\d+\s+(\S+)\s+(\S+)/.exec(l);
    if (m) {
      certified.push(Number(m[1]));
      certifiedSd.push(Number(m[2]));
    }
    const s = /Standard Deviation\s+(\S+)\s*$/.exec(l);
    if (s && /Residual|^\s+Standard/.test(l) && Number.isFinite(Number(s[1]))) residualSd = Number(s[1]);
    const r = /R-Squared\s+(\S+)/.exec(l);
    if (r) r2 = Number(r[1]);
  }
  const y: number[] = [];
  const x: number[][] = [];
  for (let i = Number(data[1]) - 1; i < Number(data[2]); i++) {
    const v = lines[i].trim().split(/\s+/).map(Number);
    y.push(v[0]);
    x.push(v.slice(1));
  }
  return { name, certified, certifiedSd, residualSd, r2, y, x };
}
