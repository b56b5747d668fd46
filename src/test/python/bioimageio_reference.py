#!/usr/bin/env python3
"""What a bioimage.io consumer computes for a test input, written plainly with numpy and torch, for the
Java tests of bioimage.io packages; and .npy files of several dtypes and orders for the .npy reader's test.

  bioimageio_reference.py run WEIGHTS.pt INPUT.npy OUTPUT.npy LOW_PERCENTILE HIGH_PERCENTILE
      preprocessing scale_range over the whole input tensor (numpy's percentile, float64, eps 1e-6),
      the model (eval, no_grad), postprocessing sigmoid; OUTPUT as float32
  bioimageio_reference.py npy DIR
      writes DIR/<name>.npy for a few dtypes and orders and DIR/<name>.txt with the values, C order
"""
import os
import sys

import numpy as np


def run(weights, input_path, output_path, low, high):
    import torch
    torch.set_num_threads(1)
    x = np.load(input_path).astype(np.float64)
    lo, hi = np.percentile(x, float(low)), np.percentile(x, float(high))
    x = ((x - lo) / (hi - lo + 1e-6)).astype(np.float32)
    model = torch.jit.load(weights).eval()
    with torch.no_grad():
        y = model(torch.from_numpy(x)).numpy().astype(np.float64)
    np.save(output_path, (1 / (1 + np.exp(-y))).astype(np.float32))


def npy(directory):
    os.makedirs(directory, exist_ok=True)
    base = np.arange(24, dtype=np.float64).reshape(2, 3, 4) * 1.5 - 7
    arrays = {
        "f8": base,
        "f2": base.astype(np.float16),
        "i2_big": base.astype(">i2"),
        "u1": (base + 10).astype(np.uint8),
        "f4_fortran": np.asfortranarray(base.astype(np.float32)),
        "bool": base > 0,
    }
    for name, a in arrays.items():
        np.save(os.path.join(directory, name + ".npy"), a)
        np.savetxt(os.path.join(directory, name + ".txt"), np.ascontiguousarray(a).astype(np.float64).ravel())


if __name__ == "__main__":
    if sys.argv[1] == "run":
        run(*sys.argv[2:7])
    else:
        npy(sys.argv[2])
