/**
 * `eprscope planar …` — planar gamma-camera (whole-body scintigraphy) quantification:
 *  - quantify <views.csv|dicom>: conjugate-view %ID per ROI and scan (MIRD Pamphlet 16) with
 *    every correction switchable: TEW scatter, background (area / Buijs), attenuation (thickness
 *    with the photopeak μ, or a transmission column), self-attenuation, calibration (factor or a
 *    standard ROI), decay to injection; --mu-kind narrow (NIST, with TEW) | broad (a measured
 *    effective μ, without TEW: no citable broad-beam table exists, see attenuation.ts);
 *  - tac <views.csv|dicom>: the same, summarised per ROI over serial scans (%ID curve,
 *    half-lives, residence time, blood-pool persistence for kind "heart", ROI-to-background);
 *  - residence <tac.csv>: MIRD residence times from a %ID table;
 *  - lesions <lesions.csv>: lesion uptake (SUV, %ID, …) above/below the median vs response;
 *  - stratify <table.csv>: the cohort version (MM-302 analysis): patients' aggregated lesion
 *    uptake above/below the median vs best response, Fisher exact + Mann–Whitney + ROC.
 * The numerics live in src/core/scintigraphy; readers in src/io/dicom/planar*.ts.
 */
import { statSync } from "node:fs";
import type { Command } from "commander";
import { InputError } from "../../core/errors.js";
import { decayFactor } from "../../core/nuclide/decay.js";
import { getNuclide } from "../../core/nuclide/nuclides.js";
import { MU_KINDS, type MuKind, photopeakMu } from "../../core/scintigraphy/attenuation.js";
import { BACKGROUND_METHODS, type BackgroundMethod } from "../../core/scintigraphy/background.js";
import type { Integration, StartRule, TailRule } from "../../core/scintigraphy/residence.js";
import { residenceTimeH } from "../../core/scintigraphy/residence.js";
import { quantifySeries, type SeriesOptions, tacSummaries } from "../../core/scintigraphy/series.js";
import { stratifyUptakeByMedian } from "../../core/scintigraphy/stratifyUptake.js";
import {
  AGGREGATES,
  type Aggregate,
  aggregateByUnit,
  medianSplitResponse,
} from "../../core/scintigraphy/uptakeResponse.js";
import { binaryResponse, type ResponseRule } from "../../core/stratify/fromOutcomes.js";
import { parseIsoDateTime } from "../../core/units/isoTime.js";
import { hasColumn, numericColumn, readCsv, stringColumn } from "../../io/csv.js";
import { dicomNuclide, type PlanarScan, readViewsCsv, scansFromDicom } from "../../io/dicom/planarViews.js";
import { parseChoice, parseNumberList, parseNumberOption } from "../options.js";
import { checkOutPath, emit } from "../output.js";

interface QuantOpts {
  nuclide?: string;
  injectedMbq?: string;
  injected?: string;
  calibrationCpsPerMbq?: string;
  standardRoi?: string;
  standardMbq?: string;
  muPerCm?: string;
  muKind: string;
  bodyThicknessCm?: string;
  background: string;
  backgroundRoi?: string;
  tewWidthsKev?: string;
  scatter: boolean;
  selfAttenuation: boolean;
  decayCorrection: boolean;
  rois?: string;
  mirrorPosterior: boolean;
  json?: boolean;
  out?: string;
}

