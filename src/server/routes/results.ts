/** GET /api/results (JSON), /api/results.csv, /api/analyses (with provenance). */
import { z } from "zod";
import { toCsv } from "../../io/csv.js";
import { openResultStore } from "../../store/open.js";
import { PUBLIC_COLUMNS, publicRow } from "../../store/rows.js";
import type { RouteContext } from "../context.js";

const resultsQuery = z.strictObject({
  analysis: z.string().optional(),
  subject: z.string().optional(),
  parameter: z.string().optional(),
  token: z.string().optional(),
});

export function registerResults({ app, studyDir, db }: RouteContext): void {
  const results = async (f: z.infer<typeof resultsQuery>) => {
    const store = await openResultStore(studyDir, db);
    try {
      return await store.listResults({ kind: f.analysis, subject: f.subject, parameter: f.parameter });
    } finally {
      await store.close();
    }
  };
  const parse = (q: unknown) => {
    const parsed = resultsQuery.safeParse(q ?? {});
    return parsed.success
      ? { query: parsed.data }
      : { error: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") };
  };
  app.get("/api/results", async (req, reply) => {
    const p = parse(req.query);
    if (!p.query) return reply.code(400).send({ error: p.error });
    return results(p.query);
  });
  app.get("/api/results.csv", async (req, reply) => {
    const p = parse(req.query);
    if (!p.query) return reply.code(400).send({ error: p.error });
    reply
      .type("text/csv")
      .header("content-disposition", 'attachment; filename="results.csv"')
      .send(toCsv((await results(p.query)).map(publicRow), [...PUBLIC_COLUMNS]));
  });
  app.get("/api/analyses", async () => {
    const store = await openResultStore(studyDir, db);
    try {
      const analyses = await store.listAnalyses();
      return await Promise.all(
        analyses.map(async (a) => ({ ...a, provenance: await store.getProvenance(a.id) })),
      );
    } finally {
      await store.close();
    }
  });
}
