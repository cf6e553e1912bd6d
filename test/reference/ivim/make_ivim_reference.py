#!/usr/bin/python3
"""Reference IVIM and ADC fits by dipy (Debian python3-dipy) on curves generated here.

Run:  /usr/bin/python3 test/reference/ivim/make_ivim_reference.py
Writes test/reference/ivim/ivim_dipy_reference.json (curves, b-values, truths and dipy's fits).
See README.md in this folder for the conventions and how the TypeScript test uses the output.
"""
import json
import os
import sys
import time
import warnings

import numpy as np
import scipy
import dipy
from dipy.core.gradients import gradient_table
from dipy.reconst.ivim import IvimModel
import dipy.reconst.dti as dti
from scipy.optimize import curve_fit

warnings.simplefilter("ignore")
HERE = os.path.dirname(os.path.abspath(__file__))

# OSIPI TF2.4 IVIM code collection, tests/IVIMmodels/unit_tests/generic.json (commit
# f91b53cefa1c25495516d165b55a16117da4f8dc): b-values and tissue parameters (D, f, Dp in mm²/s)
B_IVIM = [0.0, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 50.0, 75.0, 100.0, 150.0, 250.0, 350.0, 400.0,
          550.0, 700.0, 850.0, 1000.0]
TISSUES = {
    "Myocardium LV": (0.0024, 0.15, 0.08),
    "myocardium ra": (0.0015, 0.07, 0.07),
    "muscle": (0.00137, 0.1, 0.0263),
    "Liver": (0.0015, 0.11, 0.1),
    "esophagus": (0.00167, 0.32, 0.03),
    "st wall": (0.0015, 0.3, 0.012),
    "pancreas": (0.0013, 0.15, 0.01),
    "Right kydney cortex": (0.00212, 0.097, 0.02),
    "right kidney medulla": (0.00209, 0.158, 0.019),
    "spleen": (0.0013, 0.2, 0.03),
    "spinal cord": (0.00041, 0.178, 0.0289),
    "Bone Marrow": (0.00043, 0.145, 0.05),
    "asc lower intestine": (0.00131, 0.69, 0.029),
    "pericardium": (0.003, 0.07, 0.01),
}
# bounds shared with eprscope's defaults (OSIPI-style): f 0–1, D 0–0.005, D* 0.005–0.2 mm²/s
# dipy's parameter order is [S0, f, D*, D]
DIPY_BOUNDS = ([0.0, 0.0, 0.005, 0.0], [np.inf, 1.0, 0.2, 0.005])
SNR = 50.0  # Gaussian noise SD = S0/SNR, S0 = 1
SEED = 20240613
B_ADC = [0.0, 50.0, 100.0, 200.0, 400.0, 600.0, 800.0, 1000.0]
ADCS = [0.0003, 0.0008, 0.0012, 0.002, 0.003]


def ivim(b, s0, f, d, ds):
    b = np.asarray(b)
    return s0 * (f * np.exp(-b * ds) + (1 - f) * np.exp(-b * d))


