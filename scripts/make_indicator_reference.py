"""Expected indicator values from pandas on the GOOG daily data, for LabSignalsTests.

Run once (the output is committed): `"$(scripts/python-env)/bin/python" scripts/make_indicator_reference.py`
Writes Tests/LabSignalsTests/Fixtures/goog_pandas_indicators.csv with, per bar, the close and:
  sma_10, sma_20  close.rolling(n).mean()
  ema_12, ema_26  close.ewm(span=n, adjust=False, min_periods=n).mean()
  std_20          close.rolling(20).std()            (sample, ddof=1)
  roc_10          close.pct_change(10)
Values are written with repr() (shortest round-trip), NaN as empty.
"""
import pathlib
import pandas as pd

root = pathlib.Path(__file__).resolve().parent.parent
src = root / "Tests" / "LabSignalsTests" / "Fixtures" / "GOOG_daily.csv"
out = root / "Tests" / "LabSignalsTests" / "Fixtures" / "goog_pandas_indicators.csv"
df = pd.read_csv(src, index_col=0, parse_dates=True)
c = df["Close"]
cols = {
    "close": c,
    "sma_10": c.rolling(10).mean(),
    "sma_20": c.rolling(20).mean(),
    "ema_12": c.ewm(span=12, adjust=False, min_periods=12).mean(),
    "ema_26": c.ewm(span=26, adjust=False, min_periods=26).mean(),
    "std_20": c.rolling(20).std(),
    "roc_10": c.pct_change(10, fill_method=None),
}
names = list(cols)
with open(out, "w") as f:
    f.write(",".join(names) + "\n")
    for i in range(len(c)):
        row = []
        for n in names:
            v = float(cols[n].iloc[i])
            row.append("" if v != v else repr(v))
        f.write(",".join(row) + "\n")
print(f"wrote {out} ({len(c)} rows), pandas {pd.__version__}")
