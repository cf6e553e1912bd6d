/**
 * Report sections of the modality analyses: each renders its figures (inline SVG) and tables
 * from the stored rows, or nothing when its analysis did not run. One line per section; they
 * appear after stratification and before provenance, and their figures also reach the
 * workspace dashboard through /api/figures.
 */
import type { ReportInput } from "../htmlReport.js";
import { ceusSection } from "./ceus.js";
import { clinicalSection } from "./clinical.js";
import { dscSection } from "./dsc.js";
import { dwiSection } from "./dwi.js";
import { ferumoxytolSection } from "./ferumoxytol.js";
import { histologySection } from "./histology.js";
import { opticalSection } from "./optical.js";
import { pbpkSection } from "./pbpk.js";
import { planarSection } from "./planar.js";
import { releaseSection } from "./release.js";
import { sweSection } from "./swe.js";
import { tumourTransportSection } from "./tumourTransport.js";

export interface SectionContext {
  /** add a figure; returns its <figure> HTML with the running figure number */
  figure(svg: string, caption: string): string;
  /** an HTML table (cells escaped, numbers formatted) */
  table(head: string[], rows: (string | number | null)[][]): string;
  /** rows of one analysis kind */
  rowsOf(kind: string): ReportInput["rows"];
}

/** returns the section's HTML (starting with its <h2>), or "" */
export type ReportSection = (r: ReportInput, ctx: SectionContext) => string;

export const REPORT_SECTIONS: ReportSection[] = [
  ferumoxytolSection,
  ceusSection,
  dwiSection,
  dscSection,
  sweSection,
  releaseSection,
  opticalSection,
  histologySection,
  pbpkSection,
  tumourTransportSection,
  planarSection,
  clinicalSection,
];
