#!/usr/bin/env python3
"""Three questions about a distilled model and its targets, on evaluate.py's held-out families at a validation seed
(select_targets.py's cached banks of the noise-free planes' responses, --cache):

  --morph    Would a morphological response beside the enclosure maps be worth distilling? Three maps of the
             noise-free plane (smoothed at sigma 1.5 and mapped from its 1-99.5 percentiles to [0, 1], thresholded at
             the enclosure maps' five levels): the log area of the bright component a pixel lies in, the distance to
             that component's edge (inside positive, outside negative, each capped at 20 px), and the log area of the
             hole a pixel lies in; each offered at every position of --set but the two enclosure maps, scored as
             select_targets.py scores a set (the forest of 50 trees, less how far the worst family is behind the filters).
  --repro    How closely does --model reproduce what it distils? Over whole planes (0 and 3 of every stack), the
             correlation of each feature with its target in --set, and how well a linear map of all 16 features
             predicts each of DistillBank's 79 filter and energy responses (median over planes).
  --average A B  The weights of two train_features.py checkpoints averaged, written to --out (a checkpoint that
             evaluate.py --model reads).

    /usr/bin/python3 models/probe_targets.py --morph --repro [--set 33,60,...] [--model models/unet16-reference.pt]
    /usr/bin/python3 models/probe_targets.py --average /tmp/run6/ck1000.pt /tmp/run6/checkpoint.pt --out /tmp/avg.pt
"""
import argparse
import os
import sys

import numpy as np
from scipy import ndimage as ndi

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import evaluate as E  # noqa: E402
import select_targets as S  # noqa: E402
import train_features as T  # noqa: E402

SHIPPED_SET = "33,60,21,9,71,22,0,52,2,41,16,4,6,47,79,80"


def _normalized(plane):
    g = ndi.gaussian_filter(np.asarray(plane, np.float64), 1.5)
    lo, hi = np.percentile(g, (1, 99.5))
    return (g - lo) / (hi - lo if hi > lo else 1.0)


def component_area(plane):
    g = _normalized(plane)
    out = np.zeros_like(g)
    for t in T.ENCLOSURE_THRESHOLDS:
        lab, n = ndi.label(g > t)
        if n:
            area = np.bincount(lab.ravel())
            area[0] = 0
            out = out + np.log1p(area[lab])
    return ndi.gaussian_filter(out / len(T.ENCLOSURE_THRESHOLDS), 1.0)


def edge_distance(plane):
    g = _normalized(plane)
    out = np.zeros_like(g)
    for t in T.ENCLOSURE_THRESHOLDS:
        m = g > t
        out = out + np.minimum(ndi.distance_transform_edt(m), 20) - np.minimum(ndi.distance_transform_edt(~m), 20)
    return ndi.gaussian_filter(out / len(T.ENCLOSURE_THRESHOLDS), 1.0)


def hole_area(plane):
    g = _normalized(plane)
    out = np.zeros_like(g)
    for t in T.ENCLOSURE_THRESHOLDS:
        m = g > t
        lab, n = ndi.label(ndi.binary_fill_holes(m) & ~m)
        if n:
            area = np.bincount(lab.ravel())
            area[0] = 0
            out = out + np.log1p(area[lab])
    return ndi.gaussian_filter(out / len(T.ENCLOSURE_THRESHOLDS), 1.0)


MAPS = (component_area, edge_distance, hole_area)


def morph(data, chosen, seed, stacks):
    extended = []
    for i, (family, bank, labels, scrib, base) in enumerate(data):
        clean = E.stack(family, seed + i % stacks, noise_free=True)[0]
        maps = np.stack([np.stack([m(p) for m in MAPS]) for p in clean]).astype(np.float32)
        extended.append((family, np.concatenate([bank, maps], 1), labels, scrib, base))
    scores, base = S.table(extended, chosen, seed, 50)
    start = S.objective(scores, base, 1)
    print("the set: %.4f" % start, flush=True)
    for k, m in enumerate(MAPS):
        best, where = start, None
        for pos in range(len(chosen)):
            if chosen[pos] >= T.ENCLOSURE0:
                continue
            trial = chosen[:pos] + [T.ENCLOSURE0 + T.ENCLOSURES + k] + chosen[pos + 1:]
            s, _ = S.table(extended, trial, seed, 50)
            if S.objective(s, base, 1) > best:
                best, where = S.objective(s, base, 1), pos
        print("%s: %.4f%s" % (m.__name__, best, "" if where is None else " in position %d" % where), flush=True)


def repro(data, chosen, model, seed, stacks):
    net = E.Network(model)
    own, linear = {k: [] for k in range(len(chosen))}, []
    filters = T.ENCLOSURE0
    for i, (family, bank, labels, scrib, base) in enumerate(data):
        raw = E.stack(family, seed + i % stacks)[0]
        for z in (0, 3):
            f = net(raw[z].astype(np.float32))
            for k, c in enumerate(chosen):
                if c < filters:
                    own[k].append(abs(np.corrcoef(bank[z, c].ravel(), f[k].ravel())[0, 1]))
            x = np.c_[f.reshape(len(f), -1).T, np.ones(f[0].size)]
            y = bank[z, :filters].reshape(filters, -1).T
            pred = x @ np.linalg.lstsq(x, y, rcond=None)[0]
            linear.append([np.corrcoef(y[:, c], pred[:, c])[0, 1] if y[:, c].std() > 0 else 1.0 for c in range(filters)])
    print("each feature with its target: " + " ".join("%d %.2f" % (chosen[k], np.median(v)) for k, v in own.items() if v))
    med = np.nanmedian(np.array(linear), 0)
    print("a linear map of the features, each response: " + " ".join("%d %.2f" % (c, v) for c, v in enumerate(med)))
    print("responses predicted at 0.90 or more: %d of %d" % (int((med >= 0.9).sum()), filters))


def average(a, b, out):
    import torch
    x, y = torch.load(a)["model"], torch.load(b)["model"]
    torch.save({"model": {k: (x[k].float() / 2 + y[k].float() / 2).to(x[k].dtype) if x[k].is_floating_point() else x[k]
                          for k in x}}, out)
    print(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--morph", action="store_true")
    ap.add_argument("--repro", action="store_true")
    ap.add_argument("--average", nargs=2, metavar=("A", "B"))
    ap.add_argument("--out", help="--average's checkpoint")
    ap.add_argument("--set", default=SHIPPED_SET, help="DistillBank channels the model distils (default: the shipped model's)")
    ap.add_argument("--model", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "unet16-reference.pt"))
    ap.add_argument("--seed", type=int, default=777)
    ap.add_argument("--stacks", type=int, default=2)
    ap.add_argument("--cache", default="/tmp/featurize-targets")
    a = ap.parse_args()
    if a.average:
        if not a.out:
            raise SystemExit("--average needs --out")
        average(a.average[0], a.average[1], a.out)
    chosen = S.channels(a.set, what="--set")
    if a.morph or a.repro:
        data = S.banks(a.seed, a.stacks, a.cache)
        if a.morph:
            morph(data, chosen, a.seed, a.stacks)
        if a.repro:
            repro(data, chosen, a.model, a.seed, a.stacks)


if __name__ == "__main__":
    main()
