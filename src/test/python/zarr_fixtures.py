"""Writes Zarr v2 fixtures with Python's zarr (Debian python3-zarr 2.13) for the Java tests to read.

Usage: /usr/bin/python3 zarr_fixtures.py OUT

Writes into OUT:
  arrays/<name>/       one array per combination of dtype (12 types, both byte orders) x order (C, F)
                       x dimension separator (".", "/") x compressor (none, blosc with 5 compressors x 3
                       shuffles, zstd, gzip, zlib); shape (25, 37), chunks (10, 16): edge chunks in both axes;
                       fill values cycle through NaN, Infinity, -Infinity, null, numbers and integer extremes;
                       chunk (0, 2) is left unwritten (unless the fill value is null) and reads as the fill value
  expected/<name>.bin  what zarr reads back for the whole array: C order, little-endian (bool as 0/1 bytes)
  arrays/nd-*/         3D and 4D arrays of four dtypes in orders C and F (zstd), also in expected/
  axes/                a 4D float32 array of shape (2, 3, 5, 7), chunks (1, 2, 2, 3), value at (t, z, y, x)
                       = 1000 t + 100 z + 10 y + x, in a group with attributes
  half/                all 65536 float16 bit patterns widened to float32 (half_to_float.bin), and float32
                       values (float_in.bin) narrowed to float16 (float_to_half.bin), little-endian
  filtered/<name>/     arrays with numcodecs filters (delta, fixedscaleoffset, astype, quantize, bitround, shuffle,
                       alone and chained) and with numcodecs' lz4 compressor, of several dtypes and both orders;
                       what was written in filtered-input/<name>.bin, what zarr reads back in
                       filtered-expected/<name>.bin, and those values written again
                       in filtered-again/<name>/
  zip/plain.zarr.zip   a float32 array in zarr's ZipStore, and what zarr reads of it in zip/plain.bin
  n5/zarr.n5           N5 datasets written by zarr's N5Store (edge blocks full size) at setup0/timepoint0/s0 and
                       beside it, of several dtypes and compressions (raw, gzip, gzip as zlib, zstd, blosc, numcodecs' lz4), with
                       what zarr reads of each in n5/<dataset with / as ->.bin
  n5/java.n5           datasets written block by block here as n5-java writes them: edge blocks cut to the
                       dataset, blocks in mode varlength, lz4-java's block stream, an old "compressionType", a
                       missing block (reads as 0); what zarr's N5Store reads of each in n5/java-<name>.bin (the
                       values written, the missing block 0, where it reads no varlength, lz4-java or compressionType)
  manifest.json        one entry per array: name, dtype, order, separator, compressor, fill_value, shape; the
                       filtered arrays under "filtered": name, dtype, order, filters, compressor, shape
"""
import itertools
import json
import os
import sys

import numcodecs
import numpy as np
import zarr
from numcodecs import GZip, Zlib, Zstd, Blosc, LZ4, Delta, FixedScaleOffset, AsType, Quantize, BitRound, Shuffle

SHAPE = (25, 37)
CHUNKS = (10, 16)
BLOSC_NAMES = ["lz4", "lz4hc", "zstd", "zlib", "blosclz"]
SHUFFLES = {0: "none", 1: "byte", 2: "bit"}


def dtypes():
    out = ["|b1", "|u1", "|i1"]
    for code in ["u2", "i2", "u4", "i4", "u8", "i8", "f2", "f4", "f8"]:
        out += ["<" + code, ">" + code]
    return out


def compressors():
    out = [("none", None)]
    for cname in BLOSC_NAMES:
        for shuffle in (0, 1, 2):
            out.append(("blosc-%s-%s" % (cname, SHUFFLES[shuffle]), Blosc(cname=cname, clevel=5, shuffle=shuffle)))
    out += [("zstd", Zstd(level=3)), ("gzip", GZip(level=5)), ("zlib", Zlib(level=5))]
    return out


