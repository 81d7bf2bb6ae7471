"""Peer timings for benchmarks/run: the same indicators as `gslab-bench signals`, in numpy/pandas.

Usage: python indicators_peers.py FILE SYMBOL RUNS  -> one "indicator NAME SECONDS BARS" line each
Best wall-clock time of RUNS runs (time.perf_counter). Each is the idiomatic vectorised pandas or
numpy form of the definition in docs/signals.md (Wilder smoothing as ewm(alpha=1/n, adjust=False),
the weighted average as a numpy convolution, the session VWAP as a grouped cumulative sum).
"""
import sys
import time

import h5py
import numpy as np
import pandas as pd


def best(runs, fn):
    t = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        t = min(t, time.perf_counter() - start)
    return t


def main():
    path, symbol, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with h5py.File(path, "r") as f:
        g = f[symbol]
        cols = {k: g[k][:] for k in ["timestamp", "open", "high", "low", "close", "volume"]}
    n = len(cols["close"])
    c = pd.Series(cols["close"])
    h = pd.Series(cols["high"])
    lo = pd.Series(cols["low"])
    v = pd.Series(cols["volume"])
    # Session ids: the New York trading day of each bar (what the Swift side passes in).
    ts = pd.to_datetime(cols["timestamp"], unit="ns", utc=True).tz_convert("America/New_York")
    session = pd.Series(ts.normalize().asi8)
    weights = np.arange(1, 21, dtype=float)

    def rsi():
        d = c.diff()
        gain = d.clip(lower=0).ewm(alpha=1 / 14, adjust=False).mean()
        loss = (-d).clip(lower=0).ewm(alpha=1 / 14, adjust=False).mean()
        return 100 * gain / (gain + loss)

    def macd():
        line = c.ewm(span=12, adjust=False).mean() - c.ewm(span=26, adjust=False).mean()
        signal = line.ewm(span=9, adjust=False).mean()
        return line, signal, line - signal

    def bollinger():
        m = c.rolling(20).mean()
        s = c.rolling(20).std(ddof=0)
        return m - 2 * s, m, m + 2 * s, (c - m + 2 * s) / (4 * s)

    def atr():
        pc = c.shift(1)
        tr = np.maximum(h - lo, np.maximum((h - pc).abs(), (lo - pc).abs()))
        return tr.ewm(alpha=1 / 14, adjust=False).mean()

    def vwap():
        tp = (h + lo + c) / 3
        return (tp * v).groupby(session).cumsum() / v.groupby(session).cumsum()

    cases = [
        ("sma_20", lambda: c.rolling(20).mean()),
        ("ema_20", lambda: c.ewm(span=20, adjust=False, min_periods=20).mean()),
        ("wma_20", lambda: np.convolve(cols["close"], weights[::-1], mode="valid") / weights.sum()),
        ("rsi_14", rsi),
        ("macd_12_26_9", macd),
        ("bollinger_20_2", bollinger),
        ("atr_14", atr),
        ("volatility_20", lambda: np.log(c / c.shift(1)).rolling(20).std() * np.sqrt(98280)),
        ("zscore_20", lambda: (c - c.rolling(20).mean()) / c.rolling(20).std()),
        ("donchian_20", lambda: (h.rolling(20).max(), lo.rolling(20).min())),
        ("vwap_session", vwap),
        ("roc_10", lambda: c.pct_change(10)),
    ]
    for name, fn in cases:
        print(f"indicator {name} {best(runs, fn)} {n}")


if __name__ == "__main__":
    main()
