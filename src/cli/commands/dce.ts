/**
 * `eprscope dce fit <tissue.csv> --aif <aif.csv> --model tofts|etofts|patlak|2cxm|2cum [--delay]
 *  [--hct 0.42] [--threads N] --json` — per tissue column { curve, Ktrans_per_min, ve, vp,
 * Fp_per_min, PS_per_min, delay_s?, rss, converged } with only the model's parameters.
 * tissue.csv: `time_s` + one column per curve (mM); aif.csv: `time_s` + `cp_mM` (plasma) or
 * `cb_mM` (blood, converted with --hct).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import cliProgress from "cli-progress";
import type { Command } from "commander";
import { InputError } from "../../core/errors.js";
import { frameCount, voxelCount3d } from "../../core/image/volume.js";
import { signalToConcentration } from "../../core/mri/spgr.js";
import { bloodToPlasma } from "../../core/perfusion/aif.js";
import { DceModel } from "../../core/perfusion/dceModel.js";
import type { DceModelName } from "../../core/perfusion/models.js";
import { fitDceMap } from "../../engine/fitMap.js";
import { hasColumn, numericColumn, readCsv } from "../../io/csv.js";
import { readNifti, writeNifti } from "../../io/nifti.js";
import { VERSION } from "../../version.js";
import { DCE_MODELS, parseChoice, parseNumberOption } from "../options.js";
import { emit } from "../output.js";

interface DceFitCli {
  aif: string;
  model: string;
  delay?: boolean;
  hct?: string;
  threads?: string;
  json?: boolean;
  out?: string;
}

/** AIF table → plasma concentration: `cp_mM` as is, or `cb_mM` divided by (1 − Hct). */
function readPlasmaAif(path: string, hct: string | undefined): { timeS: Float64Array; cp: Float64Array } {
  const table = readCsv(path);
  const timeS = numericColumn(table, "time_s");
  if (hasColumn(table, "cp_mM")) return { timeS, cp: numericColumn(table, "cp_mM") };
  if (hasColumn(table, "cb_mM"))
    return {
      timeS,
      cp: bloodToPlasma(
        numericColumn(table, "cb_mM"),
        parseNumberOption("--hct", hct, { min: 0, max: 0.99 }),
      ),
    };
  throw new InputError({
    file: path,
    field: "columns",
    value: table.columns,
    expected: "time_s and cp_mM (plasma) or cb_mM (blood)",
  });
}

