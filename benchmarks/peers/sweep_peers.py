"""Peers for the sweep benchmark (benchmarks/run):

  python sweep_peers.py vectorbt FILE SYMBOL   -> "vectorbt SECONDS BARS COMBOS PEAK_MB" + final equities
  python sweep_peers.py backtesting FILE SYMBOL BARS -> "backtesting_py SECONDS BARS FINAL_EQUITY TRADES"
  python sweep_peers.py vectorbt-process FILE SYMBOL -> the sweep once (numba compiling or loading its cache), as a
                                                       user's script runs it; time it as a whole process
  python sweep_peers.py backtesting-process FILE SYMBOL -> SmaCross on every bar of FILE once, as a user's script

vectorbt: 100 SMA-crossover combinations (fast 5..50 step 5 × slow 60..240 step 20, every pair fast < slow;
benchmarks/scenarios/sweep-1m.yaml runs the same grid through gslab run), long on a cross
up, flat on a cross down, decided at the close and filled at the next open (signals shifted one bar,
price = open), fees 10 bp, all cash, fractional size. Timed on a second run (numba compiled by the
first), with vectorbt's caching off. backtesting.py: SmaCross(10, 20) long/short, commission 0.2 %.
"""
import resource
import sys
import time
import warnings

import h5py
import numpy as np
import pandas as pd


def load(path, symbol, bars=None):
    with h5py.File(path, "r") as f:
        g = f[symbol]
        cols = {k: g[k][:bars] if bars else g[k][:] for k in ["timestamp", "open", "high", "low", "close", "volume"]}
    index = pd.to_datetime(cols.pop("timestamp"), unit="ns")
    return pd.DataFrame({k.capitalize(): v for k, v in cols.items()}, index=index)


def vectorbt_sweep(path, symbol, once=False):
    import vectorbt as vbt
    vbt.settings.caching["enabled"] = False
    df = load(path, symbol)
    close, open_ = df["Close"], df["Open"]
    fasts = np.repeat(np.arange(5, 55, 5), 10)
    slows = np.tile(np.arange(60, 260, 20), 10)

    def run():
        fast = vbt.MA.run(close, window=fasts).ma.values
        slow = vbt.MA.run(close, window=slows).ma.values
        up = (fast[1:] > slow[1:]) & (fast[:-1] < slow[:-1])
        down = (fast[1:] < slow[1:]) & (fast[:-1] > slow[:-1])
        entries = np.zeros_like(fast, dtype=bool)
        exits = np.zeros_like(fast, dtype=bool)
        entries[2:] = up[:-1]  # decided at bar t's close, filled at bar t+1's open
        exits[2:] = down[:-1]
        pf = vbt.Portfolio.from_signals(
            np.broadcast_to(close.values[:, None], entries.shape), entries, exits,
            price=np.broadcast_to(open_.values[:, None], entries.shape),
            fees=0.001, init_cash=10_000.0, freq="1D")
        return pf.final_value()

    if once:
        final = np.asarray(run())
        print("vectorbt-process", len(close), len(fasts), repr(float(final.max())))
        return
    run()  # compile
    start = time.perf_counter()
    final = np.asarray(run())
    elapsed = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("vectorbt", elapsed, len(close), len(fasts), peak_mb)
    print("final", " ".join(repr(float(v)) for v in final))


def backtesting_py(path, symbol, bars, once=False):
    from backtesting import Backtest, Strategy
    from backtesting.lib import crossover

    df = load(path, symbol, bars)

    def sma(values, n):
        return pd.Series(values).rolling(n).mean()

    class SmaCross(Strategy):
        def init(self):
            self.fast = self.I(sma, self.data.Close, 10)
            self.slow = self.I(sma, self.data.Close, 20)

        def next(self):
            if crossover(self.fast, self.slow):
                self.position.close()
                self.buy()
            elif crossover(self.slow, self.fast):
                self.position.close()
                self.sell()

    warnings.simplefilter("ignore")
    bt = Backtest(df, SmaCross, cash=10_000, commission=0.002, exclusive_orders=True)
    if once:
        stats = bt.run()
        print("backtesting-process", len(df), repr(float(stats["Equity Final [$]"])), int(stats["# Trades"]))
        return
    elapsed = float("inf")
    for _ in range(3):  # best of 3, as gslab-bench takes the best of its runs
        start = time.perf_counter()
        stats = bt.run()
        elapsed = min(elapsed, time.perf_counter() - start)
    print("backtesting_py", elapsed, len(df), repr(float(stats["Equity Final [$]"])), int(stats["# Trades"]))


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "vectorbt":
        vectorbt_sweep(sys.argv[2], sys.argv[3])
    elif mode == "vectorbt-process":
        vectorbt_sweep(sys.argv[2], sys.argv[3], once=True)
    elif mode == "backtesting-process":
        warnings.simplefilter("ignore")
        backtesting_py(sys.argv[2], sys.argv[3], None, once=True)
    else:
        backtesting_py(sys.argv[2], sys.argv[3], int(sys.argv[4]))
