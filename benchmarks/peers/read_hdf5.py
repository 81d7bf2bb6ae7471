"""Peer timings for benchmarks/run: h5py reading the plain layout, pandas.read_hdf of a table file.

Usage: python read_hdf5.py plain FILE SYMBOL RUNS   -> "h5py SECONDS ROWS"
       python read_hdf5.py table FILE KEY RUNS      -> "pandas_read_hdf SECONDS ROWS"
       python read_hdf5.py write-table PLAIN SYMBOL OUT   (writes the pandas table file from the plain one)
Best wall-clock time of RUNS runs (time.perf_counter), like the Swift harness.
"""
import sys
import time

import h5py
import pandas as pd


def best(runs, fn):
    t = float("inf")
    out = None
    for _ in range(runs):
        start = time.perf_counter()
        out = fn()
        t = min(t, time.perf_counter() - start)
    return t, out


def read_plain(path, symbol):
    with h5py.File(path, "r") as f:
        g = f[symbol]
        return {k: g[k][:] for k in ["timestamp", "open", "high", "low", "close", "volume"]}


def main():
    mode = sys.argv[1]
    if mode == "write-table":
        cols = read_plain(sys.argv[2], sys.argv[3])
        index = pd.DatetimeIndex(pd.to_datetime(cols.pop("timestamp"), unit="ns", utc=True))
        df = pd.DataFrame({k.capitalize(): v for k, v in cols.items()}, index=index)
        df.to_hdf(sys.argv[4], key=sys.argv[3], format="table", mode="w")
        return
    path, key, runs = sys.argv[2], sys.argv[3], int(sys.argv[4])
    if mode == "plain":
        t, out = best(runs, lambda: read_plain(path, key))
        print("h5py", t, len(out["close"]))
    elif mode == "table":
        t, out = best(runs, lambda: pd.read_hdf(path, key))
        print("pandas_read_hdf", t, len(out))


if __name__ == "__main__":
    main()
