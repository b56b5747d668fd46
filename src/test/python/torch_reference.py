#!/usr/bin/env python3
"""Reference featurization of a Zarr array with a TorchScript model, one 2D plane at a time.

The Java parity tests compare the plugin's output with this script's. It is written to be
plain rather than fast: whole planes, no tiling, no threads of its own.

For every (y, x) plane of the input (2D (y, x), 3D (z, y, x) or 4D (t, z, y, x), any dtype,
converted to float32):
  1. optionally normalize: (x - p_low) / (p_high - p_low) with the percentiles taken over the
     whole volume (numpy's default linear interpolation, in float64); when p_high == p_low the
     plane is only shifted (x - p_low);
  2. pad the far edges (bottom rows, right columns) up to the next multiple of 16 and, with
     --margin M, every edge by M more pixels (rounded up to a multiple of 16), by mirroring without
     repeating the edge pixel (np.pad mode "reflect"). Where the pad is longer
     than the plane, numpy keeps mirroring: padded index i reads index m(i), with period
     p = 2 (n - 1), j = i mod p, m(i) = j if j < n else p - j. A plane 1 pixel high (or wide)
     cannot be mirrored and repeats its pixel (mode "edge") along that axis;
  3. run model(plane[None, None]) under torch.no_grad() with the model in eval mode;
  4. crop back to the plane and store it as (y, x, C) float32.
The output has the input's shape plus a trailing channel axis: (t, z, y, x, C), (z, y, x, C) or
(y, x, C), one chunk per plane ((1, ..., Y, X, C)), no compressor unless asked.

Usage:  torch_reference.py MODEL.pt INPUT.zarr OUTPUT.zarr [--dataset PATH]
                           [--percentile LOW HIGH] [--margin M] [--compressor none|blosc-zstd]
                           [--overwrite]
"""
import argparse
import os
import sys
import time

import numpy as np
import torch
import zarr
from numcodecs import Blosc

SIZE_MULTIPLE = 16


def open_input(path, dataset=None):
    """The Zarr array at `path` (or at `dataset` inside the group at `path`), 2D to 4D."""
    node = zarr.open(path, mode="r") if dataset is None else zarr.open(path, mode="r", path=dataset)
    if not isinstance(node, zarr.Array):
        raise SystemExit("%s%s is a group, not an array: name the array with --dataset"
                         % (path, "" if dataset is None else "/" + dataset))
    if node.ndim not in (2, 3, 4):
        raise SystemExit("expected a 2D (y, x), 3D (z, y, x) or 4D (t, z, y, x) array, got shape %s"
                         % (node.shape,))
    if min(node.shape) < 1:
        raise SystemExit("the array is empty: shape %s" % (node.shape,))
    return node


