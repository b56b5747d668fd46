#!/usr/bin/env python3
"""Train the default model's architecture for segmentation features: multi-task, on simulated scenes.

The same network as make_model.py (segmentify's UNet, k = 16, bias-free, 16 features out), trained
for what its features are used for, pixel classification from a user's scribbles, instead of
denoising. It learns from simulated microscopy scenes with dense ground truth (simulate.py: nuclei,
membrane-outlined cells, EM-like membranes, textured tissue, filaments and fibres, spots; an
anisotropic PSF, Poisson and read noise, random exposure, gain and offset) through temporary heads
(one per-pixel MLP on the 16 features) that are dropped at export:

    foreground, boundaries          binary cross-entropy
    inside / outside distances,     mean squared error
    thickness
    structure kind (simulate.KINDS) cross-entropy
    instance embedding (8 dims)     discriminative loss (De Brabandere et al. 2017)
    noise-free plane at sigma       mean squared error, in the patch's units
    0, 3 and 10
    ilastik's 49 filter responses   mean squared error, each response scaled to unit spread
    of the noisy input (FilterBank)

and, on the decoder's three coarse levels, 1x1 deep heads for foreground, boundaries, distances and
kind (deep supervision). Two objectives need no head: scribble tasks (`task_loss`: a ridge classifier
fitted in closed form on a few scribbled pixels of each task's classes must segment the whole patch)
and distillation (`distill_loss`: the first features each equal one of ilastik's filters, texture energies
or enclosure maps (`DistillBank`), `DISTILLED` or --distill, up to scale and offset; a distilled model is
rescaled at export so that each feature's spread is the input's, `equalize_scales`). --weights NAME=W sets any objective's weight (0 leaves it out). --init
starts the features from a TorchScript model's weights. The shipped model is a distillation from the
denoiser (models/README.md, "The shipped model", gives the command); the run measured there as "A second
training" is `train_features.py --init DENOISER.pt` with the defaults.

Each patch is divided by its 0.5-99.5 percentile span before it goes in (the network is bias-free,
so f(a x) = a f(x) and one scale is enough). Scenes and batches are drawn from seeds that depend only
on the seed, the scene's slot and the step, so a run resumed from its checkpoint (--resume) draws
what an uninterrupted one would. --export-only writes NAME-reference.pt, NAME.json and, through
export_inference.py, the files the plugin runs, from the checkpoint. models/evaluate.py measures
the result (a random forest on scribbles, against ilastik's filters); models/README.md says where
it stands.

Usage:  /usr/bin/python3 models/train_features.py [--steps N] [--resume] [--export-only] [--out-dir DIR]
"""
import os
import sys

# PYTHONHASHSEED fixes the order of some constants in the TorchScript file. The malloc settings
# keep glibc from unmapping and page-faulting again, at every step, the large activations of
# the training heads (without them a step takes 3 to 4 times as long). OMP_WAIT_POLICY=PASSIVE:
# a torch thread that waits for the other sleeps instead of spinning, which on a busy machine
# (two cores shared with other work) made each step several times slower.
_ENV = {"PYTHONHASHSEED": "0", "MALLOC_MMAP_THRESHOLD_": "1073741824",
        "MALLOC_TRIM_THRESHOLD_": "1073741824", "MALLOC_TOP_PAD_": "67108864",
        "OMP_WAIT_POLICY": "PASSIVE"}
if __name__ == "__main__" and any(os.environ.get(k) != v for k, v in _ENV.items()):
    os.environ.update(_ENV)
    os.execv(sys.executable, [sys.executable] + sys.argv)

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
from scipy import ndimage as ndi  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import simulate  # noqa: E402
from make_model import (NAME, SIZE_MULTIPLE, TORCH_THREADS, WIDTH, UNetFeatures,  # noqa: E402
                        export_reference, calibrate_scales, check_export, make_bias_free,
                        write_description_and_exports)

STEPS = 3000
# --schedule "0:7000,1500:3000,2000:4000" replays the first (4000-step, from scratch) run's decay,
# which was shortened twice while it ran; by default one cosine decay over --steps.
SCHEDULE = ""


class MultiTask(nn.Module):
    """Training wrapper: the features and temporary heads (dropped at export).

    The main head is one small per-pixel MLP (1x1 convolutions 16 -> 64 -> OUTPUTS) so the 16
    features must carry, pixel by pixel, what the targets ask for: foreground, boundaries,
    distances inside and outside structures, the structure's thickness, its kind, an instance
    embedding, the noise-free plane at three scales, and ilastik's filter responses of the noisy
    plane (FILTERS: what a classifier on classic filters sees, so the features lose none of it).
    Deep supervision: 1x1 heads on the decoder's three coarse levels predict the foreground,
    boundaries, distances and kind at their resolution, which keeps the deep path (the context
    beyond a few pixels) trained instead of letting it die.
    """

    def __init__(self, k: int = WIDTH):
        super().__init__()
        self.features = UNetFeatures(k)
        self.head = nn.Sequential(nn.Conv2d(k, 64, 1), nn.ReLU(), nn.Conv2d(64, OUTPUTS, 1))
        self.aux = nn.ModuleList([nn.Conv2d(c * k, AUX_OUTPUTS, 1) for c in (8, 4, 2)])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x))

    def forward_all(self, x: torch.Tensor):
        """(main head's output, [deep heads' outputs at 1/8, 1/4, 1/2 resolution], features)."""
        f = self.features
        x, skip_1 = f.encode_1(x)
        x, skip_2 = f.encode_2(x)
        x, skip_3 = f.encode_3(x)
        x, skip_4 = f.encode_4(x)
        x = f.bridge(x)
        d4 = f.decode_4(x, skip_4)
        d3 = f.decode_3(d4, skip_3)
        d2 = f.decode_2(d3, skip_2)
        feats = f.decode_1(d2, skip_1)
        return self.head(feats), [head(d) for head, d in zip(self.aux, (d4, d3, d2))], feats


# Head outputs (channels of MultiTask's result)
FG, BOUNDARY, INSIDE, OUTSIDE, THICK = 0, 1, 2, 3, 4
KIND0 = 5                      # 7 logits, one per simulate.KINDS
EMB0, EMB_DIM = 12, 8          # instance embedding
CLEAN0 = 20                    # noise-free plane, its Gaussian blurs at sigma 3 and 10
SMOOTHING = (0.0, 3.0, 10.0)
FILTER0 = 23                   # ilastik's 49 filter responses of the noisy input (FilterBank)
SHAPE0 = FILTER0 + 49          # the object's elongation and size, enclosed (simulate.targets 6-8)
OUTPUTS = SHAPE0 + 3
AUX_OUTPUTS = 4 + 7 + 3        # deep heads: foreground, boundary, inside, outside, kind logits, shape

# Weights of the objectives that the runs compared in models/README.md differ in (--weights)
WEIGHTS = {"kind": 1.0, "filters": 1.0, "shape": 0.0, "tasks": 0.0, "heads": 1.0, "deep": 1.0, "denoise": 1.0,
           "distill": 0.0}

