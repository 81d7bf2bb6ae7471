"""Writes datasets/GOOG_signals.h5: signals computed in pandas, for scenarios/byo-signals.yaml.

Run with: venv=$(scripts/python-env) && "$venv/bin/python" scripts/make_signals_example.py
The output is committed, so nothing needs Python to run the scenario. This is the snippet a
pandas user writes to bring their own signals (docs/strategies.md, "Bring your own signals"):
one DataFrame per symbol, indexed by the bar dates, written with to_hdf under the symbol's key.
"""
import os

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
bars = pd.read_csv(os.path.join(HERE, "..", "Tests", "LabDataTests", "Fixtures", "GOOG_daily.csv"), index_col=0, parse_dates=True)
close = bars["Close"]

# 60-day time-series momentum, re-decided every 5 bars: long when positive, short when negative,
# NaN (keep the position) in between and during the warm-up.
momentum = close.pct_change(60)
target = np.sign(momentum)
target[np.arange(len(target)) % 5 != 0] = np.nan
# Confidence: the size of the move in units of its own 1-year dispersion, capped at 1 (0 when unknown).
confidence = (momentum.abs() / momentum.rolling(252).std()).clip(0, 1).fillna(0)
# A column the scenario does not use: the report names it as ignored.
signals = pd.DataFrame({"target": target, "confidence": confidence, "momentum_60": momentum})

out = os.path.join(HERE, "..", "datasets", "GOOG_signals.h5")
if os.path.exists(out):
    os.remove(out)
signals.to_hdf(out, key="GOOG", format="table")
print(out, len(signals), "rows")
