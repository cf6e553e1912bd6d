"""Lesion SUV reference for `eprscope pet lesions` (test/cli/pet.test.ts, test/core/scintigraphy/petLesions.test.ts).

Writes a small synthetic 64Cu PET phantom (pet.nii.gz, Bq/mL at scan start, float32) with a lesion
label map (labels.nii.gz, uint8: lesions 1, 2, 3; blood-pool VOI 10) on an anisotropic grid, then
computes the expected per-lesion values independently with numpy/scipy from the files as written:
  SUV = C * W[g] / (A_inj[Bq] * 2**(-dt/T_half)),  T_half(Cu-64) = 12.701 h (NNDC NuDat 3)
  SUVmax / SUVmean: max / mean over the label
  SUVpeak: highest mean over a sphere of 1 cm^3 (radius (3/(4 pi))^(1/3) cm) centred on a lesion
           voxel, the sphere = voxel centres within the radius, inside the image only
           (scipy.ndimage.correlate of the SUV image and of ones with the spherical footprint,
           mode="constant": sum / count)
  volume_ml = voxels * voxel volume; pctID = 100 * sum(C * V_voxel) / (A_inj * decay)
  lesion_to_blood = SUVmean(lesion) / SUVmean(label 10)
Run: /usr/bin/python3 make_suv_reference.py  (numpy, scipy 1.10, nibabel from Debian)
"""
import json
import math

import nibabel as nib
import numpy as np
from scipy import ndimage

SHAPE = (40, 36, 24)  # i (x, fastest on disk), j, k
SPACING = (2.0, 2.5, 3.0)  # mm
WEIGHT_KG = 68.5
INJECTED_MBQ = 185.0
INJECTION = "2026-05-04T09:00:00Z"
SCAN = "2026-05-05T09:13:00Z"
DT_H = 24 + 13 / 60
T_HALF_H = 12.701
DECAY = 2 ** (-DT_H / T_HALF_H)
SUV_PER_BQML = WEIGHT_KG * 1000 / (INJECTED_MBQ * 1e6 * DECAY)

rng = np.random.default_rng(7)
ii, jj, kk = np.meshgrid(*[np.arange(n) for n in SHAPE], indexing="ij")
x, y, z = ((ii + 0.5) * SPACING[0], (jj + 0.5) * SPACING[1], (kk + 0.5) * SPACING[2])
truth_suv = np.full(SHAPE, 0.8)
labels = np.zeros(SHAPE, dtype=np.uint8)
# lesions: (centre mm, radius mm, SUV); lesion 3 touches the image face x = 0
lesions = [((30.0, 40.0, 36.0), 9.0, 6.0), ((56.0, 60.0, 30.0), 6.5, 11.0), ((4.0, 22.0, 50.0), 7.0, 4.0)]
for n, (c, r, suv) in enumerate(lesions, start=1):
    inside = (x - c[0]) ** 2 + (y - c[1]) ** 2 + (z - c[2]) ** 2 <= r * r
    truth_suv[inside] = suv
    labels[inside] = n
blood = (x - 62.0) ** 2 + (y - 24.0) ** 2 + (z - 54.0) ** 2 <= 8.0**2
truth_suv[blood] = 5.0
labels[blood] = 10
fwhm = 6.5
sigma = [fwhm / (2 * math.sqrt(2 * math.log(2))) / s for s in SPACING]
img = ndimage.gaussian_filter(truth_suv / SUV_PER_BQML, sigma, mode="nearest")
img = img * (1 + 0.05 * rng.standard_normal(SHAPE))
img = img.astype(np.float32)
affine = np.diag([*SPACING, 1.0])
nib.save(nib.Nifti1Image(img, affine), "pet.nii.gz")
nib.save(nib.Nifti1Image(labels, affine), "labels.nii.gz")

# reference values from the files as written
pet = np.asarray(nib.load("pet.nii.gz").dataobj, dtype=np.float64)
lab = np.asarray(nib.load("labels.nii.gz").dataobj)
suv = pet * SUV_PER_BQML
r = 10 * (3 / (4 * math.pi)) ** (1 / 3)
half = [int(r // s) for s in SPACING]
grid = np.meshgrid(*[np.arange(-h, h + 1) * s for h, s in zip(half, SPACING)], indexing="ij")
foot = (grid[0] ** 2 + grid[1] ** 2 + grid[2] ** 2 <= r * r + 1e-9).astype(np.float64)
sums = ndimage.correlate(suv, foot, mode="constant", cval=0.0)
counts = ndimage.correlate(np.ones_like(suv), foot, mode="constant", cval=0.0)
peak_mean = sums / counts
voxel_ml = SPACING[0] * SPACING[1] * SPACING[2] / 1000
blood_mean = float(suv[lab == 10].mean())
out = []
for n in (1, 2, 3):
    m = lab == n
    k = int(np.argmax(np.where(m, peak_mean, -np.inf)))
    out.append(
        {
            "lesion": str(n),
            "label": n,
            "SUVmax": float(suv[m].max()),
            "SUVpeak": float(peak_mean.flat[k]),
            "SUVmean": float(suv[m].mean()),
            "volume_ml": float(m.sum() * voxel_ml),
            "pctID": float(100 * (pet[m].sum() * voxel_ml) / (INJECTED_MBQ * 1e6 * DECAY)),
            "lesion_to_blood": float(suv[m].mean() / blood_mean),
            "voxels": int(m.sum()),
            "peak_voxels": int(counts.flat[k]),
        }
    )
ref = {
    "inputs": {
        "pet": "pet.nii.gz",
        "labels": "labels.nii.gz",
        "weight_kg": WEIGHT_KG,
        "injected_mbq": INJECTED_MBQ,
        "injection_time": INJECTION,
        "scan_time": SCAN,
        "nuclide": "Cu-64",
        "half_life_h": T_HALF_H,
        "blood_label": 10,
    },
    "decay_factor": DECAY,
    "suv_per_bq_per_ml": SUV_PER_BQML,
    "sphere_radius_mm": r,
    "sphere_voxels_interior": int(foot.sum()),
    "blood_SUVmean": blood_mean,
    "lesions": out,
    "software": {"numpy": np.__version__, "scipy": __import__("scipy").__version__, "nibabel": nib.__version__},
}
with open("suv_reference.json", "w") as f:
    json.dump(ref, f, indent=1)
    f.write("\n")
print(json.dumps(out, indent=1))
