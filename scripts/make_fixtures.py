"""Writes the pandas/h5py HDF5 fixtures under Tests/LabDataTests/Fixtures/.

Run with: venv=$(scripts/python-env) && "$venv/bin/python" scripts/make_fixtures.py
The outputs are committed, so the Swift test suite needs no Python. The data is the first
rows of GOOG_daily.csv (backtesting.py's sample data, copied beside the fixtures).
"""
import os
import sys

import h5py
import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Tests", "LabDataTests", "Fixtures")
ROWS = 300


def goog(rows=ROWS):
    df = pd.read_csv(os.path.join(OUT, "GOOG_daily.csv"), index_col=0, parse_dates=True).head(rows)
    df.index.name = None
    return df


def path(name):
    p = os.path.join(OUT, name)
    if os.path.exists(p):
        os.remove(p)
    return p


def main():
    df = goog()
    # format="fixed": float block (OHLC) + int64 block (Volume), naive DatetimeIndex (pandas 3: unit us).
    df.to_hdf(path("pandas_fixed.h5"), key="GOOG", format="fixed", mode="w")
    # fixed, tz-aware index in ns, nested key.
    tz = df.copy()
    tz.index = tz.index.as_unit("ns").tz_localize("America/New_York")
    tz.to_hdf(path("pandas_fixed_tz.h5"), key="equities/GOOG", format="fixed", mode="w")
    # format="table" with a data column and compression; two symbols in one file.
    p = path("pandas_table.h5")
    df.to_hdf(p, key="GOOG", format="table", mode="w", data_columns=["Close"], complevel=5, complib="zlib")
    (df * 2).astype({"Volume": "int64"}).to_hdf(p, key="GOOG2", format="table", mode="a")
    # table, tz-aware UTC index in seconds.
    utc = df.copy()
    utc.index = utc.index.as_unit("s").tz_localize("UTC")
    utc.to_hdf(path("pandas_table_utc.h5"), key="GOOG", format="table", mode="w")
    # Aliased column names, an object (string) column, Adj Close and vol; float32 prices.
    alias = pd.DataFrame(
        {
            "OPEN": df["Open"].astype("float32"),
            "high": df["High"],
            "Low": df["Low"],
            "Adj Close": df["Close"],
            "vol": df["Volume"],
            "note": ["n%d" % i for i in range(len(df))],
        },
        index=df.index,
    ).head(40)
    alias.to_hdf(path("pandas_aliases.h5"), key="GOOG", format="fixed", mode="w", complevel=9)
    alias.to_hdf(path("pandas_aliases_table.h5"), key="GOOG", format="table", mode="w")
    # Bad inputs.
    mi = df.head(10).copy()
    mi.index = pd.MultiIndex.from_arrays([["GOOG"] * 10, mi.index], names=["symbol", "date"])
    mi.to_hdf(path("pandas_multiindex.h5"), key="GOOG", format="fixed", mode="w")
    mi.to_hdf(path("pandas_multiindex_table.h5"), key="GOOG", format="table", mode="w")
    s = df.head(10).copy()
    s["Close"] = s["Close"].map(lambda v: "%.2f" % v)
    s.to_hdf(path("pandas_string_close.h5"), key="GOOG", format="fixed", mode="w", complevel=9)
    s.to_hdf(path("pandas_string_close_table.h5"), key="GOOG", format="table", mode="w")
    f = df.head(10).copy()
    f.index = np.arange(10, dtype="float64") + 0.5
    f.to_hdf(path("pandas_float_index.h5"), key="GOOG", format="fixed", mode="w")
    st = df.head(10).copy()
    st.index = ["d%d" % i for i in range(10)]
    st.to_hdf(path("pandas_string_index_table.h5"), key="GOOG", format="table", mode="w")
    df["Close"].head(10).to_hdf(path("pandas_series.h5"), key="GOOG", format="fixed", mode="w")
    # Plain layout written by h5py (chunked + gzip), timestamps in ns, to prove interoperability.
    with h5py.File(path("plain_h5py.h5"), "w") as h:
        g = h.create_group("GOOG")
        g.create_dataset("timestamp", data=df.index.as_unit("ns").asi8, chunks=(64,), compression="gzip")
        for col in ["Open", "High", "Low", "Close"]:
            g.create_dataset(col.lower(), data=df[col].to_numpy("float64"), chunks=(64,), compression="gzip")
        g.create_dataset("volume", data=df["Volume"].to_numpy("int64"), chunks=(64,), compression="gzip")
        g.attrs["timezone"] = "America/New_York"
        g.attrs["source"] = "h5py fixture"
    print("fixtures written to", os.path.normpath(OUT), file=sys.stderr)


if __name__ == "__main__":
    main()