# The filter responses (FilterBank's channels) that features 0 ... len(DISTILLED) - 1 reproduce themselves, one
# per feature, with --weights distill=W: ilastik's filters that a random forest on all 49 leans on most (its
# impurity importances summed over the held-out families on the validation seed 777; models/README.md), in that
# order: Gaussian at sigma 5, 0.7, 10, 3.5; Laplacian of Gaussian at 10; Gaussian at 1.6; difference of
# Gaussians at 10; both Hessian eigenvalues at 10; the smaller at 5; Gaussian at 0.3; Laplacian of Gaussian at 5.
# All are positively homogeneous in the intensity, as the bias-free network is. The other features are free.
DISTILLED = (5, 1, 6, 4, 12, 3, 24, 47, 48, 46, 0, 11)
DISTILL_PER_PATCH = False   # --distill-per-patch
DISTILL_CLEAN = False       # --distill-clean: the filters of the noise-free plane, not of the noisy input
DISTILL_EDGE = 0.0          # --distill-edge-weight: how much more the correlation counts where the plane has edges
DISTILL_SIGMAS = ()         # --distill C@SIGMA: feature i's target smoothed by a Gaussian at DISTILL_SIGMAS[i] (0: not)


class FilterBank(nn.Module):
    """ilastik's default pixel features of a (B, 1, H, W) plane, in torch (separable sampled
    Gaussian derivatives, reflected borders): Gaussian smoothing at sigma 0.3, 0.7, 1, 1.6, 3.5,
    5, 10; Laplacian of Gaussian, gradient magnitude, difference of Gaussians (sigma against
    0.66 sigma), structure-tensor eigenvalues (2) and Hessian eigenvalues (2) at 0.7 ... 10:
    49 channels, each divided by a fixed scale (set from a batch by `calibrate`)."""

    SIGMAS = (0.3, 0.7, 1.0, 1.6, 3.5, 5.0, 10.0)

    def __init__(self):
        super().__init__()
        self.register_buffer("scale", torch.ones(49))

    @staticmethod
    def _kernels(sigma):
        r = max(1, int(math.ceil(3.5 * sigma)))
        t = torch.arange(-r, r + 1, dtype=torch.float64)
        g = torch.exp(-t ** 2 / (2 * sigma ** 2))
        g = g / g.sum()
        g1 = -t / sigma ** 2 * g
        g2 = (t ** 2 / sigma ** 4 - 1 / sigma ** 2) * g
        g1 = g1 - g1.mean()          # no response to a constant
        g2 = g2 - g2.mean()
        return [k.float() for k in (g, g1, g2)], r

    @staticmethod
    def _sep(x, ky, kx, r):
        x = nn.functional.pad(x, (r, r, r, r), mode="reflect")
        x = nn.functional.conv2d(x, ky.view(1, 1, -1, 1))
        return nn.functional.conv2d(x, kx.view(1, 1, 1, -1))

    @staticmethod
    def _eig(a, b, c):
        """Eigenvalues (larger, smaller) of [[a, b], [b, c]]."""
        mean, root = (a + c) / 2, torch.sqrt(((a - c) / 2) ** 2 + b ** 2 + 1e-12)
        return mean + root, mean - root

    def raw(self, x):
        smooth, log_, grad, dog, st, hess = [], [], [], [], [], []
        for s in self.SIGMAS:
            (g, g1, g2), r = self._kernels(s)
            smooth.append(self._sep(x, g, g, r))
            if s == 0.3:
                continue
            xx, yy = self._sep(x, g, g2, r), self._sep(x, g2, g, r)
            xy = self._sep(x, g1, g1, r)
            dx, dy = self._sep(x, g, g1, r), self._sep(x, g1, g, r)
            log_.append(xx + yy)
            grad.append(torch.sqrt(dx ** 2 + dy ** 2 + 1e-12))
            (h, _, _), hr = self._kernels(0.66 * s)
            dog.append(smooth[-1] - self._sep(x, h, h, hr))
            (w, _, _), wr = self._kernels(s)   # structure tensor window: the same sigma
            # derivatives for the structure tensor at half the window's sigma
            (d0, d1, _), dr = self._kernels(max(0.3, s / 2))
            sx, sy = self._sep(x, d0, d1, dr), self._sep(x, d1, d0, dr)
            st.extend(self._eig(self._sep(sx * sx, w, w, wr), self._sep(sx * sy, w, w, wr),
                                self._sep(sy * sy, w, w, wr)))
            hess.extend(self._eig(xx, xy, yy))
        return torch.cat(smooth + log_ + grad + dog + st + hess, dim=1)

    def forward(self, x):
        return self.raw(x) / self.scale.view(1, -1, 1, 1)

    def calibrate(self, x):
        with torch.no_grad():
            f = self.raw(x)
            self.scale.copy_(f.std(dim=(0, 2, 3)).clamp_min(1e-6))


class EnergyBank(nn.Module):
    """Texture-energy and context responses of a (B, 1, H, W) plane, in probe_features.energy_bank's order (30
    channels): for sigma s in 1, 1.6, 3.5 and 5 and window t in 2 s and 4 s, the local energy of the Laplacian
    of Gaussian sqrt(G_t * LoG_s^2), that of the gradient sqrt(G_t * |grad_s|^2) and the Laplacian's local mean
    G_t * LoG_s, then the local spread sqrt(G_3s * (x - G_s x)^2); last the Gaussians at 15 and 25. Each is
    positively homogeneous of degree 1, as the network is."""

    SIGMAS = (1.0, 1.6, 3.5, 5.0)

    @staticmethod
    def _smooth(x, t):
        (g, _, _), r = FilterBank._kernels(t)
        return FilterBank._sep(x, g, g, r)

    def forward(self, x):
        out = []
        for s in self.SIGMAS:
            (g, g1, g2), r = FilterBank._kernels(s)
            lap = FilterBank._sep(x, g, g2, r) + FilterBank._sep(x, g2, g, r)
            dx, dy = FilterBank._sep(x, g, g1, r), FilterBank._sep(x, g1, g, r)
            for t in (2 * s, 4 * s):
                out.append(torch.sqrt(self._smooth(lap * lap, t) + 1e-12))
                out.append(torch.sqrt(self._smooth(dx * dx + dy * dy, t) + 1e-12))
                out.append(self._smooth(lap, t))
            d = x - FilterBank._sep(x, g, g, r)
            out.append(torch.sqrt(self._smooth(d * d, 3 * s) + 1e-12))
        for t in (15.0, 25.0):
            out.append(self._smooth(x, t))
        return torch.cat(out, dim=1)


ENCLOSURE_THRESHOLDS = (0.1, 0.2, 0.3, 0.4, 0.5)
ENCLOSURE0 = 79      # DistillBank's first enclosure channel
ENCLOSURES = 2
COHERENCE0 = ENCLOSURE0 + ENCLOSURES   # DistillBank's first coherence channel (81)
COHERENCES = 6
BANK_CHANNELS = COHERENCE0 + COHERENCES  # 87
TARGETS = 9          # simulate.targets' channels; the enclosure maps follow them in a batch's truth


def coherence(x, sigmas=FilterBank.SIGMAS[1:]):
    """How strongly oriented the plane is around each pixel, at each of `sigmas` (float (B, len(sigmas), H, W)): the
    structure tensor's eigenvalues l1 >= l2 (FilterBank's, window sigma s, derivatives at s / 2) as
    (l1 - l2) / (l1 + l2), from 0 where no direction dominates (a round spot, isotropic texture) to 1 along a line or
    an edge (a rod, a fibre, the flank of an elongated cell). Independent of the intensity's scale and offset, as the
    enclosure maps are; the difference of the eigenvalues is taken from the tensor's entries, without FilterBank's
    1e-12 under the root, and the sum is kept above a hundredth of its mean over the patch: a background whose
    gradients are a blur's faint tails reads as unoriented, as no camera's plane could show them otherwise."""
    out = []
    for s in sigmas:
        (w, _, _), wr = FilterBank._kernels(s)
        (d0, d1, _), dr = FilterBank._kernels(max(0.3, s / 2))
        sx, sy = FilterBank._sep(x, d0, d1, dr), FilterBank._sep(x, d1, d0, dr)
        a, b, c = (FilterBank._sep(v, w, w, wr) for v in (sx * sx, sx * sy, sy * sy))
        trace = a + c
        floor = 1e-2 * trace.mean(dim=(2, 3), keepdim=True) + 1e-30
        out.append(torch.sqrt((a - c) ** 2 + 4 * b ** 2) / torch.maximum(trace, floor))
    return torch.cat(out, dim=1).clamp(0, 1)


