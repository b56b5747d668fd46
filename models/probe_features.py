#!/usr/bin/env python3
"""Two questions about the features' budget, answered on evaluate.py's held-out families (a validation seed,
not the evaluation's), with the same random forest and scribbles as evaluate.py.

  --bank      How much do 16 features hold? The forest on ilastik's 49 filters, on their first 16 principal
              components (fitted per stack, unsupervised), on the filters plus 30 texture-energy and context
              responses ("ext": local energies of the Laplacian and gradient at twice and four times their sigma,
              the Laplacian averaged at those scales, local spread, Gaussians at sigma 15 and 25), and on the
              first 16 and 24 principal components of those.
  --context   What does context add? Each feature set alone, and with one and two rounds of auto-context
              (ilastik's: a second forest on the features plus the first forest's class probabilities
              smoothed at sigma 1, 3.5, 10 and 20), for the shipped model's features, the filters and both.
  --basis     Does the forest care which 16 numbers, or only what they span? The filters standardized and
              turned by a random rotation (nothing lost, every feature a mixture), the shipped model's features
              turned likewise, and the 8, 12 and 16 filters that the forest on all 49 leans on most (impurity
              importances summed over every stack); prints the ranking (train_features.DISTILLED is its top 12).
  --oracle    What could any features reach, and what would a network have to compute? The filters with the
              scribbles and with dense labels (3000 pixels drawn at random over the two training planes: how much
              the scribbles' sparsity costs); the filters of the noise-free planes (evaluate.stack(noise_free=True):
              the same scenes and camera, expected counts), all 49, sixteen a model distils (--distilled,
              train_features.DistillBank's channel numbers), and with the 30 energy responses (79); the filters and energies of the noisy planes
              (79); the filters with the two enclosure maps (train_features.enclosure_maps: what bright outlines
              enclose, a hole-filling of the plane thresholded at several levels), of the noise-free and of the camera's
              planes; each filter response smoothed by a guided filter (He et al. 2010: radius 6, eps 0.01, the
              plane smoothed at sigma 1 and standardized as its guide), alone and beside the filters.
  --smoothed  Can the forest read context from the features themselves? The model's features alone, and beside
              themselves smoothed by a Gaussian (truncated at 3 sigma) at sigma 1, 1.5, 2 or 3 (what a classifier
              could add at the cost of a convolution per feature, without a second forest); with the forest of
              100 trees and with classify's (16 trees of depth 8).
  --replace SPEC  Which features would be worth more smoothed? The model's features with each listed feature
              replaced by itself smoothed by a Gaussian (SPEC: comma-separated FEATURE@SIGMA, e.g. 14@4,15@4;
              repeatable, each SPEC one set), beside the features as they are; with the forest of 100 trees and
              with classify's (16 trees of depth 8). A feature whose smoothed copy segments better is one to
              distil smoothed (train_features.py --distill C@SIGMA). FEATURE=OTHER@SIGMA puts another feature's
              smoothed copy in its place (15=14@8: the second enclosure map's place given to the first one at a
              coarser scale), FEATURE=OTHER one's copy as it is.
  --coherence  Can a fixed operation after the network give what it does not learn? The structure tensor's
              coherence (l1 - l2) / (l1 + l2) at sigma 1.6 (derivatives at 0.8) of the model's own denoised plane
              (feature --coherence-of, 6: the Gaussian at 0.3 of the noise-free plane), then smoothed at
              4 (--coherence-floor S: the tensor's sum kept above a hundredth of itself smoothed at S, a floor the
              same in every tile; 4 and 16 measured as none): in feature 13's place and beside the 16; with the
              forest of 100 trees and with classify's (16 trees of depth 8). What a classifier could compute from the
              features in a margin of 21 pixels (3 + 6 + 12: the derivatives, the tensor's window, the smoothing),
              without training the network.
  --derived SPEC  Which fixed operations of the denoised plane (feature --coherence-of) are worth computing beside
              the 16 features? SPEC: comma-separated OP@SIGMA, all put beside the features together (repeatable, each
              SPEC one set): coh (the coherence as --coherence, smoothed at 4), hess (the Hessian's two eigenvalues),
              st (the structure tensor's two eigenvalues, derivatives at SIGMA/2, window SIGMA), gm (gradient
              magnitude), log (Laplacian of Gaussian), dog (Gaussian at SIGMA less Gaussian at 1.6 SIGMA), std (the
              local standard deviation in a Gaussian window at SIGMA), spread (DistillBank's local spread: the root of
              the squared residual of a Gaussian at SIGMA, averaged in a Gaussian window of 3 SIGMA), max, min and
              median (over a disk of radius SIGMA, as Weka's rank filters), gme and loge (the squared gradient magnitude
              and squared LoG: texture energies once smoothed, OP@SIGMA/SMOOTH); rawOP: OP of the camera's plane, vstOP:
              of its generalized Anscombe transform with the simulated camera's gain, offset and read noise; every
              op but coh is smoothed at 0 unless written OP@SIGMA/SMOOTH. Forest of 100 trees and 16 of depth 8.
  --exact SPEC  Which new target would be worth distilling in a feature's place? The model's features with each
              listed feature replaced by a DistillBank channel of the noise-free plane, exact, smoothed as
              --distill smooths it (SPEC: comma-separated FEATURE=CHANNEL@SIGMA or FEATURE=CHANNEL, e.g. 8=83@4:
              feature 8's place given to the coherence at sigma 1.6 smoothed at 4; repeatable, each SPEC one
              set). What the network would give if it learned the target exactly: an upper bound, and a ranking.
  --with-coherence  With --exact: the coherence of feature 6 at 1.6 (what classify computes) beside every set,
              and the features with it scored as the baseline: which target is worth a feature's place now.
  --multiscale  Does the model applied to a coarser copy of the plane add what the forest misses? The model's
              features alone, and beside the features of the plane mean-pooled by 2 and by 4 (upsampled back by
              linear interpolation), as an image pyramid would give them: a quarter and a sixteenth of the
              forward passes more; with the forest of 100 trees and with classify's (16 trees of depth 8).
  --learners  Which learner turns scribbles into the best segmentation of the model's features? scikit-learn's
              random forest (100 trees; classify's 16 of depth 8), extremely randomized trees (a random threshold
              per feature tried, Geurts et al. 2006), the forest with classes weighted to balance, with leaves of
              at least 5 samples, with one feature tried per split, gradient-boosted trees, logistic regression
              and a small multilayer perceptron on the standardized features; the forests averaged with the
              regression, and a forest on the features beside the regression's class scores. --learners NAME,...
              scores some of them; --learners-smoothed 2[,5] puts the features smoothed at those sigmas beside them.
  --rings     How large an outline does the model see as enclosing? One bright ring (wall 3 px, blurred at sigma 1.2,
              5 times its background) per camera plane of 448 x 448 (offset 100, Poisson and read noise); the
              response of --enclosure-feature inside the ring (within 4 px of the wall) less its response 30-60 px
              outside, the mean of 3 noise draws, relative to a ring of radius 8, for radii 8-95; for each --model.
  --classifier  What the classifier's side can add to the filters' forest without other features: its class
              probabilities smoothed at sigma 1 and 2 before the argmax; one round of self-training (a second
              forest on the scribbles and 5 % of the most confident third of every plane's smoothed predictions);
              the probabilities averaged over superpixels (SLIC, 800 segments, and Felzenszwalb's graph cut, on
              the plane smoothed at sigma 1).

    /usr/bin/python3 models/probe_features.py --bank --context --basis --oracle --classifier [--seed 777] [--stacks 2]
        [--model PATH] [--distilled 44,5,...]
    /usr/bin/python3 models/probe_features.py --rings --model A.pt [--model B.pt ...]
    /usr/bin/python3 models/probe_features.py --replace 14@4,15@4 --replace 14@2,15@2 [--model PATH]
    /usr/bin/python3 models/probe_features.py --coherence [--seed 12345 --stacks 3]
    /usr/bin/python3 models/probe_features.py --exact 8=83@4 --exact 8=83@4,13=82@4 [--model PATH]
    /usr/bin/python3 models/probe_features.py --derived coh@1.6 --derived coh@1.6,hess@1.6 [--seed 12345 --stacks 3]
    /usr/bin/python3 models/probe_features.py --smooth-probabilities 0,1,2,4 [--seed 12345 --stacks 3]
"""
import argparse
import os
import sys

