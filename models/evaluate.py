#!/usr/bin/env python3
"""How good are a model's features for segmentation? A random forest on sparse scribbles.

For each held-out task family, a few stacks of planes are drawn (each stack shares one
acquisition: object sizes, brightness, noise, offset; its planes are independent layouts), with
three classes of ground truth per pixel. A user's scribbles are simulated on two planes (a few
short strokes per class, away from class edges). The same random forest (scikit-learn, 100
trees) is trained on the scribbled pixels with

  - each model's 16 features (the network run on the raw plane, as `bin/featurize` runs it by
    default), and
  - ilastik's filter set (scikit-image): Gaussian smoothing at sigma 0.3, 0.7, 1, 1.6, 3.5, 5, 10;
    Laplacian of Gaussian, gradient magnitude, difference of Gaussians, structure-tensor
    eigenvalues (2) and Hessian eigenvalues (2) at sigma 0.7 - 10: 49 features,

and scored on the other planes of the stack by the mean over classes of the intersection over
union. The families and their generators are written here only: none is used in training
(simulate.py), so the table measures how the features carry over to scenes the network never
saw.

    /usr/bin/python3 models/evaluate.py                       # the shipped model vs the filters
    /usr/bin/python3 models/evaluate.py --model new=models/training/checkpoint.pt \\
        --model old=/tmp/unet16-old.pt --stacks 3 --markdown table.md

A model is a TorchScript file or a training checkpoint of train_features.py. `--previews DIR` also
writes pictures of the features (their first three principal components as RGB) of images that
ship with scikit-image.
"""
import argparse
import math
import os
import sys
import time

import numpy as np
from scipy import ndimage as ndi

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

HERE = os.path.dirname(os.path.abspath(__file__))
PLANE = 256
PLANES = 6          # per stack: 2 scribbled, 4 scored
TRAIN_PLANES = (0, 1)


# ----------------------------------------------------------------------------------------------
# Held-out scene generators: (signal, labels) with labels 0, 1, 2 (class 0 is the background or
# the first region)
# ----------------------------------------------------------------------------------------------

def _grid():
    return np.mgrid[0:PLANE, 0:PLANE].astype(np.float64)


def _capsule(yy, xx, y0, x0, length, radius, angle):
    """Distance from a segment (a rod's axis) minus the radius: <= 0 inside a capsule."""
    dy, dx = math.sin(angle), math.cos(angle)
    t = np.clip((yy - y0) * dy + (xx - x0) * dx, -length / 2, length / 2)
    return np.hypot(yy - (y0 + t * dy), xx - (x0 + t * dx)) - radius


def _place(rng, occupied, mask):
    if (mask & occupied).any() or not mask.any():
        return False
    occupied |= ndi.binary_dilation(mask, iterations=2)
    return True


def bacteria(rng, p):
    """Rods and cocci of the same brightness: classes background, rod, coccus."""
    yy, xx = _grid()
    sig, lab = np.zeros((PLANE, PLANE)), np.zeros((PLANE, PLANE), np.uint8)
    occ = np.zeros((PLANE, PLANE), bool)
    for _ in range(p["count"]):
        y0, x0 = rng.uniform(8, PLANE - 8, 2)
        r = p["radius"] * rng.uniform(0.85, 1.15)
        if rng.uniform() < 0.5:
            m = _capsule(yy, xx, y0, x0, rng.uniform(2.5, 5) * r, r, rng.uniform(0, math.pi)) <= 0
            c = 1
        else:  # a coccus, sometimes a diplococcus
            m = np.hypot(yy - y0, xx - x0) <= r
            if rng.uniform() < 0.4:
                a = rng.uniform(0, 2 * math.pi)
                m2 = np.hypot(yy - y0 - 2.1 * r * math.sin(a), xx - x0 - 2.1 * r * math.cos(a)) <= r
                m = m | m2
            c = 2
        if _place(rng, occ, m):
            lab[m] = c
            sig[m] = rng.lognormal(0, 0.25)
    return sig, lab


