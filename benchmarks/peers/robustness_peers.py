"""The robustness analysis' peers, timed like gslab-bench robustness (best of RUNS, same sizes):

- spa: arch 8.0.0's SPA (the Reality Check is the same class) with B = 1 000, stationary bootstrap,
  block ⌊√T⌋, over 100 strategies × 5 000 daily returns;
- pbo: CSCV (S = 16) over 1 000 strategies × 2 600 periods in numpy, vectorised over strategies from
  per-block sums (no package on PyPI ships a PBO; this is the same algorithm as the lab's);
- mc: a trade Monte Carlo of 10 000 paths of 1 000 trades in numpy (indices drawn at once,
  compounded with cumprod, drawdown with maximum.accumulate).

Usage: python robustness_peers.py RUNS   → prints "robustness_peers PBO SPA MC" (seconds)
"""
import sys
import time

import numpy as np
from arch.bootstrap import SPA


def best(runs, body):
    out = float("inf")
    for _ in range(runs):
        t = time.perf_counter()
        body()
        out = min(out, time.perf_counter() - t)
    return out


def pbo(m, s=16):
    t, n = m.shape
    edges = [b * t // s for b in range(s + 1)]
    sums = np.stack([m[edges[b]:edges[b + 1]].sum(0) for b in range(s)])
    squares = np.stack([(m[edges[b]:edges[b + 1]] ** 2).sum(0) for b in range(s)])
    counts = np.diff(edges).astype(float)
    total_s, total_q = sums.sum(0), squares.sum(0)
    below = 0
    masks = [mask for mask in range(1 << s) if bin(mask).count("1") == s // 2]
    for mask in masks:
        rows = [b for b in range(s) if mask & (1 << b)]
        cin = counts[rows].sum()
        s_in, q_in = sums[rows].sum(0), squares[rows].sum(0)
        m_in = s_in / cin
        sr_in = m_in / np.sqrt((q_in - cin * m_in**2) / (cin - 1))
        cout = t - cin
        m_out = (total_s - s_in) / cout
        sr_out = m_out / np.sqrt((total_q - q_in - cout * m_out**2) / (cout - 1))
        w = sr_out[np.argmax(sr_in)]
        rank = (sr_out < w).sum() + ((sr_out == w).sum() + 1) / 2
        omega = rank / (n + 1)
        below += np.log(omega / (1 - omega)) <= 0
    return below / len(masks)


def monte_carlo(r, paths=10_000, rng=np.random.default_rng(1)):
    idx = rng.integers(0, len(r), (paths, len(r)))
    equity = np.cumprod(1 + r[idx], axis=1)
    peak = np.maximum(np.maximum.accumulate(equity, axis=1), 1.0)
    return equity[:, -1], (1 - equity / peak).max(axis=1)


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    rng = np.random.default_rng(21)
    m = rng.normal(0, 0.01, (2600, 1000))
    t_pbo = best(runs, lambda: pbo(m))
    models = rng.normal(0, 0.01, (5000, 100))
    bench = rng.normal(0, 0.01, 5000)

    def spa():
        s = SPA(-bench, -models, reps=1000, bootstrap="stationary", seed=1)
        s.compute()
        return s.pvalues

    t_spa = best(runs, spa)
    trades = rng.normal(0, 0.03, 1000)
    t_mc = best(runs, lambda: monte_carlo(trades))
    print(f"robustness_peers {t_pbo} {t_spa} {t_mc}")


if __name__ == "__main__":
    main()