import numpy as np
from scipy import ndimage as ndi

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import evaluate as E  # noqa: E402

CONTEXT_SIGMAS = (1.0, 3.5, 10.0, 20.0)
SMOOTHED_SIGMAS = (0, 1, 1.5, 2, 3)


def enclosure_maps(plane):
    """train_features.enclosure_maps (DistillBank's channels 79-80): what bright outlines enclose."""
    import train_features
    return train_features.enclosure_maps(plane)


def energy_bank(plane):
    img = plane.astype(np.float64)
    out = []
    for s in (1.0, 1.6, 3.5, 5.0):
        lap = ndi.gaussian_laplace(img, s)
        gy = ndi.gaussian_filter(img, s, order=(1, 0))
        gx = ndi.gaussian_filter(img, s, order=(0, 1))
        for t in (2 * s, 4 * s):
            out.append(np.sqrt(ndi.gaussian_filter(lap * lap, t)))
            out.append(np.sqrt(ndi.gaussian_filter(gy * gy + gx * gx, t)))
            out.append(ndi.gaussian_filter(lap, t))
        d = img - ndi.gaussian_filter(img, s)
        out.append(np.sqrt(ndi.gaussian_filter(d * d, 3 * s)))
    for s in (15.0, 25.0):
        out.append(ndi.gaussian_filter(img, s))
    return np.stack(out).astype(np.float32)


# evaluate.filter_features' order: Gaussian at 0.3, then per sigma Gaussian, LoG, gradient magnitude, DoG, the
# structure tensor's and the Hessian's eigenvalues (2 each)
FILTER_NAMES = ["gauss 0.3"] + ["%s %g" % (k, s) for s in E.SIGMAS
                                for k in ("gauss", "LoG", "gradient", "DoG", "ST1", "ST2", "hessian1", "hessian2")]


def filterbank_to_evaluate():
    """For each of train_features.FilterBank's 49 channels, its index in evaluate.filter_features' order (FilterBank
    groups by filter kind: Gaussians, LoG, gradient, DoG, structure tensor, Hessian; evaluate groups by sigma)."""
    order = [0] + [1 + 8 * i for i in range(6)]
    for kind in (2, 3, 4):
        order += [kind + 8 * i for i in range(6)]
    for kind in (5, 7):
        for i in range(6):
            order += [kind + 8 * i, kind + 8 * i + 1]
    return order


def guided(guide, p, radius=6, eps=0.01):
    """He et al.'s guided filter of `p` with `guide` (both standardized by the caller): edge-preserving smoothing
    that makes p follow the guide's edges."""
    def mean(x):
        return ndi.uniform_filter(x, 2 * radius + 1, mode="reflect")
    mi, mp = mean(guide), mean(p)
    a = (mean(guide * p) - mi * mp) / (mean(guide * guide) - mi * mi + eps)
    return mean(a) * guide + mean(mp - a * mi)


def guided_bank(plane, filters):
    g = ndi.gaussian_filter(plane.astype(np.float64), 1.0)
    g = (g - g.mean()) / (g.std() + 1e-9)
    return np.stack([guided(g, (f - f.mean()) / (f.std() + 1e-9)) for f in filters.astype(np.float64)]).astype(np.float32)


