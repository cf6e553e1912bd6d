/**
 * study.json — the typed, versioned study model (zod). A study is a folder with study.json
 * plus data files referenced by relative paths. Quantities that carry units are strings
 * "value unit" checked against their dimension (e.g. body weight "22.4 g", dose "15 MBq");
 * plain numbers carry their unit in the key (hydrodynamicSizeNm, countingTimeS).
 * Unknown fields are errors (strict objects) so that typos never pass silently.
 */
import { z } from "zod";
import { isIsoDateTime } from "../core/units/isoTime.js";
import { type Dimension, parseQuantity } from "../core/units/units.js";

export const STUDY_SCHEMA_VERSION = 1;

/** strict ISO 8601 date-time with a time zone (2026-02-30 is refused, not rolled over): core/units/isoTime */
export const isoTime = z.string().refine((s) => isIsoDateTime(s), {
  message: "expected a valid ISO 8601 date-time with time zone, e.g. 2026-03-02T09:30:00Z",
});

function quantity(dimension: Dimension, example: string) {
  return z.string().superRefine((s, ctx) => {
    try {
      const q = parseQuantity(s, dimension);
      if (!(q.value >= 0))
        ctx.addIssue({ code: "custom", message: `expected a non-negative ${dimension}, e.g. "${example}"` });
    } catch (e) {
      ctx.addIssue({
        code: "custom",
        message: `expected a ${dimension} with unit, e.g. "${example}" (${(e as Error).message})`,
      });
    }
  });
}

export const massQ = quantity("mass", "22.4 g");
export const volumeQ = quantity("volume", "0.2 mL");
export const activityQ = quantity("activity", "15 MBq");
/** Dose: activity, mass or amount. */
export const doseQ = z.string().superRefine((s, ctx) => {
  const ok = (["activity", "mass", "amount"] as const).some((d) => {
    try {
      parseQuantity(s, d);
      return true;
    } catch {
      return false;
    }
  });
  if (!ok)
    ctx.addIssue({
      code: "custom",
      message: 'expected a dose with an activity, mass or amount unit, e.g. "15 MBq" or "5 mg"',
    });
});

const id = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "expected an identifier (letters, digits, _ . -)");
const relPath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith("/") && !p.split(/[\\/]/).includes(".."), {
    message: "expected a relative path inside the study folder",
  });

export const subjectSchema = z.strictObject({
  id,
  species: z.enum(["mouse", "rat", "rabbit", "dog", "pig", "primate", "human"]),
  strain: z.string().optional(),
  sex: z.enum(["F", "M", "unknown"]),
  bodyWeight: massQ,
  group: id,
  tumourModel: z.string().optional(),
  tumours: z.array(z.strictObject({ id, model: z.string(), site: z.string().optional() })).optional(),
});

export const groupSchema = z.strictObject({ id, description: z.string().optional(), agent: id.optional() });

export const agentSchema = z.strictObject({
  id,
  name: z.string(),
  kind: z.enum([
    "liposome",
    "polymer",
    "micelle",
    "iron-oxide",
    "gold",
    "silica",
    "protein",
    "small-molecule",
    "other",
  ]),
  hydrodynamicSizeNm: z.number().positive().optional(),
  surface: z.string().optional(),
  targetingLigand: z.string().nullable().optional(),
  label: z
    .strictObject({
      nuclide: z.string().optional(),
      dye: z.string().optional(),
      contrastAgent: z.string().optional(),
    })
    .optional(),
});

export const administrationSchema = z.strictObject({
  id: id.optional(),
  subject: id,
  agent: id,
  dose: doseQ,
  time: isoTime,
  route: z.enum(["iv", "ip", "sc", "po", "it", "inhalation"]),
  /** dose calibrator readings of the syringe (activity doses): injected = before − after − residue, decay-corrected */
  syringe: z
    .strictObject({
      before: activityQ,
      beforeMeasuredAt: isoTime,
      after: activityQ,
      afterMeasuredAt: isoTime,
      residue: activityQ.optional(),
      residueMeasuredAt: isoTime.optional(),
    })
    .optional(),
});

