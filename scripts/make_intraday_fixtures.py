"""Writes pandas' and backtesting.py 0.6.6's reading of a minute-bar equity curve into
Tests/LabMetricsTests/Fixtures/intraday_minute_pandas.json, for the intraday parity test
(Tests/LabMetricsTests/IntradayResamplingTests.swift, issue 15).

The curve needs no data file: NYSE regular-session minute bars (09:30–16:00 New York = 14:30–21:00
UTC before daylight saving) on the exchange's trading days of 2024-01-02 … 2024-03-08 (MLK day and
Presidents' Day closed), stamped naive UTC at each bar's start, with
    equity[i] = 10 000 · exp(0.01 · sin(i / 97) + 0.004 · sin(i / 13.3) + 1e-6 · i),
    close[i]  = 100 · exp(0.02 · sin(i / 211) + 2e-6 · i).
The Swift test builds the same bars and curve itself.

Run in the tools venv: $(scripts/python-env)/bin/python scripts/make_intraday_fixtures.py
"""
import json, math, os

import numpy as np
import pandas as pd
import backtesting
from backtesting._stats import compute_stats

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "LabMetricsTests", "Fixtures", "intraday_minute_pandas.json")


def bars():
    days = [d for d in pd.bdate_range("2024-01-02", "2024-03-08") if d not in (pd.Timestamp("2024-01-15"), pd.Timestamp("2024-02-19"))]
    index = []
    for d in days:
        start = d + pd.Timedelta(hours=14, minutes=30)
        index.extend(start + pd.Timedelta(minutes=m) for m in range(390))
    return pd.DatetimeIndex(index)


def main():
    index = bars()
    i = np.arange(len(index), dtype=float)
    equity = 10_000 * np.exp(0.01 * np.sin(i / 97) + 0.004 * np.sin(i / 13.3) + 1e-6 * i)
    close = 100 * np.exp(0.02 * np.sin(i / 211) + 2e-6 * i)
    eq = pd.Series(equity, index=index)
    daily = eq.resample("D").last().dropna().pct_change().dropna()
    monthly_last = eq.resample("ME").last()
    monthly = (monthly_last / monthly_last.shift(1).fillna(eq.iloc[0]) - 1)
    ohlc = pd.DataFrame({"Open": close, "High": close, "Low": close, "Close": close, "Volume": 1.0}, index=index)
    stats = compute_stats(trades=[], equity=equity, ohlc_data=ohlc, strategy_instance=None, risk_free_rate=0.0)

    def num(v):
        if isinstance(v, pd.Timedelta):
            return v.total_seconds() / 86400
        f = float(v)
        return None if math.isnan(f) else f

    keys = ["Return [%]", "Return (Ann.) [%]", "Volatility (Ann.) [%]", "CAGR [%]", "Sharpe Ratio", "Sortino Ratio", "Calmar Ratio",
            "Max. Drawdown [%]", "Avg. Drawdown [%]", "Max. Drawdown Duration", "Avg. Drawdown Duration", "Buy & Hold Return [%]"]
    doc = {
        "library": f"backtesting.py {backtesting.__version__}, pandas {pd.__version__}",
        "bars": len(index),
        "first": index[0].isoformat(),
        "last": index[-1].isoformat(),
        "daily_returns": [{"date": d.strftime("%Y-%m-%d"), "value": float(v)} for d, v in daily.items()],
        "monthly_returns": [{"month": d.strftime("%Y-%m"), "value": float(v)} for d, v in monthly.items()],
        "stats": {k: num(stats[k]) for k in keys},
    }
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