def dense_labels(rng, labels, pixels=3000):
    """Labels at `pixels` random positions of each training plane, the way dense annotation would give them."""
    out = np.zeros(labels.shape, np.uint8)
    for z in E.TRAIN_PLANES:
        m = rng.random(labels[z].shape) < pixels / labels[z].size
        out[z][m] = labels[z][m] + 1
    return out


def pooled(p, segments):
    """Each class probability averaged over each segment."""
    n = segments.max() + 1
    count = np.maximum(np.bincount(segments.ravel(), minlength=n), 1)
    return np.stack([(np.bincount(segments.ravel(), weights=q.ravel(), minlength=n) / count)[segments] for q in p])


def classifier_side(filters, raw, labels, scrib, seed):
    from skimage.segmentation import felzenszwalb, slic
    scores = {}
    p = probabilities(forest(filters, scrib, seed), filters)
    scores["forest"] = iou(p, labels)
    smooth = {s: np.stack([[ndi.gaussian_filter(q, s) for q in pz] for pz in p]) for s in (1, 2)}
    for s, ps in smooth.items():
        scores["probabilities smoothed %d" % s] = iou(ps, labels)
    confidence, guess = smooth[1].max(1), smooth[1].argmax(1)
    rng = np.random.default_rng(3)
    pseudo = np.zeros(labels.shape, np.uint8)
    for z in range(len(labels)):
        m = (confidence[z] > np.quantile(confidence[z], 2 / 3)) & (rng.random(confidence[z].shape) < 0.05)
        pseudo[z][m] = guess[z][m] + 1
    pseudo[scrib > 0] = scrib[scrib > 0]
    rf = forest(filters, pseudo, seed, planes=range(len(labels)))
    scores["self-training"] = iou(probabilities(rf, filters), labels)
    for name, segment in (("SLIC superpixels", lambda im: slic(im, n_segments=800, compactness=0.1, channel_axis=None,
                                                                start_label=0)),
                          ("Felzenszwalb superpixels", lambda im: felzenszwalb(im, scale=50, sigma=1.0, min_size=20))):
        pooled_p = []
        for z in range(len(raw)):
            im = ndi.gaussian_filter(raw[z].astype(np.float64), 1.0)
            pooled_p.append(pooled(p[z], segment((im - im.min()) / (np.ptp(im) + 1e-9))))
        scores["probabilities over " + name] = iou(np.stack(pooled_p), labels)
    return scores


def coherence(plane):
    """train_features.coherence (DistillBank's channels 81-86) of one plane: how oriented it is at six sigmas."""
    import torch
    import train_features
    with torch.no_grad():
        x = torch.from_numpy(np.ascontiguousarray(plane, np.float32))[None, None]
        return train_features.coherence(x / max(float(x.abs().max()), 1e-30))[0].numpy()


def noise_free_bank(clean, clean_filters, clean_energies):
    """train_features.DistillBank's 87 channels of the noise-free planes (z, 87, h, w): FilterBank's 49, the 30
    energies, the 2 enclosure maps and the coherence at 6 sigmas."""
    clean_enclosure = np.stack([enclosure_maps(p) for p in clean])
    return np.concatenate([clean_filters[:, filterbank_to_evaluate()], clean_energies, clean_enclosure,
                           np.stack([coherence(p) for p in clean])], 1)


def plane_coherence(plane, sigma=1.6, floor_sigma=0.0, smooth=4.0):
    """--coherence: the structure tensor's coherence of one plane at `sigma` (train_features.coherence's definition)
    (its sum floored at a hundredth of itself smoothed at `floor_sigma` when that is above 0), smoothed at `smooth`."""
    p = np.asarray(plane, np.float64)
    d = max(0.3, sigma / 2)
    dx = ndi.gaussian_filter(p, d, order=(0, 1), truncate=3.5)
    dy = ndi.gaussian_filter(p, d, order=(1, 0), truncate=3.5)
    a, b, c = (ndi.gaussian_filter(v, sigma, truncate=3.5) for v in (dx * dx, dx * dy, dy * dy))
    trace = a + c
    floor = (1e-2 * ndi.gaussian_filter(trace, floor_sigma, truncate=3.0) if floor_sigma > 0 else 0) + 1e-30
    coh = np.clip(np.sqrt((a - c) ** 2 + 4 * b ** 2) / np.maximum(trace, floor), 0, 1)
    return ndi.gaussian_filter(coh, smooth, truncate=3.0).astype(np.float32)


