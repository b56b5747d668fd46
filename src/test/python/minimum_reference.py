"""The minimum of a plane over a disk, computed by scipy.ndimage: the reference for the classifier's minimum input
(models/probe_features.py's derived_op "min", the measurement that chose it).

Usage:  /usr/bin/python3 minimum_reference.py IN.raw WIDTH HEIGHT RADII OUT.raw
IN.raw: float32 little-endian, row-major (HEIGHT, WIDTH). RADII: comma-separated. OUT.raw: float32, one
(HEIGHT, WIDTH) plane per radius: minimum_filter over the footprint y^2 + x^2 <= r^2, |x|, |y| <= round(r), with
scipy's reflect edge mode.
"""
import sys

import numpy as np
from scipy import ndimage as ndi


def minimum(p, radius):
    r = int(round(radius))
    yy, xx = np.mgrid[-r:r + 1, -r:r + 1]
    return ndi.minimum_filter(p, footprint=yy * yy + xx * xx <= radius * radius, mode="reflect")


w, h = int(sys.argv[2]), int(sys.argv[3])
plane = np.fromfile(sys.argv[1], "<f4").reshape(h, w)
radii = [float(s) for s in sys.argv[4].split(",")]
np.stack([minimum(plane, r) for r in radii]).astype("<f4").tofile(sys.argv[5])