function addQuantOptions(c: Command): Command {
  return c
    .option(
      "--nuclide <name>",
      "radionuclide (default: from the DICOM header), e.g. In-111, Tc-99m, I-131, Lu-177",
    )
    .option("--injected-mbq <n>", "injected activity at injection (MBq; default: RadionuclideTotalDose)")
    .option(
      "--injected <iso8601>",
      "injection time (for an `acquired` column, or DICOM without RadiopharmaceuticalStartDateTime)",
    )
    .option("--calibration-cps-per-mbq <n>", "system calibration factor C (counts/s per MBq, in air)")
    .option("--standard-roi <name>", "ROI of a calibration standard imaged with each scan (instead of C)")
    .option("--standard-mbq <n>", "activity of the standard at injection time (MBq)")
    .option(
      "--mu-per-cm <n>",
      "μ (cm⁻¹) of the kind --mu-kind; default: narrow-beam water μ of the photopeak (NIST)",
    )
    .option(
      "--mu-kind <kind>",
      "narrow (good-geometry μ, for TEW scatter-corrected counts) | broad (effective μ including accepted scatter: no TEW; needs --mu-per-cm, no citable table value)",
      "narrow",
    )
    .option("--body-thickness-cm <n>", "patient thickness for ROIs without body_thickness_cm")
    .option("--background <method>", `background subtraction: ${BACKGROUND_METHODS.join(", ")}`, "area")
    .option("--background-roi <name>", "background ROI for ROIs without a `background` column")
    .option(
      "--tew-widths-kev <main,lower[,upper]>",
      "window widths (keV) for TEW with lower/upper rows in a CSV",
    )
    .option("--no-scatter", "no TEW scatter correction even when scatter windows exist")
    .option("--no-self-attenuation", "no source self-attenuation factor")
    .option("--no-decay-correction", "report activity at scan time (no decay to injection)")
    .option(
      "--rois <rois.csv>",
      "DICOM input: ROI boxes roi,x,y,width,height[,shape,kind,background,organ_thickness_cm,body_thickness_cm]",
    )
    .option("--no-mirror-posterior", "DICOM input: posterior image already left-right flipped by the camera")
    .option("--json", "print one JSON document")
    .option("--out <file>", "write JSON, or CSV when the name ends in .csv");
}

const isDicomInput = (p: string) => {
  try {
    return statSync(p).isDirectory() || /\.dcm$/i.test(p);
  } catch {
    throw new InputError({ file: p, expected: "an existing views CSV, DICOM file or folder" });
  }
};

const hasScatterRows = (scans: PlanarScan[]) =>
  scans.some((s) => [...s.rois.values()].some((r) => r.anterior?.lower !== undefined));

interface Prepared {
  scans: PlanarScan[];
  opts: SeriesOptions;
  nuclide: string;
  mu: { mu_per_cm: number; mu_kind: MuKind; mu_source: string };
}

