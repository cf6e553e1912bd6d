#!/usr/bin/python3
"""dcm2niix (Debian package) as the reference for series splitting and geometry.

For every input of test/reference/pydicom/files (a top-level file on its own, or a leaf folder of
dicomdirtests/ as one multi-file input) that holds pixel data, run
`dcm2niix -b n -z n -f %s_%j_%p -o OUT IN` on a private copy and summarise every NIfTI it writes
(overlay `_ROI` images skipped) with nibabel: dims, the sform affine, scl_slope/scl_inter, the
RAS+ world position of the 8 corner voxel centres, and sampled voxels (i, j, k, world position,
value scaled by get_fdata). dcm2niix flips the row order and may order slices differently from
eprscope, so the test compares world positions and values, not voxel indices.
Writes reference.json next to this script. Run: /usr/bin/python3 make_reference.py
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

import nibabel as nib
import numpy as np
import pydicom

HERE = os.path.dirname(os.path.abspath(__file__))
FILES = os.path.join(HERE, "..", "pydicom", "files")
sys.path.insert(0, os.path.join(HERE, "..", "pydicom"))
from make_reference import inputs  # noqa: E402


def has_pixels(path):
    try:
        return "PixelData" in pydicom.dcmread(path, stop_before_pixels=False)
    except Exception:  # noqa: BLE001
        return False


def summarise(nii):
    im = nib.load(nii)
    a = im.affine
    shape = list(im.shape)
    if im.get_data_dtype().names:  # RGB24: not a scalar image
        return {"nifti": os.path.basename(nii), "dims": shape, "rgb": True}
    data = np.asarray(im.get_fdata(dtype=np.float64))
    dims3 = shape[:3] + [1] * (3 - len(shape[:3]))
    corners = []
    for i in (0, dims3[0] - 1):
        for j in (0, dims3[1] - 1):
            for k in (0, dims3[2] - 1):
                corners.append([float(x) for x in (a @ [i, j, k, 1])[:3]])
    rng = np.random.default_rng(0)
    picks = [(0, 0, 0), (dims3[0] - 1, dims3[1] - 1, dims3[2] - 1), (dims3[0] // 2, dims3[1] // 2, dims3[2] // 2)]
    picks += list(zip(rng.integers(0, dims3[0], 10), rng.integers(0, dims3[1], 10), rng.integers(0, dims3[2], 10)))
    d3 = data.reshape(dims3 + [-1])[..., 0]
    samples = [
        {"ijk": [int(i), int(j), int(k)], "ras": [float(x) for x in (a @ [i, j, k, 1])[:3]], "value": float(d3[i, j, k])}
        for i, j, k in picks
    ]
    return {
        "nifti": os.path.basename(nii),
        "dims": shape,
        "affine": [[float(x) for x in row] for row in a],
        "sclSlope": None if not np.isfinite(im.header["scl_slope"]) else float(im.header["scl_slope"]),
        "sclInter": None if not np.isfinite(im.header["scl_inter"]) else float(im.header["scl_inter"]),
        "corners": corners,
        "samples": samples,
    }


def main():
    version = subprocess.run(["dcm2niix", "-v"], capture_output=True, text=True).stdout.strip().splitlines()[-1]
    out = {"generator": "test/reference/dcm2niix/make_reference.py", "dcm2niix": version, "nibabel": nib.__version__, "inputs": []}
    for inp in inputs():
        src = os.path.join(FILES, inp)
        paths = [src] if os.path.isfile(src) else [os.path.join(src, f) for f in sorted(os.listdir(src))]
        if not any(has_pixels(p) for p in paths):
            continue
        with tempfile.TemporaryDirectory() as tmp:
            indir = os.path.join(tmp, "in")
            outdir = os.path.join(tmp, "out")
            os.makedirs(indir)
            os.makedirs(outdir)
            for p in paths:
                shutil.copy(p, indir)
            r = subprocess.run(
                ["dcm2niix", "-b", "n", "-z", "n", "-f", "%s_%j_%p", "-o", outdir, indir],
                capture_output=True,
                text=True,
            )
            lines = [l for l in (r.stdout + r.stderr).splitlines() if l.startswith(("Warning", "Error", "Slices", "Unable", "Gantry"))]
            niis = sorted(f for f in os.listdir(outdir) if f.endswith(".nii") and "_ROI" not in f)
            out["inputs"].append(
                {
                    "input": inp,
                    "exitCode": r.returncode,
                    "messages": lines,
                    "volumes": [summarise(os.path.join(outdir, f)) for f in niis],
                }
            )
    with open(os.path.join(HERE, "reference.json"), "w") as fh:
        json.dump(out, fh, indent=1)
        fh.write("\n")


if __name__ == "__main__":
    main()
