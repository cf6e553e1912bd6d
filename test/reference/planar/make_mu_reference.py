"""Narrow-beam μ of water at photopeak energies, interpolated log-log in the NIST SRD 126
liquid-water table (nist_water_mu_rho.csv) with numpy — independent of the TypeScript code.
Run: /usr/bin/python3 make_mu_reference.py  → mu_reference.json"""
import csv, json, math
import numpy as np

rows = list(csv.DictReader(open("nist_water_mu_rho.csv")))
e = np.array([float(r["energy_MeV"]) for r in rows])
m = np.array([float(r["mu_rho_cm2_per_g"]) for r in rows])
# NNDC NuDat 3 photopeaks (keV) and intensities
peaks = {
    "Tc-99m": [(140.511, 0.89)],
    "In-111": [(171.28, 0.9066), (245.35, 0.9409)],
    "I-131": [(364.49, 0.815)],
    "Lu-177": [(112.95, 0.0623), (208.366, 0.1036)],
    "Zr-89": [(909.15, 0.9904)],
    "F-18": [(511.0, 1.9373)],
}
def mu(kev):
    return float(np.exp(np.interp(math.log(kev / 1000), np.log(e), np.log(m)))) * 1.0
out = {"source": "NIST SRD 126 water, liquid; log-log interpolation (numpy.interp on logs)", "nuclides": {}}
for n, pk in peaks.items():
    per = [{"energy_keV": k, "intensity": w, "mu_per_cm": mu(k)} for k, w in pk]
    out["nuclides"][n] = {
        "peaks": per,
        "mu_per_cm": sum(p["mu_per_cm"] * p["intensity"] for p in per) / sum(p["intensity"] for p in per),
    }
json.dump(out, open("mu_reference.json", "w"), indent=1)
print(json.dumps({k: round(v["mu_per_cm"], 5) for k, v in out["nuclides"].items()}))