def vesicles(rng, p):
    """Filled granules and hollow vesicles (a bright rim around a lumen as dark as the
    background): classes background, granule, vesicle (rim and lumen)."""
    yy, xx = _grid()
    sig, lab = np.zeros((PLANE, PLANE)), np.zeros((PLANE, PLANE), np.uint8)
    occ = np.zeros((PLANE, PLANE), bool)
    for _ in range(p["count"]):
        y0, x0 = rng.uniform(0, PLANE, 2)
        d = np.hypot((yy - y0) * p["squash"], xx - x0)
        if rng.uniform() < 0.5:
            r = rng.uniform(4, 9)
            m = d <= r
            if _place(rng, occ, m):
                lab[m] = 1
                sig[m] = rng.lognormal(0, 0.2)
        else:
            r = rng.uniform(7, 15)
            m = d <= r
            if _place(rng, occ, m):
                lab[m] = 2
                sig += rng.lognormal(0, 0.2) * np.exp(-0.5 * ((d - r + 1) / p["rim"]) ** 2)
    return sig, lab


def cytoplasm(rng, p):
    """Cells with a dim, punctate cytoplasm and a bright nucleus: classes background,
    cytoplasm, nucleus."""
    yy, xx = _grid()
    sig, lab = np.zeros((PLANE, PLANE)), np.zeros((PLANE, PLANE), np.uint8)
    occ = np.zeros((PLANE, PLANE), bool)
    for _ in range(p["count"]):
        y0, x0 = rng.uniform(0, PLANE, 2)
        ang = np.arctan2(yy - y0, xx - x0)
        rad = p["cell"] * (1 + sum(rng.uniform(0, 0.25) / k * np.cos(k * ang + rng.uniform(0, 6))
                                   for k in range(1, 5)))
        cell = np.hypot(yy - y0, xx - x0) <= rad
        if not _place(rng, occ, cell):
            continue
        off = rng.uniform(0, 0.3 * p["cell"], 2)
        rn = p["cell"] * rng.uniform(0.3, 0.45)
        nuc = (np.hypot((yy - y0 - off[0]) / 1.2, xx - x0 - off[1]) <= rn) & cell
        lab[cell] = 1
        lab[nuc] = 2
        puncta = np.zeros((PLANE, PLANE))
        k = int(cell.sum() * 0.01)
        ys, xs = np.nonzero(cell)
        i = rng.integers(len(ys), size=k)
        puncta[ys[i], xs[i]] = 1
        puncta = ndi.gaussian_filter(puncta, 1.0) * 6
        sig += np.where(cell & ~nuc, p["dim"] * (1 + puncta), 0) + np.where(nuc, 1.0, 0)
    return sig, lab


def neurons(rng, p):
    """Somata and their branching neurites, equally bright: classes background, soma, neurite."""
    yy, xx = _grid()
    sig = np.zeros((PLANE, PLANE))
    lab = np.zeros((PLANE, PLANE), np.uint8)
    for _ in range(p["count"]):
        y0, x0 = rng.uniform(20, PLANE - 20, 2)
        r = p["soma"] * rng.uniform(0.8, 1.2)
        soma = np.hypot((yy - y0) / rng.uniform(0.7, 1.3), xx - x0) <= r
        tips = [(y0, x0, rng.uniform(0, 2 * math.pi)) for _ in range(rng.integers(2, 5))]
        lines = np.zeros((PLANE, PLANE), bool)
        while tips:
            y, x, a = tips.pop()
            for _ in range(int(rng.uniform(30, 110))):
                a += rng.normal(0, 0.12)
                y, x = y + math.sin(a), x + math.cos(a)
                if not (0 <= y < PLANE and 0 <= x < PLANE):
                    break
                lines[int(y), int(x)] = True
                if rng.uniform() < 0.006 and len(tips) < 6:
                    tips.append((y, x, a + rng.choice([-1, 1]) * rng.uniform(0.4, 1.0)))
        d = ndi.distance_transform_edt(~lines)
        neurite = (d <= p["width"]) & ~soma
        sig = np.maximum(sig, np.where(soma, 1.0, 0) + np.where(neurite, np.exp(-0.5 * (d / p["width"]) ** 2), 0) * 0.9)
        lab[neurite & (lab == 0)] = 2
        lab[soma] = 1
    return sig, lab