def fill_for(dtype, i):
    kind = np.dtype(dtype).kind
    if kind == "b":
        return [False, True, None][i % 3]
    if kind == "f":
        return [float("nan"), float("inf"), float("-inf"), None, 0.0, 1.5, -2.25][i % 7]
    info = np.iinfo(np.dtype(dtype))
    return [0, 42, None, int(info.max), int(info.min)][i % 5]


def values(dtype, n, seed):
    """Deterministic values: extremes and special floats first, then a compressible pattern (so that Blosc
    compresses rather than copies) with a pseudo-random value at every seventh element."""
    rng = np.random.default_rng(seed)
    dt = np.dtype(dtype).newbyteorder("=")
    i = np.arange(n)
    noise = i % 7 == 3
    pattern = i % 29
    if dt.kind == "b":
        return np.where(noise, rng.integers(0, 2, n) == 1, pattern % 3 == 0)
    if dt.kind in "iu":
        info = np.iinfo(dt)
        v = (pattern * 3 - 40).astype(np.int64).astype(dt)
        v[noise] = rng.integers(info.min, info.max, n, dtype=dt, endpoint=True)[noise]
        v[:3] = [info.min, info.max, 0]
        return v
    v = (pattern * 0.25 - 3).astype(dt)
    if dt.itemsize == 2:
        v[noise] = rng.integers(0, 1 << 16, n, dtype=np.uint16).view(np.float16)[noise]
        v[:9] = np.array([0x7E00, 0x7C00, 0xFC00, 0x8000, 0x0001, 0x7BFF, 0x03FF, 0x0400, 0x7C01],
                         dtype=np.uint16).view(np.float16)
        return v
    v[noise] = ((rng.random(n) - 0.5) * 10.0 ** rng.integers(-30, 30, n)).astype(dt)[noise]
    finfo = np.finfo(dt)
    v[:7] = [np.nan, np.inf, -np.inf, -0.0, finfo.tiny / 2, finfo.max, -finfo.max]
    return v


def le_bytes(a):
    """C-order little-endian bytes of an array (bool as 0/1 bytes)."""
    a = np.ascontiguousarray(a)
    if a.dtype.kind == "b":
        return a.astype(np.uint8).tobytes()
    return a.astype(a.dtype.newbyteorder("<")).tobytes()


def write_arrays(out):
    manifest = []
    combos = itertools.product(dtypes(), "CF", "./", compressors())
    for i, (dtype, order, sep, (ctag, compressor)) in enumerate(combos):
        tag = ("n" if dtype[0] == "|" else "l" if dtype[0] == "<" else "b") + dtype[1:]
        name = "v2-%s-%s-%s-%s-%d" % (tag, order, "dot" if sep == "." else "slash", ctag, i)
        fill = fill_for(dtype, i)
        store = zarr.DirectoryStore(os.path.join(out, "arrays", name), dimension_separator=sep)
        z = zarr.create(shape=SHAPE, chunks=CHUNKS, dtype=dtype, order=order, compressor=compressor,
                        fill_value=fill, store=store, overwrite=True)
        data = values(dtype, SHAPE[0] * SHAPE[1], i).reshape(SHAPE)
        if fill is None:
            z[...] = data
        else:
            # every chunk but (0, 2), which stays missing
            z[:, :32] = data[:, :32]
            z[10:, 32:] = data[10:, 32:]
        with open(os.path.join(out, "expected", name + ".bin"), "wb") as f:
            f.write(le_bytes(z[...]))
        manifest.append({"name": name, "dtype": dtype, "order": order, "separator": sep, "compressor": ctag,
                         "fill_value": None if fill is None else repr(fill), "shape": list(SHAPE)})
    return manifest


def write_nd(out, manifest):
    """3D and 4D arrays in both orders, where order F is more than swapping two axes."""
    cases = [((3, 5, 7), (2, 2, 3)), ((2, 3, 5, 7), (1, 2, 2, 3))]
    for i, (dtype, order, (shape, chunks)) in enumerate(itertools.product(["<f4", ">i2", "|u1", ">f8"], "CF", cases)):
        name = "nd-%dd-%s-%s-%d" % (len(shape), dtype.replace("<", "l").replace(">", "b").replace("|", "n"), order, i)
        z = zarr.create(shape=shape, chunks=chunks, dtype=dtype, order=order, compressor=Zstd(level=1),
                        fill_value=0, store=zarr.DirectoryStore(os.path.join(out, "arrays", name)))
        z[...] = values(dtype, int(np.prod(shape)), 1000 + i).reshape(shape)
        with open(os.path.join(out, "expected", name + ".bin"), "wb") as f:
            f.write(le_bytes(z[...]))
        manifest.append({"name": name, "dtype": dtype, "order": order, "separator": ".", "compressor": "zstd",
                         "fill_value": "0", "shape": list(shape)})


