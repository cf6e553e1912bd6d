#!/usr/bin/python3
"""Reference for `eprscope ceus tic --frames-in-z` on a converted ultrasound multi-frame DICOM.

Writes us_cine.dcm (pydicom): an Ultrasound Multi-frame Image (SOP class 1.2.840.10008.5.1.4.1.1.3.1),
20 columns x 16 rows x 12 frames, MONOCHROME2 uint8, FrameTime 100 ms; the display values D are a
log-compressed (DR 40 dB, gain 0) analytic bolus plus a fixed texture. dcm2niix converts it to
us_cine.nii (x × y × frames, a 3D NIfTI). reference.json holds, from the DICOM pixel array with
numpy, the whole-image mean of the linearised intensity I = 10^(DR·D/255/10) per frame (an
orientation-independent quantity, so dcm2niix's row flip does not matter) and the frame times.
Run: /usr/bin/python3 make_reference.py  (Debian pydicom 2.x, numpy, dcm2niix v1.0.20220720)
"""
import json
import os
import subprocess

import numpy as np
import pydicom
from pydicom.dataset import FileDataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian

here = os.path.dirname(os.path.abspath(__file__))
nf, rows, cols, dr = 12, 16, 20, 40.0
t = np.arange(nf) * 0.1
rng = np.random.default_rng(7)
texture = rng.lognormal(0.0, 0.3, size=(rows, cols))
bolus = 30.0 * (t / 0.4) ** 2 * np.exp(2 * (1 - t / 0.4))  # gamma-variate shape, peak 30 at 0.4 s
lin = texture[None, :, :] * (1.0 + bolus[:, None, None])
D = np.clip(np.round(255 * 10 * np.log10(lin) / dr + 40), 0, 255).astype(np.uint8)

meta = FileMetaDataset()
meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.3.1"
meta.MediaStorageSOPInstanceUID = "1.2.826.0.1.3680043.8.498.1001"
meta.TransferSyntaxUID = ExplicitVRLittleEndian
ds = FileDataset("us_cine.dcm", {}, file_meta=meta, preamble=b"\0" * 128)
ds.SOPClassUID = meta.MediaStorageSOPClassUID
ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
ds.StudyInstanceUID = "1.2.826.0.1.3680043.8.498.1002"
ds.SeriesInstanceUID = "1.2.826.0.1.3680043.8.498.1003"
ds.Modality = "US"
ds.PatientName = "phantom"
ds.PatientID = "0"
ds.SeriesNumber = 1
ds.SamplesPerPixel = 1
ds.PhotometricInterpretation = "MONOCHROME2"
ds.Rows, ds.Columns = rows, cols
ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 8, 8, 7, 0
ds.NumberOfFrames = nf
ds.FrameTime = 100.0
ds.FrameIncrementPointer = (0x0018, 0x1063)
ds.PixelData = D.tobytes()
ds.save_as(os.path.join(here, "us_cine.dcm"), write_like_original=False)

subprocess.run(["dcm2niix", "-b", "n", "-z", "n", "-f", "us_cine", "-o", here, os.path.join(here, "us_cine.dcm")],
               check=True, capture_output=True)
px = pydicom.dcmread(os.path.join(here, "us_cine.dcm")).pixel_array.astype(float)
I = 10 ** (dr * px / 255 / 10)
ref = {
    "dynamic_range_db": dr,
    "frame_s": 0.1,
    "times_s": t.tolist(),
    "mean_linear_intensity": I.reshape(nf, -1).mean(axis=1).tolist(),
}
with open(os.path.join(here, "reference.json"), "w") as f:
    json.dump(ref, f, indent=1)
    f.write("\n")