def _worley(rng, scale):
    pts = rng.uniform(0, PLANE, (int(PLANE * PLANE / scale ** 2), 2))
    from scipy.spatial import cKDTree
    yy, xx = _grid()
    d, _ = cKDTree(pts).query(np.stack([yy.ravel(), xx.ravel()], 1), k=2)
    return (d[:, 1] - d[:, 0]).reshape(PLANE, PLANE)


def _fractal(rng):
    f = np.fft.fftfreq(PLANE)
    k = np.hypot(f[:, None], f[None, :])
    k[0, 0] = 1
    spec = (rng.normal(size=(PLANE, PLANE)) + 1j * rng.normal(size=(PLANE, PLANE))) / k ** 1.3
    spec[0, 0] = 0
    return np.real(np.fft.ifft2(spec))


def _lattice(rng, spacing):
    img = np.zeros((PLANE, PLANE))
    for y in np.arange(0, PLANE, spacing * 0.866):
        shift = spacing / 2 if int(y / (spacing * 0.866)) % 2 else 0
        for x in np.arange(shift, PLANE, spacing):
            yj, xj = y + rng.normal(0, 0.8), x + rng.normal(0, 0.8)
            if 0 <= yj < PLANE and 0 <= xj < PLANE:
                img[int(yj), int(xj)] = 1
    return ndi.gaussian_filter(img, 1.0)


def textures(rng, p):
    """Three regions of equal mean brightness that differ only by texture: cellular (Worley),
    fractal (1/f) and a jittered dot lattice."""
    field = ndi.gaussian_filter(rng.normal(size=(PLANE, PLANE)), p["region"])
    q = np.quantile(field, [1 / 3, 2 / 3])
    lab = np.digitize(field, q).astype(np.uint8)
    tex = [_worley(rng, p["scale"]), _fractal(rng), _lattice(rng, p["scale"] * 0.8)]
    sig = np.zeros((PLANE, PLANE))
    for c, t in enumerate(tex):
        t = (t - t.mean()) / t.std()
        sig = np.where(lab == c, 1.0 + p["contrast"] * t, sig)
    return np.clip(sig, 0, None), lab


def organoid(rng, p):
    """An epithelial ring of cells (bright membranes, dim cytoplasm) around a lumen as dark as
    the outside: classes outside, epithelium, lumen."""
    yy, xx = _grid()
    cy, cx = rng.uniform(0.35, 0.65, 2) * PLANE
    r_out = p["radius"] * rng.uniform(0.9, 1.1)
    r_in = r_out - p["thickness"]
    stretch = rng.uniform(0.8, 1.25)
    rho = np.hypot((yy - cy) * stretch, (xx - cx) / stretch)
    ang = np.arctan2(yy - cy, xx - cx)
    wob = 1 + sum(rng.uniform(0, 0.06) * np.cos(k * ang + rng.uniform(0, 6)) for k in (2, 3, 5))
    rho = rho / wob
    epi = (rho >= r_in) & (rho <= r_out)
    lumen = rho < r_in
    n = max(6, int(2 * math.pi * (r_in + r_out) / 2 / p["cell"]))
    sector = ((ang + math.pi) / (2 * math.pi) * n + 0.3 * np.sin(3 * ang)) % 1
    membrane = epi & ((np.minimum(sector, 1 - sector) * 2 * math.pi * rho / n < 1.0)
                      | (np.abs(rho - r_in) < 1.2) | (np.abs(rho - r_out) < 1.2))
    sig = np.where(epi, p["dim"], 0.0) + np.where(membrane, 1.0, 0.0)
    lab = np.where(epi, 1, np.where(lumen, 2, 0)).astype(np.uint8)
    return sig, lab