export function register(program: Command): void {
  const dce = program.command("dce").description("DCE-MRI tracer-kinetic analysis");
  dce
    .command("fit")
    .description("fit a tracer-kinetic model to tissue concentration curves")
    .argument("<tissue.csv>", "time_s + one column per tissue curve (mM)")
    .requiredOption("--aif <aif.csv>", "time_s + cp_mM (plasma) or cb_mM (blood)")
    .requiredOption("--model <m>", "tofts | etofts | patlak | 2cxm | 2cum")
    .option("--delay", "fit the bolus-arrival delay (s, within ±10 s)")
    .option("--hct <h>", "hematocrit for a blood AIF (cb_mM)", "0.42")
    .option("--threads <n>", "worker threads (curves are fitted on this thread when few)")
    .option("--json", "print one JSON document")
    .option("--out <file>", "write JSON, or CSV when the name ends in .csv")
    .addHelpText(
      "after",
      "\nExample:\n  eprscope dce fit tissue.csv --aif aif.csv --model etofts --delay --json\n",
    )
    .action((file: string, o: DceFitCli) => {
      const model = parseChoice("--model", o.model, DCE_MODELS) as DceModelName;
      if (o.threads !== undefined) parseNumberOption("--threads", o.threads, { min: 1, integer: true });
      const tissue = readCsv(file);
      const t = numericColumn(tissue, "time_s");
      const { timeS: ta, cp } = readPlasmaAif(o.aif, o.hct);
      if (ta.length < t.length)
        throw new InputError({
          file: o.aif,
          field: "time_s",
          value: ta.length,
          expected: `at least the ${t.length} samples of ${file}`,
        });
      for (let i = 0; i < t.length; i++) {
        if (Math.abs(ta[i] - t[i]) > 1e-6 * Math.max(1, Math.abs(t[i])))
          throw new InputError({
            file: o.aif,
            field: `time_s, row ${i + 1}`,
            value: ta[i],
            expected: `the tissue time axis (${t[i]} s in ${file})`,
          });
        if (i > 0 && !(t[i] > t[i - 1]))
          throw new InputError({
            file,
            field: `time_s, row ${i + 1}`,
            value: t[i],
            expected: "strictly increasing times",
          });
      }
      const m = new DceModel(model, t, cp.subarray(0, t.length));
      const curves = tissue.columns.filter((c) => c !== "time_s");
      if (curves.length === 0)
        throw new InputError({
          file,
          field: "columns",
          expected: "at least one tissue curve column besides time_s",
        });
      const out = curves.map((name) => {
        const y = numericColumn(tissue, name);
        const f = m.fit(y, { fitDelay: o.delay === true });
        return {
          curve: name,
          ...f.params,
          ...Object.fromEntries(Object.entries(f.stderr ?? {}).map(([k, v]) => [`${k}_se`, v])),
          rss: f.rss,
          aic: f.aic,
          converged: f.converged,
          status: f.status,
        };
      });
      emit(out, o);
    });

  dce
    .command("map")
    .description("voxelwise tracer-kinetic maps (worker threads), written as NIfTI with a status map")
    .argument("<dyn.nii.gz>", "4D dynamic image: SPGR signal (with --t1) or concentration in mM (without)")
    .requiredOption("--aif <aif.csv>", "time_s + cp_mM (plasma) or cb_mM (blood)")
    .requiredOption("--model <m>", "tofts | etofts | patlak | 2cxm | 2cum")
    .requiredOption("--out <dir>", "output folder")
    .option("--t1 <t1map.nii.gz>", "pre-contrast T1 map (s): converts signal to concentration")
    .option("--mask <mask.nii.gz>", "voxels to fit (> 0); default all")
    .option("--fa-deg <n>", "flip angle (with --t1)")
    .option("--tr-ms <n>", "repetition time (with --t1)")
    .option("--r1 <n>", "relaxivity (1/s/mM, with --t1)", "4.5")
    .option("--baseline <n>", "pre-contrast frames (with --t1)", "5")
    .option("--hct <h>", "hematocrit for a blood AIF", "0.42")
    .option("--delay", "fit the bolus-arrival delay per voxel")
    .option("--threads <n>", "worker threads (default: all cores)")
    .option("--chunk-size <n>", "voxels per worker task", "256")
    .option("--json", "print a summary as JSON")
    .action(
      async (
        dynPath: string,
        o: DceFitCli & {
          out: string;
          t1?: string;
          mask?: string;
          faDeg?: string;
          trMs?: string;
          r1: string;
          baseline: string;
          chunkSize: string;
        },
      ) => {
        const model = parseChoice("--model", o.model, DCE_MODELS) as DceModelName;
        const threads =
          o.threads !== undefined
            ? parseNumberOption("--threads", o.threads, { min: 1, integer: true })
            : undefined;
        const dyn = readNifti(dynPath);
        const nv = voxelCount3d(dyn);
        const nt = frameCount(dyn);
        const { timeS: t, cp } = readPlasmaAif(o.aif, o.hct);
        if (t.length !== nt)
          throw new InputError({
            file: o.aif,
            field: "time_s",
            value: t.length,
            expected: `${nt} samples (frames of ${dynPath})`,
          });
        const mask = o.mask ? readNifti(o.mask) : null;
        if (mask && voxelCount3d(mask) !== nv)
          throw new InputError({
            file: o.mask,
            field: "dims",
            value: mask.dims,
            expected: `the grid of ${dynPath} (${dyn.dims.slice(0, 3).join("×")})`,
          });
        let conc: Float32Array | Float64Array = dyn.data;
        if (o.t1) {
          const t1 = readNifti(o.t1);
          if (voxelCount3d(t1) !== nv)
            throw new InputError({
              file: o.t1,
              field: "dims",
              value: t1.dims,
              expected: `the grid of ${dynPath}`,
            });
          const faDeg = parseNumberOption("--fa-deg", o.faDeg, { min: 0, exclusiveMin: true, max: 180 });
          const trS = parseNumberOption("--tr-ms", o.trMs, { min: 0, exclusiveMin: true }) / 1000;
          const r1 = parseNumberOption("--r1", o.r1, { min: 0, exclusiveMin: true });
          const baselineSamples = parseNumberOption("--baseline", o.baseline, { min: 2, integer: true });
          conc = new Float32Array(dyn.data.length);
          const sig = new Float64Array(nt);
          for (let v = 0; v < nv; v++) {
            if (mask && !(mask.data[v] > 0)) continue;
            for (let f = 0; f < nt; f++) sig[f] = dyn.data[f * nv + v];
            const c = signalToConcentration(sig, { faDeg, trS, r1, baselineSamples, t10S: t1.data[v] });
            for (let f = 0; f < nt; f++) conc[f * nv + v] = c[f];
          }
        }
        const bar = process.stderr.isTTY
          ? new cliProgress.SingleBar(
              { stream: process.stderr, format: " {bar} {percentage}% | {value}/{total} chunks" },
              cliProgress.Presets.shades_classic,
            )
          : null;
        let started = false;
        const t0 = performance.now();
        const res = await fitDceMap({
          model,
          timeS: t,
          aif: cp,
          conc,
          nVoxels: nv,
          mask: (v) => !mask || mask.data[v] > 0,
          fitDelay: o.delay === true,
          threads,
          chunkSize: parseNumberOption("--chunk-size", o.chunkSize, { min: 1, integer: true }),
          onProgress: (done, total) => {
            if (bar && !started) {
              bar.start(total, 0);
              started = true;
            }
            bar?.update(done);
            if (!bar && (done === total || done % Math.max(1, Math.round(total / 10)) === 0))
              process.stderr.write(`dce map: ${done}/${total} chunks\n`);
          },
        });
        bar?.stop();
        mkdirSync(o.out, { recursive: true });
        const geom = { dims: dyn.dims.slice(0, 3), spacingMm: dyn.spacingMm, affine: dyn.affine };
        const files: string[] = [];
        for (const [k, m] of Object.entries(res.maps)) {
          writeNifti(join(o.out, `${k}.nii.gz`), { ...geom, data: Float32Array.from(m) });
          files.push(`${k}.nii.gz`);
        }
        writeNifti(
          join(o.out, "status.nii.gz"),
          { ...geom, data: Float32Array.from(res.status) },
          { datatype: "uint8", description: "0 ok 1 not converged 2 invalid 3 outside mask" },
        );
        files.push("status.nii.gz");
        const counts = { converged: 0, notConverged: 0, invalid: 0 };
        for (const s of res.status) {
          if (s === 0) counts.converged++;
          else if (s === 1) counts.notConverged++;
          else if (s === 2) counts.invalid++;
        }
        const summary = {
          model,
          voxels: res.fitted,
          ...counts,
          workers: res.workers,
          seconds: (performance.now() - t0) / 1000,
          files,
          out: o.out,
        };
        writeFileSync(
          join(o.out, "dce_map.json"),
          `${JSON.stringify({ ...summary, software: `eprscope ${VERSION}`, input: dynPath, aif: o.aif, status_codes: { 0: "converged", 1: "not converged", 2: "invalid input", 3: "outside mask" } }, null, 2)}\n`,
        );
        emit(
          summary,
          { json: o.json },
          () =>
            `${res.fitted} voxels fitted (${counts.converged} converged, ${counts.notConverged} flagged, ${counts.invalid} invalid) with ${res.workers} thread(s) in ${summary.seconds.toFixed(1)} s → ${o.out}\n`,
        );
      },
    );
}
