"""Writes the universe fixtures under Tests/LabDataTests/Fixtures/: the same four-symbol universe
as pandas users store it, so the Swift tests can check that every layout reads to the same bars.

Run with: venv=$(scripts/python-env) && "$venv/bin/python" scripts/make_universe_fixtures.py
The outputs are committed; the Swift test suite needs no Python. Data: the first 120 rows of
GOOG_daily.csv scaled per symbol, with listings and delistings (different first and last dates)
and a missing bar.

- universe_long.h5: one long table (index = date, a `symbol` data column), rows ordered by date
  then symbol, as df.set_index("date").to_hdf(key="bars", format="table", data_columns=["symbol"]).
- universe_long_nodc.h5: the same without data_columns (the symbol inside a values block), rows
  shuffled.
- universe_keys.h5: a key per symbol, to_hdf(key=SYMBOL, format="table").
- universe_long_duplicate.h5: universe_long.h5 with one row repeated (a bad input).
"""
import os

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Tests", "LabDataTests", "Fixtures")


def path(name):
    p = os.path.join(OUT, name)
    if os.path.exists(p):
        os.remove(p)
    return p


goog = pd.read_csv(os.path.join(OUT, "GOOG_daily.csv"), index_col=0, parse_dates=True).head(120)
goog.columns = [c.lower() for c in goog.columns]
spans = {"AAA": (0, 120, 1.0), "BB": (10, 120, 0.5), "CCCC": (0, 90, 2.0), "D": (30, 100, 0.1)}
frames = {}
for symbol, (first, last, scale) in spans.items():
    f = goog.iloc[first:last].copy()
    f[["open", "high", "low", "close"]] *= scale
    f["volume"] = f["volume"].astype("float64")
    if symbol == "BB":
        f = f.drop(f.index[20])  # a missing bar
    frames[symbol] = f

long = pd.concat([f.assign(symbol=s) for s, f in frames.items()]).rename_axis("date").reset_index()
long = long.sort_values(["date", "symbol"], kind="stable")[["date", "symbol", "open", "high", "low", "close", "volume"]]
long.set_index("date").to_hdf(path("universe_long.h5"), key="bars", format="table", data_columns=["symbol"])
shuffled = long.sample(frac=1.0, random_state=3)
shuffled.set_index("date").to_hdf(path("universe_long_nodc.h5"), key="bars", format="table")
keys = path("universe_keys.h5")
for s, f in frames.items():
    f.to_hdf(keys, key=s, format="table")
# A bad input: one symbol with two rows at one date.
dup = pd.concat([long, long.iloc[[5]]])
dup.set_index("date").to_hdf(path("universe_long_duplicate.h5"), key="bars", format="table", data_columns=["symbol"])
print("wrote universe_long.h5, universe_long_nodc.h5, universe_keys.h5, universe_long_duplicate.h5")