def mitochondria(rng, p):
    """EM-like: a bright granular cytosol crossed by thin dark membranes, and darker elongated
    mitochondria with cristae: classes cytosol, membrane, mitochondrion."""
    yy, xx = _grid()
    sig = 1 + 0.15 * ndi.gaussian_filter(rng.normal(size=(PLANE, PLANE)), 1.0) * 3
    lab = np.zeros((PLANE, PLANE), np.uint8)
    lines = np.zeros((PLANE, PLANE), bool)
    for _ in range(p["membranes"]):
        y, x, a = rng.uniform(0, PLANE), rng.uniform(0, PLANE), rng.uniform(0, 2 * math.pi)
        for _ in range(300):
            a += rng.normal(0, 0.05)
            y, x = y + math.sin(a), x + math.cos(a)
            if 0 <= y < PLANE and 0 <= x < PLANE:
                lines[int(y), int(x)] = True
    d = ndi.distance_transform_edt(~lines)
    mem = d <= 1.5
    sig = sig * (1 - 0.6 * np.exp(-0.5 * (d / 1.2) ** 2))
    lab[mem] = 1
    occ = ndi.binary_dilation(mem, iterations=2)
    for _ in range(p["count"]):
        y0, x0 = rng.uniform(0, PLANE, 2)
        a = rng.uniform(0, math.pi)
        length, r = rng.uniform(10, 40), rng.uniform(5, 9)
        dist = _capsule(yy, xx, y0, x0, length, r, a)
        m = dist <= 0
        if not _place(rng, occ, m):
            continue
        along = (yy - y0) * math.sin(a) + (xx - x0) * math.cos(a)
        cristae = 0.5 + 0.5 * np.cos(along * 2 * math.pi / rng.uniform(4, 7))
        inside = 0.55 - 0.15 * cristae
        sig = np.where(m, inside * (1 + 0.1 * rng.normal(size=sig.shape)), sig)
        sig = np.where(np.abs(dist + 0.8) < 0.9, 0.3, sig)
        lab[m] = 2
    return np.clip(sig, 0, None), lab


FAMILIES = {
    "bacteria": (bacteria, lambda r: {"count": int(r.uniform(40, 90)), "radius": r.uniform(3, 5)}),
    "vesicles": (vesicles, lambda r: {"count": int(r.uniform(40, 90)), "squash": r.uniform(0.8, 1.2),
                                      "rim": r.uniform(0.8, 1.5)}),
    "cytoplasm": (cytoplasm, lambda r: {"count": int(r.uniform(8, 16)), "cell": r.uniform(22, 36),
                                        "dim": r.uniform(0.12, 0.3)}),
    "neurons": (neurons, lambda r: {"count": int(r.uniform(3, 6)), "soma": r.uniform(8, 14),
                                    "width": r.uniform(1.0, 2.0)}),
    "textures": (textures, lambda r: {"region": r.uniform(12, 25), "scale": r.uniform(5, 10),
                                      "contrast": r.uniform(0.25, 0.5)}),
    "organoid": (organoid, lambda r: {"radius": r.uniform(70, 105), "thickness": r.uniform(18, 30),
                                      "cell": r.uniform(9, 16), "dim": r.uniform(0.15, 0.35)}),
    "mitochondria": (mitochondria, lambda r: {"membranes": int(r.uniform(3, 8)), "count": int(r.uniform(6, 14))}),
}


def acquire(rng, signals, cam, noise_free=False):
    """Camera counts of a stack of signals: Gaussian PSF plus a faint wide halo, background,
    Poisson noise, gain, offset, read noise, uint16 rounding. With `noise_free`, the expected counts
    instead (no noise, no rounding; nothing is drawn from `rng`)."""
    out = []
    for s in signals:
        b = ndi.gaussian_filter(s, cam["psf"]) * 0.9 + ndi.gaussian_filter(s, 4 * cam["psf"]) * 0.1
        photons = (b / max(s.max(), 1e-9) + cam["background"]) * cam["photons"]
        if noise_free:
            out.append((cam["offset"] + cam["gain"] * photons).astype(np.float32))
            continue
        counts = cam["offset"] + cam["gain"] * rng.poisson(photons) + rng.normal(0, cam["read"], s.shape)
        out.append(np.clip(np.round(counts), 0, 65535).astype(np.float32))
    return np.stack(out)


def stack(family, seed, noise_free=False):
    """(camera counts (z, y, x), labels (z, y, x), camera) of one stack; with `noise_free`, the same
    scenes and camera as expected counts, as an oracle's input (probe_features.py --oracle)."""
    rng = np.random.default_rng([seed, sum(map(ord, family))])
    make, params = FAMILIES[family]
    p = params(rng)
    cam = {"psf": rng.uniform(0.7, 1.8), "background": rng.uniform(0.02, 0.2),
           "photons": math.exp(rng.uniform(math.log(15), math.log(400))),
           "gain": rng.uniform(0.8, 3), "offset": rng.uniform(90, 110), "read": rng.uniform(1, 4)}
    scenes = [make(rng, p) for _ in range(PLANES)]
    return (acquire(rng, [s[0] for s in scenes], cam, noise_free), np.stack([s[1] for s in scenes]),
            cam)


