/**
 * GET /api/scans/:id/curve?i&j&k — the curve under a voxel; ?roi=<roi id or label> — the ROI-mean
 * curve. engine/voxelCurve computes it (DCE: mM vs s with fit and AIF; SPECT/PET: decay-corrected
 * %ID/cc vs h); the route only parses the query.
 */
import { z } from "zod";
import { type CurveWhere, voxelCurve } from "../../engine/voxelCurve.js";
import { loadStudy } from "../../study/load.js";
import { type RouteContext, safeStudyPath } from "../context.js";

const query = z.union([
  z.object({
    i: z.coerce.number().int().min(0),
    j: z.coerce.number().int().min(0),
    k: z.coerce.number().int().min(0),
    token: z.string().optional(),
  }),
  z.object({ roi: z.string().min(1).max(200), token: z.string().optional() }),
]);

export function registerCurve({ app, studyDir, volume }: RouteContext): void {
  app.get("/api/scans/:id/curve", async (req, reply) => {
    const { id } = req.params as { id: string };
    const q = query.safeParse(req.query);
    if (!q.success)
      return reply.code(400).send({ error: "i, j, k must be voxel indices (or roi an ROI id)" });
    const where: CurveWhere =
      "roi" in q.data ? { roi: q.data.roi } : { voxel: [q.data.i, q.data.j, q.data.k] };
    return voxelCurve(loadStudy(studyDir).study, id, where, {
      volume,
      file: (rel) => safeStudyPath(studyDir, rel),
    });
  });
}
