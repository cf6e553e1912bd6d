#!/usr/bin/python3
"""Reference values for eprscope's DICOM reader, computed by pydicom (Debian python3-pydicom).

For every input of test/reference/pydicom/files (each top-level file on its own, each leaf
folder of dicomdirtests/ as one multi-file input) and every DICOM file in it, record what pydicom
reads: whether it reads at all (and the error if not), transfer syntax, modality, and for pixel
data it can decode:
  * the stored array (`pixel_array`): shape, dtype, and an exact integer checksum
    sum((v mod 65521) * (i mod 251 + 1)) over the C-order flattened array (frames, rows, cols,
    samples) - this checks a decoder (RLE) value for value;
  * per frame, the modality values: `apply_modality_lut(pixel_array, ds)` (rescale slope and
    intercept, applied by pydicom only when both are present), for RT Dose
    `pixel_array * DoseGridScaling`; their sum, min, max and sampled voxels (row, column,
    value, and the voxel's LPS position IPP + c*dc*rowDir + r*dr*colDir computed here with numpy);
  * per frame the ImagePositionPatient (RT Dose: IPP + GridFrameOffsetVector[k] * normal,
    relative interpretation, PS3.3 C.8.8.3.2), ImageOrientationPatient and PixelSpacing.
Writes reference.json next to this script. Run: /usr/bin/python3 make_reference.py
"""
import json
import os
import sys
import warnings

import numpy as np
import pydicom
from pydicom.pixel_data_handlers.util import apply_modality_lut

HERE = os.path.dirname(os.path.abspath(__file__))
FILES = os.path.join(HERE, "files")


def inputs():
    out = []
    for f in sorted(os.listdir(FILES)):
        p = os.path.join(FILES, f)
        if os.path.isfile(p):
            out.append(f)
    for dp, dn, fn in sorted(os.walk(os.path.join(FILES, "dicomdirtests"))):
        dn.sort()
        rel = os.path.relpath(dp, FILES)
        if rel == "dicomdirtests":
            out.extend(os.path.join(rel, f) for f in sorted(fn))
        elif fn and not dn:
            out.append(rel)
    return out


def checksum(a):
    flat = a.astype(np.int64).ravel()
    w = (np.arange(flat.size, dtype=np.int64) % 251) + 1
    return int(np.sum((flat % 65521) * w))


def floats(v):
    return [float(x) for x in v]


def frame_record(ds, values, k, ipp, rng):
    rows, cols = values.shape
    iop = floats(ds.ImageOrientationPatient) if "ImageOrientationPatient" in ds else None
    ps = floats(ds.PixelSpacing) if "PixelSpacing" in ds else None
    picks = [(0, 0), (0, cols - 1), (rows - 1, 0), (rows - 1, cols - 1), (rows // 2, cols // 2)]
    picks += [(int(r), int(c)) for r, c in zip(rng.integers(0, rows, 8), rng.integers(0, cols, 8))]
    samples = []
    for r, c in picks:
        s = {"row": r, "col": c, "value": float(values[r, c])}
        if ipp is not None and iop is not None and ps is not None:
            pos = np.array(ipp) + c * ps[1] * np.array(iop[:3]) + r * ps[0] * np.array(iop[3:])
            s["lps"] = [float(x) for x in pos]
        samples.append(s)
    return {
        "frame": k,
        "ipp": ipp,
        "iop": iop,
        "pixelSpacing": ps,
        "rows": rows,
        "cols": cols,
        "sum": float(np.sum(values, dtype=np.float64)),
        "min": float(np.min(values)),
        "max": float(np.max(values)),
        "samples": samples,
    }


def file_record(path):
    rel = os.path.relpath(path, FILES)
    rec = {"file": rel}
    try:
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            ds = pydicom.dcmread(path)
        rec["warnings"] = [str(x.message)[:200] for x in w]
    except Exception as e:  # noqa: BLE001 - the reference records pydicom's own failure
        rec["readError"] = f"{type(e).__name__}: {str(e)[:200]}"
        return rec
    meta = getattr(ds, "file_meta", None)
    rec["transferSyntax"] = str(getattr(meta, "TransferSyntaxUID", "")) if meta is not None else ""
    rec["modality"] = str(ds.get("Modality", ""))
    rec["seriesInstanceUid"] = str(ds.get("SeriesInstanceUID", ""))
    if "PixelData" not in ds:
        rec["pixelData"] = False
        return rec
    rec["pixelData"] = True
    try:
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            arr = ds.pixel_array
        rec["pixelWarnings"] = [str(x.message)[:200] for x in w]
    except Exception as e:  # noqa: BLE001
        rec["pixelError"] = f"{type(e).__name__}: {str(e)[:200]}"
        return rec
    rec["shape"] = list(arr.shape)
    rec["dtype"] = str(arr.dtype)
    rec["checksum"] = checksum(arr)
    spp = int(ds.get("SamplesPerPixel", 1))
    nframes = int(ds.get("NumberOfFrames", 1) or 1) if str(ds.get("NumberOfFrames", "1")).strip().isdigit() else None
    if spp != 1 or nframes is None:
        return rec
    frames = arr.reshape((nframes,) + arr.shape[-2:]) if nframes > 1 else arr[np.newaxis]
    is_dose = str(ds.get("SOPClassUID", "")) == "1.2.840.10008.5.1.4.1.1.481.2"
    if is_dose:
        if "DoseGridScaling" not in ds:
            return rec
        values = frames.astype(np.float64) * float(ds.DoseGridScaling)
    else:
        values = np.asarray(apply_modality_lut(frames, ds), dtype=np.float64)
    ipp0 = floats(ds.ImagePositionPatient) if "ImagePositionPatient" in ds else None
    ipps = [ipp0] * nframes
    if is_dose and ipp0 is not None and "GridFrameOffsetVector" in ds:
        iop = np.array(floats(ds.ImageOrientationPatient))
        normal = np.cross(iop[:3], iop[3:])
        off = floats(ds.GridFrameOffsetVector)
        if off[0] == 0:
            ipps = [[float(x) for x in np.array(ipp0) + off[k] * normal] for k in range(nframes)]
    rng = np.random.default_rng(0)
    rec["frames"] = [frame_record(ds, values[k], k, ipps[k], rng) for k in range(nframes)]
    return rec


def main():
    out = {
        "generator": "test/reference/pydicom/make_reference.py",
        "pydicom": pydicom.__version__,
        "numpy": np.__version__,
        "python": sys.version.split()[0],
        "inputs": [],
    }
    for inp in inputs():
        p = os.path.join(FILES, inp)
        paths = [p] if os.path.isfile(p) else [os.path.join(p, f) for f in sorted(os.listdir(p))]
        out["inputs"].append({"input": inp, "files": [file_record(x) for x in paths]})
    with open(os.path.join(HERE, "reference.json"), "w") as fh:
        json.dump(out, fh, indent=1)
        fh.write("\n")


if __name__ == "__main__":
    main()
