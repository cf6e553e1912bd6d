"""Reference values for Welch's t-test and the Mann-Whitney U test (eprscope core).

Independent of eprscope: scipy.stats (Debian /usr/bin/python3, scipy 1.10.1) and brute-force
enumeration of rank assignments with itertools. Run: /usr/bin/python3 generate.py > reference.json
"""
import itertools
import json
import math

import numpy as np
from scipy import stats

rng = np.random.default_rng(20260302)

cases = {
    # R datasets::sleep (Cushny & Peebles 1905), the t.test / wilcox.test help examples
    "sleep": (
        [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0],
        [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4],
    ),
    # Hollander & Wolfe (1973) p. 69, R ?wilcox.test example (no ties -> exact)
    "hollander_wolfe": (
        [0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46],
        [1.15, 0.88, 0.90, 0.74, 1.21],
    ),
    "separated_3v3": ([1.0, 2.0, 3.0], [4.0, 5.0, 6.0]),
    "random_6v6": (
        list(np.round(rng.normal(10, 2, 6), 4)),
        list(np.round(rng.normal(12, 3, 6), 4)),
    ),
    "random_20v25": (
        list(np.round(rng.lognormal(1.0, 0.5, 20), 4)),
        list(np.round(rng.lognormal(1.3, 0.4, 25), 4)),
    ),
    "ties_8v7": ([1, 2, 2, 3, 4, 4, 4, 6], [3, 5, 5, 6, 7, 7, 8]),
    "large_60v55": (
        list(np.round(rng.normal(0, 1, 60), 3)),
        list(np.round(rng.normal(0.4, 1.3, 55), 3)),
    ),
}


def has_ties(x, y):
    a = list(x) + list(y)
    return len(set(a)) < len(a)


out = {"cases": {}, "pmf": {}}
for name, (x, y) in cases.items():
    x = [float(v) for v in x]
    y = [float(v) for v in y]
    w = stats.ttest_ind(x, y, equal_var=False)
    # Welch-Satterthwaite df and CI from the formulas, quantile from scipy
    vx, vy = np.var(x, ddof=1) / len(x), np.var(y, ddof=1) / len(y)
    df = (vx + vy) ** 2 / (vx**2 / (len(x) - 1) + vy**2 / (len(y) - 1))
    d = np.mean(x) - np.mean(y)
    q = stats.t.ppf(0.975, df)
    se = math.sqrt(vx + vy)
    exact = len(x) < 50 and len(y) < 50 and not has_ties(x, y)
    mw = stats.mannwhitneyu(
        x, y, alternative="two-sided", method="exact" if exact else "asymptotic", use_continuity=True
    )
    out["cases"][name] = {
        "x": x,
        "y": y,
        "welch": {
            "t": float(w.statistic),
            "df": float(df),
            "p": float(w.pvalue),
            "meanDifference": float(d),
            "ciLower": float(d - q * se),
            "ciUpper": float(d + q * se),
        },
        "mannwhitney": {"u": float(mw.statistic), "p": float(mw.pvalue), "method": "exact" if exact else "normal"},
    }

# null distribution of U by brute force over all C(m+n, m) rank subsets
for m, n in [(3, 3), (4, 6), (5, 10)]:
    counts = [0] * (m * n + 1)
    for xs in itertools.combinations(range(1, m + n + 1), m):
        counts[sum(xs) - m * (m + 1) // 2] += 1
    total = math.comb(m + n, m)
    out["pmf"][f"{m}x{n}"] = [c / total for c in counts]

print(json.dumps(out, indent=1))
