/** Writing DICOM Part 10 files from naturalized datasets (dcmjs), explicit VR little endian. */
import { writeFileSync } from "node:fs";
import dcmjs from "dcmjs";
import type { Dataset } from "./read.js";

const { DicomDict, DicomMetaDictionary } = dcmjs.data;

export function encodeDicom(ds: Dataset, meta: Dataset = {}): Uint8Array {
  const m = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: ds.SOPClassUID,
    MediaStorageSOPInstanceUID: ds.SOPInstanceUID,
    TransferSyntaxUID: "1.2.840.10008.1.2.1",
    ImplementationClassUID: "2.25.1234567890123456789",
    ImplementationVersionName: "EPRSCOPE",
    ...meta,
  };
  const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(m));
  dict.dict = DicomMetaDictionary.denaturalizeDataset({ _vrMap: { PixelData: "OW" }, ...ds });
  return new Uint8Array(dict.write());
}

export function writeDicom(path: string, ds: Dataset, meta: Dataset = {}): void {
  writeFileSync(path, encodeDicom(ds, meta));
}
