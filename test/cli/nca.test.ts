import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseCsv } from "../../src/io/csv.js";
import { expectCleanFailure, REF, runCli, runCliJson, tempFile } from "../helpers/cli.js";

type Out = Record<string, number | string | null | string[]>;

describe("eprscope nca", () => {
  it("reproduces WinNonlin on Theoph (EV, linear-up/log-down) through the CLI", () => {
    const out = runCliJson<Out[]>([
      "nca",
      `${REF}/pk/Theoph.csv`,
      "--subject",
      "Subject",
      "--time",
      "Time",
      "--conc",
      "conc",
      "--dose",
      "320",
      "--route",
      "ev",
      "--auc",
      "linlog",
    ]);
    const ref = parseCsv(readFileSync(`${REF}/pk/Final_Parameters_Pivoted_Theoph_Log.csv`, "utf8"));
    expect(out.map((r) => r.subject)).toEqual(ref.rows.map((r) => r[0]));
    const col = (name: string) => ref.columns.indexOf(name);
    ref.rows.forEach((row, i) => {
      for (const [code, wnl] of [
        ["CMAX", "Cmax"],
        ["AUCLST", "AUClast"],
        ["AUCIFO", "AUCINF_obs"],
        ["LAMZHL", "HL_Lambda_z"],
        ["CLFO", "Cl_F_obs"],
        ["VZFO", "Vz_F_obs"],
        ["MRTEVIFO", "MRTINF_obs"],
      ]) {
        const rel = Math.abs((out[i][code] as number) - Number(row[col(wnl)])) / Number(row[col(wnl)]);
        expect(rel, `${row[0]} ${code}`).toBeLessThan(1e-6);
      }
    });
    for (const k of [
      "CMAX",
      "TMAX",
      "TLST",
      "CLST",
      "AUCLST",
      "AUCALL",
      "AUCIFO",
      "AUCIFP",
      "AUCPEO",
      "AUMCLST",
      "AUMCIFO",
      "LAMZ",
      "LAMZHL",
      "LAMZNPT",
      "LAMZLL",
      "LAMZUL",
      "R2",
      "R2ADJ",
      "CORRXY",
      "CLFO",
      "VZFO",
      "MRTEVIFO",
    ]) {
      expect(out[0], k).toHaveProperty(k);
    }
  });

  it("gives IV keys for iv-bolus (C0, AUCPBEO, CLO, VZO, VSSO, MRTIVIFO)", () => {
    const out = runCliJson<Out[]>([
      "nca",
      `${REF}/pk/Indometh.csv`,
      "--subject",
      "Subject",
      "--time",
      "time",
      "--conc",
      "conc",
      "--dose",
      "25",
      "--route",
      "iv-bolus",
    ]);
    expect(out).toHaveLength(6);
    expect(out[0].C0 as number).toBeCloseTo(2.393617021, 8);
    expect(out[0].VSSO as number).toBeCloseTo(35.08898193, 6);
    for (const k of ["C0", "AUCPBEO", "CLO", "VZO", "VSSO", "MRTIVIFO"]) expect(out[0], k).toHaveProperty(k);
    expect(out[0]).not.toHaveProperty("CLFO");
  });

  it("partial AUCs: AUCINT_0_8 equals AUClast when Tlast = 8 (Indometh, linear)", () => {
    const out = runCliJson<Out[]>([
      "nca",
      `${REF}/pk/Indometh.csv`,
      "--subject",
      "Subject",
      "--time",
      "time",
      "--conc",
      "conc",
      "--dose",
      "25",
      "--route",
      "iv-bolus",
      "--partial",
      "0-8,1-2",
    ]);
    expect(out[0].AUCINT_0_8 as number).toBeCloseTo(out[0].AUCLST as number, 10);
    expect(out[0].AUCINT_1_2 as number).toBeGreaterThan(0);
  });

  it("exit 2 naming file/column/value for bad input; per-subject problems reported, others analysed", () => {
    const f = tempFile("pk.csv", "id,t,c\nA,0,0\nA,1,5\nA,2,4\nA,4,2\nA,8,1\nB,0,0\nB,2,5\nB,1,3\n", "nca-");
    const dir = join(f, "..");
    const r = runCli([
      "nca",
      f,
      "--subject",
      "id",
      "--time",
      "t",
      "--conc",
      "c",
      "--dose",
      "10",
      "--route",
      "ev",
      "--json",
    ]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Out[];
    expect(out[0].status).toBe("ok");
    expect(out[1].status).toBe("error");
    expect(String(out[1].messages)).toMatch(
      /subject B: time\[2\]: got 1; expected times in increasing order/,
    );
    expect(out[1].AUCLST).toBeNull();
    expect(
      runCli(["nca", f, "--subject", "id", "--time", "t", "--conc", "nope", "--dose", "10", "--route", "ev"])
        .stderr,
    ).toMatch(/column: got "nope"; expected one of id, t, c/);
    const bad = runCli([
      "nca",
      f,
      "--subject",
      "id",
      "--time",
      "t",
      "--conc",
      "c",
      "--dose",
      "10",
      "--route",
      "oral",
    ]);
    expectCleanFailure(bad, 2, /--route: got "oral"; expected one of ev, iv-bolus, iv-infusion/);
    expect(
      runCli(["nca", f, "--subject", "id", "--time", "t", "--conc", "c", "--route", "iv-infusion"]).code,
    ).toBe(2);
    expect(
      runCli([
        "nca",
        join(dir, "missing.csv"),
        "--subject",
        "id",
        "--time",
        "t",
        "--conc",
        "c",
        "--route",
        "ev",
      ]).code,
    ).toBe(2);
  });
});