export const scanSchema = z.strictObject({
  id,
  subject: id,
  modality: z.enum(["PET", "SPECT", "CT", "MRI", "US", "optical", "PAI", "MPI", "NM", "microscopy"]),
  time: isoTime,
  files: z.array(relPath).min(1),
  /** label map (organ/tumour ROIs) aligned with files[0] */
  labels: relPath.optional(),
  /**
   * what the scan measures: "activity" (kBq/mL), "dce", "t1map", "multi-echo" (R2/R2*, e.g. pre/post
   * ferumoxytol), "dwi", "dsc" (T2* first-pass perfusion), "ceus" (cine or time–intensity curves),
   * "swe" (shear-wave speed), "prf" (MR thermometry phase), "r1-series" (release from R1),
   * "multispectral" (optical stacks), "histology" (stained sections), "planar" (gamma-camera
   * whole-body views)
   */
  purpose: z
    .enum([
      "activity",
      "anatomy",
      "dce",
      "t1map",
      "multi-echo",
      "dwi",
      "dsc",
      "ceus",
      "swe",
      "prf",
      "r1-series",
      "multispectral",
      "histology",
      "planar",
      "other",
    ])
    .optional(),
  acquisition: z
    .record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.array(z.number())]))
    .optional(),
});

export const roiSchema = z.strictObject({
  id,
  name: z.string(),
  /** value in label maps */
  label: z.number().int().positive().optional(),
  kind: z.enum(["organ", "tumour", "blood", "reference", "other"]),
});

export const sampleSchema = z
  .strictObject({
    id,
    subject: id,
    kind: z.enum(["blood", "plasma", "tissue", "urine", "feces"]),
    /** organ/tissue name (ROI id) for tissue samples; "blood" for blood */
    tissue: id,
    collectedAt: isoTime,
    mass: massQ.optional(),
    volume: volumeQ.optional(),
    gamma: z
      .strictObject({
        counts: z.number().nonnegative(),
        countingTimeS: z.number().positive(),
        efficiency: z.number().positive().max(1),
        backgroundCpm: z.number().nonnegative().optional(),
        measuredAt: isoTime,
      })
      .optional(),
    activity: activityQ.optional(),
    activityMeasuredAt: isoTime.optional(),
  })
  .superRefine((s, ctx) => {
    if (!s.gamma && !s.activity)
      ctx.addIssue({ code: "custom", message: "expected gamma counts or activity", path: ["gamma"] });
    if (!s.mass && !s.volume)
      ctx.addIssue({ code: "custom", message: "expected mass or volume", path: ["mass"] });
  });

export const outcomeSchema = z.strictObject({
  subject: id,
  tumour: id.optional(),
  tumourVolumes: z.array(z.strictObject({ day: z.number(), volumeMm3: z.number().nonnegative() })).optional(),
  response: z.enum(["CR", "PR", "SD", "PD"]).optional(),
  survival: z.strictObject({ timeD: z.number().nonnegative(), event: z.boolean() }).optional(),
});

export const studySchema = z.strictObject({
  schemaVersion: z.literal(STUDY_SCHEMA_VERSION),
  id,
  title: z.string(),
  description: z.string().optional(),
  subjects: z.array(subjectSchema).min(1),
  groups: z.array(groupSchema).optional(),
  agents: z.array(agentSchema),
  administrations: z.array(administrationSchema),
  scans: z.array(scanSchema).default([]),
  rois: z.array(roiSchema).default([]),
  samples: z.array(sampleSchema).default([]),
  outcomes: z.array(outcomeSchema).default([]),
  /** analysis options by analysis kind */
  analyses: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
});

export type Study = z.infer<typeof studySchema>;
export type Subject = z.infer<typeof subjectSchema>;
export type Agent = z.infer<typeof agentSchema>;
export type Administration = z.infer<typeof administrationSchema>;
export type Scan = z.infer<typeof scanSchema>;
export type Roi = z.infer<typeof roiSchema>;
export type Sample = z.infer<typeof sampleSchema>;
export type Outcome = z.infer<typeof outcomeSchema>;
