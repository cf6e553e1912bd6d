"""Reference values for src/core/registration/cubic.ts: cubic B-spline interpolation of a small
random 3D volume at random continuous indices, by scipy.ndimage.map_coordinates (order=3,
mode="mirror" = whole-sample symmetric boundaries, prefilter on; scipy 1.10, Debian python3).
Run: /usr/bin/python3 test/reference/elastix/scipy_cubic.py  (writes scipy_cubic.json)
Arrays are x fastest (NIfTI order): data[i + nx*(j + ny*k)] = vol[i, j, k]."""
import json
import os

import numpy as np
import scipy
from scipy import ndimage

rng = np.random.default_rng(42)
nx, ny, nz = 7, 6, 5
vol = rng.normal(size=(nx, ny, nz)) * 100 + 50
# points inside [-0.5, n - 0.5] per axis, including the half-voxel beyond the outer samples
pts = np.stack([rng.uniform(-0.5, n - 0.5, 200) for n in (nx, ny, nz)])
# and the sample positions themselves (the spline interpolates)
grid = np.array([[1, 2, 3], [0, 0, 0], [6, 5, 4], [3, 1, 2]], dtype=float).T
pts = np.concatenate([pts, grid], axis=1)
vals = ndimage.map_coordinates(vol, pts, order=3, mode="mirror")
out = {
    "scipy": scipy.__version__,
    "dims": [nx, ny, nz],
    "data": vol.flatten(order="F").tolist(),
    "points": pts.T.tolist(),
    "values": vals.tolist(),
}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "scipy_cubic.json"), "w") as f:
    json.dump(out, f)
    f.write("\n")
print("wrote", len(vals), "values")
