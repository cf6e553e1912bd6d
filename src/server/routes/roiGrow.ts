/**
 * POST /api/scans/:id/rois/grow { seed: [i, j, k], mode: "percent", percent } or
 * { seed, mode: "absolute", min, max? } (+ frame?, source? "image" | a map name) — the preview of
 * a threshold-grown ROI (engine/roiGrow: 6-connected region from the seed, its statistics and
 * the mask as NIfTI, base64). Nothing is saved: the workspace saves the region like a drawn ROI
 * (POST /api/scans/:id/rois). The route only parses the body.
 */
import { z } from "zod";
import { type GrowThreshold, growRoi } from "../../engine/roiGrow.js";
import { loadStudy } from "../../study/load.js";
import type { RouteContext } from "../context.js";

const voxel = z.number().int().min(0);
const body = z.discriminatedUnion("mode", [
  z.strictObject({
    mode: z.literal("percent"),
    seed: z.tuple([voxel, voxel, voxel]),
    percent: z.number().gt(0).max(100),
    frame: z.number().int().min(0).optional(),
    source: z.string().min(1).max(120).optional(),
  }),
  z.strictObject({
    mode: z.literal("absolute"),
    seed: z.tuple([voxel, voxel, voxel]),
    min: z.number(),
    max: z.number().optional(),
    frame: z.number().int().min(0).optional(),
    source: z.string().min(1).max(120).optional(),
  }),
]);

export function registerRoiGrow({ app, studyDir, volume }: RouteContext): void {
  app.post("/api/scans/:id/rois/grow", async (req, reply) => {
    const { id } = req.params as { id: string };
    const b = body.safeParse(req.body ?? {});
    if (!b.success)
      return reply
        .code(400)
        .send({ error: b.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ") });
    const threshold: GrowThreshold =
      b.data.mode === "percent"
        ? { mode: "percent", percent: b.data.percent }
        : { mode: "absolute", min: b.data.min, max: b.data.max };
    const { nifti, ...grown } = growRoi(
      loadStudy(studyDir).study,
      studyDir,
      id,
      { seed: b.data.seed, threshold, frame: b.data.frame, source: b.data.source },
      { volume },
    );
    return { ...grown, niftiBase64: Buffer.from(nifti).toString("base64") };
  });
}