def derived_op(plane, op, sigma, smooth):
    """--derived: one fixed operation of one (denoised) plane, a list of float32 maps (scipy, truncate 3.5)."""
    p = np.asarray(plane, np.float64)
    g = lambda v, s_, order=(0, 0): ndi.gaussian_filter(v, s_, order=order, truncate=3.5)
    if op == "coh":
        return [plane_coherence(p, sigma, smooth=smooth if smooth > 0 else 4.0)]
    if op == "hess":
        xx, xy, yy = g(p, sigma, (0, 2)), g(p, sigma, (1, 1)), g(p, sigma, (2, 0))
        r = np.sqrt((xx - yy) ** 2 / 4 + xy ** 2)
        out = [(xx + yy) / 2 + r, (xx + yy) / 2 - r]
    elif op == "st":
        d = max(0.3, sigma / 2)
        dx, dy = g(p, d, (0, 1)), g(p, d, (1, 0))
        a, b, c = (g(v, sigma) for v in (dx * dx, dx * dy, dy * dy))
        r = np.sqrt((a - c) ** 2 / 4 + b ** 2)
        out = [(a + c) / 2 + r, (a + c) / 2 - r]
    elif op == "gm":
        out = [np.hypot(g(p, sigma, (0, 1)), g(p, sigma, (1, 0)))]
    elif op == "log":
        out = [g(p, sigma, (0, 2)) + g(p, sigma, (2, 0))]
    elif op == "dog":
        out = [g(p, sigma) - g(p, 1.6 * sigma)]
    elif op == "std":
        m = g(p, sigma)
        out = [np.sqrt(np.maximum(g(p * p, sigma) - m * m, 0))]
    elif op == "spread":  # DistillBank's local spread: the residual of a Gaussian at sigma, in a window of 3 sigma
        d = p - g(p, sigma)
        out = [np.sqrt(g(d * d, 3 * sigma))]
    elif op in ("max", "min", "median"):  # Weka's rank filters: over a disk of radius SIGMA
        r = int(round(sigma))
        yy, xx = np.mgrid[-r:r + 1, -r:r + 1]
        disk = yy * yy + xx * xx <= sigma * sigma
        f = {"max": ndi.maximum_filter, "min": ndi.minimum_filter, "median": ndi.median_filter}[op]
        out = [f(p, footprint=disk, mode="reflect")]
    elif op == "gme":
        out = [g(p, sigma, (0, 1)) ** 2 + g(p, sigma, (1, 0)) ** 2]
    elif op == "loge":
        out = [(g(p, sigma, (0, 2)) + g(p, sigma, (2, 0))) ** 2]
    else:
        raise SystemExit("--derived: unknown op %r (coh, hess, st, gm, log, dog, std, spread, max, min, median, gme, loge)" % op)
    if smooth > 0:
        out = [ndi.gaussian_filter(v, smooth, truncate=3.0) for v in out]
    return [v.astype(np.float32) for v in out]


def anscombe(counts, cam):
    """The generalized Anscombe transform of camera counts with the simulated camera's own gain, offset and read noise
    (an oracle for the noise model): Poisson and read noise of variance about 1 at every brightness."""
    x = (np.asarray(counts, np.float64) - cam["offset"]) / cam["gain"]
    return 2 * np.sqrt(np.maximum(x + 3 / 8 + (cam["read"] / cam["gain"]) ** 2, 0))


def derived_of(denoised, counts, cam, op, sigma, smooth):
    """--derived's OP of the denoised plane, rawOP of the camera's plane, vstOP of its Anscombe transform."""
    if op.startswith("raw"):
        return derived_op(counts, op[3:], sigma, smooth)
    if op.startswith("vst"):
        return derived_op(anscombe(counts, cam), op[3:], sigma, smooth)
    return derived_op(denoised, op, sigma, smooth)


def derived_spec(item):
    """--derived's OP@SIGMA[/SMOOTH] -> (op, sigma, smooth)."""
    op, rest = item.split("@")
    sigma, _, smooth = rest.partition("/")
    return op, float(sigma), float(smooth) if smooth else 0.0


def smoothed_channels(bank, channels):
    """The bank's channels (c, sigma) in that order, each smoothed at its sigma (0: as it is), as --distill C@SIGMA."""
    return np.stack([bank[:, c] if sg == 0 else np.stack([ndi.gaussian_filter(q, sg, truncate=3.0) for q in bank[:, c]])
                     for c, sg in channels], 1)


def oracle(family, s, seed, raw, filters, labels, scrib, distilled):
    scores = {"filters": E.score(filters, labels, scrib, seed),
              "filters, dense labels": E.score(filters, labels, dense_labels(np.random.default_rng(1), labels), seed)}
    clean = E.stack(family, seed + s, noise_free=True)[0]
    clean_filters = np.stack([E.filter_features(p) for p in clean])
    scores["noise-free filters"] = E.score(clean_filters, labels, scrib, seed)
    clean_energies = np.stack([energy_bank(p) for p in clean])
    bank = noise_free_bank(clean, clean_filters, clean_energies)
    clean_enclosure = bank[:, 79:81]
    scores["noise-free, the distilled 16"] = E.score(smoothed_channels(bank, distilled), labels, scrib, seed)
    scores["noise-free filters + energies"] = E.score(np.concatenate([clean_filters, clean_energies], 1), labels, scrib, seed)
    scores["noise-free filters + enclosure"] = E.score(np.concatenate([clean_filters, clean_enclosure], 1), labels, scrib, seed)
    scores["filters + energies"] = E.score(np.concatenate([filters, np.stack([energy_bank(p) for p in raw])], 1),
                                           labels, scrib, seed)
    scores["filters + enclosure"] = E.score(np.concatenate([filters, np.stack([enclosure_maps(p) for p in raw])], 1),
                                            labels, scrib, seed)
    g = np.stack([guided_bank(p, f) for p, f in zip(raw, filters)])
    scores["guided filters"] = E.score(g, labels, scrib, seed)
    scores["filters + guided filters"] = E.score(np.concatenate([filters, g], 1), labels, scrib, seed)
    return scores


def standardized(f):
    return (f - f.mean(axis=(0, 2, 3), keepdims=True)) / (f.std(axis=(0, 2, 3), keepdims=True) + 1e-9)


def principal(f, n):
    from sklearn.decomposition import PCA
    z, c, h, w = f.shape
    x = f.transpose(0, 2, 3, 1).reshape(-1, c)
    x = (x - x.mean(0)) / (x.std(0) + 1e-9)
    p = PCA(n, random_state=0).fit(x[::37])
    return p.transform(x).reshape(z, h, w, n).transpose(0, 3, 1, 2).astype(np.float32)


def forest(f, scrib, seed, planes=E.TRAIN_PLANES, trees=100, depth=None):
    from sklearn.ensemble import RandomForestClassifier
    xs, ys = [], []
    for z in planes:
        m = scrib[z] > 0
        xs.append(f[z][:, m].T)
        ys.append(scrib[z][m] - 1)
    return RandomForestClassifier(n_estimators=trees, max_depth=depth, n_jobs=2, random_state=seed).fit(
        np.concatenate(xs), np.concatenate(ys))