def enclosure_maps(plane):
    """What bright outlines enclose, in a plane of any units (float32 (2, h, w)): the plane smoothed at sigma 1.5 and
    mapped from its 1-99.5 percentiles to [0, 1] is thresholded at each of ENCLOSURE_THRESHOLDS; a pixel below a
    threshold that no path of such pixels joins to the plane's edge is enclosed there (a hole of the mask). Channel 0
    is the share of thresholds at which the pixel is enclosed, channel 1 whether it is at 0.3; both smoothed at
    sigma 1. A morphological answer to 'is this inside something', which no local filter gives: the lumen of a ring
    of cells, the inside of a vesicle or of an outlined cell, against the same darkness outside."""
    g = ndi.gaussian_filter(np.asarray(plane, np.float64), 1.5)
    lo, hi = np.percentile(g, (1, 99.5))
    g = (g - lo) / (hi - lo if hi > lo else 1.0)
    holes = []
    for t in ENCLOSURE_THRESHOLDS:
        mask = g > t
        holes.append(ndi.binary_fill_holes(mask) & ~mask)
    soft = np.mean(holes, axis=0)
    return np.stack([ndi.gaussian_filter(soft, 1.0),
                     ndi.gaussian_filter(holes[ENCLOSURE_THRESHOLDS.index(0.3)].astype(np.float64), 1.0)]
                    ).astype(np.float32)


class DistillBank(nn.Module):
    """What the distillation matches: FilterBank's 49 channels (0-48), then EnergyBank's 30 (49-78) when a distilled
    channel is one of them (the energies cost a step more than the filters, so they are computed only then), then
    the two enclosure maps (79-80, `enclosure_maps` of the noise-free patch, drawn with the batch: `distill_targets`),
    then the coherence at FilterBank's six sigmas (81-86, `coherence`, added by `distill_targets`)."""

    def __init__(self, energies):
        super().__init__()
        self.filters = FilterBank()
        self.energies = EnergyBank() if energies else None

    def forward(self, x):
        f = self.filters(x)
        return f if self.energies is None else torch.cat([f, self.energies(x)], dim=1)

    def calibrate(self, x):
        self.filters.calibrate(x)


# ----------------------------------------------------------------------------------------------
# Training data: simulated scenes (simulate.py) through a random microscope and camera
# ----------------------------------------------------------------------------------------------

SCENE = 256          # scenes are drawn at SCENE x SCENE (--scene)
POOL = 1000          # scenes held at a time
REFRESH_EVERY = 100  # steps between refreshes of REFRESH_SLOTS scenes
REFRESH_SLOTS = 25
MARGIN = 16          # blurred with a margin, then cropped
MAX_OFFSET = 3.0     # the camera offset's largest ratio to the signal's span (simulate.image; --max-offset)
FAMILY_WEIGHTS = None  # --family-weights: how often each of simulate.FAMILIES is drawn (None: all equally often)


def scene_entry(seed, slot, version):
    rng = np.random.default_rng([seed, slot, version])
    family = None if FAMILY_WEIGHTS is None else simulate.FAMILIES[rng.choice(len(FAMILY_WEIGHTS), p=FAMILY_WEIGHTS)]
    signal, instances, kinds, family = simulate.scene(rng, SCENE, family)
    return signal, instances, kinds, simulate.targets(instances, kinds)


def slot_version(slot, step):
    """How many refreshes have replaced `slot` by `step` (refresh j, at step j * REFRESH_EVERY,
    replaces slots (j - 1) * REFRESH_SLOTS ... j * REFRESH_SLOTS - 1, modulo POOL)."""
    refreshes = step // REFRESH_EVERY
    passes, rest = divmod(refreshes * REFRESH_SLOTS, POOL)
    return passes + (1 if slot < rest else 0)


def sample(rng, entry, patch):
    """(input, truth, clean): one augmented crop in canonical units (the noisy plane divided by
    its 0.5-99.5 percentile span), its targets (6, p, p), kinds and instances, and the noise-free
    plane at SMOOTHING's scales in the same units."""
    signal, instances, kinds, tg = entry
    size = patch + 2 * MARGIN
    y, x = rng.integers(0, SCENE - size + 1, 2)
    expected, noisy = simulate.image(rng, signal[y:y + size, x:x + size], MAX_OFFSET)
    cut = (slice(MARGIN, MARGIN + patch),) * 2
    lo, hi = np.percentile(noisy, [0.5, 99.5])
    if rng.uniform() < 0.15:  # as normalization=percentile gives it: the low end at 0
        shift = lo
    else:
        shift = 0.0
    span = hi - lo if hi > lo else 1.0
    clean = [expected if s == 0 else ndi.gaussian_filter(expected, s) for s in SMOOTHING]
    clean = np.stack([(c[cut] - shift) / span for c in clean])
    inp = ((noisy[cut] - shift) / span)[None]
    ys, xs = slice(y + MARGIN, y + MARGIN + patch), slice(x + MARGIN, x + MARGIN + patch)
    truth = tg[:, ys, xs]
    if max(DISTILLED) >= ENCLOSURE0:  # of the noise-free patch the network sees, not of the scene around it
        truth = np.concatenate([truth, enclosure_maps(expected[cut])])
    k, inst = kinds[ys, xs], instances[ys, xs]
    rot, flip = rng.integers(4), rng.uniform() < 0.5

    def aug(a):
        a = np.rot90(a, rot, axes=(-2, -1))
        return np.ascontiguousarray(a[..., ::-1] if flip else a)

    return aug(inp), aug(truth), aug(k), aug(inst), aug(clean)


def make_batch(rng, pool, patch, n):
    items = [sample(rng, pool[rng.integers(len(pool))], patch) for _ in range(n)]
    inp = torch.from_numpy(np.stack([t[0] for t in items]).astype(np.float32))
    truth = torch.from_numpy(np.stack([t[1] for t in items]))
    kinds = torch.from_numpy(np.stack([t[2] for t in items]).astype(np.int64))
    inst = torch.from_numpy(np.stack([np.unique(t[3], return_inverse=True)[1].reshape(t[3].shape)
                                      for t in items]).astype(np.int64))
    clean = torch.from_numpy(np.stack([t[4] for t in items]).astype(np.float32))
    return inp, truth, kinds, inst, clean


# ----------------------------------------------------------------------------------------------
# Losses
# ----------------------------------------------------------------------------------------------

