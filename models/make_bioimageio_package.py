#!/usr/bin/env python3
"""Package the shipped model, models/unet16-reference.pt (the trained network; unet16.pt is its faster form), as a bioimage.io model package (format 0.5).

Writes models/unet16.bioimageio/:

    rdf.yaml          the model description (bioimage.io model spec 0.5.3)
    unet16.pt         the TorchScript weights, a copy of models/unet16-reference.pt (the same bytes, so git stores them once)
    test_input.npy    (1, 1, 208, 208) float32: a synthetic microscopy-like plane, min-max scaled to [0, 1]
    test_output.npy   (1, 16, 208, 208) float32: what the weights give for it, computed here with torch
    README.md         the package's documentation

Axes: input (batch, channel = 1, y, x), y and x of 208 + n * 16 pixels; output (batch, channel = 16, y, x),
same size. No preprocessing: the model is bias-free (f(a x) = a f(x)), so it takes raw intensities, as the
plugin feeds them by default; with featurize, use normalization or a package with preprocessing when the
data's offset matters.

Halo. The model's receptive-field radius is 136 pixels (models/README.md); a bioimage.io halo of 136
would need inputs of at least 2 * 136 + 16 pixels and a 5 MB test output. The package declares halo 96
(what a bioimage.io consumer crops from each tile; the script prints how far tiles with that margin are
from the whole-plane result) and gives the full radius in config.featurize.receptive_field, which
featurize uses as its default halo, so its tiles stay exact.

Usage:  /usr/bin/python3 models/make_bioimageio_package.py [--out models/unet16.bioimageio]
Needs Debian's python3-torch, python3-numpy and python3-yaml; deterministic (seeded, eval mode).
"""
import argparse
import hashlib
import os
import shutil

