#!/usr/bin/env python3
"""Which sixteen responses of the noise-free plane should a model distil? A swap search over
train_features.DistillBank's 81 channels (ilastik's 49 filters in FilterBank's order, 30 texture energies, 2 enclosure
maps), each set scored as probe_features.py --oracle scores one: the forest of evaluate.py on the channels computed
exactly on the noise-free planes of the held-out families, with the same scribbles, on a validation seed (not the
evaluation's, so that the choice does not tune the evaluation's table).

From a starting set, each position in turn is offered every channel not in the set (or the --candidates); a swap is
kept when it raises the objective: the overall mean IoU, less --penalty times how far the worst family falls behind
the filters' forest on the camera's planes (0 when no family is behind). Prints every kept swap and the final set with
its table; the banks are cached (--cache), so a second search costs only the forests.

    /usr/bin/python3 models/select_targets.py [--start 44,5,...] [--fixed 79,80] [--seed 777] [--stacks 2]
        [--trees 50] [--penalty 1] [--candidates 0-80] [--positions 0-15] [--rounds 1] [--cache /tmp/featurize-targets]
"""
import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import evaluate as E  # noqa: E402
import probe_features as P  # noqa: E402


def banks(seed, stacks, cache):
    """[(family, bank (z, 81, h, w), labels, scribbles, filters' score)] for every held-out family and stack."""
    os.makedirs(cache, exist_ok=True)
    order = P.filterbank_to_evaluate()
    out = []
    for family in E.FAMILIES:
        for s in range(stacks):
            path = os.path.join(cache, "%s-%d-%d.npz" % (family, seed, s))
            if not os.path.exists(path):
                raw, labels, _ = E.stack(family, seed + s)
                srng = np.random.default_rng([seed, s, 99])
                scrib = np.zeros(labels.shape, np.uint8)
                for z in E.TRAIN_PLANES:
                    scrib[z] = E.scribbles(srng, labels[z])
                filters = np.stack([E.filter_features(p) for p in raw])
                base = E.score(filters, labels, scrib, seed)
                clean = E.stack(family, seed + s, noise_free=True)[0]
                bank = np.concatenate([np.stack([E.filter_features(p) for p in clean])[:, order],
                                       np.stack([P.energy_bank(p) for p in clean]),
                                       np.stack([P.enclosure_maps(p) for p in clean])], 1).astype(np.float32)
                np.savez(path, bank=bank, labels=labels, scrib=scrib, base=base)
            d = np.load(path)
            out.append((family, d["bank"], d["labels"], d["scrib"], float(d["base"])))
            print("bank %s %d: filters %.3f" % (family, s, out[-1][4]), flush=True)
    return out


def table(data, subset, seed, trees):
    """{family: mean IoU over its stacks} of the forest on the channels `subset`, and the filters'."""
    got, base = {}, {}
    for family, bank, labels, scrib, b in data:
        got.setdefault(family, []).append(E.score(bank[:, subset], labels, scrib, seed, trees=trees))
        base.setdefault(family, []).append(b)
    return ({f: float(np.mean(v)) for f, v in got.items()}, {f: float(np.mean(v)) for f, v in base.items()})


def objective(scores, base, penalty):
    behind = max(0.0, max(base[f] - scores[f] for f in scores))
    return float(np.mean(list(scores.values()))) - penalty * behind


def channels(text, limit=81, what="channels"):
    """Numbers and ranges ("0-6,9,12") below `limit`."""
    out = []
    try:
        for part in text.split(","):
            if "-" in part:
                a, b = part.split("-")
                out.extend(range(int(a), int(b) + 1))
            else:
                out.append(int(part))
    except ValueError:
        raise SystemExit("%s: comma-separated numbers and ranges (0-6,9), got %r" % (what, text))
    if not all(0 <= c < limit for c in out):
        raise SystemExit("%s are 0-%d, got %r" % (what, limit - 1, text))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--start", default="44,5,42,48,17,15,0,52,2,41,16,4,6,47,79,80", help="the set to start from")
    ap.add_argument("--fixed", default="79,80", help="channels never swapped out")
    ap.add_argument("--candidates", default="0-80", help="channels offered")
    ap.add_argument("--positions", default=None, help="the positions of the set offered swaps (default: all)")
    ap.add_argument("--seed", type=int, default=777)
    ap.add_argument("--stacks", type=int, default=2)
    ap.add_argument("--trees", type=int, default=50, help="the forest's trees during the search (the final table: 100)")
    ap.add_argument("--penalty", type=float, default=1.0)
    ap.add_argument("--rounds", type=int, default=1, help="passes over the positions")
    ap.add_argument("--cache", default="/tmp/featurize-targets")
    a = ap.parse_args()
    current, fixed = channels(a.start, what="--start"), set(channels(a.fixed, what="--fixed"))
    offered = channels(a.candidates, what="--candidates")
    if len(set(current)) != len(current):
        raise SystemExit("--start: a channel appears twice in %r" % a.start)
    positions = channels(a.positions, len(current), "--positions") if a.positions else list(range(len(current)))
    data = banks(a.seed, a.stacks, a.cache)
    t0 = time.time()
    scores, base = table(data, current, a.seed, a.trees)
    best = objective(scores, base, a.penalty)
    print("start %s: %.4f (%.1f s per set)" % (",".join(map(str, current)), best, time.time() - t0), flush=True)
    for r in range(a.rounds):
        changed = False
        for i in positions:
            if current[i] in fixed:
                continue
            for c in offered:
                if c in current:
                    continue
                trial = current[:i] + [c] + current[i + 1:]
                s, _ = table(data, trial, a.seed, a.trees)
                v = objective(s, base, a.penalty)
                if v > best + 1e-4:
                    print("round %d position %d: %d -> %d: %.4f (%s)" % (r, i, current[i], c, v,
                          " ".join("%s %.3f" % kv for kv in s.items())), flush=True)
                    current, best, changed = trial, v, True
        print("after round %d: %s %.4f" % (r, ",".join(map(str, current)), best), flush=True)
        if not changed:
            break
    scores, base = table(data, current, a.seed, 100)
    print("\n| family | filters | the set |\n|---|---|---|")
    for f in scores:
        print("| %s | %.3f | %.3f |" % (f, base[f], scores[f]))
    print("| **overall** | **%.3f** | **%.3f** |" % (np.mean(list(base.values())), np.mean(list(scores.values()))))
    print("set: " + ",".join(map(str, current)))


if __name__ == "__main__":
    main()