def embedding_loss(emb, inst, pull_margin=0.5, push_margin=1.5):
    """Discriminative loss (De Brabandere et al. 2017): pixels near their instance's mean,
    instance means apart. emb (b, d, h, w), inst (b, h, w) consecutive ids from 0."""
    total = emb.new_zeros(())
    for e, ids in zip(emb, inst):
        e = e.flatten(1)                       # (d, n)
        ids = ids.flatten()
        k = int(ids.max()) + 1
        counts = torch.bincount(ids, minlength=k).clamp_min(1).to(e.dtype)
        means = torch.zeros(e.shape[0], k, dtype=e.dtype).index_add_(1, ids, e) / counts
        dist = (e - means[:, ids]).norm(dim=0)
        pull = torch.zeros(k, dtype=e.dtype).index_add_(0, ids, (dist - pull_margin).clamp_min(0) ** 2)
        loss = (pull / counts).mean()
        if k > 1:
            pair = torch.cdist(means.t(), means.t())
            off = ~torch.eye(k, dtype=torch.bool)
            loss = loss + ((2 * push_margin - pair[off]).clamp_min(0) ** 2).mean()
        total = total + loss + 1e-3 * means.norm(dim=0).mean()
    return total / emb.shape[0]


def shape_loss(pred, truth):
    """The object's elongation and size (mean squared error on structures) and enclosure (binary
    cross-entropy); pred (b, 3, h, w) against simulate.targets 6-8."""
    mask = truth[:, 5]
    n = mask.sum().clamp_min(1)
    return (5 * (((pred[:, 0] - truth[:, 6]) ** 2 * mask).sum() + ((pred[:, 1] - truth[:, 7]) ** 2 * mask).sum()) / n
            + nn.functional.binary_cross_entropy_with_logits(pred[:, 2], truth[:, 8]))


# ----------------------------------------------------------------------------------------------
# Scribble tasks: the features judged as a classifier on a user's scribbles judges them
# ----------------------------------------------------------------------------------------------

TASKS_PER_PATCH = 2
STROKE_RADIUS = 5     # a scribble is a few discs of this radius inside its class
PER_CLASS = 96        # scribbled pixels kept per class


def _split(values, ids, fg):
    """Classes 0 (background), 1 (objects whose value is at most the median of the objects'),
    2 (the others); None where fewer than two objects differ."""
    objs = np.unique(ids[fg])
    if len(objs) < 4:
        return None
    per = np.array([values[ids == o].mean() for o in objs])
    cut = np.median(per)
    if (per > cut).sum() < 2 or (per <= cut).sum() < 2:
        return None
    high = np.isin(ids, objs[per > cut]) & fg
    return np.where(fg, np.where(high, 2, 1), 0)


def make_task(rng, truth, kinds, inst, clean):
    """A segmentation task of one patch, as a user poses it: a class map (p, p) of 2-4 classes
    drawn from the scene's truth, and scribbles (flat indices and classes) inside it. The kinds
    of task: what structures are (the simulator's kinds, some merged); objects split by shape or
    by size (same brightness, other form); outside, outlines and what they enclose; texture
    regions; and brightness levels of the noise-free plane at a random scale (so the features
    keep the fine intensity detail a forest needs)."""
    fg = truth[0] > 0.5
    classes = None
    for _ in range(4):
        kind = rng.integers(6)
        if kind == 0:
            present = [k for k in np.unique(kinds) if (kinds == k).sum() >= 30]
            if len(present) >= 2:
                merge = rng.integers(0, 3, size=int(kinds.max()) + 1) if len(present) > 3 else np.arange(int(kinds.max()) + 1)
                classes = merge[kinds]
        elif kind == 1:
            classes = _split(truth[6], inst, fg & (kinds != simulate.MEMBRANE))
        elif kind == 2:
            classes = _split(truth[7], inst, fg & (kinds != simulate.MEMBRANE))
        elif kind == 3:
            outline = truth[1] > 0.5
            enclosed = truth[8] > 0.5
            if outline.sum() >= 30 and enclosed.sum() >= 30:
                classes = np.where(outline, 1, np.where(enclosed | fg, 2, 0))
        elif kind == 4:
            tex = kinds == simulate.TEXTURE
            ids, counts = np.unique(inst[tex], return_counts=True)
            if len(ids) >= 2:
                keep = ids[np.argsort(counts)[::-1][:3]]
                classes = np.full(inst.shape, -1)
                for c, i in enumerate(keep):
                    classes[inst == i] = c
        else:
            plane = clean[rng.integers(clean.shape[0])]
            levels = 2 + rng.integers(2)
            cuts = np.quantile(plane, np.linspace(0, 1, levels + 1)[1:-1])
            classes = np.digitize(plane, cuts)
        if classes is not None and len([c for c in np.unique(classes) if c >= 0 and (classes == c).sum() >= 20]) >= 2:
            break
        classes = None
    if classes is None:
        return None
    classes = np.asarray(classes, np.int64)
    picks, labels = [], []
    remap = {}
    for c in np.unique(classes):
        if c < 0:
            continue
        mask = classes == c
        if mask.sum() < 20:
            classes[mask] = -1
            continue
        core = ndi.binary_erosion(mask, iterations=2)
        if core.sum() < 10:
            core = mask
        ys, xs = np.nonzero(core)
        chosen = np.zeros(mask.shape, bool)
        for _ in range(rng.integers(2, 5)):
            i = rng.integers(len(ys))
            y0, x0 = ys[i], xs[i]
            y1, x1 = max(0, y0 - STROKE_RADIUS), x0 - STROKE_RADIUS
            chosen[y1:y0 + STROKE_RADIUS + 1, max(0, x1):x0 + STROKE_RADIUS + 1] = True
        idx = np.flatnonzero(chosen & core)
        if len(idx) > PER_CLASS:
            idx = rng.choice(idx, PER_CLASS, replace=False)
        remap[int(c)] = len(remap)
        picks.append(idx)
        labels.append(np.full(len(idx), remap[int(c)]))
    if len(remap) < 2:
        return None
    lut = np.full(int(classes.max()) + 2, -1)
    for c, r in remap.items():
        lut[c] = r
    classes = np.where(classes >= 0, lut[np.clip(classes, 0, None)], -1)
    return (torch.from_numpy(classes.ravel()), torch.from_numpy(np.concatenate(picks)),
            torch.from_numpy(np.concatenate(labels)), len(remap))


def make_tasks(rng, truth, kinds, inst, clean):
    """TASKS_PER_PATCH tasks for each patch of a batch (numpy side)."""
    t, k, i, c = (x.numpy() for x in (truth, kinds, inst, clean))
    return [[task for task in (make_task(rng, t[b], k[b], i[b], c[b]) for _ in range(TASKS_PER_PATCH))
             if task is not None] for b in range(t.shape[0])]


def task_loss(features, tasks, ridge=1.0, temperature=4.0):
    """How well a classifier fitted on each task's scribbles alone segments the whole patch.

    The classifier is a ridge regression from the features (standardized over the patch),
    their squares and a constant to the classes' one-hot codes, solved in closed
    form, so the loss reaches the features through the fit: features that let a few scribbled
    pixels separate the classes everywhere score well. Cross-entropy of the scaled scores,
    each class weighing the same (as the mean IoU weighs them)."""
    total, n = features.new_zeros(()), 0
    for f, patch_tasks in zip(features, tasks):
        flat = f.flatten(1).t()                                    # (pixels, 16)
        # standardized over the patch (a forest does not care for a feature's scale; the fit should not either)
        mean, std = flat.mean(0), flat.std(0) + 1e-3 * (flat.abs().mean() + 1e-6)
        for classes, idx, labels, k in patch_tasks:
            x = flat[idx]

            def expand(v):
                z = ((v - mean) / std).clamp(-8, 8)
                return torch.cat([z, z * z / 4, torch.ones_like(z[:, :1])], 1)
            xe = expand(x)
            target = nn.functional.one_hot(labels, k).to(xe.dtype)
            gram = xe.t() @ xe + ridge * torch.eye(xe.shape[1], dtype=xe.dtype)
            w = torch.linalg.solve(gram, xe.t() @ target)
            keep = classes >= 0
            scores = expand(flat[keep]) @ w
            truth = classes[keep]
            counts = torch.bincount(truth, minlength=k).clamp_min(1).to(xe.dtype)
            ce = nn.functional.cross_entropy(temperature * scores, truth, reduction="none")
            total = total + (torch.zeros(k, dtype=xe.dtype).index_add_(0, truth, ce) / counts).mean()
            n += 1
    return total / max(n, 1)