def write_axes(out):
    root = zarr.open_group(os.path.join(out, "axes"), mode="w")
    root.attrs["description"] = "value = 1000 t + 100 z + 10 y + x"
    t, z, y, x = np.meshgrid(*[np.arange(s) for s in (2, 3, 5, 7)], indexing="ij")
    a = root.create_dataset("tzyx", shape=(2, 3, 5, 7), chunks=(1, 2, 2, 3), dtype="<f4",
                            compressor=Zstd(level=1))
    a[...] = (1000 * t + 100 * z + 10 * y + x).astype("<f4")
    a.attrs["_ARRAY_DIMENSIONS"] = ["t", "z", "y", "x"]


def write_half(out):
    d = os.path.join(out, "half")
    os.makedirs(d)
    bits = np.arange(1 << 16, dtype=np.uint16)
    bits.view(np.float16).astype("<f4").tofile(os.path.join(d, "half_to_float.bin"))
    rng = np.random.default_rng(7)
    # random floats over the half range, the halfway points between neighbouring halves (ties), and specials
    halves = bits.view(np.float16).astype(np.float64)
    finite = np.sort(halves[np.isfinite(halves)])
    ties = ((finite[1:] + finite[:-1]) / 2).astype(np.float32)
    randoms = (rng.standard_normal(20000) * 10.0 ** rng.integers(-9, 6, 20000)).astype(np.float32)
    specials = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 65504, 65519.99, 65520, 1e-8, 2.0 ** -25,
                         2.0 ** -24, 3 * 2.0 ** -26, 1e9, -1e9], dtype=np.float32)
    floats = np.concatenate([specials, ties, np.nextafter(ties, np.float32(np.inf)), randoms]).astype("<f4")
    floats.tofile(os.path.join(d, "float_in.bin"))
    with np.errstate(over="ignore"):  # 1e9 and 65520 overflow to infinity, as they should
        floats.astype(np.float16).view("<u2").tofile(os.path.join(d, "float_to_half.bin"))


