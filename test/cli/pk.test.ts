import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { expectCleanFailure, REF, runCli, runCliJson } from "../helpers/cli.js";

describe("eprscope pk fit", () => {
  it("fits Theoph subject 1 like R SSfol / scipy and reports SE, AIC, BIC", () => {
    const ref = JSON.parse(readFileSync(`${REF}/scipy/theoph_1c_ev.json`, "utf8"))["1"];
    const out = runCliJson<Record<string, number | string | boolean>[]>([
      "pk",
      "fit",
      `${REF}/pk/Theoph.csv`,
      "--subject",
      "Subject",
      "--time",
      "Time",
      "--conc",
      "conc",
      "--dose",
      "Dose",
      "--model",
      "1c",
      "--route",
      "ev",
    ]);
    expect(out).toHaveLength(12);
    expect(Math.abs((out[0].CL as number) - ref.CL) / ref.CL).toBeLessThan(1e-5);
    for (const k of ["CL", "CL_se", "V1", "ka", "rss", "aic", "bic", "converged"])
      expect(out[0]).toHaveProperty(k);
  });
  it("exit 2 on a bad model or weight, naming the option and value", () => {
    const r = runCli([
      "pk",
      "fit",
      `${REF}/pk/Theoph.csv`,
      "--subject",
      "Subject",
      "--time",
      "Time",
      "--conc",
      "conc",
      "--dose",
      "Dose",
      "--model",
      "4c",
      "--route",
      "ev",
    ]);
    expectCleanFailure(r, 2, /--model: got "4c"; expected one of 1c, 2c, 3c/);
    const w = runCli([
      "pk",
      "fit",
      `${REF}/pk/Theoph.csv`,
      "--subject",
      "Subject",
      "--time",
      "Time",
      "--conc",
      "conc",
      "--dose",
      "Dose",
      "--model",
      "1c",
      "--route",
      "ev",
      "--weight",
      "1/x",
    ]);
    expectCleanFailure(w, 2, /--weight: got "1\/x"/);
  });
});
