"""The Python original, as the Dask blog runs it: da.from_zarr, map_blocks of a UNet over every plane,
to_zarr of the (t, z, y, x, 16) features. Defaults as a user has them: dask's threaded scheduler, torch's
own thread settings, to_zarr's default compressor. Used by bench/run.sh for comparison only.

Usage:  /usr/bin/python3 bench/blog_workflow.py IN.zarr OUT.zarr MODEL.pt
Prints one line: BLOG planes=N seconds=S planes_per_s=R output_bytes=B
"""
import os
import sys
import time

import dask.array as da
import numpy as np
import torch


def featurize_plane(block, model):
    """One (1, 1, Y, X) block -> (1, 1, Y, X, 16) features, as the blog's unet_featurize."""
    plane = torch.from_numpy(np.ascontiguousarray(block[0, 0], dtype=np.float32))[None, None]
    with torch.no_grad():
        features = model(plane).numpy()
    return np.transpose(features, (0, 2, 3, 1))[None]


def folder_bytes(path):
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            total += os.path.getsize(os.path.join(root, f))
    return total


def main():
    source, target, model_file = sys.argv[1:4]
    model = torch.jit.load(model_file).eval()
    volume = da.from_zarr(source)
    t, z, y, x = volume.shape
    features = da.map_blocks(featurize_plane, volume.rechunk((1, 1, y, x)), model, dtype=np.float32,
                             chunks=(1, 1, y, x, 16), new_axis=-1)
    start = time.perf_counter()
    features.to_zarr(target, overwrite=True)
    seconds = time.perf_counter() - start
    planes = t * z
    print("BLOG planes=%d seconds=%.3f planes_per_s=%.3f output_bytes=%d"
          % (planes, seconds, planes / seconds, folder_bytes(target)))


if __name__ == "__main__":
    main()