def distill_loss(features, filters, per_patch=False, weights=None):
    """1 - the correlation of feature i with filter response DISTILLED[i], averaged over the distilled features:
    each feature must be its filter up to a scale and an offset (which a random forest does not see), whatever
    the network's output magnitude. The correlation is taken over the batch's pixels, or with `per_patch` over
    each patch's pixels and then averaged: then patches whose camera offsets differ do not make the offset the
    main thing to match (a forest compares the planes of one acquisition, whose offset is the same). With
    `weights` (batch, 1, h, w), each pixel counts as much as its weight (`edge_weights`)."""
    n = len(DISTILLED)
    filters = smoothed_targets(filters[:, list(DISTILLED)], DISTILL_SIGMAS)
    if per_patch:
        f = features[:, :n].flatten(2)
        t = filters.flatten(2)
        w = None if weights is None else weights.flatten(2)
    else:
        f = features[:, :n].transpose(0, 1).flatten(1)
        t = filters.transpose(0, 1).flatten(1)
        w = None if weights is None else weights.transpose(0, 1).flatten(1)
    if w is None:
        f = f - f.mean(-1, keepdim=True)
        t = t - t.mean(-1, keepdim=True)
        r = (f * t).sum(-1) / (f.norm(dim=-1) * t.norm(dim=-1) + 1e-8)
        return (1 - r).mean()
    total = w.sum(-1, keepdim=True)
    f = f - (w * f).sum(-1, keepdim=True) / total
    t = t - (w * t).sum(-1, keepdim=True) / total
    r = (w * f * t).sum(-1) / ((w * f * f).sum(-1).sqrt() * (w * t * t).sum(-1).sqrt() + 1e-8)
    return (1 - r).mean()


def gaussian_blur(x, sigma):
    """x (b, c, h, w) smoothed by a Gaussian at sigma (truncated at 3 sigma, borders reflected), separably."""
    r = max(1, int(math.ceil(3 * sigma)))
    k = torch.exp(-torch.arange(-r, r + 1, dtype=x.dtype, device=x.device) ** 2 / (2 * sigma ** 2))
    k = (k / k.sum()).view(1, 1, 1, -1).expand(x.shape[1], 1, 1, -1)
    x = nn.functional.pad(x, (r, r, r, r), mode="reflect")
    x = nn.functional.conv2d(x, k, groups=x.shape[1])
    return nn.functional.conv2d(x, k.transpose(2, 3), groups=x.shape[1])


def smoothed_targets(t, sigmas):
    """The distilled targets t (b, n, h, w), each channel i with sigmas[i] > 0 smoothed at that sigma (--distill C@SIGMA):
    what a forest gains from a response averaged over a neighbourhood (a noisy map of what outlines enclose, mostly)
    and what the network reproduces with less of the camera's noise."""
    if not any(sigmas):
        return t
    out = list(t.unbind(1))
    for i, sigma in enumerate(sigmas):
        if sigma > 0:
            out[i] = gaussian_blur(t[:, i:i + 1], sigma)[:, 0]
    return torch.stack(out, 1)


def edge_weights(clean, alpha):
    """Per pixel, 1 + alpha times the noise-free plane's gradient magnitude (at sigma 1.5) over its mean in the patch:
    with alpha > 0 the distillation counts most where the plane has edges, where a forest's decisions between
    classes lie and where a feature's last few per cent of error moves them (--distill-edge-weight)."""
    x = nn.functional.pad(gaussian_blur(clean[:, :1], 1.5), (1, 1, 1, 1), mode="replicate")
    gx = (x[:, :, 1:-1, 2:] - x[:, :, 1:-1, :-2]) / 2
    gy = (x[:, :, 2:, 1:-1] - x[:, :, :-2, 1:-1]) / 2
    g = (gx * gx + gy * gy).sqrt()
    return 1 + alpha * g / g.mean((2, 3), keepdim=True).clamp_min(1e-12)


def distill_targets(bank, inp, truth, clean):
    """DistillBank's channels for a batch: the filters (and energies) of distill_source, then, where a distilled
    channel asks for them, the enclosure maps that make_batch put behind the truth's TARGETS channels and the
    coherence of distill_source at those of FilterBank's six sigmas that are distilled (channels 81-86)."""
    source = distill_source(inp, clean)
    f = bank(source)
    if max(DISTILLED) >= ENCLOSURE0:
        if f.shape[1] != ENCLOSURE0:
            raise ValueError("the enclosure maps follow DistillBank's 79 filters and energies; got %d" % f.shape[1])
        f = torch.cat([f, truth[:, TARGETS:TARGETS + ENCLOSURES]], dim=1)
    if max(DISTILLED) >= COHERENCE0:
        # only the sigmas distilled (the others stay 0): the coarse ones cost most, and each batch pays for them
        wanted = sorted({c - COHERENCE0 for c in DISTILLED if c >= COHERENCE0})
        coh = source.new_zeros((source.shape[0], COHERENCES) + tuple(source.shape[2:]))
        coh[:, wanted] = coherence(source, [FilterBank.SIGMAS[1 + i] for i in wanted])
        f = torch.cat([f, coh], dim=1)
    return f


def distill_source(inp, clean):
    """The plane whose filter responses the distillation (and the filters head) match: the noisy input, or with
    --distill-clean the noise-free plane in the same units (the features must then denoise before they filter)."""
    return clean[:, :1] if DISTILL_CLEAN else inp


def equalize_scales(features, x):
    """Rescale each feature so that its spread over the planes `x` (the spatial standard deviation per plane, the
    median over the planes) is the input's. The correlation the distillation trains leaves each feature's scale
    free; a trained network's outputs came out tens of times the input's magnitude, and in the filters' own units
    they would span a factor of 700 (a Hessian eigenvalue at sigma 10 against a Gaussian), where rounding relative
    to a chunk's largest value (the output's keep_bits, float16) would erase the small ones. Equal spreads keep
    every feature as precise as the input and near its magnitude. Exact: the output channel c is decode_1's
    transposed-convolution channel c plus encode_1's skip channel c, so c's transposed-convolution weights and the
    skip's BatchNorm scale are multiplied by the factor and encode_2's first convolution divides its input
    channel c by it (max pooling commutes with a positive factor). Returns the factors."""
    features.eval()   # fixed BatchNorm statistics: in training mode a forward pass would move them
    with torch.no_grad():
        f = features(x).flatten(2).double()
        spread = x.flatten(2).double().std(-1)
        factors = (spread / f.std(-1).clamp_min(1e-30)).median(0).values
        k = factors.float()
        features.decode_1.upsample.weight.mul_(k.view(1, -1, 1, 1))
        features.encode_1.block[5].weight.mul_(k)
        features.encode_2.block[0].weight.div_(k.view(1, -1, 1, 1))
    return factors


