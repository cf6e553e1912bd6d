#!/usr/bin/python3
"""Second, independent reference for eprscope's histology core: scikit-image / scipy
(Debian python3-skimage, python3-scipy) on the same 512x512 H-DAB tile (ihc.png).

Writes skimage_reference.json next to this script. Run:
    /usr/bin/python3 test/reference/histology/skimage_reference.py

What it computes (all on ihc.png):
  * skimage.color.rgb2hed: per-channel mean and 5/50/95 % percentiles (its own convention:
    OD' = ln(max(I/255, 1e-6)) / ln(1e-6), matrix inv(rgb_from_hed) with rows rounded to two
    decimals and not normalised, H-E-DAB (eosin, not a residual), negative amounts clipped to 0).
  * The Fiji-convention DAB optical-density image (computed here in numpy float64 from the
    published vectors, so both sides threshold the same array) and on it:
      threshold_otsu / threshold_triangle (nbins=256),
      measure.label(dab > t_otsu, connectivity=2): number of components, areas summary,
      morphology.remove_small_objects(min_size=10, connectivity=2): number left,
      binary_opening(square(3)) then label: number of components,
      binary_erosion / binary_dilation (square(3)) pixel counts.
  * threshold_otsu / threshold_triangle of the uint8 red channel (integer histogram).
  * scipy.ndimage.distance_transform_edt of (~mask) (distance to the nearest mask pixel):
    mean, max, sum, and values at a few pixels.
"""

import json
import os

import numpy as np
import scipy
import scipy.ndimage as ndi
import skimage
from skimage import io, measure, morphology
from skimage.color import rgb2hed
from skimage.filters import threshold_otsu, threshold_triangle

HERE = os.path.dirname(os.path.abspath(__file__))
rgb = io.imread(os.path.join(HERE, "ihc.png"))[..., :3]
assert rgb.dtype == np.uint8 and rgb.shape == (512, 512, 3)


def pct(a):
    return {f"p{p:02d}": float(np.percentile(a, p)) for p in (5, 50, 95)}


out = {
    "image": "ihc.png",
    "skimage_version": skimage.__version__,
    "numpy_version": np.__version__,
    "scipy_version": scipy.__version__,
}

# --- rgb2hed (skimage convention) ---
hed = rgb2hed(rgb)
out["rgb2hed"] = {
    name: {"mean": float(hed[..., i].mean()), **pct(hed[..., i])}
    for i, name in enumerate(["hematoxylin", "eosin", "dab"])
}
out["rgb2hed"]["pixel_10_20"] = [float(v) for v in hed[20, 10]]

# --- Fiji-convention DAB OD (same formula as ihc_reference.json) ---
h = np.array([0.650, 0.704, 0.286])
d = np.array([0.268, 0.570, 0.776])
h /= np.linalg.norm(h)
d /= np.linalg.norm(d)
r = np.cross(h, d)
r /= np.linalg.norm(r)
M = np.stack([h, d, r])  # rows = stains; od_rgb = amounts @ M
od = -np.log10(np.maximum(rgb.astype(np.float64), 1.0) / 255.0)
amounts = od.reshape(-1, 3) @ np.linalg.inv(M)
dab = amounts[:, 1].reshape(512, 512)

t_otsu = float(threshold_otsu(dab, nbins=256))
t_tri = float(threshold_triangle(dab, nbins=256))
mask = dab > t_otsu
lab = measure.label(mask, connectivity=2)
areas = np.bincount(lab.ravel())[1:]
kept = morphology.remove_small_objects(mask, min_size=10, connectivity=2)
opened = ndi.binary_opening(mask, structure=np.ones((3, 3), bool))
opened_sk = morphology.binary_opening(mask, morphology.square(3))
eroded = morphology.binary_erosion(mask, morphology.square(3))
dilated = morphology.binary_dilation(mask, morphology.square(3))
edt = ndi.distance_transform_edt(~mask)

out["dab_fiji"] = {
    "mean": float(dab.mean()),
    "otsu": t_otsu,
    "triangle": t_tri,
    "mask_pixels": int(mask.sum()),
    "components_8": int(lab.max()),
    "components_4": int(measure.label(mask, connectivity=1).max()),
    "largest_component_px": int(areas.max()),
    "components_ge10px": int(measure.label(kept, connectivity=2).max()),
    "opened_3x3_pixels": int(opened_sk.sum()),
    "opened_3x3_components_8": int(measure.label(opened_sk, connectivity=2).max()),
    "opened_scipy_border0_pixels": int(opened.sum()),
    "eroded_3x3_pixels": int(eroded.sum()),
    "dilated_3x3_pixels": int(dilated.sum()),
    "edt_to_mask": {
        "mean": float(edt.mean()),
        "max": float(edt.max()),
        "sum": float(edt.sum()),
        "samples": [[x, y, float(edt[y, x])] for (x, y) in [(0, 0), (100, 200), (511, 511), (300, 40)]],
    },
}

red = rgb[..., 0]
out["red_uint8"] = {
    "otsu": float(threshold_otsu(red)),
    "triangle": float(threshold_triangle(red)),
}

with open(os.path.join(HERE, "skimage_reference.json"), "w") as f:
    json.dump(out, f, indent=1)
print(json.dumps(out, indent=1))
