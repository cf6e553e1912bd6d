/**
 * GET /api/provenance?analysis=<task id> — the stored provenance of one analysis (model,
 * parameters, inputs) from the results store, e.g. the DCE model the last run fitted.
 */
import { z } from "zod";
import { openResultStore } from "../../store/open.js";
import type { RouteContext } from "../context.js";

const query = z.strictObject({ analysis: z.string().min(1).max(300), token: z.string().optional() });

export function registerProvenance({ app, studyDir, db }: RouteContext): void {
  app.get("/api/provenance", async (req, reply) => {
    const q = query.safeParse(req.query ?? {});
    if (!q.success) return reply.code(400).send({ error: "analysis: an analysis id, e.g. dce/<scan>" });
    const store = await openResultStore(studyDir, db);
    try {
      return await store.getProvenance(q.data.analysis);
    } finally {
      await store.close();
    }
  });
}
