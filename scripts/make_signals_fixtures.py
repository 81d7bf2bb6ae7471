"""Writes Tests/LabScenarioTests/Fixtures/signals.h5: signal columns for the bring-your-own-signals tests.

Run with: venv=$(scripts/python-env) && "$venv/bin/python" scripts/make_signals_fixtures.py
The output is committed. Keys (pandas to_hdf, as pandas users write them):
- GOOG (fixed format): SmaCross(10, 20) as 0/1 rule columns computed in pandas (enter_long,
  enter_short), a target column of the same positions, and bad columns: text (strings),
  flag (bool), big (a target of 2), half (a target of 0.5), holes (a rule column with NaN).
- GOOG_GAP (table format): the same target with the row of 2008-10-06 left out.
- MSFT (table format): a target for another symbol.
"""
import os

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
bars = pd.read_csv(os.path.join(HERE, "..", "Tests", "LabDataTests", "Fixtures", "GOOG_daily.csv"), index_col=0, parse_dates=True)
close = bars["Close"]
fast, slow = close.rolling(10).mean(), close.rolling(20).mean()
# backtesting.py's crossover: strictly below the bar before, strictly above now.
up = (fast.shift(1) < slow.shift(1)) & (fast > slow)
down = (fast.shift(1) > slow.shift(1)) & (fast < slow)
target = pd.Series(np.where(up, 1.0, np.where(down, -1.0, np.nan)), index=close.index)

frame = pd.DataFrame(
    {
        "enter_long": up.astype("int8"),
        "enter_short": down.astype("int8"),
        "target": target,
        "text": np.where(up, "up", "-"),
        "flag": up,
        "big": target * 2,
        "half": target / 2,
        "holes": up.astype("float64").where(np.arange(len(up)) != 100),
    }
)
out = os.path.join(HERE, "..", "Tests", "LabScenarioTests", "Fixtures", "signals.h5")
os.makedirs(os.path.dirname(out), exist_ok=True)
if os.path.exists(out):
    os.remove(out)
frame.to_hdf(out, key="GOOG", format="fixed")
gap = frame[["target"]].drop(pd.Timestamp("2008-10-06"))
gap.to_hdf(out, key="GOOG_GAP", format="table")
frame[["target"]].to_hdf(out, key="MSFT", format="table")
print(out)
