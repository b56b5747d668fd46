#!/usr/bin/env python3
"""Make the default feature model shipped in models/: unet16.pt and unet16.json.

The network has the architecture of segmentify's UNet (the model of the Dask blog's
featurization workflow) with its final 1x1 "segment" convolution and sigmoid removed, so it
maps a (N, 1, H, W) float32 plane to (N, 16, H, W) float32 features; H and W must be
multiples of 16.

    block(cin, cout) = [Conv3x3 (zero padding 1) -> ReLU -> BatchNorm] x 2
    encode_l         = block, then MaxPool 2x2; the tensor before pooling is the skip
                       (widths 1 -> 16 -> 32 -> 64 -> 128)
    bridge           = Conv3x3 128 -> 256, no ReLU, no BatchNorm
    decode_l         = block (256 -> 128, 128 -> 64, 64 -> 32, 32 -> 16), then
                       ConvTranspose2d(kernel 3, stride 2, padding 1, output_padding 1),
                       then the skip of the same level is added

The model receives raw intensities (the plugin does not normalize unless asked), and those
may be camera counts in the thousands or values in [0, 1]. A network with additive constants
serves the two ranges badly: with fixed BatchNorm statistics, inputs a thousand times
smaller than the ones that set them come out as a near-constant. (A first version trained
that way on the same mix learned the raw range and stayed at the constant answer on [0, 1]
planes.) So every additive constant is held at zero: convolution biases, BatchNorm shifts and
running means (BatchNorm keeps only its per-channel scale). The parameters are all still
there, with the same names and shapes, but the network is positively homogeneous,
f(a x) = a f(x) for a > 0, and so it behaves the same at every intensity scale; only offsets
and the shape of the intensity distribution change its answer. This is the bias-free CNN of
Mohan et al., "Robust and interpretable blind image denoising via bias-free convolutional
neural networks", ICLR 2020.

The weights come from a short training run on synthetic microscopy-like planes (cells,
membranes, nuclei, spots, filaments, uneven background; Poisson and Gaussian noise): a
temporary bias-free 1x1 convolution (16 -> 1) on top of the features learns to predict the
noise-free plane from the noisy one, in the input's units (denoising; the targets are the
simulator's noise-free planes, no real data and no labels). The loss is divided by the square
of the noisy plane's intensity range, so every plane weighs the same. Half of every batch is
in raw camera counts (offset 80 - 120, peaks 300 - 4000 above it), half is the same kind of
plane min-max scaled to [0, 1]. The head is dropped at export; only the feature extractor is
saved, in eval mode. BatchNorm scales are set once before training so that each layer's output
has a mean square of 1 on [0, 1] planes, then stay fixed (the network trains as it runs).

Everything is seeded; with the same torch build and thread count the weights are repeatable,
and with PYTHONHASHSEED fixed (the script restarts itself with 0 if it is unset) so is the file:
TorchScript writes some constants in set order, which follows string hashing.

Files: NAME-reference.pt is the trained network as written above (plain TorchScript of this
architecture; the Python original and the parity fixtures run it). NAME.pt and NAME-bf16.pt, which
the plugin runs, are made from it by export_inference.py: the same function with BatchNorm folded,
channels-last, and in bfloat16. NAME.json describes the model.

Usage:  /usr/bin/python3 models/make_model.py [--steps N] [--seed S] [--out-dir models]
"""
import os
import sys

if os.environ.get("PYTHONHASHSEED") != "0":
    os.environ["PYTHONHASHSEED"] = "0"
    os.execv(sys.executable, [sys.executable] + sys.argv)

# Before numpy and torch load OpenBLAS: one BLAS thread (ConvTranspose2d runs on it), two torch
# threads, so the run stays within two cores and sums in a fixed order.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from typing import Tuple  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

TORCH_THREADS = 2
WIDTH = 16          # k: widths k, 2k, 4k, 8k, bridge 16k
DEPTH = 4           # pooling steps
SIZE_MULTIPLE = 2 ** DEPTH
NAME = "unet16"


