import { mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, safeStudyPath } from "../../src/server/app.js";
import { writeDemoStudy } from "../../src/study/demo/write.js";
import { runCli } from "../helpers/cli.js";

let dir: string;
let app: ReturnType<typeof createServer>;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "server-"));
  writeDemoStudy(dir, { noImages: true });
  expect(runCli(["run", dir, "--no-progress"]).code).toBe(0);
  app = createServer({ studyDir: dir });
});
afterAll(() => app.close());

describe("workspace server API", () => {
  it("first page lists the subjects by id", async () => {
    const r = await app.inject({ method: "GET", url: "/" });
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('<td class="subject">UNP01</td>');
    expect(r.body).toContain("TNP06");
  });
  it("serves study, results (filtered), CSV and analyses with provenance", async () => {
    const s = (await app.inject({ url: "/api/study" })).json();
    expect(s.subjects.length).toBe(24);
    const rows = (await app.inject({ url: "/api/results?analysis=blood-pk&parameter=LAMZHL" })).json();
    expect(rows.length).toBe(12);
    expect(rows[0].unit).toBe("h");
    const csv = await app.inject({ url: "/api/results.csv?analysis=biodistribution" });
    expect(csv.headers["content-type"]).toMatch(/text\/csv/);
    expect(csv.body.split("\n")[0]).toBe("analysis,subject,roi,parameter,value,unit,status,time_s,group");
    const an = (await app.inject({ url: "/api/analyses" })).json();
    expect(an[0].provenance.length).toBeGreaterThan(0);
    expect((await app.inject({ url: "/api/results?bogus=1" })).statusCode).toBe(400);
    expect((await app.inject({ url: "/report" })).body).toContain("<!DOCTYPE html>");
  });
  it("runs analyses and streams progress to 100 % over server-sent events", async () => {
    const started = await app.inject({
      method: "POST",
      url: "/api/run",
      payload: { force: true, only: ["biodistribution/UNP01"] },
    });
    expect(started.statusCode).toBe(202);
    await new Promise((r) => setTimeout(r, 300));
    const ev = await app.inject({ url: "/api/run/events" });
    const events = ev.body
      .split("\n\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l.replace(/^data: /, "")));
    const done = events.filter((e) => e.type === "done");
    const plan = events.find((e) => e.type === "plan");
    expect(done.length).toBe(plan.total);
  });
});

describe("workspace server security", () => {
  it("no path leaves the study folder (../, encoded, absolute, symlink)", async () => {
    writeFileSync(join(tmpdir(), "secret.txt"), "TOPSECRET-CONTENT");
    symlinkSync(join(tmpdir(), "secret.txt"), join(dir, "link.txt"));
    for (const url of [
      "/api/files/../secret.txt",
      "/api/files/%2e%2e%2fsecret.txt",
      "/api/files/%2Fetc%2Fpasswd",
      "/api/files/link.txt",
      "/api/files/..%2F..%2Fetc%2Fpasswd",
    ]) {
      const r = await app.inject({ url });
      expect(r.statusCode, url).not.toBe(200);
      expect(r.body).not.toContain("TOPSECRET-CONTENT");
      expect(r.body).not.toContain("root:");
    }
    expect(safeStudyPath(dir, "study.json")).not.toBeNull();
    expect((await app.inject({ url: "/api/files/study.json" })).statusCode).toBe(200);
  });
  it("rejects oversized bodies (413) and refuses a non-local bind without a token", async () => {
    const big = await app.inject({
      method: "POST",
      url: "/api/run",
      payload: { only: ["x".repeat(2_000_000)] },
    });
    expect(big.statusCode).toBe(413);
    expect(() => createServer({ studyDir: dir, host: "0.0.0.0" })).toThrow(/without a token/);
    const r = runCli(["serve", dir, "--host", "0.0.0.0"]);
    expect(r.code).toBe(2);
  });
  it("requires the token when one is set", async () => {
    const secured = createServer({ studyDir: dir, host: "0.0.0.0", token: "s3cret" });
    expect((await secured.inject({ url: "/api/study" })).statusCode).toBe(401);
    expect(
      (await secured.inject({ url: "/api/study", headers: { authorization: "Bearer wrong" } })).statusCode,
    ).toBe(401);
    expect(
      (await secured.inject({ url: "/api/study", headers: { authorization: "Bearer s3cret" } })).statusCode,
    ).toBe(200);
    await secured.close();
  });

  it("refuses foreign Host headers (DNS rebinding) with 421, answers loopback names", async () => {
    for (const h of ["localhost:8420", "127.0.0.1:8420", "[::1]:8420", "LOCALHOST"])
      expect((await app.inject({ url: "/api/subjects", headers: { host: h } })).statusCode).toBe(200);
    for (const h of ["evil.example:8420", "127.0.0.1.evil.example", "attacker.test"]) {
      const r = await app.inject({ url: "/api/subjects", headers: { host: h } });
      expect(r.statusCode).toBe(421);
      expect(r.json().error).toMatch(/unknown Host header/);
    }
    const proxied = createServer({ studyDir: dir, allowedHosts: ["workspace.lab.internal"] });
    expect(
      (await proxied.inject({ url: "/api/subjects", headers: { host: "workspace.lab.internal" } }))
        .statusCode,
    ).toBe(200);
    await proxied.close();
  });
  it("refuses cross-origin state-changing requests (403) but not same-origin ones", async () => {
    const cross = [
      { origin: "https://evil.example" },
      { origin: "null" },
      { "sec-fetch-site": "cross-site" },
      { origin: "http://localhost.evil.example:8420" },
    ];
    for (const h of cross) {
      const r = await app.inject({ method: "POST", url: "/api/run", payload: {}, headers: h });
      expect(r.statusCode).toBe(403);
    }
    // reads are not state-changing; a cross-origin page cannot read them (no CORS headers)
    const read = await app.inject({ url: "/api/subjects", headers: { origin: "https://evil.example" } });
    expect(read.statusCode).toBe(200);
    expect(read.headers["access-control-allow-origin"]).toBeUndefined();
  });
  it("shares the study's run lock with the CLI: POST /api/run while a run holds it → 409", async () => {
    const { acquireRunLock } = await import("../../src/engine/runLock.js");
    const release = acquireRunLock(dir);
    try {
      const r = await app.inject({
        method: "POST",
        url: "/api/run",
        payload: {},
        headers: { origin: "http://127.0.0.1:8420" },
      });
      expect(r.statusCode).toBe(409);
      expect(r.json().error).toMatch(/another run of this study is in progress/);
    } finally {
      release();
    }
  });
});