function prepare(input: string, o: QuantOpts): Prepared {
  const injectedMs =
    o.injected !== undefined ? parseIsoDateTime(o.injected, { field: "--injected" }) : undefined;
  let scans: PlanarScan[];
  if (isDicomInput(input)) {
    if (!o.rois)
      throw new InputError({
        field: "--rois",
        expected: "an ROI table for DICOM input (roi,x,y,width,height)",
      });
    if (!o.nuclide) {
      const n = dicomNuclide(input);
      if (!n)
        throw new InputError({
          file: input,
          field: "RadionuclideCodeSequence",
          expected: "a known nuclide in the header, or --nuclide",
        });
      o.nuclide = n;
    }
    scans = scansFromDicom(input, o.rois, {
      nuclide: getNuclide(o.nuclide, "--nuclide").name,
      injectedMs,
      mirrorPosterior: o.mirrorPosterior,
    });
    if (!o.scatter)
      throw new InputError({
        field: "--no-scatter",
        expected: "CSV input (DICOM scatter windows are always used when present)",
      });
  } else scans = readViewsCsv(input, injectedMs);
  if (!o.nuclide) throw new InputError({ field: "--nuclide", expected: "the radionuclide, e.g. In-111" });
  const nuclide = getNuclide(o.nuclide, "--nuclide").name;
  const injectedMBq =
    o.injectedMbq !== undefined
      ? parseNumberOption("--injected-mbq", o.injectedMbq, { min: 0, exclusiveMin: true })
      : (scans.find((s) => s.injectedMBq)?.injectedMBq ?? undefined);
  const muKind = parseChoice("--mu-kind", o.muKind, MU_KINDS) as MuKind;
  const muGiven = o.muPerCm !== undefined;
  if (muKind === "broad") {
    if (scans.some((s) => s.tewPreApplied))
      throw new InputError({
        field: "--mu-kind",
        value: "broad",
        expected:
          "views without scatter correction: these DICOM scans have TEW windows and are always scatter-corrected, so use the narrow-beam μ (--mu-kind narrow)",
      });
    if (o.scatter && (o.tewWidthsKev !== undefined || hasScatterRows(scans)))
      throw new InputError({
        field: "--mu-kind",
        value: "broad",
        expected:
          "--no-scatter as well: a broad-beam μ already counts the scattered photons the photopeak window accepts, TEW would remove them twice",
      });
  }
  const muTable = muGiven ? null : photopeakMu(nuclide, muKind);
  const mu = muGiven ? parseNumberOption("--mu-per-cm", o.muPerCm, { min: 0 }) : (muTable?.muPerCm as number);
  const muSource = muGiven ? `${muKind}-beam μ given (--mu-per-cm)` : (muTable?.muSource as string);
  let tew: SeriesOptions["tew"];
  if (o.tewWidthsKev !== undefined && o.scatter) {
    const w = parseNumberList("--tew-widths-kev", o.tewWidthsKev);
    if (w.length < 2 || w.length > 3 || w.some((x) => !(x > 0)))
      throw new InputError({
        field: "--tew-widths-kev",
        value: o.tewWidthsKev,
        expected: "2 or 3 positive widths: main,lower[,upper] keV",
      });
    tew = { mainKeV: w[0], lowerKeV: w[1], upperKeV: w[2] };
  } else if (o.scatter && hasScatterRows(scans))
    throw new InputError({
      field: "--tew-widths-kev",
      expected: "the window widths for the lower/upper rows (or --no-scatter)",
    });
  const standard =
    o.standardRoi !== undefined
      ? {
          roi: o.standardRoi,
          activityMBqAtInjection: parseNumberOption("--standard-mbq", o.standardMbq, {
            min: 0,
            exclusiveMin: true,
          }),
        }
      : undefined;
  const calibration =
    o.calibrationCpsPerMbq !== undefined
      ? parseNumberOption("--calibration-cps-per-mbq", o.calibrationCpsPerMbq, { min: 0, exclusiveMin: true })
      : undefined;
  if (calibration === undefined && !standard)
    throw new InputError({
      field: "--calibration-cps-per-mbq",
      expected: "a calibration factor, or --standard-roi with --standard-mbq",
    });
  return {
    scans,
    nuclide,
    mu: { mu_per_cm: mu, mu_kind: muKind, mu_source: muSource },
    opts: {
      nuclide,
      muPerCm: mu,
      calibrationCpsPerMBq: calibration,
      standard,
      backgroundMethod: parseChoice("--background", o.background, BACKGROUND_METHODS) as BackgroundMethod,
      backgroundRoi: o.backgroundRoi,
      bodyThicknessCm:
        o.bodyThicknessCm !== undefined
          ? parseNumberOption("--body-thickness-cm", o.bodyThicknessCm, { min: 0, exclusiveMin: true })
          : undefined,
      tew,
      selfAttenuation: o.selfAttenuation,
      injectedMBq,
      decayCorrect: o.decayCorrection,
    },
  };
}

const VIEWS_HELP =
  "\nviews.csv: one row per scan × ROI × view (× window): roi, view (anterior|posterior), counts, duration_s, pixels,\n" +
  "time_h (hours after injection) or acquired (ISO 8601, with --injected); optional window (photopeak|lower|upper),\n" +
  "kind (organ|lesion|heart|background|standard), background (its background ROI), organ_thickness_cm,\n" +
  "body_thickness_cm, transmission (I/I0 from a transmission scan).\n" +
  "DICOM input: a folder of planar NM objects (anterior + posterior detectors, energy windows) and --rois.\n";