def main():
    rng = np.random.default_rng(SEED)
    bvals = np.array(B_IVIM)
    bvecs = np.array([[0, 0, 0] if b == 0 else [1, 0, 0] for b in bvals], float)
    gtab = gradient_table(bvals, bvecs, b0_threshold=0)
    model = IvimModel(gtab, fit_method="trr", split_b_D=200.0, split_b_S0=200.0, bounds=DIPY_BOUNDS)

    ivim_cases = []
    for name, (d, f, ds) in TISSUES.items():
        clean = ivim(bvals, 1.0, f, d, ds)
        for kind, sig in (("noise-free", clean), ("snr50", clean + rng.normal(0, 1 / SNR, clean.shape))):
            fit = model.fit(sig)
            s0_, f_, ds_, d_ = (float(x) for x in fit.model_params)
            # the segmented first stage, as dipy computes it (D from b >= 200, OLS on ln S)
            _, d_seg = model.estimate_linear_fit(sig, 200.0, less_than=False)
            pred = ivim(bvals, s0_, f_, d_, ds_)
            ivim_cases.append({
                "label": f"{name} {kind}",
                "truth": {"S0": 1.0, "f": f, "D_mm2_per_s": d, "Dstar_mm2_per_s": ds},
                "signal": [float(x) for x in sig],
                "dipy_trr": {"S0": s0_, "f": f_, "D_mm2_per_s": d_, "Dstar_mm2_per_s": ds_,
                             "rss": float(np.sum((sig - pred) ** 2))},
                "dipy_segmented_D_mm2_per_s": float(d_seg),
            })

    # dipy speed on this scheme (trr, one core): 2000 noisy voxels of the liver curve
    vox = ivim(bvals, 1.0, 0.11, 0.0015, 0.1)[None, :] + rng.normal(0, 1 / SNR, (2000, len(bvals)))
    t0 = time.perf_counter()
    model.fit(vox)
    dipy_seconds = time.perf_counter() - t0

    # ADC: dipy's tensor fits (OLS and NLLS) on an isotropic 6-direction acquisition per b-value
    # (b = 0 repeated 6 times) — their mean diffusivity is the single-direction ADC (see README)
    dirs = np.array([[1, 1, 0], [1, 0, 1], [0, 1, 1], [1, -1, 0], [1, 0, -1], [0, 1, -1]], float)
    dirs /= np.linalg.norm(dirs, axis=1)[:, None]
    bv6 = np.repeat(B_ADC, 6)
    bvec6 = np.tile(dirs, (len(B_ADC), 1))
    gtab6 = gradient_table(bv6, bvec6, b0_threshold=0)
    ols = dti.TensorModel(gtab6, fit_method="OLS")
    nlls = dti.TensorModel(gtab6, fit_method="NLLS")
    adc_cases = []
    for adc in ADCS:
        clean = 1000.0 * np.exp(-np.array(B_ADC) * adc)
        for kind, sig in (("noise-free", clean), ("snr50", clean + rng.normal(0, 1000.0 / SNR, clean.shape))):
            s6 = np.repeat(sig, 6)
            md_ols = float(ols.fit(s6).md)
            md_nlls = float(nlls.fit(s6).md)
            popt, _ = curve_fit(lambda b, s0, a: s0 * np.exp(-b * a), np.array(B_ADC), sig,
                                p0=[sig[0], 1e-3], xtol=1e-14, ftol=1e-14, maxfev=10000)
            adc_cases.append({
                "label": f"ADC {adc} {kind}",
                "truth": {"S0": 1000.0, "ADC_mm2_per_s": adc},
                "signal": [float(x) for x in sig],
                "dipy_dti_ols_md": md_ols,
                "dipy_dti_nlls_md": md_nlls,
                "scipy_curve_fit": {"S0": float(popt[0]), "ADC_mm2_per_s": float(popt[1])},
            })

    out = {
        "generated_by": "test/reference/ivim/make_ivim_reference.py",
        "versions": {"python": sys.version.split()[0], "numpy": np.__version__, "scipy": scipy.__version__,
                     "dipy": dipy.__version__},
        "seed": SEED,
        "snr": SNR,
        "ivim": {
            "b_s_per_mm2": B_IVIM,
            "dipy_model": "IvimModel(fit_method='trr', split_b_D=200, split_b_S0=200, bounds=([0,0,0.005,0],[inf,1,0.2,0.005]))",
            "dipy_voxels_per_s_one_core": 2000 / dipy_seconds,
            "cases": ivim_cases,
        },
        "adc": {"b_s_per_mm2": B_ADC, "cases": adc_cases},
    }
    with open(os.path.join(HERE, "ivim_dipy_reference.json"), "w") as fh:
        json.dump(out, fh, indent=1)
    print(f"wrote {len(ivim_cases)} IVIM and {len(adc_cases)} ADC cases; dipy trr {2000 / dipy_seconds:.0f} voxels/s")


if __name__ == "__main__":
    main()
