"""Writes QuantStats' tear-sheet figures for backtesting.py's SmaCross(10, 20) equity curve on GOOG
(Tests/LabMetricsTests/Fixtures/backtesting_py_goog_smacross_equity.csv) into
Tests/LabMetricsTests/Fixtures/quantstats_goog_smacross.json, for TearSheetParityTests.

Run with: venv=$(scripts/python-env) && "$venv/bin/python" scripts/make_quantstats_fixtures.py
(quantstats 0.0.86 in the tools venv). Daily returns are the equity's pct_change() with the first
day dropped, as QuantStats takes them.
"""
import json
import os

import pandas as pd
import quantstats as qs

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(HERE, "..", "Tests", "LabMetricsTests", "Fixtures")


def main():
    eq = pd.read_csv(os.path.join(FIX, "backtesting_py_goog_smacross_equity.csv"), index_col=0, parse_dates=True)["Equity"]
    r = eq.pct_change().dropna()
    monthly = qs.stats.monthly_returns(r, eoy=True, compounded=True)
    months = []
    for year, row in monthly.iterrows():
        for m, name in enumerate(["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], start=1):
            # QuantStats fills a month without returns with 0; only months with bars are compared.
            if ((r.index.year == int(year)) & (r.index.month == m)).any():
                months.append({"year": int(year), "month": m, "value": float(row[name])})
    years = [{"year": int(y), "value": float(v)} for y, v in monthly["EOY"].items()]
    dd = qs.stats.drawdown_details(qs.stats.to_drawdown_series(r))
    dd = dd.sort_values("max drawdown").head(5)
    drawdowns = [
        {"start": str(x["start"])[:10], "valley": str(x["valley"])[:10], "end": str(x["end"])[:10], "days": int(x["days"]),
         "max_drawdown_pct": float(x["max drawdown"])}
        for _, x in dd.iterrows()
    ]
    rs = qs.stats.rolling_sharpe(r, rolling_period=126, annualize=True, periods_per_year=252).dropna()
    rv = qs.stats.rolling_volatility(r, rolling_period=126, periods_per_year=252).dropna()
    out = {
        "quantstats": qs.__version__,
        "monthly": months,
        "yearly": years,
        "drawdowns": drawdowns,
        "rolling_sharpe": {"first": str(rs.index[0])[:10], "values": [float(v) for v in rs.values]},
        "rolling_volatility": {"first": str(rv.index[0])[:10], "values": [float(v) for v in rv.values]},
        "stats": {
            "cagr": float(qs.stats.cagr(r)),
            "volatility": float(qs.stats.volatility(r, periods=252)),
            "sharpe": float(qs.stats.sharpe(r, periods=252)),
            "sortino": float(qs.stats.sortino(r, periods=252)),
            "max_drawdown": float(qs.stats.max_drawdown(r)),
            "calmar": float(qs.stats.calmar(r)),
            "best_month": float(qs.stats.best(r, aggregate="ME")),
            "worst_month": float(qs.stats.worst(r, aggregate="ME")),
            "win_rate": float(qs.stats.win_rate(r)),
            "value_at_risk": float(qs.stats.value_at_risk(r)),
        },
    }
    with open(os.path.join(FIX, "quantstats_goog_smacross.json"), "w") as f:
        json.dump(out, f, indent=1)
    print(len(months), "months,", len(years), "years; stats", out["stats"])
    print(drawdowns)


if __name__ == "__main__":
    main()
