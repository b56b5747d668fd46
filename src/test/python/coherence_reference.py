"""The structure tensor's coherence of a plane, computed by scipy.ndimage: the reference for the classifier's
coherence input (models/probe_features.py's plane_coherence, the measurement that chose it).

Usage:  /usr/bin/python3 coherence_reference.py IN.raw WIDTH HEIGHT SIGMAS SMOOTH OUT.raw
IN.raw: float32 little-endian, row-major (HEIGHT, WIDTH). SIGMAS: comma-separated scales. OUT.raw: float32, one
(HEIGHT, WIDTH) plane per scale: derivatives at max(0.3, s / 2), the tensor averaged at s (both truncated at 3.5
sigma), (l1 - l2) / (l1 + l2) clipped to [0, 1], smoothed at SMOOTH (truncated at 3 sigma); scipy's default edge
mode (reflect), float64 throughout.
"""
import sys

import numpy as np
from scipy import ndimage as ndi


def coherence(p, sigma, smooth):
    d = max(0.3, sigma / 2)
    dx = ndi.gaussian_filter(p, d, order=(0, 1), truncate=3.5)
    dy = ndi.gaussian_filter(p, d, order=(1, 0), truncate=3.5)
    a, b, c = (ndi.gaussian_filter(v, sigma, truncate=3.5) for v in (dx * dx, dx * dy, dy * dy))
    trace = a + c
    coh = np.clip(np.sqrt((a - c) ** 2 + 4 * b ** 2) / np.maximum(trace, 1e-30), 0, 1)
    return ndi.gaussian_filter(coh, smooth, truncate=3.0)


w, h = int(sys.argv[2]), int(sys.argv[3])
plane = np.fromfile(sys.argv[1], "<f4").reshape(h, w).astype(np.float64)
sigmas = [float(s) for s in sys.argv[4].split(",")]
out = np.stack([coherence(plane, s, float(sys.argv[5])) for s in sigmas]).astype("<f4")
out.tofile(sys.argv[6])
