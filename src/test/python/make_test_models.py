"""Makes the small TorchScript models the Java tests load (src/test/resources/models/).

Run with Debian's torch:  /usr/bin/python3 src/test/python/make_test_models.py src/test/resources/models

- tiny_unet.pt: a two-level UNet (1 -> 4 channels, size multiple 4) with no description file, so that
  the plugin must measure it; small enough for fast tiling tests.
- tiny_unet_described.pt + .json: the same weights, with a description file.
- three_channels.pt: takes 3 input channels (refused for one-channel data).
- classifier.pt: returns (1, 10) class scores, not per-pixel features (refused).
"""
import json
import os
import sys

import torch
import torch.nn as nn


class Block(nn.Module):
    def __init__(self, cin: int, cout: int):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1), nn.ReLU(), nn.BatchNorm2d(cout))

    def forward(self, x):
        return self.body(x)


class TinyUNet(nn.Module):
    """enc 1->4 (pool), 4->8 (pool), bridge 8->8, up: ConvTranspose + skip added, twice."""

    def __init__(self):
        super().__init__()
        self.e1 = Block(1, 4)
        self.e2 = Block(4, 8)
        self.pool = nn.MaxPool2d(2, 2)
        self.bridge = nn.Conv2d(8, 8, 3, padding=1)
        self.u2 = nn.ConvTranspose2d(8, 8, 3, stride=2, padding=1, output_padding=1)
        self.d2 = Block(8, 4)
        self.u1 = nn.ConvTranspose2d(4, 4, 3, stride=2, padding=1, output_padding=1)
        self.d1 = Block(4, 4)

    def forward(self, x):
        s1 = self.e1(x)
        s2 = self.e2(self.pool(s1))
        b = self.bridge(self.pool(s2))
        y = self.d2(self.u2(b) + s2)
        return self.d1(self.u1(y) + s1)


class ThreeChannels(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)

    def forward(self, x):
        return self.conv(x)


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3, padding=1)
        self.fc = nn.Linear(4, 10)

    def forward(self, x):
        return self.fc(self.conv(x).mean(dim=(2, 3)))


def randomize_bn(module):
    for m in module.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-0.2, 0.2)
            m.running_var.uniform_(0.5, 1.5)
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.uniform_(-0.2, 0.2)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "src/test/resources/models"
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(1)
    unet = TinyUNet()
    randomize_bn(unet)
    unet.eval()
    scripted = torch.jit.script(unet)
    scripted.save(os.path.join(out, "tiny_unet.pt"))
    scripted.save(os.path.join(out, "tiny_unet_described.pt"))
    # receptive-field radius, analytic: e1 conv 1; pool; e2 conv 2 (=3); pool; bridge 4 (=7);
    # up2 (k3 s2 at scale 4) 4 (=11); d2 conv 2 (=13); up1 (k3 s2 at scale 2) 2 (=15); d1 conv 1 (=16),
    # plus up to 3 pixels of pooling alignment.
    with open(os.path.join(out, "tiny_unet_described.json"), "w") as f:
        json.dump({"name": "tiny_unet", "format": "torchscript", "input_channels": 1, "output_channels": 4,
                   "size_multiple": 4, "receptive_field": 19, "axes": "bcyx", "dtype": "float32"}, f, indent=2)
    torch.jit.script(ThreeChannels().eval()).save(os.path.join(out, "three_channels.pt"))
    torch.jit.script(Classifier().eval()).save(os.path.join(out, "classifier.pt"))
    x = torch.linspace(0, 1, 24 * 20).reshape(1, 1, 24, 20)
    with torch.no_grad():
        print("tiny_unet out", tuple(scripted(x).shape), "mean %.4f" % scripted(x).mean().item())


if __name__ == "__main__":
    main()
