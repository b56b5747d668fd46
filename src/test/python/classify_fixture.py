"""Writes a scene for pixel classification tests with Python's zarr, as napari or a script would export it.

Usage:  /usr/bin/python3 classify_fixture.py IN.zarr LABELS.zarr TRUTH_RAW [SEED]
IN.zarr: (t, z, y, x) = (1, 4, 160, 192) uint16 camera counts in (1, 1, 80, 96) chunks: bright rounded cells (class 2)
and thin bright fibres (class 3) on a dim, uneven background (class 1), Poisson noise. LABELS.zarr: uint8, the same
shape, in 3D blocks (1, 2, 64, 64): short scribbles of each class in plane z = 1 only, 0 elsewhere. TRUTH_RAW: every
pixel's class, uint8, C order. Prints one JSON line with the counts of labelled pixels per class.
"""
import json
import sys

import numpy as np
import zarr
from scipy import ndimage as ndi

rng = np.random.default_rng(int(sys.argv[4]) if len(sys.argv) > 4 else 0)
T, Z, H, W = 1, 4, 160, 192
yy, xx = np.mgrid[0:H, 0:W]
image = np.zeros((T, Z, H, W), np.uint16)
truth = np.zeros((T, Z, H, W), np.uint8)
for z in range(Z):
    cells = np.zeros((H, W), bool)
    for _ in range(10):
        cy, cx = rng.uniform(0, H), rng.uniform(0, W)
        a, b, th = rng.uniform(7, 14), rng.uniform(6, 11), rng.uniform(0, np.pi)
        u = (yy - cy) * np.cos(th) + (xx - cx) * np.sin(th)
        v = -(yy - cy) * np.sin(th) + (xx - cx) * np.cos(th)
        cells |= (u / a) ** 2 + (v / b) ** 2 < 1
    fibres = np.zeros((H, W), bool)
    for _ in range(4):
        y0, x0, th = rng.uniform(0, H), rng.uniform(0, W), rng.uniform(0, np.pi)
        d = np.abs((yy - y0) * np.cos(th) - (xx - x0) * np.sin(th))
        fibres |= (d < 1.2) & ~cells
    label = np.where(cells, 2, np.where(fibres, 3, 1)).astype(np.uint8)
    signal = 40 + 30 * np.sin(xx / 50.0) + np.where(cells, 160, 0) + np.where(fibres, 120, 0)
    signal = ndi.gaussian_filter(signal.astype(float), 1.0)
    image[0, z] = np.clip(rng.poisson(signal) + 100, 0, 65535)
    truth[0, z] = label
labels = np.zeros_like(truth)
core = {c: ndi.binary_erosion(truth[0, 1] == c, iterations=1 if c != 3 else 0) if c != 3 else truth[0, 1] == 3
        for c in (1, 2, 3)}
for c, mask in core.items():
    ys, xs = np.nonzero(mask)
    pick = rng.choice(len(ys), size=min(len(ys), 150), replace=False)
    labels[0, 1, ys[pick], xs[pick]] = c
zarr.save_array(sys.argv[1], image, chunks=(1, 1, 80, 96))
zarr.save_array(sys.argv[2], labels, chunks=(1, 2, 64, 64))
truth.tofile(sys.argv[3])
print(json.dumps({str(c): int((labels == c).sum()) for c in (1, 2, 3)}))
