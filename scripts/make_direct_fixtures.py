"""Writes the HDF5 fixtures of HDF5DirectReaderTests under Tests/LabDataTests/Fixtures/: the
plain layout as h5py writes it, in the shapes the direct reader reads and those it leaves to the
HDF5 library, so that the test can check both paths give the same bars.

Run with: venv=$(scripts/python-env) && "$venv/bin/python" scripts/make_direct_fixtures.py
The outputs are committed, so the Swift test suite needs no Python.

- direct_h5py.h5 (h5py defaults: superblock 0, version 1 object headers), groups:
  FIXED (contiguous float64 prices, int64 volume, timestamps in seconds with a fixed-length `unit`
  attribute, fixed-length string attributes), nested/GOOG (the same under a nested group),
  EXTRAS (a sub-group and a soft link beside the columns), VLEN (variable-length string
  attributes: left to the library), FLOAT32 (float32 prices: left to the library).
- direct_h5py_latest.h5: FIXED written with libver="latest" (version 2 object headers: left to the library).
"""
import os
import sys

import h5py
import numpy as np

from make_fixtures import OUT, goog, path

ROWS = 200


def symbol(g, df, fixed_attrs=True, price_dtype="float64"):
    stamps = g.create_dataset("timestamp", data=df.index.as_unit("s").asi8)
    stamps.attrs["unit"] = np.bytes_("s")
    for col in ["Open", "High", "Low", "Close"]:
        g.create_dataset(col.lower(), data=df[col].to_numpy(price_dtype))
    g.create_dataset("volume", data=df["Volume"].to_numpy("int64"))
    attrs = {"timezone": "America/New_York", "source": "h5py direct fixture", "sector": "Communication"}
    for k, v in attrs.items():
        g.attrs[k] = np.bytes_(v) if fixed_attrs else v


def main():
    df = goog(ROWS)
    with h5py.File(path("direct_h5py.h5"), "w") as h:
        symbol(h.create_group("FIXED"), df)
        symbol(h.create_group("nested").create_group("GOOG"), df)
        extras = h.create_group("EXTRAS")
        symbol(extras, df)
        extras.create_group("notes")
        extras["close_link"] = h5py.SoftLink("/EXTRAS/close")
        symbol(h.create_group("VLEN"), df, fixed_attrs=False)
        symbol(h.create_group("FLOAT32"), df, price_dtype="float32")
    with h5py.File(path("direct_h5py_latest.h5"), "w", libver="latest") as h:
        symbol(h.create_group("FIXED"), df)
    print("direct fixtures written to", os.path.normpath(OUT), file=sys.stderr)


if __name__ == "__main__":
    main()
