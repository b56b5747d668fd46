#!/usr/bin/env python3
"""Make the parity fixtures in src/test/resources/parity/ with torch_reference.py.

  input.zarr      (2, 2, 72, 88) uint16 (t, z, y, x), chunks (1, 1, 72, 88), blosc zstd:
                  camera-like counts (offset ~100, cells, spots, a filament, Poisson and read
                  noise). 72 and 88 are deliberately not multiples of 16.
  expected.zarr   torch_reference.py's output for it with models/unet16-reference.pt (the trained network
                  as written, which models/unet16.pt computes in a faster form):
                  (2, 2, 72, 88, 16) float32, chunks (1, 1, 72, 88, 16), blosc zstd + shuffle.
  input2d.zarr    (50, 61) float32 (y, x) in [0, 1], blosc zstd.
  expected2d.zarr its output: (50, 61, 16) float32, blosc zstd + shuffle.
  expected2d-margin32.zarr
                  its output with --margin 32 (the plane mirrored 32 pixels beyond every edge
                  before the model), as expected2d.zarr.

Everything is seeded. Rerun after the model changes:
    /usr/bin/python3 src/test/python/make_parity_fixture.py
"""
import os
import shutil
import subprocess
import sys

import numpy as np
import zarr
from numcodecs import Blosc

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
MODEL = os.path.join(ROOT, "models", "unet16-reference.pt")
OUT_DIR = os.path.join(ROOT, "src", "test", "resources", "parity")
REFERENCE = os.path.join(HERE, "torch_reference.py")


def gaussian(h, w, cy, cx, sy, sx):
    yy = np.arange(h)[:, None]
    xx = np.arange(w)[None, :]
    return np.exp(-0.5 * (((yy - cy) / sy) ** 2 + ((xx - cx) / sx) ** 2))


def photons(rng, h, w):
    """Expected photons of one small plane: background, cells, spots and one filament."""
    img = np.full((h, w), rng.uniform(5, 15)) + np.linspace(0, rng.uniform(0, 10), w)[None, :]
    for _ in range(rng.integers(2, 5)):  # cells: broad blobs
        img += rng.uniform(30, 120) * gaussian(h, w, rng.uniform(0, h), rng.uniform(0, w),
                                               rng.uniform(5, 12), rng.uniform(5, 12))
    for _ in range(rng.integers(4, 10)):  # spots
        s = rng.uniform(0.8, 2.0)
        img += rng.uniform(100, 600) * gaussian(h, w, rng.uniform(0, h), rng.uniform(0, w), s, s)
    # one filament: a gently curved line with a Gaussian profile
    t = np.linspace(0, 1, 400)
    ys = rng.uniform(0, h) + (rng.uniform(-1, 1) * h) * t + 6 * np.sin(rng.uniform(2, 6) * t)
    xs = rng.uniform(0, w * 0.3) + w * 0.7 * t
    yy, xx = np.mgrid[0:h, 0:w]
    d2 = np.min((yy[..., None] - ys) ** 2 + (xx[..., None] - xs) ** 2, axis=-1)
    img += rng.uniform(60, 200) * np.exp(-0.5 * d2 / 1.0 ** 2)
    return img


def camera(rng, expected):
    counts = 100 + rng.poisson(expected) + rng.normal(0, 3, expected.shape)
    return np.clip(np.round(counts), 0, 65535)


def reference(input_path, output_path, *options):
    """Run torch_reference.py as the Java tests' reference, blosc-compressed."""
    subprocess.run([sys.executable, REFERENCE, MODEL, input_path, output_path,
                    "--compressor", "blosc-zstd", "--overwrite"] + list(options), check=True)
    return float(np.abs(zarr.open(output_path, mode="r")[...]).max())


def disk_bytes(path):
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(path) for f in fs)


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    compressor = Blosc(cname="zstd", clevel=5, shuffle=Blosc.SHUFFLE)
    rng = np.random.default_rng(20261125)

    paths = {name: os.path.join(OUT_DIR, name + ".zarr")
             for name in ("input", "expected", "input2d", "expected2d", "expected2d-margin32")}
    for p in paths.values():
        if os.path.exists(p):
            shutil.rmtree(p)

    t, z, h, w = 2, 2, 72, 88
    volume = np.stack([np.stack([camera(rng, photons(rng, h, w)) for _ in range(z)])
                       for _ in range(t)]).astype(np.uint16)
    zarr.save_array(paths["input"], volume, chunks=(1, 1, h, w), compressor=compressor)
    print("input.zarr: %s %s, min %d max %d" % (volume.shape, volume.dtype, volume.min(),
                                                 volume.max()))

    plane = camera(rng, photons(rng, 50, 61))
    plane2d = ((plane - plane.min()) / (plane.max() - plane.min())).astype(np.float32)
    zarr.save_array(paths["input2d"], plane2d, chunks=plane2d.shape, compressor=compressor)
    print("input2d.zarr: %s %s, min %g max %g" % (plane2d.shape, plane2d.dtype, plane2d.min(),
                                                   plane2d.max()))

    peak = reference(paths["input"], paths["expected"])
    peak2d = reference(paths["input2d"], paths["expected2d"])
    peak_margin = reference(paths["input2d"], paths["expected2d-margin32"], "--margin", "32")
    print("max|output|: expected.zarr %.6g, expected2d.zarr %.6g, expected2d-margin32.zarr %.6g"
          % (peak, peak2d, peak_margin))
    total = 0
    for name, p in paths.items():
        total += disk_bytes(p)
        print("  %-25s %8d bytes" % (name + ".zarr", disk_bytes(p)))
    print("  %-25s %8d bytes" % ("total", total))


if __name__ == "__main__":
    main()
