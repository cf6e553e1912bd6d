import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

describe("eprscope CLI conventions", () => {
  it("prints the package version", () => {
    const r = runCli(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
  it("exits 2 with a one-line message on an unknown command", () => {
    const r = runCli(["no-such-command"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command/);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });
});
