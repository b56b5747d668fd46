"""Reads Zarr v2 arrays with Python's zarr (Debian python3-zarr 2.13) and dumps what it reads.

Usage: /usr/bin/python3 zarr_read.py LIST OUT

LIST is a JSON file: [{"path": "/abs/path/to/array", "name": "some-name"}, ...]. For each array, writes
OUT/<name>.bin: the whole array in C order, little-endian (bool as 0/1 bytes), and prints one JSON object
per array on stdout: name, dtype, shape, chunks, order, fill_value, compressor id, attributes.
"""
import json
import math
import os
import sys

import zarr


def le_bytes(a):
    if a.dtype.kind == "b":
        return a.astype("u1").tobytes()
    return a.astype(a.dtype.newbyteorder("<")).tobytes(order="C")


def fill_repr(v):
    if v is None:
        return None
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return repr(v)
    return v.item() if hasattr(v, "item") else v


def main():
    with open(sys.argv[1]) as f:
        entries = json.load(f)
    out = sys.argv[2]
    os.makedirs(out, exist_ok=True)
    for e in entries:
        z = zarr.open_array(e["path"], mode="r")
        with open(os.path.join(out, e["name"] + ".bin"), "wb") as f:
            f.write(le_bytes(z[...]))
        print(json.dumps({"name": e["name"], "dtype": z.dtype.str, "shape": list(z.shape), "chunks": list(z.chunks),
                          "order": z.order, "fill_value": fill_repr(z.fill_value),
                          "compressor": None if z.compressor is None else z.compressor.codec_id,
                          "attributes": z.attrs.asdict()}))


if __name__ == "__main__":
    main()
