"""HDF5 files written by h5py (libhdf5 itself) for Hdf5InputTest: what BigDataViewer, Imaris, ilastik and scripts write.

Usage:  /usr/bin/python3 hdf5_fixtures.py OUT_DIR
OUT_DIR/plain.h5: datasets of shape (9, 25, 37) in chunks of (4, 10, 16) (edge chunks partial), each with what h5py
reads of it in OUT_DIR/<name>.bin (little-endian, C order):
  gzip-u2      uint16, gzip + shuffle, fill value 7, the chunk at (1, 1, 1) never written
  contig-f4    float32, contiguous (no chunks)
  be-i2        int16 big-endian, chunked, no filter
  lzf-f8       float64, LZF
  fletcher-u1  uint8, Fletcher-32 checksums and gzip
  gzip-u8      uint64, gzip
  i4           int32, chunked, no filter
  group/f2     float16, contiguous
OUT_DIR/bdv.h5: BigDataViewer's layout: s00/resolutions, s00/subdivisions, t00000/s00/{0,1}/cells and
  t00000/s01/{0,1}/cells (int16 as BigDataViewer stores uint16), cells value (setup*1000 + z*100 + y*10 + x) & 0xffff
  plus 40000 at level 0 (above int16's range as uint16); level 1 holds (setup*1000 + z*100 + y*10 + x) of (3, 10, 14).
OUT_DIR/imaris.ims: DataSet/ResolutionLevel {0,1}/TimePoint 0/Channel {0,1}/Data (uint8) and Thumbnail/Data.
OUT_DIR/labels.h5: exported_data, uint8 labels of plain.h5's shape (as ilastik exports them), classes 1 and 2.
OUT_DIR/refused.h5: scaleoffset (an unsupported filter), a compound dataset, strings, a 1D dataset.
"""
import os
import sys

import h5py
import numpy as np

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(3)
shape, chunks = (9, 25, 37), (4, 10, 16)


def save(name, values):
    np.ascontiguousarray(values).astype(values.dtype.newbyteorder("<")).tofile(os.path.join(out, name.replace("/", "-") + ".bin"))


with h5py.File(os.path.join(out, "plain.h5"), "w") as f:
    a = rng.integers(0, 65535, shape, dtype=np.uint16)
    d = f.create_dataset("gzip-u2", shape, np.uint16, chunks=chunks, compression="gzip", shuffle=True, fillvalue=7)
    for z in range(0, 9, 4):
        for y in range(0, 25, 10):
            for x in range(0, 37, 16):
                if (z, y, x) != (4, 10, 16):
                    d[z:z + 4, y:y + 10, x:x + 16] = a[z:z + 4, y:y + 10, x:x + 16]
    a[4:8, 10:20, 16:32] = 7
    save("gzip-u2", d[...])
    assert (d[...] == a).all()
    for name, values, kw in (
            ("contig-f4", rng.normal(100, 30, shape).astype(np.float32), {}),
            ("be-i2", rng.integers(-30000, 30000, shape).astype(">i2"), dict(chunks=chunks)),
            ("lzf-f8", rng.normal(0, 1e6, shape), dict(chunks=chunks, compression="lzf")),
            ("fletcher-u1", rng.integers(0, 255, shape, dtype=np.uint8), dict(chunks=chunks, fletcher32=True, compression="gzip")),
            ("gzip-u8", rng.integers(0, 2 ** 63, shape, dtype=np.uint64) * 2 + 1, dict(chunks=chunks, compression="gzip")),
            ("i4", rng.integers(-2 ** 31, 2 ** 31 - 1, shape, dtype=np.int64).astype(np.int32), dict(chunks=chunks)),
            ("group/f2", rng.normal(0, 100, shape).astype(np.float16), {})):
        f.create_dataset(name, data=values, **kw)
        save(name, f[name][...])

with h5py.File(os.path.join(out, "bdv.h5"), "w") as f:
    for s in range(2):
        f.create_dataset("s%02d/resolutions" % s, data=np.array([[1, 1, 1], [2, 2, 1]], float))
        f.create_dataset("s%02d/subdivisions" % s, data=np.array([[16, 8, 2], [16, 8, 2]], np.int32))
        for level, (z, h, w) in enumerate(((3, 20, 28), (3, 10, 14))):
            zz, yy, xx = np.mgrid[0:z, 0:h, 0:w]
            v = s * 1000 + zz * 100 + yy * 10 + xx + (40000 if level == 0 else 0)
            f.create_dataset("t00000/s%02d/%d/cells" % (s, level), data=v.astype(np.uint16).view(np.int16),
                             chunks=(2, 8, min(16, w)), compression="gzip")

with h5py.File(os.path.join(out, "imaris.ims"), "w") as f:
    for level, (h, w) in enumerate(((24, 32), (12, 16))):
        for c in range(2):
            yy, xx = np.mgrid[0:h, 0:w]
            f.create_dataset("DataSet/ResolutionLevel %d/TimePoint 0/Channel %d/Data" % (level, c),
                             data=np.stack([(yy + xx + 50 * c + 7 * z) % 256 for z in range(2)]).astype(np.uint8),
                             chunks=(1, 8, 16), compression="gzip")
    f.create_dataset("Thumbnail/Data", data=np.zeros((16, 48), np.uint8))

with h5py.File(os.path.join(out, "refused.h5"), "w") as f:
    f.create_dataset("scaleoffset", data=np.arange(600, dtype=np.int32).reshape(20, 30), chunks=(10, 10), scaleoffset=0)
    f.create_dataset("compound", data=np.zeros((4, 4), dtype=[("a", "<i4"), ("b", "<f4")]))
    f.create_dataset("strings", data=np.array([["a", "b"], ["c", "d"]], dtype=h5py.string_dtype()))
    f.create_dataset("line", data=np.arange(10, dtype=np.uint16))

with h5py.File(os.path.join(out, "labels.h5"), "w") as f:
    labels = np.zeros(shape, np.uint8)
    labels[0, 2:5, 3:30] = 1
    labels[0, 15:18, 3:30] = 2
    labels[5, 8:10, 5:20] = 2
    f.create_dataset("exported_data", data=labels, chunks=(1, 25, 37), compression="gzip")
    save("labels", labels)
