"""Writes backtesting.py 0.6.6 reference runs on GOOG daily (its own sample data) for the parity
breadth tests (Tests/LabScenarioTests/BacktestingPyBreadthTests.swift, issue 15) into
Tests/LabScenarioTests/Fixtures/parity/<name>.json: every statistic and every trade.

Configurations (cash 10 000, exclusive orders, SmaCross on simple moving averages of the close):
  sl_tp            SmaCross(10, 20), commission 0.002, every entry with sl/tp 2 % / 4 % from the close
  trade_on_close   SmaCross(10, 20), commission 0.002, trade_on_close=True
  spread           SmaCross(10, 20), commission 0.001, spread 0.0005
  margin           SmaCross(10, 20), commission 0.002, margin 0.5
  half_long        long only: buy(size=0.5) on the fast crossing above, position.close() below; commission 0.002
  finalize         SmaCross(10, 20), commission 0.002, finalize_trades=True
  nocomm_10_30     SmaCross(10, 30), no commission, finalize_trades=True

Run in the tools venv: $(scripts/python-env)/bin/python scripts/make_parity_fixtures.py
"""
import json, math, os, sys, warnings

import numpy as np
import pandas as pd
import backtesting
from backtesting import Backtest, Strategy
from backtesting.lib import crossover

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "LabScenarioTests", "Fixtures", "parity")
CSV = os.path.join(ROOT, "Tests", "LabDataTests", "Fixtures", "GOOG_daily.csv")


def SMA(arr, n):
    return pd.Series(arr).rolling(n).mean()


def sma_cross(fast, slow, sl=None, tp=None, half_long=False):
    class SmaCross(Strategy):
        def init(self):
            self.a = self.I(SMA, self.data.Close, fast)
            self.b = self.I(SMA, self.data.Close, slow)

        def next(self):
            c = self.data.Close[-1]
            if crossover(self.a, self.b):
                if half_long:
                    self.buy(size=0.5)
                else:
                    self.position.close()
                    self.buy(sl=c * (1 - sl) if sl else None, tp=c * (1 + tp) if tp else None)
            elif crossover(self.b, self.a):
                if half_long:
                    self.position.close()
                else:
                    self.position.close()
                    self.sell(sl=c * (1 + sl) if sl else None, tp=c * (1 - tp) if tp else None)
    return SmaCross


CONFIGS = {
    "sl_tp": dict(strategy=dict(fast=10, slow=20, sl=0.02, tp=0.04), commission=0.002),
    "trade_on_close": dict(strategy=dict(fast=10, slow=20), commission=0.002, trade_on_close=True),
    "spread": dict(strategy=dict(fast=10, slow=20), commission=0.001, spread=0.0005),
    "margin": dict(strategy=dict(fast=10, slow=20), commission=0.002, margin=0.5),
    "half_long": dict(strategy=dict(fast=10, slow=20, half_long=True), commission=0.002, exclusive_orders=False),
    "finalize": dict(strategy=dict(fast=10, slow=20), commission=0.002, finalize_trades=True),
    "nocomm_10_30": dict(strategy=dict(fast=10, slow=30), commission=0.0, finalize_trades=True),
}


def conv(v):
    if isinstance(v, pd.Timestamp):
        return v.isoformat()
    if isinstance(v, pd.Timedelta):
        return v.total_seconds() / 86400
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating, float)):
        f = float(v)
        return None if math.isnan(f) else ("inf" if math.isinf(f) else f)
    return v


def main():
    df = pd.read_csv(CSV, index_col=0, parse_dates=True)
    os.makedirs(OUT, exist_ok=True)
    for name, cfg in CONFIGS.items():
        cfg = dict(cfg)
        strategy = sma_cross(**cfg.pop("strategy"))
        kwargs = dict(cash=10_000, exclusive_orders=cfg.pop("exclusive_orders", True))
        kwargs.update(cfg)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            stats = Backtest(df, strategy, **kwargs).run()
        trades = stats["_trades"]
        doc = {
            "library": f"backtesting.py {backtesting.__version__}",
            "settings": {k: v for k, v in kwargs.items()},
            "stats": {k: conv(v) for k, v in stats.items() if not k.startswith("_") and k not in ("Start", "End")},
            "trades": [
                {"EntryBar": int(r.EntryBar), "ExitBar": int(r.ExitBar), "Size": int(r.Size), "EntryPrice": float(r.EntryPrice),
                 "ExitPrice": float(r.ExitPrice), "PnL": float(r.PnL), "ReturnPct": float(r.ReturnPct),
                 "Commission": float(r.Commission) if "Commission" in trades.columns else None,
                 "SL": conv(r.SL), "TP": conv(r.TP)}
                for r in trades.itertuples()
            ],
            "final_equity": float(stats["_equity_curve"]["Equity"].iloc[-1]),
        }
        with open(os.path.join(OUT, name + ".json"), "w") as f:
            json.dump(doc, f, indent=1, sort_keys=True)
            f.write("\n")
        print(name, len(doc["trades"]), "trades, final", doc["final_equity"], file=sys.stderr)


if __name__ == "__main__":
    main()