def filtered_cases():
    """(name, dtype, order, filters, compressor, data): data as the array holds it."""
    rng = np.random.default_rng(4321)
    n = SHAPE[0] * SHAPE[1]
    ramp = np.arange(n).reshape(SHAPE)
    smooth = 1000 + 25 * np.sin(ramp / 37.0) + rng.normal(0, 0.4, SHAPE)
    counts = (ramp * 7 % 5000 + rng.integers(0, 40, SHAPE))
    # float32 values whose dropped bits (23 - 7 of them) are exactly half a step every third element: bitround's ties
    bits = smooth.astype("<f4").view("<u4").copy()
    bits.flat[::3] = (bits.flat[::3] & ~np.uint32(0xFFFF)) | np.uint32(0x8000)
    ties = bits.view("<f4")
    return [
        ("delta-i2", "<i2", "C", [Delta(dtype="<i2")], None, (counts - 2000).astype("<i2")),
        ("delta-u2-as-i4-zlib", "<u2", "C", [Delta(dtype="<u2", astype="<i4")], Zlib(level=3), counts.astype("<u2")),
        ("delta-u1-wraps", "|u1", "F", [Delta(dtype="|u1")], None, (counts % 256).astype("|u1")),
        ("delta-f4", "<f4", "C", [Delta(dtype="<f4")], None, smooth.astype("<f4")),
        ("delta-f8-blosc", ">f8", "F", [Delta(dtype=">f8")], Blosc("zstd", 3, 1), smooth.astype(">f8")),
        ("delta-bi4", ">i4", "C", [Delta(dtype=">i4")], Blosc("lz4", 5, 2), (counts * 1000 - 7).astype(">i4")),
        ("fso-f8-u1", "<f8", "C", [FixedScaleOffset(offset=1000, scale=4, dtype="<f8", astype="|u1")], None,
         np.clip(smooth, 990, 1030)),
        ("fso-f4-u2-zstd", "<f4", "F", [FixedScaleOffset(offset=975.5, scale=1000, dtype="<f4", astype="<u2")],
         Zstd(level=1), smooth.astype("<f4")),
        ("fso-i4-u1", "<i4", "C", [FixedScaleOffset(offset=-20, scale=0.5, dtype="<i4", astype="|u1")], None,
         (counts % 400 - 20).astype("<i4")),
        ("fso-f8-f4", "<f8", "C", [FixedScaleOffset(offset=1000.25, scale=3.5, dtype="<f8", astype="<f4")], None, smooth),
        ("astype-f8-as-f4", "<f8", "C", [AsType(encode_dtype="<f4", decode_dtype="<f8")], None, smooth),
        ("astype-i4-as-u1", "<i4", "F", [AsType(encode_dtype="|u1", decode_dtype="<i4")], GZip(level=1),
         (counts % 256).astype("<i4")),
        ("astype-f4-as-i2", "<f4", "C", [AsType(encode_dtype="<i2", decode_dtype="<f4")], None,
         np.round(smooth - 1000).astype("<f4")),
        ("quantize-f8-3", "<f8", "C", [Quantize(digits=3, dtype="<f8")], None, smooth),
        ("quantize-f8-as-f4", "<f8", "C", [Quantize(digits=1, dtype="<f8", astype="<f4")], None, smooth),
        ("quantize-f4-2-gzip", "<f4", "F", [Quantize(digits=2, dtype="<f4")], GZip(level=5), smooth.astype("<f4")),
        ("bitround-f4-5", "<f4", "C", [BitRound(keepbits=5)], None, smooth.astype("<f4")),
        ("bitround-f4-ties", "<f4", "F", [BitRound(keepbits=7)], None, ties),
        ("bitround-f8-20-zstd", "<f8", "C", [BitRound(keepbits=20)], Zstd(level=3), values("<f8", n, 77).reshape(SHAPE)),
        ("bitround-f2-3", "<f2", "C", [BitRound(keepbits=3)], None, values("<f2", n, 78).reshape(SHAPE)),
        ("shuffle-u2", "<u2", "C", [Shuffle(elementsize=2)], None, counts.astype("<u2")),
        ("shuffle-f8-zlib", "<f8", "F", [Shuffle(elementsize=8)], Zlib(level=1), smooth),
        ("delta-shuffle-lz4", "<i2", "C", [Delta(dtype="<i2"), Shuffle(elementsize=2)], LZ4(acceleration=1),
         (counts - 2000).astype("<i2")),
        ("lz4-u2", "<u2", "C", None, LZ4(), counts.astype("<u2")),
        ("lz4-f4-fast", "<f4", "F", None, LZ4(acceleration=5), smooth.astype("<f4")),
        ("lz4-noise", "<u8", "C", None, LZ4(), values("<u8", n, 79).reshape(SHAPE)),
    ]


def write_filtered(out):
    manifest = []
    for name, dtype, order, filters, compressor, data in filtered_cases():
        z = zarr.create(shape=SHAPE, chunks=CHUNKS, dtype=dtype, order=order, compressor=compressor, filters=filters,
                        fill_value=0, store=zarr.DirectoryStore(os.path.join(out, "filtered", name)), overwrite=True)
        z[...] = data
        with open(os.path.join(out, "filtered-expected", name + ".bin"), "wb") as f:
            f.write(le_bytes(z[...]))
        with open(os.path.join(out, "filtered-input", name + ".bin"), "wb") as f:  # what was written, before the filters
            f.write(le_bytes(np.asarray(data).astype(dtype)))
        # the values read back, written again: what numcodecs stores for them (a lossy filter's second pass can
        # differ from its first, -0.0 against 0.0 for one)
        again = zarr.create(shape=SHAPE, chunks=CHUNKS, dtype=dtype, order=order, compressor=compressor,
                            filters=filters, fill_value=0, overwrite=True,
                            store=zarr.DirectoryStore(os.path.join(out, "filtered-again", name)))
        again[...] = z[...]
        manifest.append({"name": name, "dtype": dtype, "order": order,
                         "filters": [f.codec_id for f in filters or []],
                         "compressor": None if compressor is None else compressor.codec_id, "shape": list(SHAPE)})
    return manifest


