/**
 * De-identification by the DICOM PS3.15 Annex E Basic Application Level Confidentiality Profile
 * (table E.1-1, the attributes present in typical PET/SPECT/CT/MR objects): "X" remove,
 * "Z" replace with an empty value, "D" replace with a dummy value, "U" replace UIDs with
 * consistent new UIDs (the same input UID always maps to the same 2.25 UID within a run, so
 * series/study relations survive). Private attributes (odd groups) are removed; sequences are
 * processed recursively. Pixel data is not touched. PatientIdentityRemoved = YES and
 * DeidentificationMethod are added (PS3.15 E.1.1).
 */
import { createHash } from "node:crypto";
import type { Dataset } from "./read.js";

type Action = "X" | "Z" | "D" | "U";

/** keyword → action (subset of PS3.15 table E.1-1 that occurs in imaging objects) */
export const BASIC_PROFILE: Record<string, Action> = {
  AccessionNumber: "Z",
  AcquisitionDate: "X",
  AcquisitionDateTime: "X",
  AcquisitionTime: "X",
  AdditionalPatientHistory: "X",
  AdmittingDiagnosesDescription: "X",
  ContentDate: "Z",
  ContentTime: "Z",
  CountryOfResidence: "X",
  DeviceSerialNumber: "X",
  EthnicGroup: "X",
  FrameOfReferenceUID: "U",
  ImageComments: "X",
  InstanceCreationDate: "X",
  InstanceCreationTime: "X",
  InstitutionAddress: "X",
  InstitutionName: "X",
  InstitutionalDepartmentName: "X",
  IssuerOfPatientID: "X",
  MedicalRecordLocator: "X",
  MilitaryRank: "X",
  NameOfPhysiciansReadingStudy: "X",
  Occupation: "X",
  OperatorsName: "X",
  OtherPatientIDs: "X",
  OtherPatientIDsSequence: "X",
  OtherPatientNames: "X",
  PatientAddress: "X",
  PatientAge: "X",
  PatientBirthDate: "Z",
  PatientBirthName: "X",
  PatientBirthTime: "X",
  PatientComments: "X",
  PatientID: "Z",
  PatientMotherBirthName: "X",
  PatientName: "Z",
  PatientTelephoneNumbers: "X",
  PerformingPhysicianName: "X",
  PhysiciansOfRecord: "X",
  ReferencedSOPInstanceUID: "U",
  ReferringPhysicianName: "Z",
  RequestingPhysician: "X",
  SeriesDate: "X",
  SeriesInstanceUID: "U",
  SeriesTime: "X",
  SOPInstanceUID: "U",
  StationName: "X",
  StudyDate: "Z",
  StudyDescription: "X",
  StudyID: "Z",
  StudyInstanceUID: "U",
  StudyTime: "Z",
  MediaStorageSOPInstanceUID: "U",
  RequestAttributesSequence: "X",
  PerformedProcedureStepDescription: "X",
  PerformedProcedureStepStartDate: "X",
  ProtocolName: "X",
  SeriesDescription: "X",
};

const DUMMY = "ANONYMIZED";

export class UidMapper {
  private map = new Map<string, string>();
  constructor(private readonly salt: string) {}
  get(uid: string): string {
    let v = this.map.get(uid);
    if (!v) {
      // 2.25 + decimal of 128 bits of a keyed hash (PS3.5 B.2 UUID-derived UID form)
      const h = createHash("sha256").update(this.salt).update(uid).digest();
      v = `2.25.${BigInt(`0x${h.subarray(0, 16).toString("hex")}`).toString()}`;
      this.map.set(uid, v);
    }
    return v;
  }
}

function isPrivateKeyword(k: string): boolean {
  // dcmjs keeps unknown/private elements under their 8-hex tag; odd group = private
  return /^[0-9A-Fa-f]{8}$/.test(k) && Number.parseInt(k.slice(0, 4), 16) % 2 === 1;
}

export function deidentify(ds: Dataset, uids: UidMapper, keepPrivate = false): Dataset {
  const out: Dataset = {};
  for (const [k, v] of Object.entries(ds)) {
    if (k === "_vrMap" || k === "_meta") {
      out[k] = v;
      continue;
    }
    if (!keepPrivate && isPrivateKeyword(k)) continue;
    const action = BASIC_PROFILE[k];
    if (action === "X") continue;
    if (action === "Z") {
      out[k] = "";
      continue;
    }
    if (action === "D") {
      out[k] = DUMMY;
      continue;
    }
    if (action === "U") {
      out[k] = Array.isArray(v) ? v.map((x) => uids.get(String(x))) : uids.get(String(v));
      continue;
    }
    if (
      Array.isArray(v) &&
      v.length > 0 &&
      typeof v[0] === "object" &&
      v[0] !== null &&
      !(v[0] instanceof ArrayBuffer)
    ) {
      out[k] = v.map((item: Dataset) => deidentify(item, uids, keepPrivate));
      continue;
    }
    out[k] = v;
  }
  return out;
}

export function deidentifyFile(meta: Dataset, ds: Dataset, uids: UidMapper): { meta: Dataset; ds: Dataset } {
  const d = deidentify(ds, uids);
  d.PatientIdentityRemoved = "YES";
  d.DeidentificationMethod = "DICOM PS3.15 Basic Application Level Confidentiality Profile (eprscope)";
  const m = { ...meta, MediaStorageSOPInstanceUID: d.SOPInstanceUID };
  return { meta: m, ds: d };
}
