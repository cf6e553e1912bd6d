/**
 * POST /api/scans/:id/rois { name, kind?, niftiBase64 } — save an ROI drawn in the workspace as a
 * new label map referenced from study.json (engine/roiSave: atomic, never over an input) and
 * answer its statistics at once. The threshold-grow and scribble previews (routes/roiGrow.ts,
 * routes/roiScribble.ts) are registered here.
 */
import { z } from "zod";
import { saveDrawnRoi } from "../../engine/roiSave.js";
import type { RouteContext } from "../context.js";
import { registerRoiGrow } from "./roiGrow.js";
import { registerRoiScribble } from "./roiScribble.js";

const body = z.strictObject({
  name: z.string().min(1).max(80),
  kind: z.enum(["organ", "tumour", "reference", "other"]).optional(),
  niftiBase64: z.string().min(1),
});

export function registerRois(ctx: RouteContext): void {
  const { app, studyDir } = ctx;
  registerRoiGrow(ctx); // POST /api/scans/:id/rois/grow (threshold-grown ROI preview)
  registerRoiScribble(ctx); // POST /api/scans/:id/rois/scribble (random-walker ROI preview)
  app.post("/api/scans/:id/rois", async (req, reply) => {
    const { id } = req.params as { id: string };
    const b = body.safeParse(req.body ?? {});
    if (!b.success)
      return reply
        .code(400)
        .send({ error: b.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") });
    return saveDrawnRoi(studyDir, id, {
      name: b.data.name,
      kind: b.data.kind,
      nifti: new Uint8Array(Buffer.from(b.data.niftiBase64, "base64")),
    });
  });
}
