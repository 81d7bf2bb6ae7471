"""The universe benchmark's peer: 12-1 momentum, top k of a universe, monthly, with costs, in
vectorbt 1.2.0 (`Portfolio.from_orders`, target percent, cash sharing, sells first), on the same
HDF5 file `gslab run benchmarks/scenarios/universe-*.yaml` reads:

  python universe_peers.py FILE [K]   -> "vectorbt SECONDS FINAL_EQUITY ORDERS"

The strategy is the lab's (docs/portfolios.md): per symbol, over its own bars, the mean simple
return of the last 252 bars minus that of the last 21; at the last bar of each calendar month, the
k symbols with a bar and the largest score, 0.98 / k of equity each; orders at the next bar's open
(symbols without a bar there do not trade); a symbol's position is closed at the close of its last
bar when that bar is before the calendar's end; 5 bp commission and 5 bp slippage; fractional
units. SECONDS covers reading the file, the signal and the portfolio, like the whole process.
"""
import sys
import time

import h5py
import numpy as np
import pandas as pd
import vectorbt as vbt

start = time.perf_counter()
path = sys.argv[1]
k = int(sys.argv[2]) if len(sys.argv) > 2 else 50

with h5py.File(path, "r") as f:
    names = sorted(f.keys())
    stamps = [f[n]["timestamp"][:] for n in names]
    opens = [f[n]["open"][:] for n in names]
    closes = [f[n]["close"][:] for n in names]

calendar = np.unique(np.concatenate(stamps))
rows, n = len(calendar), len(names)
open_ = np.full((rows, n), np.nan)
close = np.full((rows, n), np.nan)
score = np.full((rows, n), np.nan)
last_row = np.zeros(n, dtype=np.int64)
for j, (t, o, c) in enumerate(zip(stamps, opens, closes)):
    at = np.searchsorted(calendar, t)
    open_[at, j] = o
    close[at, j] = c
    r = pd.Series(c).pct_change()  # over the symbol's own bars
    score[at, j] = (r.rolling(252).mean() - r.rolling(21).mean()).to_numpy()
    last_row[j] = at[-1]

# Decisions: the last row of each calendar month.
months = pd.DatetimeIndex(calendar).to_period("M").asi8
decisions = np.nonzero(np.r_[months[1:] != months[:-1], True])[0]

size = np.full((rows, n), np.nan)
price = np.where(np.isnan(open_), np.nan, open_)
started = False
for t in decisions:
    if t + 1 >= rows:
        continue
    s = score[t]
    valid = np.nonzero(~np.isnan(s))[0]
    if len(valid) == 0 and not started:
        continue
    started = True
    # The k largest, ties to the earlier symbol (a stable sort on the negated score).
    top = valid[np.argsort(-s[valid], kind="stable")[:k]]
    w = np.zeros(n)
    w[top] = 0.98 / max(len(top), 1)
    tradable = ~np.isnan(open_[t + 1])
    size[t + 1, tradable] = w[tradable]
# Delisting: close at the last bar's close when it is before the calendar's end.
for j in range(n):
    r = last_row[j]
    if r < rows - 1:
        size[r, j] = 0.0
        price[r, j] = close[r, j]

valuation = pd.DataFrame(close).ffill().to_numpy()
pf = vbt.Portfolio.from_orders(
    close=valuation,
    size=size,
    size_type="targetpercent",
    price=np.where(np.isnan(price), valuation, price),
    fees=0.0005,
    slippage=0.0005,
    init_cash=10_000_000.0,
    cash_sharing=True,
    group_by=True,
    call_seq="auto",
    freq="1D",
)
final = float(pf.value().iloc[-1])
orders = int(pf.orders.count())
print("vectorbt", time.perf_counter() - start, final, orders)
