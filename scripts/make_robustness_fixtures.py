"""Writes the reference results of the robustness tests under Tests/LabRobustnessTests/Fixtures/.

Run with: venv=$(scripts/python-env) && "$venv/bin/python" scripts/make_robustness_fixtures.py
The outputs are committed, so the Swift test suite needs no Python.

- returns.csv: a fixed matrix of period returns (T = 600 rows; columns b (the benchmark) and
  m0 … m19), drawn here with numpy's seeded generator: fat-tailed, autocorrelated, some strategies
  with an edge, one flat (all zeros), two identical.
- pbo.json: the probability of backtest overfitting by CSCV, written from the paper's definition
  with plain numpy (no code shared with the lab): S = 8 and S = 16 blocks, every split's logit, the
  in- and out-of-sample Sharpe ratios of its winner (S = 16: of the first 500 splits).
- spa.json: arch 8.0.0's SPA (= RealityCheck) on the same matrix against the benchmark: the
  variance estimates, the mean excess returns, and its lower / consistent / upper p-values (not
  studentised, as arch computes them) with B = 20 000; and Hansen's studentised SPA p-values,
  written here with numpy on arch's own stationary-bootstrap indices.
"""
import itertools
import json
import os

import numpy as np
from arch.bootstrap import SPA, StationaryBootstrap

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Tests", "LabRobustnessTests", "Fixtures")
T, N, BLOCK, REPS = 600, 20, 12, 20000


def matrix():
    rng = np.random.default_rng(20261207)
    common = rng.standard_t(4, size=T) * 0.008
    b = common + rng.normal(0, 0.002, T)
    cols = []
    for k in range(N):
        noise = rng.standard_t(5, size=T) * 0.01
        ar = np.zeros(T)
        for t in range(T):
            ar[t] = noise[t] + (0.15 * ar[t - 1] if t else 0)
        edge = 0.0004 if k in (3, 7) else 0.0
        cols.append(0.5 * common + ar + edge)
    cols[11] = np.zeros(T)
    cols[15] = cols[14].copy()
    return b, np.column_stack(cols)


def sharpe(x):
    """Per-period Sharpe: mean / std (ddof 1); no variance: 0 for a zero mean, else +-inf."""
    m = x.mean()
    v = x.var(ddof=1)
    if v > 0:
        return m / np.sqrt(v)
    return 0.0 if m == 0 else (np.inf if m > 0 else -np.inf)


def cscv(m, s):
    t, n = m.shape
    bounds = [(b * t // s, (b + 1) * t // s) for b in range(s)]
    masks = [mask for mask in range(1 << s) if bin(mask).count("1") == s // 2]
    logits, ins, oos = [], [], []
    for mask in masks:
        rows_in = np.concatenate([np.arange(*bounds[b]) for b in range(s) if mask & (1 << b)])
        rows_out = np.concatenate([np.arange(*bounds[b]) for b in range(s) if not mask & (1 << b)])
        r_in = np.array([sharpe(m[rows_in, k]) for k in range(n)])
        r_out = np.array([sharpe(m[rows_out, k]) for k in range(n)])
        best = int(np.argmax(r_in))  # first of ties
        w = r_out[best]
        rank = (r_out < w).sum() + ((r_out == w).sum() + 1) / 2
        omega = rank / (n + 1)
        logits.append(float(np.log(omega / (1 - omega))))
        ins.append(float(r_in[best]))
        oos.append(float(w))
    logits = np.array(logits)
    return {
        "blocks": s,
        "pbo": float((logits <= 0).mean()),
        "logits": logits.tolist(),
        "in_sample_sharpe": ins,
        "out_of_sample_sharpe": oos,
    }


def main():
    b, m = matrix()
    with open(os.path.join(OUT, "returns.csv"), "w") as f:
        f.write(",".join(["b"] + [f"m{k}" for k in range(N)]) + "\n")
        for t in range(T):
            f.write(",".join(repr(float(x)) for x in [b[t]] + list(m[t])) + "\n")
    with open(os.path.join(OUT, "pbo.json"), "w") as f:
        large = cscv(m, 16)
        # S = 16 keeps every logit and the winners' Sharpe ratios of the first 500 splits (size).
        large["in_sample_sharpe"] = large["in_sample_sharpe"][:500]
        large["out_of_sample_sharpe"] = large["out_of_sample_sharpe"][:500]
        json.dump({"cases": [cscv(m, 8), large]}, f)

    # arch works with losses: loss = -return, so its loss differential is m - b.
    spa = SPA(-b, -m, block_size=BLOCK, reps=REPS, bootstrap="stationary", seed=7)
    spa.compute()
    d = m - b[:, None]
    means = d.mean(0)
    var = spa._loss_diff_var
    omega = np.sqrt(var)
    # Hansen's studentised statistic on arch's own bootstrap indices.
    root = np.sqrt(T)
    valid = means >= -np.sqrt(var / T * 2 * np.log(np.log(T)))
    centres = [np.maximum(means, 0), np.where(valid, means, 0.0), means]
    use = omega > 0
    stat = max(float(np.max(root * means[use] / omega[use])), 0.0)
    bs = StationaryBootstrap(BLOCK, d, seed=11)
    exceed = np.zeros(3)
    for _ in bs.bootstrap(REPS):
        star = d[bs.index].mean(0)
        for j, c in enumerate(centres):
            z = max(float(np.max(root * (star - c)[use] / omega[use])), 0.0)
            exceed[j] += z > stat
    p = exceed / REPS
    with open(os.path.join(OUT, "spa.json"), "w") as f:
        json.dump(
            {
                "block": BLOCK,
                "replications": REPS,
                "variances": var.tolist(),
                "mean_excess": means.tolist(),
                "reality_check_statistic": float(means.max()),
                "arch_pvalues": {k: float(v) for k, v in spa.pvalues.items()},
                "valid": valid.tolist(),
                "spa_statistic": stat,
                "spa_pvalues": {"lower": p[0], "consistent": p[1], "upper": p[2]},
            },
            f,
        )
    print("pbo", [c["pbo"] for c in json.load(open(os.path.join(OUT, "pbo.json")))["cases"]])
    print("arch", dict(spa.pvalues), "spa studentised", p, "stat", stat)


if __name__ == "__main__":
    main()
