"""Fisher's exact test reference (test/core/stats/fisherExact.test.ts): scipy.stats.fisher_exact
(two-sided, greater, less; statistic = sample odds ratio a*d/(b*c)) on 2x2 tables [[a, b], [c, d]],
including the demo cohort's 5/6 vs 1/6 split, zero cells, a tied-probability table and large counts.
Run: /usr/bin/python3 make_fisher_reference.py  (Debian scipy 1.10)
"""
import json
import math

import scipy
from scipy.stats import fisher_exact

TABLES = [
    [[5, 1], [1, 5]],
    [[3, 1], [1, 3]],
    [[1, 9], [11, 3]],
    [[0, 6], [6, 0]],
    [[6, 0], [0, 6]],
    [[0, 5], [0, 7]],
    [[2, 7], [8, 2]],
    [[10, 10], [10, 10]],
    [[12, 3], [4, 12]],
    [[1, 0], [0, 0]],
    [[4, 2], [2, 4]],
    [[7, 17], [15, 5]],
    [[45, 60], [30, 90]],
    [[120, 80], [95, 130]],
    [[0, 0], [3, 4]],
]
out = []
for t in TABLES:
    row = {"table": t}
    for alt in ("two-sided", "greater", "less"):
        stat, p = fisher_exact(t, alternative=alt)
        row[alt] = p
    row["odds_ratio"] = None if not math.isfinite(stat) else stat
    row["odds_ratio_inf"] = bool(math.isinf(stat))
    out.append(row)
with open("fisher_reference.json", "w") as f:
    json.dump({"scipy": scipy.__version__, "cases": out}, f, indent=1)
    f.write("\n")
print(json.dumps(out))
