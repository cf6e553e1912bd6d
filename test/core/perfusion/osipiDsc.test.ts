/** OSIPI DSC conformance (README §7): CBV (a_tol 1, r_tol 0.1) and CBF (a_tol 15, r_tol 0.1). */
import { describe, expect, it } from "vitest";
import { dscCbf, dscCbv } from "../../../src/core/perfusion/dsc.js";
import { arr, close, readOsipi } from "../../helpers/osipi.js";

describe("OSIPI DSC", () => {
  const rows = readOsipi("DSCmodels/dsc_data.csv");
  it("CBV by the trapezoid ratio passes every case", () => {
    const failed = rows
      .filter((r) => !close(dscCbv(arr(r.C_tis), arr(r.C_aif), Number(r.tr)), Number(r.cbv), 1, 0.1))
      .map((r) => r.label);
    console.log(`OSIPI DSC CBV: ${rows.length - failed.length} of ${rows.length}`);
    expect(failed).toEqual([]);
  });
  it("CBF by truncated-SVD deconvolution passes every case", () => {
    const res = rows.map((r) => ({
      label: r.label,
      cbf: dscCbf(arr(r.C_tis), arr(r.C_aif), Number(r.tr)),
      ref: Number(r.cbf),
    }));
    const failed = res.filter((x) => !close(x.cbf, x.ref, 15, 0.1));
    console.log(
      `OSIPI DSC CBF: ${rows.length - failed.length} of ${rows.length}; ${res.map((x) => `${x.ref}→${x.cbf.toFixed(1)}`).join(" ")}`,
    );
    expect(failed.map((x) => x.label)).toEqual([]);
  });
});