def deep_losses(aux, truth, kinds, weights=WEIGHTS):
    """The deep heads' objectives: each head's logits are upsampled to the patch (bilinear)."""
    bce = nn.functional.binary_cross_entropy_with_logits
    total = truth.new_zeros(())
    for a in aux:
        a = nn.functional.interpolate(a, size=truth.shape[-2:], mode="bilinear",
                                      align_corners=False)
        total = total + (bce(a[:, 0], truth[:, 0])
                         + bce(a[:, 1], truth[:, 1], pos_weight=torch.tensor(4.0))
                         + 5 * (nn.functional.mse_loss(a[:, 2], truth[:, 2])
                                + nn.functional.mse_loss(a[:, 3], truth[:, 3]))
                         + weights["kind"] * nn.functional.cross_entropy(a[:, 4:11], kinds)
                         + (weights["shape"] * shape_loss(a[:, 11:14], truth) if weights["shape"] else 0))
    return 0.5 * total / len(aux)


def losses(out, truth, kinds, inst, clean, filters, aux=None, weights=WEIGHTS, features=None, tasks=None):
    """Each training objective, as a dict of scalars (an objective of weight 0 is left out)."""
    bce = nn.functional.binary_cross_entropy_with_logits
    mask = truth[:, 5]
    thick = ((out[:, THICK] - truth[:, 4]) ** 2 * mask).sum() / mask.sum().clamp_min(1)
    return {
        **({"fg": weights["heads"] * bce(out[:, FG], truth[:, 0]),
            "boundary": weights["heads"] * bce(out[:, BOUNDARY], truth[:, 1], pos_weight=torch.tensor(4.0)),
            "distances": weights["heads"] * 5 * (nn.functional.mse_loss(out[:, INSIDE], truth[:, 2])
                                                 + nn.functional.mse_loss(out[:, OUTSIDE], truth[:, 3]) + thick),
            "embedding": weights["heads"] * embedding_loss(out[:, EMB0:EMB0 + EMB_DIM], inst)} if weights["heads"] else {}),
        **({"kind": weights["kind"] * nn.functional.cross_entropy(out[:, KIND0:KIND0 + len(simulate.KINDS)], kinds)}
           if weights["kind"] else {}),
        **({"denoise": weights["denoise"] * 10 * nn.functional.mse_loss(out[:, CLEAN0:CLEAN0 + len(SMOOTHING)], clean)}
           if weights["denoise"] else {}),
        **({"distill": weights["distill"] * distill_loss(features, filters, DISTILL_PER_PATCH,
                                                         edge_weights(clean, DISTILL_EDGE) if DISTILL_EDGE > 0 else None)}
           if weights["distill"] else {}),
        **({"filters": weights["filters"] * nn.functional.mse_loss(out[:, FILTER0:SHAPE0], filters[:, :49])}
           if weights["filters"] else {}),
        **({"shape": weights["shape"] * shape_loss(out[:, SHAPE0:SHAPE0 + 3], truth)} if weights["shape"] else {}),
        **({"deep": weights["deep"] * deep_losses(aux, truth, kinds, weights)} if aux is not None and weights["deep"] else {}),
        **({"tasks": weights["tasks"] * task_loss(features, tasks)} if weights["tasks"] and tasks else {}),
    }


# ----------------------------------------------------------------------------------------------
# Training, export, checks
# ----------------------------------------------------------------------------------------------

def evaluate(model, val, weights=WEIGHTS):
    with torch.no_grad():
        parts = []
        for b in val:
            out, aux, feats = model.forward_all(b[0])
            parts.append(losses(out, *b[1:6], aux=aux, weights=weights, features=feats, tasks=b[6]))
    return {k: sum(float(p[k]) for p in parts) / len(parts) for k in parts[0]}


def step_scales(named):
    """Each parameter tensor's magnitude against a balanced network's (1 for a BatchNorm scale, He's sqrt(2 / fan_in)
    for a convolution's weights) where that is off by more than a factor of 10 either way, else 1. An exported model
    is not balanced: equalize_scales multiplies the last layers' output channels by factors near 1e-7 and divides
    the next level's input by them (a network started from the denoiser and trained on correlations, whose scale
    is free, had drifted by 1e6-1e9 before that). Adam's steps are absolute, of the order of the learning rate:
    the first would scramble a tensor of magnitude 1e-9 and never move one of 1e13."""
    scales = []
    for name, p in named:
        if name.endswith("bias"):
            scales.append(1.0)
            continue
        rms = float(p.detach().double().pow(2).mean().sqrt())
        ref = 1.0 if p.dim() == 1 else math.sqrt(2.0 / p[0].numel())
        r = rms / ref
        scales.append(r if rms > 0 and not 0.1 <= r <= 10 else 1.0)
    return scales


def train(model, a, checkpoint):
    """Adam with a short warm-up and cosine decay, gradient norm clipped at 1, eval mode all
    along (BatchNorm is a fixed per-channel scale times a trained gamma). Each parameter tensor steps
    relative to its magnitude (step_scales: Adam on w / s, whose gradient is s times w's and whose learning
    rate is s times the others'), so that a network started from an export trains as the balanced one it
    computes the same as. Checkpoints every a.checkpoint_every steps; a run started again with --resume
    goes on from the last one with the same scenes and batches it would have drawn."""
    named = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    params = [p for _, p in named]
    warm = 100
    phases = schedule(a.schedule, a.steps)

    def rate(s):
        length = [n for start, n in phases if start <= s][-1]
        return min(1.0, (s + 1) / warm) * 0.5 * (1 + math.cos(math.pi * min(s, length) / length))

    start, log, elapsed, state = 0, [], 0.0, None
    if a.resume and os.path.exists(checkpoint):
        state = torch.load(checkpoint)
        if len(state["optimizer"]["param_groups"]) != len(params):
            raise SystemExit("--resume: %s was written by a version of this script that stepped all parameters "
                             "alike (%d parameter groups, not one per tensor); export its network with --export-only "
                             "and start from that with --init" % (checkpoint, len(state["optimizer"]["param_groups"])))
        model.load_state_dict(state["model"])
        start, log, elapsed = state["step"], state["log"], state["seconds"]

    t0 = time.perf_counter()
    pool = [scene_entry(a.seed, i, slot_version(i, start)) for i in range(POOL)]
    print("scene pool: %d scenes of %dx%d in %.0fs" % (POOL, SCENE, SCENE, time.perf_counter() - t0),
          flush=True)
    val_rng = np.random.default_rng([a.seed, 1000])
    val_pool = [scene_entry(a.seed + 1000, i, 0) for i in range(48)]
    val = [make_batch(val_rng, val_pool, a.patch, 8) for _ in range(4)]
    bank = DistillBank(energies=max(DISTILLED) >= 49)
    assert len(val[0][1][0]) == TARGETS + (ENCLOSURES if max(DISTILLED) >= ENCLOSURE0 else 0)
    bank.calibrate(torch.cat([b[0] for b in val]))
    task_rng = np.random.default_rng([a.seed, 1001])
    with torch.no_grad():
        val = [(*b, distill_targets(bank, b[0], b[1], b[4]), make_tasks(task_rng, *b[1:])) for b in val]
    if start == 0:
        if a.init:
            # the network as trained, BatchNorm scales included: calibrating them again on these batches
            # would change what every layer computes (measured: the denoiser's held-out score fell from
            # 0.68 to 0.45 on three families before a single step)
            model.features.load_state_dict(torch.jit.load(a.init).state_dict())
            print("features initialised from %s" % a.init, flush=True)
        else:
            calibrate_scales(model.features, val[0][0])

    scales = state["step_scales"] if state is not None and "step_scales" in state else step_scales(named)
    off = [(n, s) for (n, p), s in zip(named, scales) if s != 1.0]
    if off:
        print("steps relative to magnitude for %d tensors: %s" % (len(off), ", ".join(
            "%s %.1e" % kv for kv in off)), flush=True)
    opt = torch.optim.Adam([{"params": [p], "lr": a.lr * s} for p, s in zip(params, scales)], lr=a.lr)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, rate)
    if state is not None:
        opt.load_state_dict(state["optimizer"])
        sched.load_state_dict(state["scheduler"])
        print("resumed at step %d (%.0fs of training so far)" % (start, elapsed), flush=True)

    model.eval()
    running = None
    t0 = time.perf_counter() - elapsed
    for step in range(start + 1, a.steps + 1):
        if step % REFRESH_EVERY == 0:
            j = step // REFRESH_EVERY
            for i in range(REFRESH_SLOTS):
                slot = ((j - 1) * REFRESH_SLOTS + i) % POOL
                pool[slot] = scene_entry(a.seed, slot, slot_version(slot, step))
        rng = np.random.default_rng([a.seed, 7, step])
        inp, *rest = make_batch(rng, pool, a.patch, a.batch)
        with torch.no_grad():
            filters = (distill_targets(bank, inp, rest[0], rest[3]) if a.weights["filters"] or a.weights["distill"]
                       else None)
        tasks = make_tasks(np.random.default_rng([a.seed, 11, step]), *rest) if a.weights["tasks"] else None
        out, aux, feats = model.forward_all(inp)
        parts = losses(out, *rest, filters, aux=aux, weights=a.weights, features=feats, tasks=tasks)
        loss = sum(parts.values())
        opt.zero_grad(set_to_none=True)
        loss.backward()
        for p, s in zip(params, scales):
            if s != 1.0 and p.grad is not None:
                p.grad.mul_(s)
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        sched.step()
        running = float(loss) if running is None else 0.98 * running + 0.02 * float(loss)
        if step % a.log_every == 0 or step == a.steps or step == start + 1:
            v = evaluate(model, val, a.weights)
            log.append({"step": step, "seconds": time.perf_counter() - t0, "train": running,
                        "val": v})
            print("step %6d  %7.0fs  train %.4f  val %s" % (
                step, log[-1]["seconds"], running,
                "  ".join("%s %.4f" % kv for kv in v.items())), flush=True)
        if step % a.checkpoint_every == 0 or step == a.steps:
            torch.save({"model": model.state_dict(), "optimizer": opt.state_dict(),
                        "scheduler": sched.state_dict(), "step": step, "log": log, "step_scales": scales,
                        "seconds": time.perf_counter() - t0}, checkpoint + ".tmp")
            os.replace(checkpoint + ".tmp", checkpoint)
    return log, time.perf_counter() - t0


