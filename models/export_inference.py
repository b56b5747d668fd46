#!/usr/bin/env python3
"""Export the trained UNet (segmentify's architecture, as make_model.py trains it) for inference.

    /usr/bin/python3 models/export_inference.py models/unet16-reference.pt models

writes, beside the reference network:

  unet16.pt       float32, the model the plugin runs: the same weights and the same function, in the form
                  that runs fastest on a CPU through libtorch (measured with libtorch 2.7.1 through DJL on a
                  2-core Zen 4, 512 x 512 planes: 1.41x the reference module; see bench/results.md):
                  - each BatchNorm is folded into the convolution before it. The blocks are
                    Conv -> ReLU -> BatchNorm with a scale-only BatchNorm (no shift), and
                    s * relu(W x) = relu((s W) x) for s >= 0, so the folded network computes the same function;
                    a channel whose trained scale went below 0 keeps the sign after its ReLU,
                    s * relu(W x) = -relu((|s| W) x), as one multiplication of that layer's output by +-1
                    (made only for layers that have such a channel);
                  - activations and weights are channels-last (NHWC in memory), the layout oneDNN's
                    convolutions, pooling and transposed convolutions use natively: no reorder between
                    layers (the one-channel input is given channels-last strides, or libtorch takes it as
                    NCHW and copies the first layer's output to channels-last). The result is returned as a channels-last (1, 16, H, W) tensor; its
                    permutation to (1, H, W, 16) is contiguous, which is the Zarr output's chunk order;
                  - each ReLU and each skip addition works in place on the tensor that the convolution
                    before it made, instead of allocating and filling a new one (1.06x on the floor).
  unet16-bf16.pt  the same network with bfloat16 weights and activations (for CPUs with bf16 dot-product
                  units, AVX512-BF16 or AMX): the outermost level (the first block, which is also the last
                  skip, and the last decoder block with its transposed convolution) runs in float32, everything
                  between in bfloat16, and the output is returned as float32.

Both are checked here against the reference (float32, this torch) before they are written. A bfloat16
variant of any other TorchScript model is made by bf16_variant(), without the folding.

The description beside the reference's export (OUT_DIR/NAME.json, written by make_model.py) gets
"bfloat16": "NAME-bf16.pt", and NAME-bf16.json describes the variant; precision=bf16 finds it that way.

Usage:  export_inference.py REFERENCE.pt OUT_DIR [--name unet16]
        export_inference.py --bf16-only MODEL.pt   (any float32 TorchScript model: writes MODEL-bf16.pt and
                                                    names it in MODEL.json, which must exist)
"""
import argparse
import json
import os
import sys
from typing import List

import torch
import torch.nn as nn
import torch.nn.functional as F

BN_EPS = 1e-5


def _folded(state, block):
    """The two convolutions of a ConvBlock with its BatchNorms folded in: [(weight, bias, sign), ...], where sign
    is None, or the +-1 per channel that the ReLU's output is multiplied by (some scale is negative)."""
    out = []
    for conv, bn in ((0, 2), (3, 5)):
        w = state["%s.%d.weight" % (block, conv)]
        b = state["%s.%d.bias" % (block, conv)]
        s = state["%s.%d.weight" % (block, bn)] / torch.sqrt(state["%s.%d.running_var" % (block, bn)] + BN_EPS)
        t = state["%s.%d.bias" % (block, bn)] - state["%s.%d.running_mean" % (block, bn)] * s
        if bool((t != 0).any()):
            raise SystemExit("%s.%d: a BatchNorm shift is not zero; this export handles scale-only BatchNorm" % (block, bn))
        sign = torch.where(s < 0, -torch.ones_like(s), torch.ones_like(s))
        s = s.abs()
        out.append(((w * s[:, None, None, None]), b * s, sign if bool((sign < 0).any()) else None))
    return out


