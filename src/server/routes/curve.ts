/** GET /api/scans/:id/curve?i&j&k — the curve under a voxel (engine/voxelCurve computes it). */
import { z } from "zod";
import { voxelCurve } from "../../engine/voxelCurve.js";
import { loadStudy } from "../../study/load.js";
import { type RouteContext, safeStudyPath } from "../context.js";

const ijk = z.object({
  i: z.coerce.number().int().min(0),
  j: z.coerce.number().int().min(0),
  k: z.coerce.number().int().min(0),
  token: z.string().optional(),
});

export function registerCurve({ app, studyDir, volume }: RouteContext): void {
  app.get("/api/scans/:id/curve", async (req, reply) => {
    const { id } = req.params as { id: string };
    const q = ijk.safeParse(req.query);
    if (!q.success) return reply.code(400).send({ error: "i, j, k must be voxel indices" });
    return voxelCurve(loadStudy(studyDir).study, id, [q.data.i, q.data.j, q.data.k], {
      volume,
      file: (rel) => safeStudyPath(studyDir, rel),
    });
  });
}