def probabilities(rf, f):
    z, c, h, w = f.shape
    return np.stack([rf.predict_proba(f[i].reshape(c, -1).T).T.reshape(-1, h, w) for i in range(z)])


def smoothed(p, sigmas=CONTEXT_SIGMAS):
    return np.concatenate([np.stack([np.stack([ndi.gaussian_filter(q, s) for q in pz]) for pz in p])
                           for s in sigmas], 1).astype(np.float32)


def learners(seed):
    from sklearn.ensemble import ExtraTreesClassifier, HistGradientBoostingClassifier, RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    rf = dict(n_jobs=2, random_state=seed)
    return (("forest", RandomForestClassifier(100, **rf)),
            ("forest 16:8", RandomForestClassifier(16, max_depth=8, **rf)),
            ("extra", ExtraTreesClassifier(100, **rf)),
            ("extra 16:8", ExtraTreesClassifier(16, max_depth=8, **rf)),
            ("extra 32:12", ExtraTreesClassifier(32, max_depth=12, **rf)),
            ("forest balanced", RandomForestClassifier(100, class_weight="balanced", **rf)),
            ("forest leaf 5", RandomForestClassifier(100, min_samples_leaf=5, **rf)),
            ("forest 1 feature", RandomForestClassifier(100, max_features=1, **rf)),
            ("boosted", HistGradientBoostingClassifier(max_iter=100, random_state=seed)),
            ("logistic", make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))),
            ("mlp", make_pipeline(StandardScaler(), MLPClassifier((32,), max_iter=500, random_state=seed))),
            ("forest+logistic", Averaged(RandomForestClassifier(100, **rf),
                                         make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)))),
            ("forest 16:8+logistic", Averaged(RandomForestClassifier(16, max_depth=8, **rf),
                                              make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)))),
            ("forest 16:8 on logistic", Stacked(RandomForestClassifier(16, max_depth=8, **rf),
                                                make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)))),
            ("extra+logistic", Averaged(ExtraTreesClassifier(100, **rf),
                                        make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)))))


class Stacked:
    """A forest on the features beside a logistic regression's class scores (fitted on the same samples)."""

    def __init__(self, forest, linear):
        self.forest, self.linear = forest, linear

    def fit(self, x, y):
        self.linear.fit(x, y)
        self.forest.fit(np.concatenate([x, self.linear.decision_function(x).reshape(len(x), -1)], 1), y)
        return self

    def predict(self, x):
        return self.forest.predict(np.concatenate([x, self.linear.decision_function(x).reshape(len(x), -1)], 1))


class Averaged:
    """The mean of the learners' class probabilities."""

    def __init__(self, *learners):
        self.learners = learners

    def fit(self, x, y):
        for learner in self.learners:
            learner.fit(x, y)
        return self

    def predict(self, x):
        return np.mean([learner.predict_proba(x) for learner in self.learners], axis=0).argmax(1)


def learned(learner, f, labels, scrib):
    xs, ys = [], []
    for z in E.TRAIN_PLANES:
        m = scrib[z] > 0
        xs.append(f[z][:, m].T)
        ys.append(scrib[z][m] - 1)
    learner.fit(np.concatenate(xs), np.concatenate(ys))
    z, c, h, w = f.shape
    pred = np.stack([learner.predict(f[i].reshape(c, -1).T).reshape(h, w) for i in range(z)])
    return E.score_labels(pred, labels)


MULTISCALE_FACTORS = (2, 4)


