#!/usr/bin/python3
"""Reference data for the vascular-network simulation (src/core/transport/network).

Run with Debian's python3 (numpy, scipy 1.10, scikit-image 0.19, nibabel):
    /usr/bin/python3 test/reference/network/make_reference.py

1. pries_vitro.json — relative apparent blood viscosity of the Pries, Neuhaus & Gaehtgens
   (1992, Am J Physiol 263:H1770) in-vitro law, evaluated here from the published equations with
   numpy, on a grid of diameters (µm) and discharge haematocrits, plus the diameter of the
   Fåhræus–Lindqvist minimum at H = 0.45 found with scipy.optimize.minimize_scalar.
2. mask_*.nii.gz / skel_*.nii.gz — binary masks (a Y of cylinders, tubes with a loop, a porous
   random structure) and their scikit-image skeletonize_3d (Lee et al. 1994) skeletons.
   scikit-image scans a C-ordered (p, r, c) array; the
   masks are passed as (z, y, x) so that its scan order is the x-fastest NIfTI order.
"""
import json
import os

import nibabel as nib
import numpy as np
from scipy.optimize import minimize_scalar
from skimage.morphology import skeletonize_3d

HERE = os.path.dirname(os.path.abspath(__file__))


def eta45(d):
    return 220 * np.exp(-1.3 * d) + 3.2 - 2.44 * np.exp(-0.06 * d ** 0.645)


def shape_c(d):
    g = 1 / (1 + 1e-11 * d ** 12)
    return (0.8 + np.exp(-0.075 * d)) * (-1 + g) + g


def eta_rel(d, h):
    c = shape_c(d)
    return 1 + (eta45(d) - 1) * ((1 - h) ** c - 1) / ((1 - 0.45) ** c - 1)


def pries():
    diameters = [3.3, 4, 5, 6, 8, 10, 15, 20, 30, 50, 100, 200, 500, 1000, 1978]
    haematocrits = [0, 0.1, 0.2, 0.3, 0.45, 0.6, 0.75, 0.9]
    rows = [
        {"diameter_um": d, "haematocrit": h, "eta_rel": float(eta_rel(np.float64(d), np.float64(h)))}
        for d in diameters
        for h in haematocrits
    ]
    m = minimize_scalar(lambda d: eta45(d), bounds=(3, 30), method="bounded", options={"xatol": 1e-10})
    out = {
        "source": "Pries, Neuhaus & Gaehtgens 1992 Am J Physiol 263:H1770 (in-vitro law), numpy",
        "values": rows,
        "minimum_eta45": {"diameter_um": float(m.x), "eta_rel": float(m.fun)},
    }
    with open(os.path.join(HERE, "pries_vitro.json"), "w") as f:
        json.dump(out, f, indent=1)


def cylinder(shape, a, b, r):
    """voxels whose centre lies within r of the segment a–b (voxel units, (x, y, z))"""
    idx = np.indices(shape).reshape(3, -1).T.astype(float)
    a = np.asarray(a, float)
    b = np.asarray(b, float)
    ab = b - a
    t = np.clip(((idx - a) @ ab) / (ab @ ab), 0, 1)
    d = np.linalg.norm(idx - (a + t[:, None] * ab), axis=1)
    return (d <= r).reshape(shape)


def masks():
    rng = np.random.default_rng(7)
    shape = (40, 36, 30)
    y = np.zeros(shape, bool)
    y |= cylinder(shape, (0, 18, 15), (20, 18, 15), 4.2)
    y |= cylinder(shape, (20, 18, 15), (39, 5, 10), 3.1)
    y |= cylinder(shape, (20, 18, 15), (39, 31, 20), 2.6)
    # random tubes: a loop (two branches rejoining) and noisy radius blobs
    t = np.zeros(shape, bool)
    t |= cylinder(shape, (0, 10, 10), (15, 10, 10), 3)
    t |= cylinder(shape, (15, 10, 10), (28, 24, 12), 2.5)
    t |= cylinder(shape, (15, 10, 10), (28, 4, 18), 2.5)
    t |= cylinder(shape, (28, 24, 12), (28, 4, 18), 2.2)
    t |= cylinder(shape, (28, 4, 18), (39, 14, 25), 2.8)
    for _ in range(6):
        c = rng.uniform([5, 5, 5], [35, 31, 25])
        t |= cylinder(shape, c, c + rng.normal(0, 3, 3), rng.uniform(1.5, 3))
    # a porous random structure (smoothed noise above a threshold): many local configurations
    from scipy.ndimage import gaussian_filter

    noise = gaussian_filter(rng.normal(size=(32, 30, 28)), 1.6)
    porous = np.zeros(shape, bool)
    porous[4:36, 3:33, 1:29] = noise > 0.05
    for name, m in (("y", y), ("tubes", t), ("porous", porous)):
        sk = skeletonize_3d(np.ascontiguousarray(m.transpose(2, 1, 0).astype(np.uint8))).transpose(2, 1, 0)
        aff = np.diag([0.02, 0.02, 0.02, 1.0])
        nib.save(nib.Nifti1Image(m.astype(np.uint8), aff), os.path.join(HERE, f"mask_{name}.nii.gz"))
        nib.save(nib.Nifti1Image((sk > 0).astype(np.uint8), aff), os.path.join(HERE, f"skel_{name}.nii.gz"))
        print(name, int(m.sum()), "voxels,", int((sk > 0).sum()), "skeleton voxels")


if __name__ == "__main__":
    pries()
    masks()
