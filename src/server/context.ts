/** What every route module receives: the app, the study folder and shared caches. */
import { realpathSync, statSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import type { FastifyInstance } from "fastify";
import type { Volume } from "../core/image/volume.js";
import { NotFoundError } from "../engine/voxelCurve.js";
import { readNifti } from "../io/nifti.js";

export interface RouteContext {
  app: FastifyInstance;
  studyDir: string;
  /** results database URL (PostgreSQL), or undefined for the study's embedded SQLite store */
  db?: string;
  /** decoded NIfTI volumes of study files (small LRU) */
  volume(rel: string): Volume;
}

/** Resolve a study-relative path; null when it would leave the study folder. */
export function safeStudyPath(studyDir: string, rel: string): string | null {
  if (rel === "" || isAbsolute(rel) || rel.includes("\0")) return null;
  const root = realpathSync(studyDir);
  const target = resolve(root, rel);
  const r = relative(root, target);
  if (r.startsWith("..") || isAbsolute(r)) return null;
  try {
    const real = realpathSync(target);
    const rr = relative(root, real);
    if (rr.startsWith("..") || isAbsolute(rr)) return null;
    return statSync(real).isFile() ? real : null;
  } catch {
    return null;
  }
}

export function volumeCache(studyDir: string, size = 16): (rel: string) => Volume {
  const volumes = new Map<string, Volume>();
  return (rel: string): Volume => {
    let v = volumes.get(rel);
    if (!v) {
      const p = safeStudyPath(studyDir, rel);
      if (!p) throw new NotFoundError({ field: "file", value: rel, expected: "a file in the study folder" });
      v = readNifti(p);
      if (volumes.size >= size) volumes.delete(volumes.keys().next().value as string);
      volumes.set(rel, v);
    }
    return v;
  };
}