def coarser(net, plane, k):
    """The model's features of the plane mean-pooled by k (edges replicated to a multiple of k), brought back to
    the plane's size by linear interpolation at the pooled pixels' centres."""
    h, w = plane.shape
    x = np.pad(plane, ((0, -h % k), (0, -w % k)), mode="edge")
    x = x.reshape(x.shape[0] // k, k, x.shape[1] // k, k).mean(axis=(1, 3))
    f = net(x.astype(np.float32))
    ys = (np.arange(h) + 0.5) / k - 0.5
    xs = (np.arange(w) + 0.5) / k - 0.5
    grid = np.meshgrid(ys, xs, indexing="ij")
    return np.stack([ndi.map_coordinates(c, grid, order=1, mode="nearest") for c in f]).astype(np.float32)


def replacement(item):
    """(feature, source, sigma) of one --replace item: F@S (F's own copy smoothed at S), F=G@S (G's, smoothed) or F=G."""
    target, eq, rest = item.partition("=")
    source, at, sigma = (rest if eq else target).partition("@")
    if not eq and not at:
        raise ValueError(item)
    return int(source if not eq else target), int(source), float(sigma) if at else 0.0


def iou(p, labels):
    pred = p.argmax(1)
    classes = np.unique(labels)
    return float(np.mean([E.mean_iou(labels[z], pred[z], classes) for z in range(len(labels)) if z not in E.TRAIN_PLANES]))


RING_RADII = (8, 15, 25, 35, 45, 55, 65, 80, 95)


def rings(path, feature=14, size=448):
    """{radius: the enclosure feature's response inside a ring of that radius, relative to radius 8} (--rings)."""
    import torch
    net = torch.jit.load(path).eval()
    yy, xx = np.mgrid[:size, :size] - size / 2 + 0.5
    d = np.hypot(yy, xx)
    response = {}
    for r in RING_RADII:
        v = []
        for s in range(3):
            rng = np.random.default_rng([r, s])
            signal = ndi.gaussian_filter(0.1 + (np.abs(d - r) <= 1.5) * 1.0, 1.2)
            counts = (rng.poisson(signal * 200 + 20) + rng.normal(100, 2, signal.shape)).astype(np.float32)
            with torch.no_grad():
                out = net(torch.from_numpy(counts)[None, None])[0]
            if not 0 <= feature < out.shape[0]:
                raise SystemExit("--enclosure-feature %d: %s gives features 0-%d" % (feature, path, out.shape[0] - 1))
            f = out[feature].numpy()
            v.append(f[d <= max(r - 4, 2)].mean() - f[(d >= r + 30) & (d <= r + 60)].mean())
        response[r] = float(np.mean(v))
    return {r: v / response[RING_RADII[0]] for r, v in response.items()}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bank", action="store_true")
    ap.add_argument("--context", action="store_true")
    ap.add_argument("--basis", action="store_true")
    ap.add_argument("--oracle", action="store_true")
    ap.add_argument("--classifier", action="store_true")
    ap.add_argument("--rings", action="store_true")
    ap.add_argument("--smoothed", action="store_true")
    ap.add_argument("--multiscale", action="store_true")
    ap.add_argument("--replace", action="append", default=[], metavar="SPEC",
                    help="FEATURE@SIGMA,...: the features with those replaced by themselves smoothed (repeatable)")
    ap.add_argument("--coherence", action="store_true")
    ap.add_argument("--coherence-of", type=int, default=6, metavar="FEATURE",
                    help="--coherence: the feature whose coherence is taken (default 6, the denoised plane)")
    ap.add_argument("--coherence-floor", type=float, default=0.0, metavar="SIGMA",
                    help="--coherence: the sum floored at a hundredth of itself smoothed at SIGMA (default 0: no floor "
                         "but 1e-30; 4 and 16 measured the same)")
    ap.add_argument("--margin", type=int, default=0, metavar="PX",
                    help="the model's features of each plane mirrored this far beyond its edges (bin/featurize --margin; "
                         "classify computes 32)")
    ap.add_argument("--context-coherence", action="append", default=[], metavar="SIGMAS",
                    help="one round of auto-context over the features beside the coherence of feature 6 at 1.6: the "
                         "first forest's probabilities smoothed at these sigmas (comma-separated; repeatable)")
    ap.add_argument("--smooth-probabilities", metavar="SIGMAS",
                    help="the forest's class probabilities smoothed by a Gaussian at each of these sigmas (comma-"
                         "separated, 0: not smoothed) before each pixel takes its likeliest class: the features beside "
                         "the coherence of feature 6 at 1.6, and the filters, with both forests")
    ap.add_argument("--with-coherence", action="store_true",
                    help="--exact: the coherence of feature 6 at 1.6 (what classify computes) beside each set, and "
                         "the features with it scored as the baseline")
    ap.add_argument("--derived", action="append", default=[], metavar="SPEC",
                    help="OP@SIGMA[/SMOOTH],...: fixed operations of feature --coherence-of beside the features "
                         "(repeatable)")
    ap.add_argument("--exact", action="append", default=[], metavar="SPEC",
                    help="FEATURE=CHANNEL@SIGMA,...: the features with those replaced by DistillBank channels of the "
                         "noise-free plane (repeatable)")
    ap.add_argument("--learners", nargs="?", const="all", default=None,
                    help="all, or a comma-separated choice of the learners' names")
    ap.add_argument("--learners-smoothed", default="",
                    help="--learners on the features beside themselves smoothed at these sigmas (comma-separated; "
                         "none: the features alone)")
    ap.add_argument("--enclosure-feature", type=int, default=14,
                    help="the feature --rings reads (default 14, the shipped model's share of thresholds enclosed)")
    ap.add_argument("--distilled", default="33,60,21,9,71,22,0,52,2,41,16,4,6,47,79,80",
                    help="train_features.DistillBank channels a model distils (--oracle; default: the shipped model's "
                         "set; the two models before it distilled 33,60,21,9,17,15,0,52,2,41,16,4,6,47,79,80 and "
                         "44,5,42,48,17,15,0,52,2,41,16,4,6,47,79,80)")
    ap.add_argument("--seed", type=int, default=777)
    ap.add_argument("--stacks", type=int, default=2)
    ap.add_argument("--model", action="append", default=[],
                    help="a TorchScript model (default models/unet16-reference.pt; --rings takes several)")
    a = ap.parse_args()
    models = a.model or [os.path.join(E.HERE, "unet16-reference.pt")]
    missing = [m for m in models if not os.path.isfile(m)]
    if missing:
        raise SystemExit("--model: no such file: %s" % ", ".join(missing))
    other_probes = (a.bank or a.context or a.basis or a.oracle or a.classifier or a.smoothed or a.multiscale or a.learners
                    or a.replace or a.exact or a.coherence or a.derived or a.context_coherence or a.smooth_probabilities)
    if len(models) > 1 and other_probes:
        raise SystemExit("--model: several models are compared by --rings only; the other probes take one")
    a.model = models[0]
    if a.rings:
        print("| model | " + " | ".join("radius %d" % r for r in RING_RADII) + " |")
        print("|---|" + "---|" * len(RING_RADII))
        for path in models:
            print("| %s | %s |" % (path, " | ".join("%.2f" % v for v in rings(path, a.enclosure_feature).values())))
        if not other_probes:
            return
    try:
        derived = [[derived_spec(item) for item in spec.split(",")] for spec in a.derived]
    except ValueError:
        raise SystemExit("--derived: comma-separated OP@SIGMA[/SMOOTH] (coh@1.6,hess@1.6), got %r" % a.derived)
    try:
        replace = [[replacement(item) for item in spec.split(",")] for spec in a.replace]
    except ValueError:
        raise SystemExit("--replace: comma-separated FEATURE@SIGMA or FEATURE=OTHER@SIGMA (14@4,15=14@8), got %r"
                         % a.replace)
    if not all(c >= 0 and o >= 0 and sg >= 0 and (sg > 0 or o != c) for pairs in replace for c, o, sg in pairs):
        raise SystemExit("--replace: feature numbers of 0 or more and a sigma above 0 (0 only for another feature's "
                         "copy), got %r" % a.replace)
    try:
        distilled = [(c, sg) for _, c, sg in (replacement(item) if "@" in item else (0, int(item), 0.0)
                                               for item in a.distilled.split(","))]
        exact = [[replacement(item) for item in spec.split(",")] for spec in a.exact]
    except ValueError:
        raise SystemExit("--distilled / --exact: comma-separated DistillBank channel numbers (0-86), each with @SIGMA "
                         "to smooth it (--exact: FEATURE=CHANNEL[@SIGMA]), got %r / %r" % (a.distilled, a.exact))
    if not all(0 <= c < 87 and sg >= 0 for c, sg in distilled + [(c, sg) for pairs in exact for _, c, sg in pairs]) \
            or not all("=" in item for spec in a.exact for item in spec.split(",")) or "=" in a.distilled:
        raise SystemExit("--distilled / --exact: DistillBank channels are 0-86 (0-48 FilterBank's, 49-78 EnergyBank's, "
                         "79-80 the enclosure maps, 81-86 the coherence), --exact's each in a feature's place (F=C), "
                         "got %r / %r" % (a.distilled, a.exact))
    net = E.Network(a.model, a.margin) if (a.context or a.basis or a.smoothed or a.multiscale or a.learners or replace
                                 or exact or a.coherence or a.derived or a.context_coherence or a.smooth_probabilities) else None
    results = {}
    kept = []  # (family, filters, labels, scribbles) for the ranked subsets, scored after the ranking
    importance = np.zeros(49)
    rotation = np.linalg.qr(np.random.default_rng(5).normal(size=(49, 49)))[0]
    rotation16 = np.linalg.qr(np.random.default_rng(6).normal(size=(16, 16)))[0]
    for family in E.FAMILIES:
        for s in range(a.stacks):
            raw, labels, cam = E.stack(family, a.seed + s)
            srng = np.random.default_rng([a.seed, s, 99])
            scrib = np.zeros(labels.shape, np.uint8)
            for z in E.TRAIN_PLANES:
                scrib[z] = E.scribbles(srng, labels[z])
            filters = np.stack([E.filter_features(p) for p in raw])
            unet = None if net is None else np.stack([net(p) for p in raw])  # once per stack, for every probe
            scores = {}
            if a.bank:
                ext = np.concatenate([filters, np.stack([energy_bank(p) for p in raw])], 1)
                for name, f in (("filters", filters), ("filters, 16 PCs", principal(filters, 16)), ("ext", ext),
                                ("ext, 16 PCs", principal(ext, 16)), ("ext, 24 PCs", principal(ext, 24))):
                    scores[name] = E.score(f, labels, scrib, a.seed)
            if a.context:
                for name, f in (("unet", unet), ("filters", filters), ("unet + filters", np.concatenate([unet, filters], 1))):
                    p = probabilities(forest(f, scrib, a.seed), f)
                    scores[name + " (forest)"] = iou(p, labels)
                    for r in (1, 2):
                        g = np.concatenate([f, smoothed(p)], 1)
                        p = probabilities(forest(g, scrib, a.seed), g)
                        scores["%s, auto-context x%d" % (name, r)] = iou(p, labels)
            if a.smoothed:
                for sg in SMOOTHED_SIGMAS:
                    f = unet if sg == 0 else np.concatenate(
                        [unet, np.stack([np.stack([ndi.gaussian_filter(q, sg, truncate=3.0) for q in fz]) for fz in unet])], 1)
                    name = "unet" if sg == 0 else "unet + sigma %g" % sg
                    scores[name] = E.score(f, labels, scrib, a.seed)
                    scores[name + " (16:8)"] = E.score(f, labels, scrib, a.seed, trees=16, depth=8)
            if a.multiscale:
                coarse = {k: np.stack([coarser(net, p, k) for p in raw]) for k in MULTISCALE_FACTORS}
                for name, f in (("unet", unet),
                                ("unet + /2", np.concatenate([unet, coarse[2]], 1)),
                                ("unet + /4", np.concatenate([unet, coarse[4]], 1)),
                                ("unet + /2 + /4", np.concatenate([unet, coarse[2], coarse[4]], 1))):
                    scores[name] = E.score(f, labels, scrib, a.seed)
                    scores[name + " (16:8)"] = E.score(f, labels, scrib, a.seed, trees=16, depth=8)
            if replace or exact or a.coherence or a.basis or a.derived:
                scores["unet"] = E.score(unet, labels, scrib, a.seed)
            if replace or a.coherence or a.derived:
                scores["unet (16:8)"] = E.score(unet, labels, scrib, a.seed, trees=16, depth=8)
            if replace:
                for spec, pairs in zip(a.replace, replace):
                    if max(max(c, o) for c, o, _ in pairs) >= unet.shape[1]:
                        raise SystemExit("--replace %s: the model gives features 0-%d" % (spec, unet.shape[1] - 1))
                    f = unet.copy()
                    for c, o, sg in pairs:
                        f[:, c] = np.stack([ndi.gaussian_filter(q, sg, truncate=3.0) if sg > 0 else q
                                            for q in unet[:, o]])
                    scores[spec] = E.score(f, labels, scrib, a.seed)
                    scores[spec + " (16:8)"] = E.score(f, labels, scrib, a.seed, trees=16, depth=8)
            if a.coherence:
                if not 0 <= a.coherence_of < unet.shape[1]:
                    raise SystemExit("--coherence-of: the model gives features 0-%d, got %d"
                                     % (unet.shape[1] - 1, a.coherence_of))
                coh = np.stack([plane_coherence(p, floor_sigma=a.coherence_floor) for p in unet[:, a.coherence_of]])
                inplace = unet.copy()
                inplace[:, 13] = coh
                beside = np.concatenate([unet, coh[:, None]], 1)
                for name, f in (("coherence in 13", inplace), ("coherence beside", beside)):
                    scores[name] = E.score(f, labels, scrib, a.seed)
                    scores[name + " (16:8)"] = E.score(f, labels, scrib, a.seed, trees=16, depth=8)
            if a.smooth_probabilities:
                f = np.concatenate([unet, np.stack([plane_coherence(p)[None] for p in unet[:, 6]])], 1)
                for name, g in (("unet + coh", f), ("filters", filters)):
                    for trees, depth, tag in ((100, None, ""), (16, 8, " (16:8)")):
                        p = probabilities(forest(g, scrib, a.seed, trees=trees, depth=depth), g)
                        for sg in (float(v) for v in a.smooth_probabilities.split(",")):
                            q = p if sg == 0 else np.stack([np.stack([ndi.gaussian_filter(c, sg, truncate=3.0) for c in pz])
                                                            for pz in p])
                            scores["%s%s, probabilities at %g" % (name, tag, sg)] = iou(q, labels)
            if a.context_coherence:
                f = np.concatenate([unet, np.stack([plane_coherence(p)[None] for p in unet[:, 6]])], 1)
                for trees, depth, tag in ((100, None, ""), (16, 8, " (16:8)")):
                    p = probabilities(forest(f, scrib, a.seed, trees=trees, depth=depth), f)
                    scores["unet + coh" + tag] = iou(p, labels)
                    for spec in a.context_coherence:
                        g = np.concatenate([f, smoothed(p, [float(v) for v in spec.split(",")])], 1)
                        q = probabilities(forest(g, scrib, a.seed, trees=trees, depth=depth), g)
                        scores["unet + coh, context at " + spec + tag] = iou(q, labels)
            for spec, ops in zip(a.derived, derived):
                extra = np.stack([np.stack([m for o in ops for m in derived_of(p, r, cam, *o)])
                                  for p, r in zip(unet[:, a.coherence_of], raw)])
                f = np.concatenate([unet, extra], 1)
                scores["derived " + spec] = E.score(f, labels, scrib, a.seed)
                scores["derived " + spec + " (16:8)"] = E.score(f, labels, scrib, a.seed, trees=16, depth=8)
            if exact and a.with_coherence:
                coh = np.stack([plane_coherence(p)[None] for p in unet[:, 6]])
                scores["unet + coh"] = E.score(np.concatenate([unet, coh], 1), labels, scrib, a.seed)
            if exact:
                clean = E.stack(family, a.seed + s, noise_free=True)[0]
                bank = noise_free_bank(clean, np.stack([E.filter_features(p) for p in clean]),
                                       np.stack([energy_bank(p) for p in clean]))
                for spec, pairs in zip(a.exact, exact):
                    if max(f for f, _, _ in pairs) >= unet.shape[1]:
                        raise SystemExit("--exact %s: the model gives features 0-%d" % (spec, unet.shape[1] - 1))
                    f = unet.copy()
                    f[:, [p[0] for p in pairs]] = smoothed_channels(bank, [p[1:] for p in pairs])
                    if a.with_coherence:  # the coherence classify computes from feature 6, beside
                        f = np.concatenate([f, coh], 1)
                    scores["exact " + spec] = E.score(f, labels, scrib, a.seed)
            if a.learners:
                sigmas = [float(v) for v in a.learners_smoothed.split(",") if v]
                inputs = np.concatenate([unet] + [np.stack([np.stack([ndi.gaussian_filter(q, sg, truncate=3.0) for q in fz])
                                                            for fz in unet]) for sg in sigmas], 1)
                for name, learner in learners(a.seed):
                    if a.learners != "all" and name not in a.learners.split(","):
                        continue
                    scores[name] = learned(learner, inputs, labels, scrib)
            if a.oracle:
                scores.update(oracle(family, s, a.seed, raw, filters, labels, scrib, distilled))
            if a.classifier:
                scores.update(classifier_side(filters, raw, labels, scrib, a.seed))
            if a.basis:
                scores["filters, rotated"] = E.score(np.einsum("ij,zjhw->zihw", rotation, standardized(filters)), labels, scrib, a.seed)
                scores["unet, rotated"] = E.score(np.einsum("ij,zjhw->zihw", rotation16, standardized(unet)), labels, scrib, a.seed)
                importance += forest(filters, scrib, a.seed).feature_importances_
                kept.append((family, filters, labels, scrib))
            for k, v in scores.items():
                results.setdefault(k, {}).setdefault(family, []).append(v)
            print(family, s, "  ".join("%s %.3f" % kv for kv in scores.items()), flush=True)
    if a.basis:
        order = np.argsort(-importance)
        print("ranking: " + ", ".join("%d %s %.3f" % (i, FILTER_NAMES[i], importance[i] / len(kept)) for i in order[:24]))
        for k in (8, 12, 16):
            for family, filters, labels, scrib in kept:
                results.setdefault("top %d filters" % k, {}).setdefault(family, []).append(
                    E.score(filters[:, order[:k]], labels, scrib, a.seed))
    names = list(results)
    print("\n| family | " + " | ".join(names) + " |\n|---|" + "---|" * len(names))
    for family in E.FAMILIES:
        print("| %s | " % family + " | ".join("%.3f" % np.mean(results[n][family]) for n in names) + " |")
    print("| **overall** | " + " | ".join("**%.3f**" % np.mean([np.mean(v) for v in results[n].values()]) for n in names) + " |")


if __name__ == "__main__":
    main()
