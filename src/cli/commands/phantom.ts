/**
 * `eprscope phantom <kind> --out DIR` — digital reference objects with known ground truth.
 *  - dce: one tumour DCE-MRI dataset (12×12×4 voxels, 60 frames; extended-Tofts truth maps with
 *    rim/core structure, T1 map, mask, Parker blood AIF) as NIfTI + aif.csv + truth maps.
 *  - every modality arm of the demo study (ferumoxytol, ceus, dwi, swe, release, optical,
 *    histology, planar, …: src/study/demo/arms): the arm's data for the demo cohort of that seed,
 *    its scans as study.json entries and its ground truth (truth/<arm>.json), in phantom.json.
 *    Deterministic: the same seed gives byte-identical files.
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { InputError } from "../../core/errors.js";
import { Rng } from "../../core/random.js";
import { DEMO_ARMS } from "../../study/demo/arms/index.js";
import { acquisition, DCE, writeAifCsv, writeDceDataset } from "../../study/demo/dce.js";
import { generateDemoStudy } from "../../study/demo/generate.js";
import { parseChoice, parseNumberOption } from "../options.js";
import { emit } from "../output.js";

export function register(program: Command): void {
  program
    .command("phantom")
    .description("write a digital reference object with known ground truth")
    .argument("<kind>", `dce, or a demo arm: ${DEMO_ARMS.map((a) => a.name).join(", ")}`)
    .requiredOption("--out <dir>", "output folder")
    .option("--ktrans <v>", "tumour Ktrans (1/min)", "0.12")
    .option("--ve <v>", "tumour ve", "0.3")
    .option("--vp <v>", "tumour vp", "0.04")
    .option("--seed <n>", "random seed", "1")
    .option("--json", "print a summary as JSON")
    .action(
      (
        kind: string,
        o: { out: string; ktrans: string; ve: string; vp: string; seed: string; json?: boolean },
      ) => {
        const arms = DEMO_ARMS.map((a) => a.name);
        parseChoice("kind", kind, ["dce", ...arms]);
        if (kind !== "dce") {
          const seed = parseNumberOption("--seed", o.seed, { integer: true });
          if (existsSync(o.out) && !statSync(o.out).isDirectory())
            throw new InputError({ field: "--out", value: o.out, expected: "a folder (this is a file)" });
          const arm = DEMO_ARMS.find((a) => a.name === kind) as (typeof DEMO_ARMS)[number];
          mkdirSync(join(o.out, "truth"), { recursive: true });
          const demo = generateDemoStudy(seed);
          const out = arm.write(o.out, demo, new Rng(seed + arm.seedOffset));
          writeFileSync(join(o.out, "truth", `${arm.name}.json`), `${JSON.stringify(out.truth, null, 2)}\n`);
          const meta = {
            kind,
            seed,
            scans: out.scans,
            samples: out.samples ?? [],
            truth: `truth/${arm.name}.json`,
          };
          writeFileSync(join(o.out, "phantom.json"), `${JSON.stringify(meta, null, 2)}\n`);
          emit(
            {
              kind,
              seed,
              scans: out.scans.length,
              files: out.scans.flatMap((x) => x.files),
              truth: meta.truth,
            },
            { json: o.json },
            () => `wrote ${kind} phantom to ${o.out} (${out.scans.length} scans; truth in ${meta.truth})\n`,
          );
          return;
        }
        const truth = {
          ktransPerMin: parseNumberOption("--ktrans", o.ktrans, { min: 0, max: 5 }),
          ve: parseNumberOption("--ve", o.ve, { min: 0, exclusiveMin: true, max: 1 }),
          vp: parseNumberOption("--vp", o.vp, { min: 0, max: 1 }),
        };
        const seed = parseNumberOption("--seed", o.seed, { integer: true });
        if (existsSync(o.out) && !statSync(o.out).isDirectory())
          throw new InputError({ field: "--out", value: o.out, expected: "a folder (this is a file)" });
        mkdirSync(join(o.out, "dce"), { recursive: true });
        writeAifCsv(join(o.out, "dce", "aif.csv"));
        const w = writeDceDataset(o.out, "dce/tumour", truth, new Rng(seed));
        const meta = {
          kind,
          truth,
          roiMeanKtransPerMin: w.meanKtrans,
          roiMeanVp: w.meanVp,
          files: [
            ...w.files,
            "dce/aif.csv",
            "truth/tumour_Ktrans_per_min.nii.gz",
            "truth/tumour_ve.nii.gz",
            "truth/tumour_vp.nii.gz",
          ],
          acquisition: acquisition("tumour"),
          dims: [DCE.nx, DCE.ny, DCE.nz, DCE.frames],
        };
        writeFileSync(join(o.out, "phantom.json"), `${JSON.stringify(meta, null, 2)}\n`);
        emit(
          meta,
          { json: o.json },
          () => `wrote DCE phantom to ${o.out} (${meta.files.length} files; truth in truth/)\n`,
        );
      },
    );
}