import numpy as np
import torch
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
SIZE = 208           # the test tensor's side: the smallest allowed size, 2 * halo + 16
MIN, STEP = 208, 16  # allowed sizes in y and x: MIN + n * STEP
HALO = 96
RECEPTIVE_FIELD = 136


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def test_plane(size, seed=0):
    """A microscopy-like plane: blurred blobs and a filament on a slanted background, Poisson noise, in [0, 1]."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:size, 0:size].astype(np.float64)
    plane = 100 + 0.3 * x + 0.2 * y
    for _ in range(12):
        cy, cx = rng.uniform(0, size, 2)
        sigma = rng.uniform(2, 5)
        plane += rng.uniform(300, 1500) * np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * sigma ** 2))
    angle = rng.uniform(0, np.pi)
    d = (x - size / 2) * -np.sin(angle) + (y - size / 2) * np.cos(angle)
    plane += 600 * np.exp(-d ** 2 / 2)
    plane = rng.poisson(plane).astype(np.float64)
    plane = (plane - plane.min()) / (plane.max() - plane.min())
    return plane.astype(np.float32)[None, None]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(HERE, "unet16.bioimageio"))
    args = parser.parse_args()
    torch.set_num_threads(1)
    os.makedirs(args.out, exist_ok=True)

    weights = os.path.join(args.out, "unet16.pt")
    shutil.copyfile(os.path.join(HERE, "unet16-reference.pt"), weights)
    model = torch.jit.load(weights).eval()

    test_input = test_plane(SIZE)
    with torch.no_grad():
        test_output = model(torch.from_numpy(test_input)).numpy().astype(np.float32)
    assert test_output.shape == (1, 16, SIZE, SIZE), test_output.shape
    np.save(os.path.join(args.out, "test_input.npy"), test_input)
    np.save(os.path.join(args.out, "test_output.npy"), test_output)

    # How far a tile with a margin of HALO is from the whole-plane result, on a larger plane.
    o = HALO + 64                           # the tile's start: its margin lies 64 pixels inside the plane
    big = torch.from_numpy(test_plane(2 * o + 64, seed=1))
    with torch.no_grad():
        whole = model(big)
        tile = model(big[..., o - HALO:o + 64 + HALO, o - HALO:o + 64 + HALO])[..., HALO:-HALO, HALO:-HALO]
    error = float((tile - whole[..., o:o + 64, o:o + 64]).abs().max() / whole.abs().max())
    print("a 64 x 64 tile with a %d px margin: max |tile - whole| / max |whole| = %.2g" % (HALO, error))

    channel_names = ["feature_%02d" % c for c in range(16)]
    rdf = {
        "format_version": "0.5.3",
        "type": "model",
        "name": "unet16 features",
        "description": "A bias-free UNet (segmentify's architecture, k = 16, without its 1x1 head and sigmoid) that turns one 2D "
                       "plane into 16 features per pixel for pixel classification: multi-scale features trained on synthetic "
                       "microscopy scenes to reproduce 16 of ilastik's filters (Gaussian smoothing at 7 scales, Hessian and "
                       "structure-tensor eigenvalues, gradient magnitude); not a segmentation model.",
        "authors": [{"name": "featurize-unet developers"}],
        "maintainers": [{"name": "featurize-unet developers", "github_user": "featurize"}],
        "cite": [{"text": "Mohan et al., Robust and interpretable blind image denoising via bias-free convolutional neural "
                          "networks, ICLR 2020", "url": "https://openreview.net/forum?id=HJlSmC4FPS"}],
        "license": "BSD-2-Clause",
        "documentation": "README.md",
        "tags": ["unet", "features", "2d", "fluorescence-light-microscopy", "pytorch", "featurize"],
        "inputs": [{
            "id": "raw",
            "description": "one plane, raw intensities (any scale: the model is positively homogeneous)",
            "axes": [
                {"type": "batch"},
                {"type": "channel", "channel_names": ["raw"]},
                {"type": "space", "id": "y", "size": {"min": MIN, "step": STEP}},
                {"type": "space", "id": "x", "size": {"min": MIN, "step": STEP}},
            ],
            "test_tensor": {"source": "test_input.npy", "sha256": sha256(os.path.join(args.out, "test_input.npy"))},
            "data": {"type": "float32"},
        }],
        "outputs": [{
            "id": "features",
            "description": "16 features per pixel, in the input's units",
            "axes": [
                {"type": "batch"},
                {"type": "channel", "channel_names": channel_names},
                {"type": "space", "id": "y", "size": {"tensor_id": "raw", "axis_id": "y"}, "halo": HALO},
                {"type": "space", "id": "x", "size": {"tensor_id": "raw", "axis_id": "x"}, "halo": HALO},
            ],
            "test_tensor": {"source": "test_output.npy", "sha256": sha256(os.path.join(args.out, "test_output.npy"))},
            "data": {"type": "float32"},
        }],
        "weights": {
            "torchscript": {
                "source": "unet16.pt",
                "sha256": sha256(weights),
                "pytorch_version": torch.__version__.split("+")[0],
            },
        },
        "config": {
            "bioimageio": {"reproducibility_tolerance": [
                {"relative_tolerance": 1e-4, "absolute_tolerance": 1e-4, "mismatched_elements_per_million": 0}]},
            "featurize": {"receptive_field": RECEPTIVE_FIELD},
        },
    }
    with open(os.path.join(args.out, "rdf.yaml"), "w") as f:
        f.write("# Written by models/make_bioimageio_package.py; do not edit by hand.\n")
        yaml.safe_dump(rdf, f, sort_keys=False, width=120)
    with open(os.path.join(args.out, "README.md"), "w") as f:
        f.write("""# unet16 features (bioimage.io package)

A bias-free UNet that turns one 2D plane `(1, 1, y, x)` into 16 features per pixel `(1, 16, y, x)`, y and x of
208 + n x 16 pixels. Made and described in featurize-unet's `models/` (`train_features.py`, `README.md`: how it was
trained, on what, and what it is not good for); packaged by `models/make_bioimageio_package.py`.

- Input: raw intensities, any scale (f(a x) = a f(x) for a > 0); no preprocessing.
- Receptive-field radius 136 px; the declared halo (96 px) is a margin that keeps tiles close to the
  whole-plane result; featurize uses the full radius (`config.featurize.receptive_field`).
- Test tensors: a synthetic 208 x 208 plane scaled to [0, 1] and its features from PyTorch %s.
""" % torch.__version__.split("+")[0])
    print("wrote", args.out)


if __name__ == "__main__":
    main()
