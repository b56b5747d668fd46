"""Reads a Zarr array with Python's zarr (the independent reader) and dumps it for a Java test.

Usage:  /usr/bin/python3 dump_array.py ARRAY.zarr RAW_OUT
Prints one JSON line {"shape": [...], "dtype": "<f4", "chunks": [...], "attrs": {...}} and writes the
values, C order, little-endian, to RAW_OUT.
"""
import json
import sys

import numpy as np
import zarr

a = zarr.open(sys.argv[1], mode="r")
values = np.ascontiguousarray(a[...])
values.astype(values.dtype.newbyteorder("<")).tofile(sys.argv[2])
print(json.dumps({"shape": list(a.shape), "dtype": a.dtype.str, "chunks": list(a.chunks), "attrs": dict(a.attrs)}))