export function register(program: Command): void {
  const planar = program
    .command("planar")
    .description(
      "planar gamma-camera scintigraphy: conjugate-view %ID, time–activity curves, residence times, lesion uptake",
    );

  addQuantOptions(
    planar
      .command("quantify")
      .description(
        "conjugate-view activity and %ID per ROI and scan (MIRD Pamphlet 16), every correction reported",
      )
      .argument("<views>", "views.csv, or a planar NM DICOM file/folder (with --rois)"),
  )
    .addHelpText(
      "after",
      `${VIEWS_HELP}Example:\n  eprscope planar quantify views.csv --nuclide In-111 --injected-mbq 185 --calibration-cps-per-mbq 85 \\\n` +
        "    --body-thickness-cm 22 --background buijs --tew-widths-kev 37,8,8 --json\n" +
        "  eprscope planar quantify scans/ --rois rois.csv --standard-roi std --standard-mbq 37 --json\n" +
        "  eprscope planar quantify views.csv --nuclide Tc-99m --injected-mbq 740 --calibration-cps-per-mbq 150 \\\n" +
        "    --body-thickness-cm 21 --no-scatter --mu-kind broad --mu-per-cm 0.12 --json   # μ_eff measured on your camera\n",
    )
    .action((input: string, o: QuantOpts) => {
      if (o.out) checkOutPath(o.out, [input, ...(o.rois ? [o.rois] : [])]);
      const { scans, opts, mu } = prepare(input, o);
      const rows = quantifySeries(scans, opts).map((r) => ({
        ...r,
        ...mu,
        corrections: r.corrections.join("; "),
      }));
      emit(rows, {
        ...o,
        inputs: [input],
        emptyMessage: "ROIs to quantify (all ROIs are background or standard)",
      });
    });

  addQuantOptions(
    planar
      .command("tac")
      .description(
        "per-ROI time–activity curves over serial scans: %ID, half-lives, residence time, blood-pool persistence",
      )
      .argument(
        "<views>",
        "views.csv with several scan times, or a folder of planar NM DICOM scans (with --rois)",
      ),
  )
    .option("--integration <m>", "linear | log-down", "log-down")
    .option("--start <rule>", "before the first scan: zero | first | extrapolate", "zero")
    .option("--tail <rule>", "after the last scan: physical | fit | none", "physical")
    .addHelpText(
      "after",
      `${VIEWS_HELP}Example:\n  eprscope planar tac serial.csv --nuclide In-111 --injected-mbq 185 --calibration-cps-per-mbq 85 --body-thickness-cm 22 --json\n`,
    )
    .action((input: string, o: QuantOpts & { integration: string; start: string; tail: string }) => {
      if (o.out) checkOutPath(o.out, [input, ...(o.rois ? [o.rois] : [])]);
      const { scans, opts, nuclide } = prepare(input, o);
      const rows = quantifySeries(scans, opts);
      const res = tacSummaries(rows, nuclide, residenceOpts(o));
      emit(res, { ...o, inputs: [input] });
    });

  planar
    .command("residence")
    .description(
      "MIRD residence times (h) from a %ID table: trapezoid/log-trapezoid + physical-decay or fitted tail",
    )
    .argument("<tac.csv>", "columns roi, time_h, pct_id")
    .requiredOption("--nuclide <name>", "radionuclide (physical half-life)")
    .option(
      "--not-decay-corrected",
      "pct_id already includes physical decay (default: decay-corrected to injection)",
    )
    .option("--integration <m>", "linear | log-down", "log-down")
    .option("--start <rule>", "before the first point: zero | first | extrapolate", "zero")
    .option("--tail <rule>", "after the last point: physical | fit | none", "physical")
    .option("--tail-points <n>", "points for the fitted tail", "2")
    .option("--json", "print one JSON document")
    .option("--out <file>", "write JSON, or CSV when the name ends in .csv")
    .addHelpText(
      "after",
      "\nExample:\n  eprscope planar residence liver_tac.csv --nuclide In-111 --tail fit --json\n",
    )
    .action(
      (
        file: string,
        o: {
          nuclide: string;
          notDecayCorrected?: boolean;
          integration: string;
          start: string;
          tail: string;
          tailPoints: string;
          json?: boolean;
          out?: string;
        },
      ) => {
        const nuclide = getNuclide(o.nuclide, "--nuclide").name;
        const ro = residenceOpts(o);
        if (o.out) checkOutPath(o.out, [file]);
        const t = readCsv(file);
        const rois = stringColumn(t, "roi");
        const time = numericColumn(t, "time_h");
        const pct = numericColumn(t, "pct_id");
        const by = new Map<string, { t: number; f: number }[]>();
        rois.forEach((r, i) => {
          if (!(time[i] >= 0))
            throw new InputError({
              file,
              field: `column time_h, row ${i + 1}`,
              value: time[i],
              expected: "a time ≥ 0 h",
            });
          if (!(pct[i] >= 0))
            throw new InputError({
              file,
              field: `column pct_id, row ${i + 1}`,
              value: pct[i],
              expected: "a %ID ≥ 0",
            });
          const f = (pct[i] / 100) * (o.notDecayCorrected ? 1 : decayFactor(nuclide, time[i] * 3600));
          by.set(r, [...(by.get(r) ?? []), { t: time[i], f }]);
        });
        const out = [...by.entries()].map(([roi, pts]) => {
          pts.sort((a, b) => a.t - b.t);
          const r = residenceTimeH(
            pts.map((p) => p.t),
            pts.map((p) => p.f),
            {
              nuclide,
              ...ro,
              tailPoints: parseNumberOption("--tail-points", o.tailPoints, { min: 2, integer: true }),
            },
          );
          return { roi, n_points: pts.length, ...r };
        });
        emit(out, { ...o, inputs: [file] });
      },
    );

  planar
    .command("lesions")
    .description(
      "lesion uptake (SUV, %ID, lesion-to-blood…) above/below the cohort median vs response (64Cu-MM-302 style)",
    )
    .argument("<lesions.csv>", "one row per lesion: an uptake column and a response column")
    .option("--uptake-col <col>", "uptake column", "suv_peak")
    .option("--response-col <col>", "response column: 1/0, or RECIST CR/PR (responder) vs SD/PD", "response")
    .option("--json", "print one JSON document")
    .option("--out <file>", "write JSON, or CSV when the name ends in .csv")
    .addHelpText(
      "after",
      "\nExample:\n  eprscope planar lesions mm302.csv --uptake-col suv_peak --response-col best_response --json\n",
    )
    .action((file: string, o: { uptakeCol: string; responseCol: string; json?: boolean; out?: string }) => {
      if (o.out) checkOutPath(o.out, [file]);
      const t = readCsv(file);
      const u = numericColumn(t, o.uptakeCol);
      const raw = stringColumn(t, o.responseCol);
      const resp = raw.map((r, i) => {
        const s = r.toUpperCase();
        if (s === "1" || s === "CR" || s === "PR") return 1;
        if (s === "0" || s === "SD" || s === "PD") return 0;
        throw new InputError({
          file,
          field: `column ${o.responseCol}, row ${i + 1}`,
          value: r,
          expected: "1/0 or CR/PR/SD/PD",
        });
      });
      const s = stratifyUptakeByMedian(Array.from(u), resp);
      const id = hasColumn(t, "lesion") ? stringColumn(t, "lesion") : raw.map((_, i) => `row ${i + 1}`);
      emit(
        {
          uptake: o.uptakeCol,
          n: s.n,
          median: s.median,
          high: s.high,
          low: s.low,
          auc: s.auc,
          auc_ci: s.auc_ci,
          mann_whitney_p: s.mann_whitney_p,
          status: s.status,
          lesions: id.map((l, i) => ({ lesion: l, uptake: u[i], response: resp[i], stratum: s.strata[i] })),
        },
        { ...o, inputs: [file] },
      );
    });
  planar
    .command("stratify")
    .description(
      "cohort stratification: patient (or lesion) uptake above/below the cohort median vs best response — Fisher exact, Mann–Whitney, ROC",
    )
    .argument(
      "<table.csv>",
      "one row per lesion (or patient): an uptake column, a response column, optionally a patient column",
    )
    .requiredOption("--uptake-col <col>", "uptake column, e.g. SUVpeak (from `eprscope pet lesions`), pctID")
    .requiredOption(
      "--response-col <col>",
      "best overall response: RECIST CR/PR/SD/PD, or 1/0 (1 = responder)",
    )
    .option(
      "--patient-col <col>",
      "patient column: one unit per patient, its lesions aggregated by --aggregate",
    )
    .option("--aggregate <how>", `patient uptake from its lesions: ${AGGREGATES.join(", ")}`, "mean")
    .option("--rule <rule>", "responder: objective (CR/PR) | disease-control (CR/PR/SD)", "objective")
    .option("--json", "print one JSON document")
    .option("--out <file>", "write JSON, or CSV when the name ends in .csv")
    .addHelpText(
      "after",
      "\nOutput: level (patient|row), uptake, aggregate, rule, n, median, high/low { n, responders, response_rate }\n" +
        "(high = uptake > median), table [[high R, high NR], [low R, low NR]], fisher { p (two-sided), p_greater,\n" +
        "odds_ratio (a·d/b·c) }, mann_whitney { U, p, method (exact | normal) } of responders vs non-responders,\n" +
        "auc (higher uptake → responder) with its DeLong 95 % CI, status, and units [{ id, uptake, n_lesions,\n" +
        "response, stratum }]. Every row of a patient must carry the same response.\n" +
        "Example (lesion table from `pet lesions --out` plus patient and best_response columns):\n" +
        "  eprscope planar stratify cohort_lesions.csv --uptake-col SUVpeak --response-col best_response --patient-col patient --json\n",
    )
    .action(
      (
        file: string,
        o: {
          uptakeCol: string;
          responseCol: string;
          patientCol?: string;
          aggregate: string;
          rule: string;
          json?: boolean;
          out?: string;
        },
      ) => {
        if (o.out) checkOutPath(o.out, [file]);
        const how = parseChoice("--aggregate", o.aggregate, AGGREGATES) as Aggregate;
        const rule = parseChoice("--rule", o.rule, ["objective", "disease-control"] as const) as ResponseRule;
        const t = readCsv(file);
        const u = numericColumn(t, o.uptakeCol);
        const raw = stringColumn(t, o.responseCol);
        const resp = raw.map((r, i) => {
          const x = r.trim().toUpperCase();
          if (x === "1" || x === "0") return Number(x);
          if (x === "CR" || x === "PR" || x === "SD" || x === "PD") return binaryResponse(x, rule);
          throw new InputError({
            file,
            field: `column ${o.responseCol}, row ${i + 1}`,
            value: r,
            expected: "CR, PR, SD, PD, or 1/0",
          });
        });
        const ids = o.patientCol
          ? stringColumn(t, o.patientCol)
          : hasColumn(t, "lesion")
            ? stringColumn(t, "lesion")
            : raw.map((_, i) => `row ${i + 1}`);
        let units: { id: string; uptake: number; response: number; n_rows: number }[];
        let s: ReturnType<typeof medianSplitResponse>;
        try {
          units = o.patientCol
            ? aggregateByUnit(
                ids.map((id, i) => ({ unit: id, uptake: u[i], response: resp[i] })),
                how,
              )
            : ids.map((id, i) => ({ id, uptake: u[i], response: resp[i], n_rows: 1 }));
          s = medianSplitResponse(units);
        } catch (e) {
          // name the table in problems raised by the statistics
          if (e instanceof InputError) throw new InputError(e.problems.map((p) => ({ ...p, file })));
          throw e;
        }
        emit(
          {
            level: o.patientCol ? "patient" : "row",
            uptake: o.uptakeCol,
            aggregate: o.patientCol ? how : null,
            rule,
            n: s.n,
            median: s.median,
            high: s.high,
            low: s.low,
            table: s.table,
            fisher: { p: s.fisher.p, p_greater: s.fisher.pGreater, odds_ratio: s.fisher.oddsRatio },
            mann_whitney: s.mannWhitneyExact
              ? { U: s.mannWhitneyExact.u, p: s.mannWhitneyExact.p, method: s.mannWhitneyExact.method }
              : null,
            auc: s.auc,
            auc_ci: s.auc_ci,
            status: s.status,
            units: s.units.map((x, i) => ({
              id: x.id,
              uptake: x.uptake,
              n_lesions: units[i].n_rows,
              response: x.response,
              stratum: x.stratum,
            })),
          },
          { ...o, inputs: [file] },
        );
      },
    );
}

function residenceOpts(o: { integration: string; start: string; tail: string }) {
  return {
    integration: parseChoice("--integration", o.integration, ["linear", "log-down"] as const) as Integration,
    start: parseChoice("--start", o.start, ["zero", "first", "extrapolate"] as const) as StartRule,
    tail: parseChoice("--tail", o.tail, ["physical", "fit", "none"] as const) as TailRule,
  };
}
