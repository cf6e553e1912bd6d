/** Content hashes for provenance and up-to-date checks (SHA-256, hex). */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

export function sha256(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

const cache = new Map<string, { mtimeMs: number; size: number; hash: string }>();

export function fileHash(path: string, stat?: { mtimeMs: number; size: number }): string {
  if (stat) {
    const c = cache.get(path);
    if (c && c.mtimeMs === stat.mtimeMs && c.size === stat.size) return c.hash;
  }
  const h = sha256(readFileSync(path));
  if (stat) cache.set(path, { ...stat, hash: h });
  return h;
}

/** Stable JSON: object keys sorted, so equal inputs hash equally. */
export function stableJson(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v) ?? "null";
  if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .filter((k) => o[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
    .join(",")}}`;
}