def write_zip(out):
    """A float32 array in Python zarr's ZipStore (the hierarchy at the zip's root), and what zarr reads of it."""
    store = zarr.ZipStore(os.path.join(out, "zip", "plain.zarr.zip"), mode="w")
    z = zarr.create(shape=SHAPE, chunks=CHUNKS, dtype="<f4", compressor=Zstd(level=1), store=store)
    z[...] = values("<f4", SHAPE[0] * SHAPE[1], 4242).reshape(SHAPE)
    store.close()
    with open(os.path.join(out, "zip", "plain.bin"), "wb") as f:
        f.write(le_bytes(zarr.open_array(zarr.ZipStore(os.path.join(out, "zip", "plain.zarr.zip"), mode="r"))[...]))


N5_SHAPE = (9, 25, 37)      # z, y, x (N5 lists it as x, y, z)
N5_CHUNKS = (4, 10, 16)


def n5_values(dtype, seed):
    return values(dtype, int(np.prod(N5_SHAPE)), seed).reshape(N5_SHAPE)


def write_n5_zarr(out):
    """Datasets written with zarr's N5Store, and what it reads of them."""
    path = os.path.join(out, "n5", "zarr.n5")
    root = zarr.group(store=zarr.N5Store(path), overwrite=True)
    cases = [("setup0/timepoint0/s0", ">u2", GZip(level=5)), ("raw-u1", "|u1", None), ("zlib-i2", ">i2", Zlib(level=3)),
             ("zstd-f4", ">f4", Zstd(level=3)), ("blosc-u2", ">u2", Blosc(cname="zstd", clevel=3, shuffle=Blosc.SHUFFLE)),
             ("gzip-f8", ">f8", GZip(level=1)), ("raw-i4", ">i4", None), ("gzip-u8", ">u8", GZip(level=1)),
             ("lz4-f4", ">f4", LZ4(acceleration=1))]
    import warnings
    for i, (name, dtype, compressor) in enumerate(cases):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            a = root.create_dataset(name, shape=N5_SHAPE, chunks=N5_CHUNKS, dtype=dtype, compressor=compressor)
        v = n5_values(dtype, 700 + i)
        if v.dtype.kind == "f":
            v = np.nan_to_num(v, nan=1.5, posinf=2.5, neginf=-2.5)
        a[...] = v
    again = zarr.open_group(store=zarr.N5Store(path), mode="r")
    for name, dtype, _ in cases:
        with open(os.path.join(out, "n5", name.replace("/", "-") + ".bin"), "wb") as f:
            f.write(le_bytes(again[name][...]))
    root.attrs["note"] = "written by zarr's N5Store"


def n5_block(data, compress, mode=0):
    """An N5 block as n5-java writes it: mode, rank, the block's own size fastest axis first, big-endian elements."""
    import struct
    head = struct.pack(">HH", mode, data.ndim) + b"".join(struct.pack(">I", d) for d in data.shape[::-1])
    if mode == 1:
        head += struct.pack(">I", data.size)
    return head + compress(data.astype(data.dtype.newbyteorder(">")).tobytes())


def lz4_stream(raw, block=1000):
    """lz4-java's LZ4BlockOutputStream: "LZ4Block", token, compressed and original length, checksum, bytes; an
    empty block ends it. Blocks of `block` bytes, every third stored uncompressed (token 0x10)."""
    import struct
    out = b""
    for k, i in enumerate(range(0, len(raw), block)):
        part = raw[i:i + block]
        if k % 3 == 2:
            out += b"LZ4Block" + bytes([0x10]) + struct.pack("<iii", len(part), len(part), 0) + part
        else:
            c = LZ4(acceleration=1).encode(part)[4:]  # numcodecs prefixes the block with its size
            out += b"LZ4Block" + bytes([0x20 | 6]) + struct.pack("<iii", len(c), len(part), 0) + c
    return out + b"LZ4Block" + bytes([0x10]) + struct.pack("<iii", 0, 0, 0)