def pad_plane(plane, margin=0, multiple=SIZE_MULTIPLE):
    """Pad bottom and right up to multiples of `multiple`, and every edge by `margin` rounded up to a
    multiple of `multiple`: mirror ("reflect"), or repeat the edge pixel along an axis of length 1.
    Returns the padded plane and the margin used."""
    h, w = plane.shape
    pad_y, pad_x = -h % multiple, -w % multiple
    m = -(-margin // multiple) * multiple
    if pad_y or m:
        plane = np.pad(plane, ((m, m + pad_y), (0, 0)), mode="reflect" if h > 1 else "edge")
    if pad_x or m:
        plane = np.pad(plane, ((0, 0), (m, m + pad_x)), mode="reflect" if w > 1 else "edge")
    return plane, m


def featurize_plane(model, plane, margin=0):
    """(H, W) float32 -> (H, W, C) float32."""
    h, w = plane.shape
    padded, m = pad_plane(plane, margin)
    padded = np.ascontiguousarray(padded, dtype=np.float32)
    with torch.no_grad():
        out = model(torch.from_numpy(padded)[None, None])
    if out.dim() != 4 or out.shape[0] != 1 or tuple(out.shape[2:]) != padded.shape:
        raise SystemExit("the model returned shape %s for input (1, 1, %d, %d); expected "
                         "(1, C, %d, %d)" % (tuple(out.shape), *padded.shape, *padded.shape))
    return np.ascontiguousarray(out[0, :, m:m + h, m:m + w].permute(1, 2, 0).numpy(), dtype=np.float32)


def percentile_transform(source, low, high):
    """A function normalizing one float32 plane with percentiles of the whole volume."""
    values = np.asarray(source[...], dtype=np.float64)
    p_low, p_high = np.percentile(values, [low, high])
    print("percentiles %g / %g of the volume: %.9g / %.9g" % (low, high, p_low, p_high))
    if p_high == p_low:
        return lambda plane: (plane.astype(np.float64) - p_low).astype(np.float32)
    span = p_high - p_low
    return lambda plane: ((plane.astype(np.float64) - p_low) / span).astype(np.float32)


def prepare_output(path, overwrite):
    """Refuse to replace an existing output unless told to; an empty directory is fine."""
    if os.path.exists(path):
        empty_dir = os.path.isdir(path) and not os.listdir(path)
        if not (overwrite or empty_dir):
            raise SystemExit("output %s exists: remove it or pass --overwrite" % path)


def run(model_path, input_path, output_path, dataset=None, percentile=None, compressor=None,
        overwrite=False, margin=0):
    """Featurize every plane of the input into the output array; returns max |output|."""
    torch.set_grad_enabled(False)
    source = open_input(input_path, dataset)
    prepare_output(output_path, overwrite)
    model = torch.jit.load(model_path, map_location="cpu")
    model.eval()
    transform = (percentile_transform(source, *percentile) if percentile is not None
                 else (lambda plane: plane))

    lead = source.shape[:-2]
    h, w = source.shape[-2:]
    target = None
    peak = 0.0
    t0 = time.perf_counter()
    for index in np.ndindex(*lead):
        plane = transform(np.asarray(source[index], dtype=np.float32))
        features = featurize_plane(model, plane, margin)
        if target is None:
            channels = features.shape[-1]
            target = zarr.open(output_path, mode="w", shape=source.shape + (channels,),
                               chunks=(1,) * len(lead) + (h, w, channels), dtype="<f4",
                               compressor=compressor)
        target[index] = features
        peak = max(peak, float(np.abs(features).max()))
    print("wrote %s: shape %s, chunks %s, compressor %s, %d planes in %.1fs, max|output| %.6g"
          % (output_path, target.shape, target.chunks, compressor,
             int(np.prod(lead, dtype=np.int64)), time.perf_counter() - t0, peak))
    return peak


def compressor_named(name):
    if name == "none":
        return None
    if name == "blosc-zstd":
        return Blosc(cname="zstd", clevel=5, shuffle=Blosc.SHUFFLE)
    raise SystemExit("unknown compressor %s (none, blosc-zstd)" % name)


def main(argv=None):
    ap = argparse.ArgumentParser(description="Featurize a Zarr array plane by plane with a "
                                             "TorchScript model (reference implementation).")
    ap.add_argument("model", help="TorchScript model file (.pt)")
    ap.add_argument("input", help="input Zarr array (or group, with --dataset)")
    ap.add_argument("output", help="output Zarr array to create")
    ap.add_argument("--dataset", help="path of the array inside the input group")
    ap.add_argument("--percentile", nargs=2, type=float, metavar=("LOW", "HIGH"),
                    help="normalize with these percentiles of the whole volume")
    ap.add_argument("--margin", type=int, default=0,
                    help="mirror each plane by this many pixels beyond every edge (rounded up to 16)")
    ap.add_argument("--compressor", default="none", help="none (default) or blosc-zstd")
    ap.add_argument("--overwrite", action="store_true", help="replace an existing output")
    a = ap.parse_args(argv)
    run(a.model, a.input, a.output, a.dataset, a.percentile, compressor_named(a.compressor),
        a.overwrite, a.margin)


if __name__ == "__main__":
    sys.exit(main())
