/**
 * `eprscope ceus fit` and `ceus tic` contracts. Reference: analytic log-normal and replenishment
 * curves (SCIENCE.md §12); the cine is rendered here from the analytic log-normal TIC through
 * the display map D = 255·(10·log10 I + G)/DR (noise-free: AUC and MTT within 1 %).
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { identityAffine } from "../../src/core/image/volume.js";
import { Rng } from "../../src/core/random.js";
import { readNifti, writeNifti } from "../../src/io/nifti.js";
import { expectCleanFailure, REF, runCli, runCliInProcess, runCliJson } from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "ceus-cli-"));
const t = Array.from({ length: 161 }, (_, i) => 0.25 * i);
const logn = (auc: number, mu: number, s: number, t0: number) => (x: number) =>
  x > t0
    ? (auc / (Math.sqrt(2 * Math.PI) * s * (x - t0))) *
      Math.exp(-((Math.log(x - t0) - mu) ** 2) / (2 * s * s))
    : 0;

describe("ceus fit", () => {
  it("lognormal: { curve, AUC, peak, TTP_s, MTT_s, t0_s } on the file's time axis", () => {
    const csv = join(dir, "tic.csv");
    const a = logn(400, Math.log(6), 0.5, 4);
    writeFileSync(csv, `time_s,tumour\n${t.map((x) => `${x},${a(x)}`).join("\n")}\n`);
    const r = runCliJson<Record<string, number | string>[]>(["ceus", "fit", csv, "--model", "lognormal"]);
    expect(r[0].curve).toBe("tumour");
    expect(r[0].AUC as number).toBeCloseTo(400, 4);
    expect(r[0].MTT_s as number).toBeCloseTo(Math.exp(Math.log(6) + 0.125), 5);
    expect(r[0].TTP_s as number).toBeCloseTo(4 + Math.exp(Math.log(6) - 0.25), 5);
    expect(r[0].t0_s as number).toBeCloseTo(4, 5);
    expect(r[0].status).toBe("converged");
  });
  it("replenishment: { curve, A, beta_per_s, flow_index = A·β }", () => {
    const csv = join(dir, "dr.csv");
    writeFileSync(csv, `time_s,roi1\n${t.map((x) => `${x},${50 * (1 - Math.exp(-0.4 * x))}`).join("\n")}\n`);
    const r = runCliJson<Record<string, number>[]>(["ceus", "fit", csv, "--model", "replenishment"]);
    expect(r[0].A).toBeCloseTo(50, 6);
    expect(r[0].beta_per_s).toBeCloseTo(0.4, 8);
    expect(r[0].flow_index).toBeCloseTo(20, 6);
  });
  it("unknown model is exit 2", () => {
    writeFileSync(join(dir, "x.csv"), "time_s,a\n0,0\n1,1\n");
    expect(runCli(["ceus", "fit", join(dir, "x.csv"), "--model", "bolus", "--json"]).code).toBe(2);
  });
});

describe("ceus tic (cine → time–intensity CSV)", () => {
  const DR = 40;
  const G = 10;
  const N = 20;
  const times = Array.from({ length: 81 }, (_, i) => 0.5 * i);
  const a = logn(250, Math.log(6) - 0.125, 0.5, 3); // MTT = 6 s
  const motion = new Map<number, [number, number]>([
    [20, [5, 0]],
    [50, [0, -5]],
  ]);
  const sp: [number, number, number] = [0.1, 0.1, 0.1];
  const rng = new Rng(3);
  const texture = Float64Array.from({ length: N * N }, () => rng.logNormal(1, 0.3));
  const labels = new Float32Array(N * N);
  for (let j = 0; j < N; j++)
    for (let i = 0; i < N; i++) {
      if (Math.hypot(i - 9.5, j - 9.5) <= 6) labels[i + N * j] = 1;
      else if (i < 3 && j < 3) labels[i + N * j] = 2;
    }
  const data = new Float32Array(N * N * times.length);
  times.forEach((t, f) => {
    const [dx, dy] = motion.get(f) ?? [0, 0];
    for (let j = 0; j < N; j++)
      for (let i = 0; i < N; i++) {
        const u = Math.min(N - 1, Math.max(0, i - dx)) + N * Math.min(N - 1, Math.max(0, j - dy));
        const I = texture[u] + a(t) * (labels[u] === 1 ? 1 : 0.2);
        data[f * N * N + i + N * j] = (255 * (10 * Math.log10(I) + G)) / DR;
      }
  });
  const cine = join(dir, "cine.nii.gz");
  const lab = join(dir, "labels.nii.gz");
  writeNifti(cine, { dims: [N, N, 1, times.length], spacingMm: sp, affine: identityAffine(sp), data });
  writeNifti(
    lab,
    { dims: [N, N, 1], spacingMm: sp, affine: identityAffine(sp), data: labels },
    { datatype: "uint8" },
  );
  const base = [
    cine,
    "--labels",
    lab,
    "--frame-s",
    "0.5",
    "--log-compressed",
    "--dynamic-range-db",
    String(DR),
  ];
  const opts = [...base, "--gain-db", String(G), "--reject-motion", "--baseline-frames", "4"];

  it("writes time_s + one column per label (rejected frames empty) and a JSON summary; ceus fit recovers AUC/MTT", () => {
    const out = join(dir, "tic.csv");
    const j = runCliJson<Record<string, unknown>>(["ceus", "tic", ...opts, "--out", out, "--json"]);
    expect(Object.keys(j)).toEqual([
      "cine",
      "labels",
      "out",
      "frames",
      "times_s",
      "log_compression",
      "baseline_frames",
      "rejected_frames",
      "rejections",
      "rois",
    ]);
    expect(j.frames).toBe(81);
    expect(j.rejected_frames).toEqual([20, 50]);
    expect(j.log_compression).toEqual({
      dynamic_range_db: 40,
      display_max: 255,
      gain_db: 10,
      quantity: "power",
    });
    const rois = j.rois as Record<string, unknown>[];
    expect(rois.map((r) => [r.roi, r.label, r.frames_used])).toEqual([
      ["label_1", 1, 79],
      ["label_2", 2, 79],
    ]);
    const rej = j.rejections as Record<string, unknown>[];
    expect(rej.map((r) => [r.roi, r.frame, r.time_s, r.reason])).toEqual([
      ["label_1", 20, 10, "correlation"],
      ["label_1", 50, 25, "correlation"],
      ["label_2", 20, 10, "correlation"],
      ["label_2", 50, 25, "correlation"],
    ]);
    const lines = readFileSync(out, "utf8").trim().split("\n");
    expect(lines[0]).toBe("time_s,label_1,label_2");
    expect(lines.length).toBe(82);
    expect(lines[21].split(",")[1]).toBe("");
    const fit = runCliJson<Record<string, number>[]>(["ceus", "fit", out, "--model", "lognormal"]);
    expect(fit[0].curve).toBe("label_1");
    expect(fit[0].samples).toBe(79);
    expect(Math.abs(fit[0].AUC / 250 - 1)).toBeLessThan(0.01);
    expect(Math.abs(fit[0].MTT_s / 6 - 1)).toBeLessThan(0.01);
    // the tissue ROI sees 0.2 × the same bolus
    expect(Math.abs(fit[1].AUC / 50 - 1)).toBeLessThan(0.02);
  });

  it("ceus fit takes the cine directly, with --names", () => {
    const r = runCliJson<Record<string, number | string>[]>([
      "ceus",
      "fit",
      ...opts,
      "--names",
      "tumour,tissue",
      "--model",
      "lognormal",
    ]);
    expect(r.map((x) => x.curve)).toEqual(["tumour", "tissue"]);
    expect(Math.abs((r[0].AUC as number) / 250 - 1)).toBeLessThan(0.01);
    expect(r[0].samples).toBe(79);
  });

  it("bad inputs exit 2 with the reason", async () => {
    const out = join(dir, "bad.csv");
    const small = join(dir, "small_labels.nii.gz");
    writeNifti(small, {
      dims: [8, 8, 1],
      spacingMm: sp,
      affine: identityAffine(sp),
      data: new Float32Array(64).fill(1),
    });
    const flat = join(dir, "flat.nii.gz");
    writeNifti(flat, {
      dims: [N, N, 1],
      spacingMm: sp,
      affine: identityAffine(sp),
      data: new Float32Array(N * N),
    });
    const cases: [string[], string | RegExp][] = [
      [
        ["--labels", small],
        /small_labels.nii.gz: dims: got \[8,8,1\]; expected a 3D label map on the grid of/,
      ],
      [["--times-s", "0,1,2"], /--times-s: got 3; expected 81 times, one per frame/],
      [["--frame-s", "0.5", "--times-s", "0,1"], "exactly one of --frame-s"],
      [["--dynamic-range-db", "40"], "--dynamic-range-db only with --log-compressed"],
      [["--log-compressed"], "--dynamic-range-db: expected the scanner's displayed dynamic range"],
      [["--min-correlation", "0.5"], "--min-correlation only with --reject-motion"],
      [["--names", "a"], "--names"],
      [["--labels", flat], "at least one voxel with a label > 0"],
      [["--cine", lab], "4D cine"],
    ];
    for (const [change, msg] of cases) {
      const args = [cine, "--labels", lab, "--frame-s", "0.5"];
      let a2 = [...args];
      if (change[0] === "--cine") a2[0] = change[1];
      else if (change[0] === "--labels") a2[2] = change[1];
      else if (change[0] === "--times-s" || (change[0] === "--frame-s" && change.length > 2))
        a2 = [cine, "--labels", lab, ...change];
      else a2 = [...args, ...change];
      expectCleanFailure(await runCliInProcess(["ceus", "tic", ...a2, "--out", out]), 2, msg);
    }
    expectCleanFailure(
      await runCliInProcess(["ceus", "tic", cine, "--labels", lab, "--out", out]),
      2,
      "exactly one of --frame-s",
    );
    const csv = join(dir, "tic.csv");
    expectCleanFailure(
      await runCliInProcess(["ceus", "fit", csv, "--model", "lognormal", "--frame-s", "1"]),
      2,
      "cine options only with a NIfTI cine input",
    );
    expectCleanFailure(
      await runCliInProcess(["ceus", "fit", cine, "--model", "lognormal", "--frame-s", "1"]),
      2,
      "--labels",
    );
  });
});

describe("ceus tic on an ultrasound multi-frame DICOM converted by dcm2niix (x × y × frames)", () => {
  it("--frames-in-z: per-frame mean of the linearised intensity equals numpy's on the DICOM pixels (1e-9)", () => {
    const ref = JSON.parse(readFileSync(join(REF, "ceus-cine", "reference.json"), "utf8")) as {
      times_s: number[];
      mean_linear_intensity: number[];
    };
    const nii = join(REF, "ceus-cine", "us_cine.nii");
    const v = readNifti(nii);
    expect(v.dims).toEqual([20, 16, 12]);
    const lab = join(dir, "us_labels.nii.gz");
    writeNifti(lab, {
      dims: [20, 16, 1],
      spacingMm: v.spacingMm,
      affine: v.affine,
      data: new Float32Array(320).fill(1),
    });
    const out = join(dir, "us_tic.csv");
    const args = [
      "ceus",
      "tic",
      nii,
      "--labels",
      lab,
      "--frame-s",
      "0.1",
      "--log-compressed",
      "--dynamic-range-db",
      "40",
    ];
    const j = runCliJson<{ frames: number }>([...args, "--frames-in-z", "--out", out]);
    expect(j.frames).toBe(12);
    const lines = readFileSync(out, "utf8").trim().split("\n").slice(1);
    lines.forEach((l, f) => {
      const [t, y] = l.split(",").map(Number);
      expect(t).toBeCloseTo(ref.times_s[f], 12);
      expect(Math.abs(y / ref.mean_linear_intensity[f] - 1)).toBeLessThan(1e-9);
    });
    expectCleanFailure(runCli([...args, "--out", out]), 2, "--frames-in-z");
  });
});