def schedule(text, steps):
    """The cosine decay's length by phase: "0:7000,1500:3000" decays over 7000 steps from step 0 and
    over 3000 from step 1500 on (the learning rate at step s is the cosine of s / length). Without
    phases, one decay over all the steps."""
    if not text:
        return [(0, steps)]
    phases = sorted((int(a), int(b)) for a, b in (p.split(":") for p in text.split(",")))
    if phases[0][0] != 0 or phases[-1][1] != steps:
        raise SystemExit("--schedule must start at step 0 and its last length must be --steps")
    return phases


def parse_weights(text):
    """WEIGHTS with the NAME=W pairs of `text` (comma-separated) in place."""
    weights = dict(WEIGHTS)
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, value = part.partition("=")
        if name not in weights:
            raise SystemExit("--weights: unknown objective %r (known: %s)" % (name, ", ".join(weights)))
        weights[name] = float(value)
    return weights


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def check_planes(seed):
    """Two 512 x 512 planes for the export checks: raw camera counts and min-max scaled."""
    rng = np.random.default_rng([seed, 2000])
    planes = []
    for unit in (False, True):
        signal = simulate.scene(rng, 512, "membranes" if unit else "nuclei")[0]
        noisy = simulate.image(rng, signal)[1]
        if unit:
            noisy = (noisy - noisy.min()) / max(noisy.max() - noisy.min(), 1e-9)
        planes.append(noisy.astype(np.float32))
    return torch.from_numpy(np.stack(planes)[:, None])