# ----------------------------------------------------------------------------------------------
# Scribbles
# ----------------------------------------------------------------------------------------------

def scribbles(rng, labels, strokes=3, length=30):
    """Sparse labels of one plane (0 = none, c + 1 = class c): a few short strokes per class,
    drawn inside each class at least 2 pixels from its edge where the class is that wide, on its
    skeleton otherwise."""
    from skimage.morphology import skeletonize
    out = np.zeros(labels.shape, np.uint8)
    for c in np.unique(labels):
        mask = labels == c
        core = ndi.binary_erosion(mask, iterations=2)
        if core.sum() < 20:
            core = skeletonize(mask)
        ys, xs = np.nonzero(core)
        if len(ys) == 0:
            continue
        for _ in range(strokes):
            i = rng.integers(len(ys))
            y, x, a = float(ys[i]), float(xs[i]), rng.uniform(0, 2 * math.pi)
            for _ in range(length):
                iy, ix = int(round(y)), int(round(x))
                if not (0 <= iy < labels.shape[0] and 0 <= ix < labels.shape[1]) or not core[iy, ix]:
                    # turn towards any core neighbour, else stop
                    nb = [(iy + dy, ix + dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1)
                          if 0 <= iy + dy < labels.shape[0] and 0 <= ix + dx < labels.shape[1]
                          and core[iy + dy, ix + dx] and out[iy + dy, ix + dx] == 0]
                    if not nb:
                        break
                    iy, ix = nb[rng.integers(len(nb))]
                    y, x = float(iy), float(ix)
                    a = rng.uniform(0, 2 * math.pi)
                out[iy, ix] = c + 1
                a += rng.normal(0, 0.3)
                y, x = y + math.sin(a), x + math.cos(a)
    return out


# ----------------------------------------------------------------------------------------------
# Features
# ----------------------------------------------------------------------------------------------

SIGMAS = (0.7, 1.0, 1.6, 3.5, 5.0, 10.0)


def _eigenvalues(a, b, c):
    """Both eigenvalues of the symmetric 2 x 2 matrices [[a, b], [b, c]], larger first."""
    mean, root = (a + c) / 2, np.sqrt(((a - c) / 2) ** 2 + b * b)
    return [mean + root, mean - root]


def filter_features(plane):
    """ilastik's filter set on one plane: (49, h, w) float32. Derivatives are Gaussian
    derivatives at the filter's sigma; the structure tensor averages the gradient's products at
    half the sigma (vigra's inner and outer scales, as ilastik uses them)."""
    img = plane.astype(np.float64)
    out = [ndi.gaussian_filter(img, 0.3)]
    for s in SIGMAS:
        g = ndi.gaussian_filter(img, s)
        gy = ndi.gaussian_filter(img, s, order=(1, 0))
        gx = ndi.gaussian_filter(img, s, order=(0, 1))
        out.append(g)
        out.append(ndi.gaussian_laplace(img, s))
        out.append(np.hypot(gy, gx))
        out.append(g - ndi.gaussian_filter(img, 0.66 * s))
        out.extend(_eigenvalues(ndi.gaussian_filter(gy * gy, 0.5 * s),
                                ndi.gaussian_filter(gy * gx, 0.5 * s),
                                ndi.gaussian_filter(gx * gx, 0.5 * s)))
        out.extend(_eigenvalues(ndi.gaussian_filter(img, s, order=(2, 0)),
                                ndi.gaussian_filter(img, s, order=(1, 1)),
                                ndi.gaussian_filter(img, s, order=(0, 2))))
    return np.stack(out).astype(np.float32)


