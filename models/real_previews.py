#!/usr/bin/env python3
"""Preview pictures of the shipped model's features on real microscopy images that ship with Debian's
scikit-image (no ground truth; for a person to judge): each image is written as a Zarr array and run
through `bin/featurize IN OUT --preview PNG`, which draws the input beside its features' first three
principal components as RGB.

    /usr/bin/python3 models/real_previews.py [--out-dir docs] [--launcher bin/featurize]

Images: cell.png (a phase-contrast cell, 660 x 550), microaneurysms.png (a retinal fundus crop),
and ihc.png (immunohistochemistry: the darkness of its grey image as one channel). Each Zarr holds the image as its camera would
give it: uint8 or uint16 values, no normalization (bin/featurize's default).
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import zarr
from skimage import io
from skimage.color import rgb2gray
import skimage

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(os.path.dirname(skimage.__file__), "data")


def images():
    """(name, array) of the real images, uint8 or uint16, 2D or 3D."""
    cell = io.imread(os.path.join(DATA, "cell.png"))
    micro = io.imread(os.path.join(DATA, "microaneurysms.png"))
    ihc = io.imread(os.path.join(DATA, "ihc.png"))[..., :3]
    # dark stain on a bright slide: the darkness of the grey image, as a fluorescence-like channel
    ihc_dark = (255 * (1 - rgb2gray(ihc))).round().astype(np.uint8)
    out = [("cell", cell), ("microaneurysms", micro if micro.ndim == 2 else (255 * rgb2gray(micro)).astype(np.uint8)),
           ("ihc", ihc_dark)]
    return [(n, np.ascontiguousarray(a)) for n, a in out]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out-dir", default=os.path.join(HERE, "..", "docs"))
    ap.add_argument("--launcher", default=os.path.join(HERE, "..", "bin", "featurize"))
    ap.add_argument("--only", help="comma-separated names (cell, microaneurysms, ihc)")
    a = ap.parse_args()
    os.makedirs(a.out_dir, exist_ok=True)
    work = tempfile.mkdtemp(prefix="featurize-previews-")
    try:
        for name, arr in images():
            if a.only and name not in a.only.split(","):
                continue
            src = os.path.join(work, name + ".zarr")
            z = zarr.open(src, mode="w", shape=arr.shape, chunks=arr.shape, dtype=arr.dtype)
            z[...] = arr
            png = os.path.join(a.out_dir, "preview-%s.png" % name)
            cmd = [a.launcher, src, os.path.join(work, name + "-features.zarr"), "--preview", png]
            print(" ".join(cmd), flush=True)
            r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            if r.returncode != 0:
                sys.exit("%s failed:\n%s" % (name, r.stdout))
            print("%s %s -> %s" % (name, arr.shape, png), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
