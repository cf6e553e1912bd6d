/**
 * POST /api/scans/:id/rois/scribble { niftiBase64, frame?, source?, beta?, marginVoxels?,
 * intensity? } — the
 * strokes of the drawing layer (1 object, 2 background; NIfTI on the scan's grid, base64) → the
 * random-walker object region's preview (engine/roiScribble: statistics and the mask as NIfTI,
 * base64). Nothing is saved: the workspace saves the region like a drawn ROI. The route only
 * parses the body.
 */
import { z } from "zod";
import { segmentScribbles } from "../../engine/roiScribble.js";
import { parseNifti } from "../../io/nifti.js";
import { loadStudy } from "../../study/load.js";
import type { RouteContext } from "../context.js";

const body = z.strictObject({
  niftiBase64: z.string().min(1),
  frame: z.number().int().min(0).optional(),
  source: z.string().min(1).max(120).optional(),
  beta: z.number().gt(0).max(1e4).optional(),
  marginVoxels: z.number().int().min(1).max(256).optional(),
  intensity: z.enum(["log", "linear"]).optional(),
});

export function registerRoiScribble({ app, studyDir, volume }: RouteContext): void {
  app.post("/api/scans/:id/rois/scribble", async (req, reply) => {
    const { id } = req.params as { id: string };
    const b = body.safeParse(req.body ?? {});
    if (!b.success)
      return reply
        .code(400)
        .send({ error: b.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ") });
    const { niftiBase64, ...opts } = b.data;
    const scribbles = parseNifti(new Uint8Array(Buffer.from(niftiBase64, "base64")), "scribbles");
    const { nifti, ...roi } = segmentScribbles(
      loadStudy(studyDir).study,
      studyDir,
      id,
      { scribbles, ...opts },
      { volume },
    );
    return { ...roi, niftiBase64: Buffer.from(nifti).toString("base64") };
  });
}