# ----------------------------------------------------------------------------------------------
# Architecture
# ----------------------------------------------------------------------------------------------

class ConvBlock(nn.Sequential):
    """[Conv3x3 (zero padding 1) -> ReLU -> BatchNorm] x 2; BatchNorm comes after the ReLU."""

    def __init__(self, cin: int, cout: int):
        super().__init__(
            nn.Conv2d(cin, cout, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.BatchNorm2d(cout),
            nn.Conv2d(cout, cout, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.BatchNorm2d(cout),
        )


class Encode(nn.Module):
    """A block at one resolution; returns (pooled, skip) where skip is the block's output."""

    def __init__(self, cin: int, cout: int):
        super().__init__()
        self.block = ConvBlock(cin, cout)
        self.pool = nn.MaxPool2d(kernel_size=2, stride=2)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        skip = self.block(x)
        return self.pool(skip), skip


class Decode(nn.Module):
    """A block at the coarse resolution, a 2x transposed convolution, plus the skip."""

    def __init__(self, cin: int, cout: int):
        super().__init__()
        self.block = ConvBlock(cin, cout)
        self.upsample = nn.ConvTranspose2d(cout, cout, kernel_size=3, stride=2, padding=1,
                                           output_padding=1)

    def forward(self, x: torch.Tensor, skip: torch.Tensor) -> torch.Tensor:
        return self.upsample(self.block(x)) + skip


class UNetFeatures(nn.Module):
    """(N, 1, H, W) -> (N, k, H, W); H and W multiples of 16. No normalization of the input."""

    def __init__(self, k: int = WIDTH):
        super().__init__()
        self.encode_1 = Encode(1, k)
        self.encode_2 = Encode(k, 2 * k)
        self.encode_3 = Encode(2 * k, 4 * k)
        self.encode_4 = Encode(4 * k, 8 * k)
        self.bridge = nn.Conv2d(8 * k, 16 * k, kernel_size=3, padding=1)
        self.decode_4 = Decode(16 * k, 8 * k)
        self.decode_3 = Decode(8 * k, 4 * k)
        self.decode_2 = Decode(4 * k, 2 * k)
        self.decode_1 = Decode(2 * k, k)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x, skip_1 = self.encode_1(x)
        x, skip_2 = self.encode_2(x)
        x, skip_3 = self.encode_3(x)
        x, skip_4 = self.encode_4(x)
        x = self.bridge(x)
        x = self.decode_4(x, skip_4)
        x = self.decode_3(x, skip_3)
        x = self.decode_2(x, skip_2)
        return self.decode_1(x, skip_1)


class Denoiser(nn.Module):
    """Training wrapper: the features and a temporary 1x1 head that predicts the clean plane."""

    def __init__(self, k: int = WIDTH):
        super().__init__()
        self.features = UNetFeatures(k)
        self.head = nn.Conv2d(k, 1, kernel_size=1, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x))


def make_bias_free(model):
    """Zero every additive constant and stop it from training; BatchNorm keeps its scale."""
    for mod in model.modules():
        if isinstance(mod, (nn.Conv2d, nn.ConvTranspose2d)) and mod.bias is not None:
            nn.init.zeros_(mod.bias)
            mod.bias.requires_grad_(False)
        elif isinstance(mod, nn.BatchNorm2d):
            nn.init.zeros_(mod.bias)
            mod.bias.requires_grad_(False)
            mod.running_mean.zero_()


def additive_constants(model):
    """The largest |value| among biases, BatchNorm shifts and running means (0 if bias-free)."""
    worst = 0.0
    for mod in model.modules():
        if isinstance(mod, (nn.Conv2d, nn.ConvTranspose2d, nn.BatchNorm2d)):
            for t in (mod.bias, getattr(mod, "running_mean", None)):
                if t is not None:
                    worst = max(worst, float(t.abs().max()))
    return worst


def calibrate_scales(model, planes):
    """Set each BatchNorm's running variance to the mean square of its input on `planes`, in
    forward order, so every BatchNorm output has a mean square of 1 there (gamma = 1)."""
    def pre_hook(bn, args):
        x = args[0]
        bn.running_var.copy_(x.pow(2).mean(dim=(0, 2, 3)).clamp_min(1e-4) - bn.eps)

    bns = [mod for mod in model.modules() if isinstance(mod, nn.BatchNorm2d)]
    handles = [bn.register_forward_pre_hook(pre_hook) for bn in bns]
    model.eval()
    with torch.no_grad():
        model(planes)
    for h in handles:
        h.remove()


# ----------------------------------------------------------------------------------------------
# Receptive field
# ----------------------------------------------------------------------------------------------
#
# Work backwards from one output pixel o (1D; y and x behave the same) and keep the interval
# [lo, hi] of positions it depends on, at each level l (l = 0 is full resolution):
#   - a 3x3 convolution with padding 1 widens [lo, hi] to [lo - 1, hi + 1] at its level;
#   - MaxPool 2x2 stride 2: level-(l+1) [lo, hi] comes from level-l [2 lo, 2 hi + 1];
#   - ConvTranspose2d(3, stride 2, padding 1, output_padding 1) writes output 2 i - 1 + t
#     (t = 0, 1, 2) from input i, so output o reads inputs floor(o / 2) .. ceil(o / 2);
#   - a skip addition takes the hull of both branches (the skip's reach is the smaller one).
# Along the longest path (down through the bridge, back up):
#   decode_1: convT then 2 convs at level 1     o -> [floor(o/2) - 2, ceil(o/2) + 2]
#   decode_2, decode_3, decode_4 likewise at levels 2, 3, 4; the bridge adds 1 at level 4;
#   encode_4 .. encode_1: the pool doubles (2 lo, 2 hi + 1) and 2 convs add 2 at each level.
# The usual receptive-field sum, with every rounding taken the wide way, bounds the span by
# 1 + 2(1+2+4+8) [convT] + 4(2+4+8+16) [decoder convs] + 2*16 [bridge] + (1+2+4+8) [pools]
# + 4(1+2+4+8) [encoder convs] = 258 pixels. The exact intervals are narrower (236 to 252
# pixels) but not centred on o, and which side reaches further depends on o mod 16:
#   o mod 16:  0    1    2    3    4    5    6    7    8    9   10   11   12   13   14   15
#   before:  110  111  112  113  114  115  116  117  118  119  120  121  106  107  108  109
#   after:   125  124  123  122  121  136  135  134  133  132  131  130  129  128  127  126
# so the radius (the halo that makes a 16-aligned tile exact) is 136; towards 0 it is 121.
# analytic_halo() computes this table, measure_halo() finds the same one with autograd.


def analytic_halo(depth: int = DEPTH, convs_per_block: int = 2):
    """Per alignment r = o mod 2**depth: (reach towards 0, reach towards +inf) in pixels."""

    def encoded(level, lo, hi):
        """Input interval (level-0 pixels) of encoder block `level`'s output [lo, hi]."""
        lo, hi = lo - convs_per_block, hi + convs_per_block
        if level == 0:
            return lo, hi
        return encoded(level - 1, 2 * lo, 2 * hi + 1)  # through the pooling of level - 1

    def bridged(lo, hi):
        lo, hi = lo - 1, hi + 1
        return encoded(depth - 1, 2 * lo, 2 * hi + 1)

    def decoded(level, lo, hi):
        """Input interval of the decoder output at `level` (0 = features), [lo, hi] there."""
        skip = encoded(level, lo, hi)
        clo, chi = lo // 2 - convs_per_block, -(-hi // 2) + convs_per_block
        main = bridged(clo, chi) if level + 1 == depth else decoded(level + 1, clo, chi)
        return min(skip[0], main[0]), max(skip[1], main[1])

    period = 2 ** depth
    base = 64 * period  # far from any border: only the alignment matters
    reach = []
    for r in range(period):
        o = base + r
        lo, hi = decoded(0, o, o)
        reach.append((o - lo, hi - o))
    return reach


def measure_halo(model, planes, centre=256):
    """Autograd: for each alignment r, |d out[:, :, c+r, c+r] / d input| > 0; furthest reach.

    planes: (N, 1, S, S) float32 in eval mode (samples are independent, so one backward pass
    gives every sample's gradient). Returns per r ((up, down), (left, right)).
    """
    period = SIZE_MULTIPLE
    reach = []
    for r in range(period):
        x = planes.clone().requires_grad_(True)
        out = model(x)
        p = centre + r
        out[:, :, p, p].sum().backward()
        nz = (x.grad.abs() > 0).any(dim=0).any(dim=0)  # (S, S)
        rows = torch.nonzero(nz.any(dim=1)).flatten()
        cols = torch.nonzero(nz.any(dim=0)).flatten()
        reach.append(((p - int(rows.min()), int(rows.max()) - p),
                      (p - int(cols.min()), int(cols.max()) - p)))
    return reach


# ----------------------------------------------------------------------------------------------
# Synthetic microscopy-like planes
# ----------------------------------------------------------------------------------------------

def _box(h, w, cy, cx, ry, rx):
    y0, y1 = max(0, int(cy - ry)), min(h, int(cy + ry) + 2)
    x0, x1 = max(0, int(cx - rx)), min(w, int(cx + rx) + 2)
    return y0, y1, x0, x1


def _add_cells(img, rng, n, radius, amp, ring_prob):
    """Soft-edged ellipses (cells, nuclei); some drawn as rings (membranes)."""
    h, w = img.shape
    for _ in range(n):
        cy, cx = rng.uniform(-8, h + 8), rng.uniform(-8, w + 8)
        a = rng.uniform(*radius)
        b = a * rng.uniform(0.55, 1.0)
        theta = rng.uniform(0, math.pi)
        edge = rng.uniform(0.6, 2.0)
        peak = rng.uniform(*amp)
        reach = a + 4 * edge + 3
        y0, y1, x0, x1 = _box(h, w, cy, cx, reach, reach)
        if y0 >= y1 or x0 >= x1:
            continue
        yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float64)
        dy, dx = yy - cy, xx - cx
        u = dx * math.cos(theta) + dy * math.sin(theta)
        v = -dx * math.sin(theta) + dy * math.cos(theta)
        rho = np.sqrt((u / a) ** 2 + (v / b) ** 2)
        dist = (rho - 1.0) * math.sqrt(a * b)  # approximate signed distance to the outline
        if rng.uniform() < ring_prob:
            shape = np.exp(-0.5 * (dist / edge) ** 2)
        else:
            shape = 1.0 / (1.0 + np.exp(np.clip(dist / (0.5 * edge), -40, 40)))
            # mild interior texture
            shape *= 1.0 + 0.25 * np.sin(u / rng.uniform(2, 6) + rng.uniform(0, 6)) * np.sin(
                v / rng.uniform(2, 6) + rng.uniform(0, 6))
        img[y0:y1, x0:x1] += peak * shape