class Network:
    """A feature model: a TorchScript file, or a train_features.py checkpoint (its feature
    extractor). With a `margin`, each plane is mirrored that many pixels beyond every edge (rounded up
    to 16) before the network, as `bin/featurize --margin` does."""

    def __init__(self, path, margin=0):
        self.margin = -(-margin // 16) * 16
        import torch
        torch.set_num_threads(2)
        self.torch = torch
        if path.endswith(".pt") and _is_checkpoint(path):
            sys.path.insert(0, HERE)
            import train_features
            model = train_features.MultiTask()
            train_features.make_bias_free(model.features)
            state = torch.load(path)["model"]
            model.features.load_state_dict({k[len("features."):]: v for k, v in state.items()
                                            if k.startswith("features.")})
            self.net = model.features.eval()
        else:
            self.net = torch.jit.load(path).eval()

    def __call__(self, plane):
        h, w = plane.shape
        ph, pw, m = -h % 16, -w % 16, self.margin
        x = np.pad(plane, ((m, m + ph), (m, m + pw)), mode="reflect")
        with self.torch.no_grad():
            f = self.net(self.torch.from_numpy(np.ascontiguousarray(x, np.float32))[None, None])
        return f[0, :, m:m + h, m:m + w].numpy()


def _is_checkpoint(path):
    import zipfile
    try:
        with zipfile.ZipFile(path) as z:
            return not any(n.endswith("constants.pkl") for n in z.namelist())
    except zipfile.BadZipFile:
        return False


# ----------------------------------------------------------------------------------------------
# Scoring
# ----------------------------------------------------------------------------------------------

def mean_iou(truth, pred, classes):
    ious = []
    for c in classes:
        t, p = truth == c, pred == c
        union = (t | p).sum()
        if union:
            ious.append((t & p).sum() / union)
    return float(np.mean(ious))


def score(features, labels, scrib, seed, trees=100, depth=None):
    """Train a random forest on the scribbled pixels of the training planes; mean IoU on the
    others. features: (z, c, h, w)."""
    from sklearn.ensemble import RandomForestClassifier
    xs, ys = [], []
    for z in TRAIN_PLANES:
        m = scrib[z] > 0
        xs.append(features[z][:, m].T)
        ys.append(scrib[z][m] - 1)
    rf = RandomForestClassifier(n_estimators=trees, max_depth=depth, n_jobs=2, random_state=seed)
    rf.fit(np.concatenate(xs), np.concatenate(ys))
    test = [z for z in range(len(labels)) if z not in TRAIN_PLANES]
    classes = np.unique(labels)
    ious = []
    for z in test:
        c, h, w = features[z].shape
        pred = rf.predict(features[z].reshape(c, -1).T).reshape(h, w)
        ious.append(mean_iou(labels[z], pred, classes))
    return float(np.mean(ious))


def classify_with_launcher(launcher, raw, scrib, work, args=()):
    """bin/featurize classify on one stack: the raw planes and the scribbles written as Zarr (t, z, y, x), the
    labels read back. Returns (z, y, x) class indices (scribble value - 1)."""
    import shutil
    import subprocess
    import zarr
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    zarr.save_array(os.path.join(work, "in.zarr"), raw[None].astype(np.float32), chunks=(1, 1) + raw.shape[1:])
    zarr.save_array(os.path.join(work, "labels.zarr"), scrib[None], chunks=(1, 1) + raw.shape[1:])
    out = os.path.join(work, "out.zarr")
    subprocess.run([launcher, "classify", os.path.join(work, "in.zarr"), os.path.join(work, "labels.zarr"), out] + list(args),
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return zarr.open(out, mode="r")[0].astype(np.int64) - 1


def score_labels(pred, labels):
    test = [z for z in range(len(labels)) if z not in TRAIN_PLANES]
    classes = np.unique(labels)
    return float(np.mean([mean_iou(labels[z], pred[z], classes) for z in test]))


def evaluate(models, stacks, seed, families, forests=((100, None),), log=print, launcher=None, combined=(), launcher_args=(),
             launcher_seeds=(1,)):
    """{family: {name: [mean IoU per stack]}} for each model and the filters, with each forest
    (trees, depth; a forest other than the first is named NAME@TREES:DEPTH). `classify` is scored once per forest
    seed in `launcher_seeds` (its `--seed`) and its score for a stack is their mean: a forest of a few trees on a
    few hundred scribbled pixels moves by a few hundredths with its seed alone, so one seed's score is a draw."""
    results = {}
    for family in families:
        results[family] = {}
        for s in range(stacks):
            t0 = time.perf_counter()
            raw, labels, cam = stack(family, seed + s)
            srng = np.random.default_rng([seed, s, 99])
            scrib = np.zeros(labels.shape, np.uint8)
            for z in TRAIN_PLANES:
                scrib[z] = scribbles(srng, labels[z])
            feats = {name: np.stack([net(p) for p in raw]) for name, net in models.items()}
            feats["filters"] = np.stack([filter_features(p) for p in raw])
            for name in combined:
                feats[name + "+filters"] = np.concatenate([feats[name], feats["filters"]], axis=1)
            line = []
            for name, f in feats.items():
                for i, (trees, depth) in enumerate(forests):
                    key = name if i == 0 else "%s@%d:%s" % (name, trees, depth)
                    v = score(f, labels, scrib, seed, trees, depth)
                    results[family].setdefault(key, []).append(v)
                    line.append("%s %.3f" % (key, v))
            if launcher:
                vs = []
                for forest_seed in launcher_seeds:
                    args = list(launcher_args) + (["--seed", str(forest_seed)] if len(launcher_seeds) > 1 else [])
                    pred = classify_with_launcher(launcher, raw, scrib, os.path.join("/tmp", "featurize-evaluate"), args)
                    vs.append(score_labels(pred, labels))
                v = float(np.mean(vs))
                results[family].setdefault("classify", []).append(v)
                line.append("classify %.3f" % v + (" (%s)" % " ".join("%.3f" % x for x in vs) if len(vs) > 1 else ""))
            log("%-13s stack %d  %s  (%.0fs; %d scribbled pixels)" % (
                family, s, "  ".join(line), time.perf_counter() - t0, int((scrib > 0).sum())))
    return results


def table(results, names):
    head = "| family | " + " | ".join(names) + " |\n|---|" + "---|" * len(names) + "\n"
    rows = []
    for fam, r in results.items():
        rows.append("| %s | %s |" % (fam, " | ".join("%.3f" % np.mean(r[n]) for n in names)))
    overall = [np.mean([np.mean(r[n]) for r in results.values()]) for n in names]
    rows.append("| **overall** | %s |" % " | ".join("**%.3f**" % v for v in overall))
    return head + "\n".join(rows) + "\n"


def margins(results, names, base="filters"):
    """Each feature set's margin over `base`, per family and overall: the mean of the per-stack differences
    (the same scenes and scribbles on both sides) and its standard error over the stacks, so that a margin can
    be told from the scenes' and the forest's noise (a family of 3 stacks moves by a few hundredths between seeds)."""
    names = [n for n in names if n != base]
    head = ("| family | " + " | ".join("%s - %s" % (n, base) for n in names) + " |\n|---|" + "---|" * len(names)
            + "\n")

    def cell(d):
        d = np.asarray(d, float)
        se = d.std(ddof=1) / math.sqrt(len(d)) if len(d) > 1 else float("nan")
        return "%+.3f (s.e. %.3f)" % (d.mean(), se)

    rows = []
    per_stack = {n: [] for n in names}
    for fam, r in results.items():
        diffs = {n: np.asarray(r[n]) - np.asarray(r[base]) for n in names}
        for n in names:
            per_stack[n].append(diffs[n])
        rows.append("| %s | %s |" % (fam, " | ".join(cell(diffs[n]) for n in names)))
    # overall: the mean over families of each stack index's difference (families are drawn independently)
    rows.append("| **overall** | %s |" % " | ".join(
        "**%s**" % cell(np.mean(np.stack(per_stack[n]), axis=0)) for n in names))
    return head + "\n".join(rows) + "\n"


# ----------------------------------------------------------------------------------------------
# Previews of real images
# ----------------------------------------------------------------------------------------------

def real_images():
    """(name, plane) for the images that ship with Debian's scikit-image."""
    import skimage
    from skimage import io
    data = os.path.join(os.path.dirname(skimage.__file__), "data")
    out = []
    for name in ("cell.png", "ihc.png", "microaneurysms.png", "retina.jpg",
                 "_blobs_3d_fiji_skeleton.tif"):
        path = os.path.join(data, name)
        if not os.path.exists(path):
            continue
        img = io.imread(path).astype(np.float32)
        if name == "ihc.png":
            img = 255 - img[..., :3].mean(-1)   # stain as signal
        elif name == "retina.jpg":
            img = 255 - img[..., 1]              # green channel, vessels bright
            img = img[::2, ::2]
        elif img.ndim == 3 and name.endswith(".tif"):
            img = img[img.shape[0] // 2]
        elif img.ndim == 3:
            img = img[..., :3].mean(-1)
        out.append((name.split(".")[0].lstrip("_"), img))
    return out


def pca_rgb(features):
    c, h, w = features.shape
    x = features.reshape(c, -1).T.astype(np.float64)
    x = x - x.mean(0)
    _, _, vt = np.linalg.svd(x[:: max(1, len(x) // 20000)], full_matrices=False)
    p = x @ vt[:3].T
    lo, hi = np.percentile(p, [1, 99], axis=0)
    return np.clip((p - lo) / np.maximum(hi - lo, 1e-12), 0, 1).reshape(h, w, 3)


def previews(models, out_dir):
    from PIL import Image
    os.makedirs(out_dir, exist_ok=True)
    for name, img in real_images():
        lo, hi = np.percentile(img, [0.5, 99.5])
        panels = [np.repeat(np.clip((img - lo) / max(hi - lo, 1e-9), 0, 1)[..., None], 3, -1)]
        panels += [pca_rgb(net(img)) for net in models.values()]
        pic = np.concatenate([np.pad(p, ((0, 0), (0, 8), (0, 0)), constant_values=1) for p in panels], 1)
        path = os.path.join(out_dir, "features-%s.png" % name)
        Image.fromarray((pic * 255).astype(np.uint8)).save(path)
        print("wrote %s (%dx%d; input, then %s)" % (path, img.shape[1], img.shape[0], ", ".join(models)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", action="append", default=[],
                    help="NAME=PATH of a TorchScript model or checkpoint (repeatable; default "
                         "shipped=models/unet16-reference.pt)")
    ap.add_argument("--stacks", type=int, default=3, help="stacks per family (default 3)")
    ap.add_argument("--seed", type=int, default=12345)
    ap.add_argument("--families", default=",".join(FAMILIES))
    ap.add_argument("--markdown", help="also write the table to this file")
    ap.add_argument("--classify", metavar="LAUNCHER", nargs="?", const=os.path.join(HERE, "..", "bin", "featurize"),
                    help="also score `bin/featurize classify` itself (the Java pixel classifier with its defaults: the "
                         "shipped model and the forest of its defaults) on the same scribbles")
    ap.add_argument("--classify-args", default="", metavar="ARGS",
                    help="--classify: more options for `bin/featurize classify`, space-separated (e.g. '--coherence none')")
    ap.add_argument("--classify-seeds", type=int, default=3, metavar="N",
                    help="--classify: run it with the forest seeds 1 ... N (its --seed) and score the mean of their "
                         "IoUs (default 3; 1: its default seed alone)")
    ap.add_argument("--combined", action="append", default=[],
                    help="also score NAME+filters: a model's features beside the filters (repeatable)")
    ap.add_argument("--forest", action="append", default=[],
                    help="TREES:DEPTH of a random forest to score (repeatable; default 100:none, "
                         "scikit-learn's default depth)")
    ap.add_argument("--previews", help="write feature pictures of real images to this folder")
    a = ap.parse_args()
    specs = a.model or ["shipped=" + os.path.join(HERE, "unet16-reference.pt")]
    models = {}
    for spec in specs:
        name, _, path = spec.partition("=")
        models[name] = Network(path)
    if a.previews:
        previews(models, a.previews)
    t0 = time.perf_counter()
    forests = [(int(t), None if d in ("", "none") else int(d))
               for t, _, d in (f.partition(":") for f in a.forest)] or [(100, None)]
    results = evaluate(models, a.stacks, a.seed, a.families.split(","), forests, launcher=a.classify,
                       combined=a.combined, launcher_args=a.classify_args.split(),
                       launcher_seeds=tuple(range(1, a.classify_seeds + 1)))
    md = table(results, list(next(iter(results.values()))))
    md += "\n" + margins(results, list(next(iter(results.values()))))
    print(md)
    print("%.0fs" % (time.perf_counter() - t0))
    if a.markdown:
        with open(a.markdown, "w") as f:
            f.write(md)


if __name__ == "__main__":
    main()
