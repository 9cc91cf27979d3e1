#!/usr/bin/env python3
"""Reference statistics for clause9's analysis (crates/clause9-core/src/analysis).

How the committed fixtures.json was made (once; re-running gives the same file):

    python3 -m venv /tmp/c9venv
    /tmp/c9venv/bin/pip install -r tools/analysis-reference/requirements.txt
    /tmp/c9venv/bin/python tools/analysis-reference/make_fixtures.py > tools/analysis-reference/fixtures.json

The series are generated from a fixed seed (numpy's PCG64, seed 27004) plus a
few hand-made ones for edge cases (ties, a constant series, the minimum number
of points, gaps in x). Expected values:

- least-squares slope and its standard error: scipy.stats.linregress;
  95% interval: slope ± scipy.stats.t.ppf(0.975, n - 2) × stderr;
- Theil–Sen slope: scipy.stats.theilslopes (median of pairwise slopes);
- Mann–Kendall p: the original test with tie-corrected variance and a
  continuity correction (pymannkendall's `original_test`), z from S and the
  two-sided p from scipy.stats.norm.sf;
- XmR chart: numpy mean and mean moving range, limits = mean ± 2.66 × mean MR;
  signals by the four rules written out plainly below (an independent
  implementation of the rules in crates/clause9-core/src/analysis/control.rs).
"""

import json
import sys

import numpy as np
from scipy import stats


def mann_kendall_p(y):
    n = len(y)
    s = 0
    for i in range(n):
        for j in range(i + 1, n):
            s += np.sign(y[j] - y[i])
    _, counts = np.unique(y, return_counts=True)
    ties = sum(t * (t - 1) * (2 * t + 5) for t in counts)
    var = (n * (n - 1) * (2 * n + 5) - ties) / 18.0
    if var <= 0 or s == 0:
        return 1.0
    z = (s - np.sign(s)) / np.sqrt(var)
    return float(min(1.0, 2 * stats.norm.sf(abs(z))))


def xmr(y):
    y = np.asarray(y, dtype=float)
    centre = float(np.mean(y))
    mr = float(np.mean(np.abs(np.diff(y))))
    upper, lower = centre + 2.66 * mr, centre - 2.66 * mr
    signals = set()
    up23 = centre + (upper - centre) * 2.0 / 3.0
    down23 = centre - (centre - lower) * 2.0 / 3.0
    for i, v in enumerate(y):
        if v > upper or v < lower:
            signals.add((i, "beyond_limits"))
        if i >= 7:
            w = y[i - 7 : i + 1]
            if all(w > centre) or all(w < centre):
                signals.add((i, "run_of_8"))
        if i >= 5:
            d = np.diff(y[i - 5 : i + 1])
            if all(d > 0) or all(d < 0):
                signals.add((i, "trend_of_6"))
        if i >= 2:
            w = y[i - 2 : i + 1]
            if (sum(w > up23) >= 2 and v > up23) or (sum(w < down23) >= 2 and v < down23):
                signals.add((i, "two_of_three"))
    order = ["beyond_limits", "run_of_8", "trend_of_6", "two_of_three"]
    return {
        "centre": centre,
        "lower": lower,
        "upper": upper,
        "signals": [{"index": i, "rule": r} for i, r in sorted(signals, key=lambda s: (s[0], order.index(s[1])))],
    }


def expected(name, x, y):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    lr = stats.linregress(x, y)
    half = stats.t.ppf(0.975, len(y) - 2) * lr.stderr
    ts = stats.theilslopes(y, x)
    out = {
        "name": name,
        "x": x.tolist(),
        "y": y.tolist(),
        "slope": float(lr.slope),
        "slope_ci95": [float(lr.slope - half), float(lr.slope + half)],
        "theil_sen_slope": float(ts.slope),
        "mann_kendall_p": mann_kendall_p(y),
    }
    if len(y) >= 5:
        out["control"] = xmr(y)
    return out


def main():
    rng = np.random.Generator(np.random.PCG64(27004))
    cases = []
    for k, (n, slope, noise) in enumerate([(24, -0.79, 1.5), (36, 0.2, 3.0), (12, 0.0, 2.0), (60, 0.05, 0.5), (8, 1.5, 0.3)]):
        x = np.arange(n, dtype=float)
        y = 20.0 + slope * x + rng.normal(0.0, noise, n)
        cases.append(expected(f"random_{k}_n{n}", x, np.round(y, 3)))
    # percentages near a ceiling, with ties
    cases.append(expected("ties", range(15), [95, 96, 96, 97, 95, 98, 98, 98, 99, 97, 99, 100, 100, 99, 100]))
    # gaps: collection periods 3 and 7 have no value
    cases.append(expected("gaps", [0, 1, 2, 4, 5, 6, 8, 9, 10], [10, 12, 11, 15, 14, 16, 19, 18, 21]))
    cases.append(expected("three_points", [0, 1, 2], [1.0, 2.5, 2.0]))
    cases.append(expected("outlier", range(12), [50, 51, 49, 50, 52, 50, 49, 51, 80, 50, 51, 50]))
    cases.append(expected("steady_rise", range(10), [5, 5.5, 5.2, 5.9, 6.4, 7.0, 7.1, 7.8, 8.0, 8.3]))
    cases.append(expected("shift", range(16), [10, 11, 9, 10, 12, 11, 12, 13, 12, 13, 12, 14, 13, 12, 13, 13]))
    json.dump({"generator": "tools/analysis-reference/make_fixtures.py", "numpy": np.__version__, "scipy": __import__("scipy").__version__, "cases": cases}, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