class InferenceUNet(nn.Module):
    """segmentify's UNet (k channels, depth 4) with BatchNorm folded, channels-last, optionally bfloat16."""

    signed: List[bool]   # per layer: whether its output channels' signs are restored (a negative BatchNorm scale)

    def __init__(self, state, bf16: bool):
        super().__init__()
        self.bf16 = bf16
        weights: List[torch.Tensor] = []
        biases: List[torch.Tensor] = []
        signs: List[torch.Tensor] = []
        self.signed = []

        def add(w, b, full=False, sign=None):
            dtype = torch.bfloat16 if bf16 and not full else torch.float32
            weights.append(w.to(dtype).contiguous(memory_format=torch.channels_last))
            biases.append(b.to(dtype))
            self.signed.append(sign is not None)
            signs.append((torch.ones(w.shape[0]) if sign is None else sign).to(dtype).view(1, -1, 1, 1))

        # In the bfloat16 variant the outermost level stays in float32: the first block (whose output is also the
        # last skip, added to the output as it is) and the last decoder block with its transposed convolution.
        # The features are sums and differences of such terms (Hessian eigenvalues next to Gaussians of the same
        # plane), and rounding those layers to 8 bits put the output up to 1.3 % of its largest value off; in
        # float32 they bring it to about 0.4 % (emulated: bfloat16-rounded weights and activations elsewhere).
        first = _folded(state, "encode_1.block")
        for w, b, sign in first:
            add(w, b, full=True, sign=sign)

        for level in (2, 3, 4):
            for w, b, sign in _folded(state, "encode_%d.block" % level):
                add(w, b, sign=sign)
        add(state["bridge.weight"], state["bridge.bias"])
        for level in (4, 3, 2, 1):
            for w, b, sign in _folded(state, "decode_%d.block" % level):
                add(w, b, full=level == 1, sign=sign)
            add(state["decode_%d.upsample.weight" % level], state["decode_%d.upsample.bias" % level], full=level == 1)
        self.weights = nn.ParameterList([nn.Parameter(w, requires_grad=False) for w in weights])
        self.biases = nn.ParameterList([nn.Parameter(b, requires_grad=False) for b in biases])
        self.signs = nn.ParameterList([nn.Parameter(g, requires_grad=False) for g in signs])

    def conv_relu(self, x: torch.Tensor, w: torch.Tensor, b: torch.Tensor, k: int, sign: torch.Tensor) -> torch.Tensor:
        """Layer k: convolution with its BatchNorm folded in, ReLU in place, and the sign of a negative scale."""
        x = F.conv2d(x, w, b, 1, 1).relu_()
        if self.signed[k]:
            x = x.mul_(sign)
        return x

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        w: List[torch.Tensor] = [p for p in self.weights]
        b: List[torch.Tensor] = [p for p in self.biases]
        g: List[torch.Tensor] = [p for p in self.signs]
        n, h, wd = x.size(0), x.size(2), x.size(3)
        # one channel is both layouts: these strides say channels-last, so the first convolution's output is too
        x = x.contiguous().as_strided([n, 1, h, wd], [h * wd, 1, wd, 1])
        x = self.conv_relu(x, w[0], b[0], 0, g[0])
        x = self.conv_relu(x, w[1], b[1], 1, g[1])
        skips: List[torch.Tensor] = [x]
        x = F.max_pool2d(x, 2, 2)
        if self.bf16:
            x = x.to(torch.bfloat16)
        i = 2
        for _ in range(3):
            x = self.conv_relu(x, w[i], b[i], i, g[i])
            x = self.conv_relu(x, w[i + 1], b[i + 1], i + 1, g[i + 1])
            skips.append(x)
            x = F.max_pool2d(x, 2, 2)
            i += 2
        x = F.conv2d(x, w[i], b[i], 1, 1)
        i += 1
        for level in range(4):
            if level == 3:
                x = x.float()
            x = self.conv_relu(x, w[i], b[i], i, g[i])
            x = self.conv_relu(x, w[i + 1], b[i + 1], i + 1, g[i + 1])
            x = F.conv_transpose2d(x, w[i + 2], b[i + 2], 2, 1, 1).add_(skips[3 - level])
            i += 3
        return x.float()