def _add_spots(img, rng, n, sigma, amp):
    """Diffraction-limited spots: small Gaussians."""
    h, w = img.shape
    for _ in range(n):
        cy, cx = rng.uniform(0, h), rng.uniform(0, w)
        s = rng.uniform(*sigma)
        y0, y1, x0, x1 = _box(h, w, cy, cx, 4 * s, 4 * s)
        gy = np.exp(-0.5 * ((np.arange(y0, y1) - cy) / s) ** 2)
        gx = np.exp(-0.5 * ((np.arange(x0, x1) - cx) / s) ** 2)
        img[y0:y1, x0:x1] += rng.uniform(*amp) * np.outer(gy, gx)


def _add_filaments(img, rng, n, length, sigma, amp):
    """Smooth random curves with a Gaussian cross-section (microtubules, neurites)."""
    h, w = img.shape
    step = 0.5
    for _ in range(n):
        m = int(rng.uniform(*length) / step)
        angle = rng.uniform(0, 2 * math.pi) + np.cumsum(rng.normal(0, 0.04, m))
        pts = np.stack([np.cumsum(step * np.sin(angle)), np.cumsum(step * np.cos(angle))], 1)
        pts += np.array([rng.uniform(0, h), rng.uniform(0, w)])
        s = rng.uniform(*sigma)
        peak = rng.uniform(*amp)
        pad = 4 * s + 1
        y0, y1 = max(0, int(pts[:, 0].min() - pad)), min(h, int(pts[:, 0].max() + pad) + 1)
        x0, x1 = max(0, int(pts[:, 1].min() - pad)), min(w, int(pts[:, 1].max() + pad) + 1)
        if y0 >= y1 or x0 >= x1:
            continue
        yy, xx = np.mgrid[y0:y1, x0:x1]
        grid = np.stack([yy.ravel(), xx.ravel()], 1).astype(np.float64)
        d2 = np.full(grid.shape[0], np.inf)
        for chunk in np.array_split(pts, max(1, m // 64)):
            diff = grid[:, None, :] - chunk[None, :, :]
            d2 = np.minimum(d2, (diff ** 2).sum(-1).min(1))
        img[y0:y1, x0:x1] += peak * np.exp(-0.5 * d2 / s ** 2).reshape(yy.shape)


def clean_plane(rng, h, w):
    """Expected photon counts of one plane (no offset, no noise), float64 (h, w)."""
    area = h * w / 65536.0  # in units of a 256 x 256 plane
    signal = np.zeros((h, w))
    if rng.uniform() < 0.7:
        _add_cells(signal, rng, rng.poisson(8 * area), (12, 40), (20, 200), ring_prob=0.3)
    if rng.uniform() < 0.5:
        _add_cells(signal, rng, rng.poisson(10 * area), (4, 10), (50, 500), ring_prob=0.0)
    if rng.uniform() < 0.6:
        _add_spots(signal, rng, rng.poisson(60 * area), (0.8, 2.5), (50, 1200))
    if rng.uniform() < 0.6:
        _add_filaments(signal, rng, rng.poisson(6 * area) + 1, (30, 220), (0.6, 1.6), (40, 500))
    yy = np.linspace(-1, 1, h)[:, None]
    xx = np.linspace(-1, 1, w)[None, :]
    cy, cx = rng.uniform(-0.8, 0.8, 2)
    illumination = np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / rng.uniform(1.0, 4.0))
    g = rng.normal(0, 1, 2)
    background = rng.uniform(2, 40) * (1 + rng.uniform(0, 0.5) * (g[0] * yy + g[1] * xx) / 2)
    return np.clip(background, 0, None) + signal * illumination


def camera(rng, photons):
    """Noise-free and noisy camera counts of one plane, float64.

    A random exposure (0.03 to 1 of the photons) sets the signal-to-noise ratio, a gain maps the
    brightest expected pixel to 300 - 4000 counts above an offset of 80 - 120, read noise has a
    standard deviation of 1.5 - 6 counts; counts are rounded and clipped like uint16 data.
    """
    exposure = math.exp(rng.uniform(math.log(0.03), 0.0))
    photons = exposure * photons
    gain = math.exp(rng.uniform(math.log(300), math.log(4000))) / max(photons.max(), 1e-9)
    offset = rng.uniform(80, 120)
    read = rng.uniform(1.5, 6.0)
    expected = offset + gain * photons
    noisy = offset + gain * rng.poisson(photons) + rng.normal(0, read, photons.shape)
    return expected, np.clip(np.round(noisy), 0, 65535)


def sample(rng, photons, unit_range):
    """(input, target, scale): the noisy plane in raw counts, or min-max scaled to [0, 1]; the
    noise-free plane in the same units; the noisy plane's 0.5 - 99.5 percentile range."""
    clean, noisy = camera(rng, photons)
    if unit_range:
        lo, hi = noisy.min(), noisy.max()
        span = hi - lo if hi > lo else 1.0
        clean, noisy = (clean - lo) / span, (noisy - lo) / span
    p_lo, p_hi = np.percentile(noisy, [0.5, 99.5])
    return noisy.astype(np.float32), clean.astype(np.float32), max(p_hi - p_lo, 1e-6)


def random_crop(rng, plane, size):
    y = rng.integers(0, plane.shape[0] - size + 1)
    x = rng.integers(0, plane.shape[1] - size + 1)
    crop = plane[y:y + size, x:x + size]
    crop = np.rot90(crop, rng.integers(0, 4))
    return np.ascontiguousarray(crop[:, ::-1] if rng.uniform() < 0.5 else crop)


def batch(rng, pool, size, n):
    """n samples as tensors (inputs, targets, scales); the first half in raw counts, the second
    half in [0, 1]."""
    items = [sample(rng, random_crop(rng, pool[rng.integers(len(pool))], size), i >= n // 2)
             for i in range(n)]
    inputs = torch.from_numpy(np.stack([t[0] for t in items])[:, None])
    targets = torch.from_numpy(np.stack([t[1] for t in items])[:, None])
    scales = torch.tensor([t[2] for t in items], dtype=torch.float32)[:, None, None, None]
    return inputs, targets, scales


def scaled_mse(pred, target, scale):
    """Per-plane mean squared error in units of the plane's intensity range."""
    return ((pred - target) / scale).pow(2).flatten(1).mean(1)


# ----------------------------------------------------------------------------------------------
# Training, export, checks
# ----------------------------------------------------------------------------------------------

def evaluate(model, val):
    """Mean scaled MSE on the raw and on the [0, 1] half of the validation set."""
    inputs, targets, scales = val
    with torch.no_grad():
        loss = scaled_mse(model(inputs), targets, scales)
    half = inputs.shape[0] // 2
    return float(loss[:half].mean()), float(loss[half:].mean())


def train(model, pool, val, steps, seed, patch, batch_size, lr):
    """Adam, cosine decay of the learning rate, gradient norm clipped at 1; eval mode all along
    (BatchNorm is a fixed per-channel scale times a trained gamma)."""
    rng = np.random.default_rng(seed + 1)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.Adam(params, lr=lr)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: 0.5 * (1 + math.cos(math.pi * min(s, steps) / steps)))
    log = []
    t0 = time.perf_counter()
    running = None
    model.eval()
    for step in range(1, steps + 1):
        inputs, targets, scales = batch(rng, pool, patch, batch_size)
        loss = scaled_mse(model(inputs), targets, scales).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        sched.step()
        running = float(loss) if running is None else 0.95 * running + 0.05 * float(loss)
        if step % max(1, steps // 20) == 0 or step == steps or step == 1:
            raw, unit = evaluate(model, val)
            log.append((step, time.perf_counter() - t0, running, raw, unit))
            print("step %5d  %6.1fs  train (moving avg) %.5f  val raw %.5f  val [0,1] %.5f"
                  % log[-1], flush=True)
    return log, time.perf_counter() - t0


def check_export(features, loaded, big):
    """Checks of an exported network on planes `big` (N, 1, H, W), raw counts first, then [0, 1]:
    the file reloaded gives the eager model's output, twice the same, and is homogeneous; prints the
    features' spread and the receptive field, analytic and measured with autograd. Returns (the
    radius, the measured reach)."""
    with torch.no_grad():
        eager, ts1, ts2, scaled = features(big), loaded(big), loaded(big), loaded(big * 0.001)
    diff = float((eager - ts1).abs().max())
    peak = float(eager.abs().max())
    homog = float((scaled * 1000.0 - ts1).abs().max()) / peak
    print("eager vs scripted on 2 x 512x512: max|diff| %.3g (max|out| %.4g); repeat equal: %s; "
          "|f(x/1000) * 1000 - f(x)| / max|f(x)| = %.2g"
          % (diff, peak, bool(torch.equal(ts1, ts2)), homog))
    if diff > 1e-5 * max(1.0, peak) or not torch.equal(ts1, ts2) or homog > 1e-4:
        raise SystemExit("scripted model differs from the eager one, varies, or is not homogeneous")
    for i, what in enumerate(("raw counts", "[0,1]")):
        std = ts1[i].std(dim=(1, 2))
        print("features of a 512x512 plane in %s: input max %.4g; per-channel spatial std min "
              "%.3g median %.3g max %.3g; max|out| %.4g"
              % (what, float(big[i].max()), float(std.min()), float(std.median()),
                 float(std.max()), float(ts1[i].abs().max())))

    # Receptive field: analytic and measured.
    analytic = analytic_halo()
    r_analytic = max(max(p) for p in analytic)
    measured = measure_halo(loaded, big)
    r_measured = max(max(max(yy), max(xx)) for yy, xx in measured)
    print("receptive field radius: analytic %d, measured with autograd %d" % (r_analytic,
                                                                               r_measured))
    print("  per alignment r = o mod 16, analytic (before, after): %s" % analytic)
    print("  measured y (up, down): %s" % [m[0] for m in measured])
    print("  measured x (left, right): %s" % [m[1] for m in measured])
    if r_measured > r_analytic:
        raise SystemExit("measured reach exceeds the analytic bound: the derivation is wrong")
    return r_analytic, r_measured  # the bound; autograd can only confirm it (max pooling routes gradients)


def write_description_and_exports(out_dir, pt_path, radius, trained_on, description, effective_halo=None):
    """NAME.json for the reference network in `pt_path`, then the files the plugin runs (NAME.pt,
    folded and channels-last, and its bfloat16 variant) through export_inference.py. Without an
    effective halo the plugin measures it at the first run."""
    desc = {
        "name": NAME,
        "format": "torchscript",
        "input_channels": 1,
        "output_channels": WIDTH,
        "size_multiple": SIZE_MULTIPLE,
        "receptive_field": radius,
    }
    if effective_halo is not None:
        desc["effective_halo"] = effective_halo
    desc.update({"axes": "bcyx", "dtype": "float32", "trained_on": trained_on, "description": description})
    json_path = os.path.join(out_dir, NAME + ".json")
    with open(json_path, "w") as f:
        json.dump(desc, f, indent=2)
        f.write("\n")
    print("wrote %s" % json_path)
    subprocess.run([sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "export_inference.py"),
                    pt_path, out_dir, "--name", NAME], check=True)


def export_reference(features, out_dir):
    """Scripts the feature extractor (in eval mode, refused if an additive constant moved away from 0) to
    OUT_DIR/NAME-reference.pt and reloads it; returns (path, size in bytes, the reloaded module)."""
    features.eval()
    if additive_constants(features) != 0.0:
        raise SystemExit("an additive constant moved away from 0")
    scripted = torch.jit.script(features)
    os.makedirs(out_dir, exist_ok=True)
    pt_path = os.path.join(out_dir, NAME + "-reference.pt")
    scripted.save(pt_path)
    size = os.path.getsize(pt_path)
    print("wrote %s: %d bytes (%.2f MB), sha256 %s" % (pt_path, size, size / 1e6, sha256(pt_path)))
    loaded = torch.jit.load(pt_path)
    loaded.eval()
    return pt_path, size, loaded


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--steps", type=int, default=1200, help="training steps (default 1200)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out-dir", default=os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--patch", type=int, default=128, help="training patch size")
    ap.add_argument("--batch", type=int, default=8, help="planes per step (half raw, half [0,1])")
    ap.add_argument("--lr", type=float, default=1e-3)
    a = ap.parse_args()

    torch.set_num_threads(TORCH_THREADS)
    torch.use_deterministic_algorithms(True)
    torch.manual_seed(a.seed)
    t_start = time.perf_counter()

    rng = np.random.default_rng(a.seed)
    t0 = time.perf_counter()
    pool = [clean_plane(rng, 256, 256) for _ in range(96)]
    val_rng = np.random.default_rng(a.seed + 1000)
    val = batch(val_rng, [clean_plane(val_rng, 256, 256) for _ in range(8)], a.patch, 16)
    print("data: 96 training planes 256x256, 8 held out; %.1fs" % (time.perf_counter() - t0))

    model = Denoiser(WIDTH)
    make_bias_free(model)
    calib_rng = np.random.default_rng(a.seed + 3000)
    calibrate_scales(model, batch(calib_rng, pool, a.patch, 16)[0][8:])  # the [0, 1] half
    features = model.features
    n_params = sum(p.numel() for p in features.parameters())
    print("parameters: %d in the feature extractor (%d trained; the biases stay 0)"
          % (n_params, sum(p.numel() for p in features.parameters() if p.requires_grad)))
    with torch.no_grad():
        identity = scaled_mse(val[0], val[1], val[2])
    id_raw, id_unit = float(identity[:8].mean()), float(identity[8:].mean())
    print("identity (the noisy plane as the answer): val raw %.5f  val [0,1] %.5f"
          % (id_raw, id_unit))

    log, train_seconds = train(model, pool, val, a.steps, a.seed, a.patch, a.batch, a.lr)
    final_raw, final_unit = log[-1][3], log[-1][4]

    # Export the feature extractor alone, in eval mode, and reload it for the checks: eager vs scripted,
    # repeatability, homogeneity.
    pt_path, size, loaded = export_reference(features, a.out_dir)
    check_rng = np.random.default_rng(a.seed + 2000)
    planes = [sample(check_rng, clean_plane(check_rng, 512, 512), unit)[0]
              for unit in (False, True)]
    big = torch.from_numpy(np.stack(planes)[:, None])
    radius, _ = check_export(features, loaded, big)

    # effective_halo: the halo that keeps tiles within 1e-4 of the whole plane, as the plugin's
    # HaloMeasurement (procedure 3) measured it for the shipped weights
    write_description_and_exports(a.out_dir, pt_path, radius, ("synthetic microscopy-like 2D planes (cells, membranes, nuclei, spots, "
                           "filaments, uneven background; Poisson and Gaussian noise), half in raw "
                           "camera counts (offset 80-120, peaks 300-4000 above it), half min-max "
                           "scaled to [0, 1]; task: denoising through a temporary 1x1 head, "
                           "%d steps of %d patches %dx%d" % (a.steps, a.batch, a.patch, a.patch)),
                                  ("UNet feature extractor with segmentify's architecture (k = 16) and its "
                            "final 1x1 convolution and sigmoid removed: 16 features per pixel at full "
                            "resolution. Bias-free, so scaling the input by a > 0 scales the features "
                            "by a. Generic structure features from synthetic data, not a segmentation "
                            "model. Use normalization=percentile for data unlike the training ranges. "
                            "Made by models/make_model.py; see models/README.md."),
                                  effective_halo=48)
    print("summary: params %d, file %d bytes, training %.0fs for %d steps, val raw %.5f "
          "(identity %.5f), val [0,1] %.5f (identity %.5f), receptive field %d, total %.0fs"
          % (n_params, size, train_seconds, a.steps, final_raw, id_raw, final_unit, id_unit,
             radius, time.perf_counter() - t_start))


if __name__ == "__main__":
    main()
