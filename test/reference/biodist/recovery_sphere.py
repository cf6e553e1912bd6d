"""Mean recovery coefficient of a uniform sphere blurred by an isotropic 3D Gaussian PSF,
computed numerically with SciPy (independent of eprscope): a sphere voxelised at h = 0.05 mm
(voxel centres inside R), scipy.ndimage.gaussian_filter (sigma = FWHM / 2.3548 in voxels,
truncate = 6, mode constant 0), mean of the blurred image over the sphere's voxels.
Run: /usr/bin/python3 test/reference/biodist/recovery_sphere.py > test/reference/biodist/recovery_sphere.json
"""
import json
import sys

sys.path.insert(0, "/usr/lib/python3/dist-packages")
import numpy as np  # noqa: E402
import scipy  # noqa: E402
from scipy import ndimage  # noqa: E402

h = 0.05
cases = []
for radius in [1.5, 2.9, 4.3, 6.4]:
    for fwhm in [1.0, 1.5, 2.5]:
        sigma = fwhm / (2 * np.sqrt(2 * np.log(2)))
        half = radius + 5 * sigma
        n = int(np.ceil(half / h))
        x = (np.arange(-n, n + 1)) * h
        # separable evaluation: distance² on the grid
        r2 = x[:, None, None] ** 2 + x[None, :, None] ** 2 + x[None, None, :] ** 2
        sphere = (r2 <= radius * radius).astype(np.float64)
        blurred = ndimage.gaussian_filter(sphere, sigma / h, mode="constant", cval=0.0, truncate=6.0)
        inside = sphere > 0
        cases.append(
            {
                "radius_mm": radius,
                "fwhm_mm": fwhm,
                "voxelised_radius_mm": float((3 * inside.sum() * h**3 / (4 * np.pi)) ** (1 / 3)),
                "recovery": float(blurred[inside].mean()),
            }
        )
json.dump(
    {
        "tool": f"scipy {scipy.__version__} ndimage.gaussian_filter, numpy {np.__version__}",
        "voxel_mm": h,
        "cases": cases,
    },
    sys.stdout,
    indent=2,
)
print()
