/**
 * engine/anatomy (fusion pairs) and engine/activityScale: the anatomy of a functional scan is
 * acquisition.anatomy first, then the CT in files[1] of a SPECT/PET scan, then the subject's
 * anatomy scans within 6 h (nearest first); none → a reason. The %ID/cc factor is
 * 100·k_unit·exp(+ln2·Δt/T½)/A_inj by hand (In-111 T½ 2.8047 d, NNDC), 1 for decay-corrected
 * scans' decay term, and null with a reason for non-activity scans or units.
 */
import { describe, expect, it } from "vitest";
import { activityScale } from "../../src/engine/activityScale.js";
import { anatomyOf } from "../../src/engine/anatomy.js";
import type { Scan, Study } from "../../src/study/schema.js";

const scan = (s: Partial<Scan> & { id: string }): Scan =>
  ({
    subject: "M01",
    modality: "SPECT",
    time: "2026-03-02T09:00:00Z",
    files: [`${s.id}.nii.gz`],
    ...s,
  }) as Scan;
const study = (scans: Scan[]): Study =>
  ({
    schemaVersion: 1,
    id: "s",
    title: "s",
    subjects: [],
    agents: [{ id: "np", name: "np", kind: "polymer", label: { nuclide: "In-111" } }],
    administrations: [
      { subject: "M01", agent: "np", dose: "10 MBq", time: "2026-03-01T09:00:00Z", route: "iv" },
    ],
    scans,
    rois: [],
    samples: [],
    outcomes: [],
  }) as unknown as Study;

describe("anatomy for fusion", () => {
  const spect = scan({ id: "S", purpose: "activity", acquisition: { units: "kBq/mL" } });
  it("orders acquisition.anatomy, files[1], then same-session anatomy scans nearest first", () => {
    const s = study([
      { ...spect, files: ["S.nii.gz", "S_ct.nii.gz"], acquisition: { units: "kBq/mL", anatomy: "MR1" } },
      scan({ id: "MR1", modality: "MRI", purpose: "anatomy", time: "2026-03-02T12:00:00Z" }),
      scan({ id: "CT2", modality: "CT", time: "2026-03-02T10:00:00Z" }),
      scan({ id: "CT3", modality: "CT", purpose: "anatomy", time: "2026-03-02T09:30:00Z" }),
      scan({ id: "CTfar", modality: "CT", purpose: "anatomy", time: "2026-03-02T16:00:00Z" }),
      scan({ id: "CTother", subject: "M02", modality: "CT", purpose: "anatomy" }),
      scan({ id: "T1", modality: "MRI", purpose: "t1map" }),
    ]);
    const a = anatomyOf(s, "S");
    expect(a.candidates.map((c) => [c.file, c.via])).toEqual([
      ["MR1.nii.gz", "acquisition.anatomy"],
      ["S_ct.nii.gz", "files[1]"],
      ["CT3.nii.gz", "same session"],
      ["CT2.nii.gz", "same session"],
    ]);
    expect(a.candidates[2].dt_h).toBe(0.5);
    expect(a.reason).toBeUndefined();
  });
  it("says why there is none", () => {
    const a = anatomyOf(
      study([spect, scan({ id: "CTfar", modality: "CT", time: "2026-03-03T09:00:00Z" })]),
      "S",
    );
    expect(a.candidates).toEqual([]);
    expect(a.reason).toMatch(/no anatomy for S: M01 has no CT or MR scan with purpose "anatomy" within 6 h/);
  });
  it("skips non-volume anatomy files and unknown scans are a 404", () => {
    const s = study([
      spect,
      scan({ id: "CTd", modality: "CT", purpose: "anatomy", files: ["ct/series.dcm"] }),
    ]);
    expect(anatomyOf(s, "S").candidates).toEqual([]);
    expect(() => anatomyOf(s, "nope")).toThrow(/scan/);
  });
});

describe("%ID/cc display factor", () => {
  const T_HALF_S = 2.8047 * 86400;
  it("by hand: 100 · k_unit · exp(ln2·Δt/T½) / A_inj; decay-corrected scans: no decay term", () => {
    const s = study([
      scan({ id: "S", purpose: "activity", acquisition: { units: "kBq/mL" } }),
      scan({ id: "D", purpose: "activity", acquisition: { units: "MBq/mL", decayCorrected: true } }),
    ]);
    const a = activityScale(s, "S");
    const want = (100 * 1e-3 * Math.exp((Math.LN2 * 86400) / T_HALF_S)) / 10;
    expect(a.factor).not.toBeNull();
    expect(Math.abs((a.factor as number) - want) / want).toBeLessThan(1e-12);
    expect(activityScale(s, "D").factor).toBeCloseTo(10, 12);
  });
  it("null with a reason when there is no activity concentration", () => {
    const s = study([
      scan({ id: "S", purpose: "activity", acquisition: { units: "counts" } }),
      scan({ id: "M", modality: "MRI", purpose: "dce" }),
    ]);
    expect(activityScale(s, "S")).toMatchObject({
      factor: null,
      reason: expect.stringMatching(/not an activity/),
    });
    expect(activityScale(s, "M")).toMatchObject({
      factor: null,
      reason: expect.stringMatching(/not a SPECT\/PET/),
    });
  });
});