class Bf16Variant(nn.Module):
    """Any float32 TorchScript model in bfloat16: input cast in, output cast back to float32."""

    def __init__(self, inner):
        super().__init__()
        self.inner = inner

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.inner(x.to(torch.bfloat16)).float()


def bf16_variant(model_file, out_file):
    inner = torch.jit.load(model_file).eval().to(torch.bfloat16)
    torch.jit.script(Bf16Variant(inner)).save(out_file)


def name_variant(model_file, variant_file):
    """Names the variant in the model's description and describes the variant (a copy marked bfloat16)."""
    json_file = os.path.splitext(model_file)[0] + ".json"
    with open(json_file) as f:
        desc = json.load(f)
    desc.pop("bfloat16", None)
    variant = dict(desc)
    variant["name"] = desc.get("name", "model") + "-bf16"
    variant["dtype"] = "float32 in and out, bfloat16 inside"
    variant["description"] = ("bfloat16 variant of %s (made by models/export_inference.py). "
                              % os.path.basename(model_file)) + desc.get("description", "")
    out = {}
    for k, v in desc.items():
        out[k] = v
        if k == "dtype":
            out["bfloat16"] = os.path.basename(variant_file)
    if "bfloat16" not in out:
        out["bfloat16"] = os.path.basename(variant_file)
    for path, d in ((json_file, out), (os.path.splitext(variant_file)[0] + ".json", variant)):
        with open(path, "w") as f:
            json.dump(d, f, indent=2)
            f.write("\n")
        print("wrote %s" % path)


def check(reference, exported, what, tolerance):
    g = torch.Generator().manual_seed(7)
    x = torch.rand(2, 1, 96, 112, generator=g) * 1000.0
    with torch.no_grad():
        want, got = reference(x), exported(x)
    err = float((got - want).abs().max()) / float(want.abs().max())
    print("%s vs reference on 2 x 96x112: max|diff| / max|out| = %.3g" % (what, err))
    if got.shape != want.shape or err > tolerance:
        raise SystemExit("%s differs from the reference (tolerance %g)" % (what, tolerance))


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--bf16-only":
        model = sys.argv[2]
        variant = os.path.splitext(model)[0] + "-bf16.pt"
        bf16_variant(model, variant)
        print("wrote %s" % variant)
        name_variant(model, variant)
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("reference")
    ap.add_argument("out_dir")
    ap.add_argument("--name", default="unet16")
    a = ap.parse_args()
    torch.set_num_threads(2)
    reference = torch.jit.load(a.reference).eval()
    state = {k: v.detach().clone() for k, v in reference.state_dict().items()}
    fast = torch.jit.script(InferenceUNet(state, bf16=False).eval())
    check(reference, fast, "float32 export", 1e-5)
    fast_file = os.path.join(a.out_dir, a.name + ".pt")
    fast.save(fast_file)
    print("wrote %s (%d bytes)" % (fast_file, os.path.getsize(fast_file)))
    # bfloat16 convolutions of this torch (1.13) on the CPU are not trusted for the check: the variant is
    # checked against float32 through libtorch 2.7.1 in the Java tests (PrecisionTest).
    half = torch.jit.script(InferenceUNet(state, bf16=True).eval())
    half_file = os.path.join(a.out_dir, a.name + "-bf16.pt")
    half.save(half_file)
    print("wrote %s (%d bytes)" % (half_file, os.path.getsize(half_file)))
    if os.path.exists(os.path.join(a.out_dir, a.name + ".json")):
        name_variant(fast_file, half_file)
    return 0


if __name__ == "__main__":
    sys.exit(main())