def main():
    global MAX_OFFSET, DISTILLED, DISTILL_SIGMAS, DISTILL_PER_PATCH, DISTILL_CLEAN, DISTILL_EDGE, FAMILY_WEIGHTS, SCENE
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--steps", type=int, default=STEPS, help="training steps (default %d)" % STEPS)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out-dir", default=os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--patch", type=int, default=192, help="training patch size")
    ap.add_argument("--scene", type=int, default=SCENE,
                    help="size of the simulated scenes the patches are cut from (default %d; at least the patch plus "
                         "%d pixels of margin on each side)" % (SCENE, MARGIN))
    ap.add_argument("--batch", type=int, default=6, help="patches per step")
    ap.add_argument("--lr", type=float, default=3e-4)
    ap.add_argument("--schedule", default=SCHEDULE,
                    help="phases START:LENGTH of the cosine decay (default %s; empty: one decay over "
                         "--steps)" % SCHEDULE)
    ap.add_argument("--init", default=None,
                    help="start the features from this TorchScript model's weights (e.g. "
                         "models/unet16-reference.pt, the denoiser) instead of at random")
    ap.add_argument("--weights", default="",
                    help="NAME=W,...: weights of the objectives, 0 leaves one out (default %s; the third training: "
                         "kind=0,filters=0,shape=1; the fourth: kind=0,filters=0,heads=0.2,deep=0,tasks=5; the fifth: "
                         "kind=0,filters=0,heads=0,deep=0,denoise=0,tasks=1,distill=10)"
                         % ",".join("%s=%g" % kv for kv in WEIGHTS.items()))
    ap.add_argument("--log-every", type=int, default=250)
    ap.add_argument("--checkpoint-every", type=int, default=250)
    ap.add_argument("--checkpoint", default=None,
                    help="checkpoint file (default OUT_DIR/training/checkpoint.pt)")
    ap.add_argument("--resume", action="store_true", help="go on from the checkpoint")
    ap.add_argument("--train-only", action="store_true", help="stop after training")
    ap.add_argument("--effective-halo", type=int, default=None,
                    help="the halo that keeps tiles within 1e-4 of the whole plane, as the plugin measures it "
                         "(written to NAME.json; without it the plugin measures it at the first run)")
    ap.add_argument("--max-offset", type=float, default=MAX_OFFSET,
                    help="the camera offset's largest ratio to the signal's span (default %g; evaluate.py's dimmest "
                         "stacks reach about 9)" % MAX_OFFSET)
    ap.add_argument("--distill", default=None,
                    help="comma-separated DistillBank channels that features 0, 1, ... reproduce: 0-48 FilterBank's, 49-78 "
                         "EnergyBank's, 79-80 the enclosure maps, 81-86 the coherence at sigma 0.7, 1, 1.6, 3.5, 5 and 10 "
                         "(default: DISTILLED); C@SIGMA: channel C smoothed by a Gaussian at SIGMA pixels")
    ap.add_argument("--distill-per-patch", action="store_true",
                    help="the distillation's correlation per patch instead of over the batch")
    ap.add_argument("--distill-edge-weight", type=float, default=0.0, metavar="ALPHA",
                    help="the distillation's correlation weighted by 1 + ALPHA x the noise-free plane's gradient "
                         "magnitude over its patch mean (default 0: every pixel alike)")
    ap.add_argument("--distill-clean", action="store_true",
                    help="distil the filters of the noise-free plane (the simulator's expected counts), not of the noisy input")
    ap.add_argument("--family-weights", default=None,
                    help="NAME=W,...: how often the scenes are drawn from each of simulate.FAMILIES (%s), relative to "
                         "each other; a family not named keeps weight 1 (default: all equally often)"
                         % ", ".join(simulate.FAMILIES))
    ap.add_argument("--export-only", action="store_true",
                    help="export the checkpoint's network without training")
    a = ap.parse_args()
    a.weights = parse_weights(a.weights)
    if not a.max_offset > 0.005:
        raise SystemExit("--max-offset: the largest offset must be above the smallest drawn, 0.005 times the "
                         "signal's span; got %g" % a.max_offset)
    MAX_OFFSET = a.max_offset
    if a.scene < a.patch + 2 * MARGIN:
        raise SystemExit("--scene: a %d-pixel patch is cut with %d pixels of margin on each side from scenes of at "
                         "least %d pixels; got %d" % (a.patch, MARGIN, a.patch + 2 * MARGIN, a.scene))
    SCENE = a.scene
    if a.distill:
        try:
            items = [c.partition("@") for c in a.distill.split(",")]
            DISTILLED = tuple(int(c) for c, _, _ in items)
            DISTILL_SIGMAS = tuple(float(sg) if sg else 0.0 for _, _, sg in items)
        except ValueError:
            raise SystemExit("--distill: comma-separated DistillBank channel numbers (0-%d), each with @SIGMA to "
                             "smooth its response, got %r" % (BANK_CHANNELS - 1, a.distill))
        if not all(0 <= sg <= 32 for sg in DISTILL_SIGMAS):
            raise SystemExit("--distill: a smoothing sigma of 0-32 pixels, got %r" % a.distill)
        if len(DISTILLED) > WIDTH or not all(0 <= c < BANK_CHANNELS for c in DISTILLED):
            raise SystemExit("--distill: at most %d DistillBank channels of 0-%d (0-48 FilterBank's, 49-78 "
                             "EnergyBank's, 79-80 the enclosure maps, 81-86 the coherence), got %r"
                             % (WIDTH, BANK_CHANNELS - 1, a.distill))
    if a.family_weights:
        weights = dict.fromkeys(simulate.FAMILIES, 1.0)
        try:
            for item in a.family_weights.split(","):
                name, w = item.split("=")
                if name not in weights:
                    raise ValueError
                weights[name] = float(w)
        except ValueError:
            raise SystemExit("--family-weights: NAME=W,... with NAME one of %s and W >= 0, got %r"
                             % (", ".join(simulate.FAMILIES), a.family_weights))
        if min(weights.values()) < 0 or sum(weights.values()) <= 0:
            raise SystemExit("--family-weights: weights >= 0, not all 0, got %r" % a.family_weights)
        FAMILY_WEIGHTS = np.array(list(weights.values())) / sum(weights.values())
    DISTILL_PER_PATCH = a.distill_per_patch
    DISTILL_CLEAN = a.distill_clean
    DISTILL_EDGE = a.distill_edge_weight
    torch.set_num_threads(TORCH_THREADS)
    torch.manual_seed(a.seed)
    t_start = time.perf_counter()
    checkpoint = a.checkpoint or os.path.join(a.out_dir, "training", "checkpoint.pt")
    os.makedirs(os.path.dirname(checkpoint), exist_ok=True)

    model = MultiTask(WIDTH)
    make_bias_free(model.features)
    features = model.features
    n_params = sum(p.numel() for p in features.parameters())
    print("parameters: %d in the feature extractor (%d trained; the biases stay 0)"
          % (n_params, sum(p.numel() for p in features.parameters() if p.requires_grad)), flush=True)

    if a.export_only:
        # the network's weights as they are (the optimizer's groups only set each tensor's step, whichever version
        # of this script wrote them)
        state = torch.load(checkpoint)
        model.load_state_dict(state["model"])
        log, train_seconds, steps = state["log"], state["seconds"], state["step"]
    else:
        log, train_seconds = train(model, a, checkpoint)
        steps = a.steps
    with open(os.path.join(os.path.dirname(checkpoint), "log.json"), "w") as f:
        json.dump({"steps": steps, "seconds": train_seconds, "seed": a.seed, "patch": a.patch,
                   "batch": a.batch, "lr": a.lr, "log": log}, f, indent=1)
    if a.train_only:
        return

    # Export the feature extractor alone, in eval mode, and reload it for the checks: eager vs scripted,
    # repeatability, homogeneity.
    init_sha = sha256(a.init) if a.init else None   # before the export replaces a file of that name
    if a.weights["distill"]:
        pool = [scene_entry(a.seed + 3000, i, 0) for i in range(8)]
        x = make_batch(np.random.default_rng([a.seed, 3000]), pool, a.patch, 8)[0]
        factors = equalize_scales(features, x)
        print("features rescaled to the input's spread by %s" % np.array2string(
            factors.numpy(), precision=3), flush=True)
    pt_path, size, loaded = export_reference(features, a.out_dir)
    big = check_planes(a.seed)
    radius, reach = check_export(features, loaded, big)

    objectives = {
        "heads": "per-pixel heads for foreground, boundaries, inside and outside distances, thickness and an "
                 "instance embedding",
        "kind": "the structure kind", "denoise": "denoising at three scales", "filters": "ilastik's 49 filters "
        "through a head", "shape": "the object's elongation, size and enclosure", "deep": "deep supervision",
        "distill": "features 0-%d reproducing %d responses one each (correlation%s): %d of ilastik's filters, %d texture "
                   "energies, %d maps of what bright outlines enclose, %d of how oriented the plane is, of the %s" % (
                       len(DISTILLED) - 1, len(DISTILLED), " per patch" if DISTILL_PER_PATCH else "",
                       sum(c < 49 for c in DISTILLED), sum(49 <= c < ENCLOSURE0 for c in DISTILLED),
                       sum(ENCLOSURE0 <= c < COHERENCE0 for c in DISTILLED), sum(c >= COHERENCE0 for c in DISTILLED),
                       "noise-free plane" if DISTILL_CLEAN else "noisy input"),
        "tasks": "scribble tasks (a ridge classifier fitted on a few scribbled pixels of each patch's classes "
                 "segments the whole patch)"}
    used = [text for name, text in objectives.items() if a.weights.get(name)]
    write_description_and_exports(a.out_dir, pt_path, radius, (
        "simulated microscopy scenes with dense ground truth (models/simulate.py: nuclei, membrane-outlined cells, "
        "EM-like membranes, textured tissue, filaments and fibres, spots; anisotropic blur, Poisson and read noise, "
        "random exposure, gain and offset); started from %s; objectives: %s (weights %s); heads removed at export; "
        "%d steps of %d patches %dx%d" % (
            "the weights of %s (sha256 %s...)" % (os.path.basename(a.init), init_sha[:12]) if a.init else "random weights",
            "; ".join(used),
            ", ".join("%s %g" % kv for kv in a.weights.items() if kv[1]), steps, a.batch, a.patch, a.patch)),
        ("UNet feature extractor with segmentify's architecture (k = 16) and its final 1x1 convolution and sigmoid "
         "removed: 16 features per pixel at full resolution, trained for pixel classification. Bias-free, so scaling "
         "the input by a > 0 scales the features by a. Made by models/train_features.py; see models/README.md."),
        effective_halo=a.effective_halo)
    print("summary: params %d, file %d bytes, training %.0fs for %d steps, receptive field %d, "
          "total %.0fs" % (n_params, size, train_seconds, steps, radius,
                           time.perf_counter() - t_start))


if __name__ == "__main__":
    main()