def write_n5_java(out):
    """Datasets written block by block as n5-java writes them, and what zarr's N5Store reads of each."""
    import gzip as gz
    import zlib
    path = os.path.join(out, "n5", "java.n5")
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, "attributes.json"), "w") as f:
        json.dump({"n5": "4.0.0"}, f)
    cases = [("gzip", ">u2", {"type": "gzip", "level": -1, "useZlib": False}, lambda b: gz.compress(b, 6), 0),
             ("zlib-varlength", ">i2", {"type": "gzip", "level": 6, "useZlib": True}, lambda b: zlib.compress(b, 6), 1),
             ("lz4", ">f4", {"type": "lz4", "blockSize": 65536}, lz4_stream, 0),
             ("old-raw", "|u1", None, lambda b: b, 0)]
    for i, (name, dtype, compression, compress, mode) in enumerate(cases):
        d = os.path.join(path, name)
        os.makedirs(d, exist_ok=True)
        attrs = {"dimensions": list(N5_SHAPE[::-1]), "blockSize": list(N5_CHUNKS[::-1]), "dataType": np.dtype(dtype).name}
        if compression is None:
            attrs["compressionType"] = "raw"
        else:
            attrs["compression"] = compression
        attrs["pixelResolution"] = {"unit": "um", "dimensions": [0.5, 0.5, 2.0]}
        with open(os.path.join(d, "attributes.json"), "w") as f:
            json.dump(attrs, f)
        v = n5_values(dtype, 800 + i)
        if v.dtype.kind == "f":
            v = np.nan_to_num(v, nan=1.5, posinf=2.5, neginf=-2.5)
        grid = [-(-s // c) for s, c in zip(N5_SHAPE, N5_CHUNKS)]
        for g in itertools.product(*[range(n) for n in grid]):
            if g == (1, 1, 1):
                continue  # missing: N5 reads it as 0
            sl = tuple(slice(k * c, min((k + 1) * c, s)) for k, c, s in zip(g, N5_CHUNKS, N5_SHAPE))
            block = os.path.join(d, *[str(k) for k in g[::-1]])
            os.makedirs(os.path.dirname(block), exist_ok=True)
            with open(block, "wb") as f:
                f.write(n5_block(np.ascontiguousarray(v[sl]), compress, mode))
        if mode == 0 and compression is not None and compression["type"] != "lz4":  # zarr's N5Store reads no
            # varlength block, no lz4-java stream and no "compressionType": those are checked against the values written
            got = zarr.open_array(store=zarr.N5Store(path), path=name, mode="r")[...]
        else:
            got = v.copy()
            got[tuple(slice(c, 2 * c) for c in N5_CHUNKS)] = 0
        with open(os.path.join(out, "n5", "java-" + name + ".bin"), "wb") as f:
            f.write(le_bytes(np.asarray(got, dtype)))


def main():
    out = sys.argv[1]
    os.makedirs(os.path.join(out, "expected"), exist_ok=True)
    os.makedirs(os.path.join(out, "filtered-expected"), exist_ok=True)
    os.makedirs(os.path.join(out, "filtered-input"), exist_ok=True)
    os.makedirs(os.path.join(out, "zip"), exist_ok=True)
    write_zip(out)
    os.makedirs(os.path.join(out, "n5"), exist_ok=True)
    write_n5_zarr(out)
    write_n5_java(out)
    manifest = write_arrays(out)
    write_nd(out, manifest)
    write_axes(out)
    write_half(out)
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump({"zarr": zarr.__version__, "numcodecs": numcodecs.__version__, "arrays": manifest,
                   "filtered": write_filtered(out)}, f, indent=1)


if __name__ == "__main__":
    main()
