#!/usr/bin/env python3
"""Reference for engine/roiGrow (threshold-grown ROIs): a synthetic SPECT-like volume and, for
several seeds and thresholds, the 6-connected component of {lo <= v <= hi} that contains the
seed, from scipy.ndimage.label (structure = generate_binary_structure(3, 1)), with its voxel
count, the sum of its flat (x-fastest, NIfTI order) indices, mean and sample SD (ddof=1).
Run with Debian's python3 (numpy, scipy, nibabel):  /usr/bin/python3 make_reference.py
"""
import json

import nibabel as nib
import numpy as np
from scipy import ndimage

rng = np.random.default_rng(42)
nx, ny, nz = 20, 16, 12
x, y, z = np.meshgrid(np.arange(nx), np.arange(ny), np.arange(nz), indexing="ij")
vol = 2.0e4 + rng.normal(0, 2.0e3, (nx, ny, nz))  # background (Bq/mL)
def blob(cx, cy, cz, r, amp):
    return amp * np.exp(-((x - cx) ** 2 + (y - cy) ** 2 + (z - cz) ** 2) / (2 * r * r))
vol += blob(5, 5, 4, 2.0, 1.0e6)      # hot lesion
vol += blob(14, 10, 7, 2.5, 4.0e5)    # warm organ
vol += blob(11, 7, 6, 1.5, 2.0e5)     # touches the organ at low thresholds
vol = vol.astype(np.float32)
affine = np.diag([0.8, 0.8, 1.2, 1.0])
affine[:3, 3] = [-7.6, -6.0, 3.0]
nib.save(nib.Nifti1Image(vol, affine), "volume.nii.gz")

cases = []
def case(seed, mode, lo, hi=None, percent=None):
    d = vol.astype(np.float64)
    inside = (d >= lo) & (d <= hi) if hi is not None else (d >= lo)
    assert inside[seed], "the seed must lie in the interval"
    lab, _ = ndimage.label(inside, structure=ndimage.generate_binary_structure(3, 1))
    k = lab[seed]
    m = lab == k
    flat = np.flatnonzero(m.ravel(order="F"))  # NIfTI order: x fastest
    vals = d[m]
    cases.append({
        "seed": list(seed), "mode": mode, "percent": percent, "min": None if mode == "percent" else lo,
        "max": hi, "lo": lo, "voxels": int(m.sum()), "index_sum": int(flat.sum()),
        "mean": float(vals.mean()), "sd": float(vals.std(ddof=1)) if m.sum() > 1 else None,
        "seed_value": float(d[seed]),
    })

for seed in [(5, 5, 4), (14, 10, 7)]:
    for p in [30.0, 50.0, 70.0]:
        sv = float(vol[seed])
        case(seed, "percent", p / 100 * sv, None, p)
case((14, 10, 7), "absolute", 8.0e4, 5.0e5)
case((11, 7, 6), "absolute", 6.0e4)
case((0, 0, 0), "absolute", 0.0, 3.0e4)   # the background: touches the border
json.dump({"volume": "volume.nii.gz", "voxel_mm3": 0.8 * 0.8 * 1.2, "cases": cases},
          open("expected.json", "w"), indent=1)
print(len(cases), "cases")
