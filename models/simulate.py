"""Procedural microscopy-like scenes with dense ground truth, for training the feature model.

A scene is a 2D plane of expected photon counts before the microscope's blur and the camera,
with per-pixel truth: an instance map and a structure kind. Families (`FAMILIES`):

    nuclei     filled star-convex blobs with inner texture, sparse to touching, many sizes
    membranes  cells outlined by a bright membrane, dense (a tessellation) or scattered,
               dim interiors, some with a nucleus inside
    em         EM-like: dark membranes of a dense tessellation on a bright granular background,
               dark organelles
    tissue     a few large regions that differ by texture (scale, orientation, contrast), often
               with the same mean intensity
    fibres     smooth curves of several widths: sparse filaments, or bundles of aligned fibres
    spots      diffraction-limited spots of several sizes, on their own or over cells
    hollow     outlined objects of any size (vesicles, cysts, lumens, vessels in section: a bright
               wall, smooth, grainy or made of cells, around a dim inside) among filled ones
               of the same sizes and brightness, so that only what encloses what tells them apart

A scene mixes a base family with spots and filaments on top, an uneven background, vignetting
and out-of-focus haze. `Microscope.image()` then blurs it with an anisotropic Gaussian PSF and
draws the camera: exposure (SNR), Poisson noise, gain, offset and read noise.

Structure kinds (`KINDS`): what a pixel is, independent of the family, for the training heads.
The held-out evaluation (evaluate.py) draws its scenes with other generators.
"""
import math

import numpy as np
from scipy import ndimage as ndi
from scipy.spatial import cKDTree

FAMILIES = ("nuclei", "membranes", "em", "tissue", "fibres", "spots", "hollow")
KINDS = ("background", "blob", "cell interior", "membrane", "filament", "spot", "texture")
BLOB, INTERIOR, MEMBRANE, FILAMENT, SPOT, TEXTURE = 1, 2, 3, 4, 5, 6


class Scene:
    """Expected photons (float32, no offset) and truth: instance ids (int32, 0 = none) and
    kinds (uint8, index into KINDS)."""

    def __init__(self, size):
        self.signal = np.zeros((size, size), np.float64)
        self.instances = np.zeros((size, size), np.int32)
        self.kinds = np.zeros((size, size), np.uint8)
        self.next_id = 1

    def paint(self, mask, kind, intensity=None, add=True):
        """Label `mask` as a new instance of `kind`; add (or set) `intensity` there."""
        if not mask.any():
            return
        self.instances[mask] = self.next_id
        self.kinds[mask] = kind
        self.next_id += 1
        if intensity is not None:
            if add:
                self.signal += intensity
            else:
                self.signal[mask] = intensity[mask]


# ----------------------------------------------------------------------------------------------
# Shapes and textures
# ----------------------------------------------------------------------------------------------

def smooth_noise(rng, shape, sigma, anisotropy=1.0, angle=0.0):
    """Zero-mean, unit-std Gaussian-filtered noise; anisotropic along a random direction."""
    n = rng.normal(size=shape)
    if anisotropy != 1.0:
        # blur along one axis more, then rotate the noise field
        n = ndi.gaussian_filter(n, (sigma, sigma * anisotropy), mode="wrap")
        n = ndi.rotate(n, math.degrees(angle), reshape=False, mode="wrap", order=1)
    else:
        n = ndi.gaussian_filter(n, sigma, mode="wrap")
    n -= n.mean()
    s = n.std()
    return n / s if s > 0 else n


def star_blob(rng, size, cy, cx, radius, elong=1.0, wobble=0.15):
    """Mask of a star-convex blob: an ellipse whose radius varies smoothly with the angle."""
    reach = int(radius * max(elong, 1.0) * (1 + 3 * wobble)) + 3
    y0, y1 = max(0, int(cy) - reach), min(size, int(cy) + reach + 1)
    x0, x1 = max(0, int(cx) - reach), min(size, int(cx) + reach + 1)
    mask = np.zeros((size, size), bool)
    if y0 >= y1 or x0 >= x1:
        return mask
    yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float64)
    theta0 = rng.uniform(0, math.pi)
    dy, dx = yy - cy, xx - cx
    u = dx * math.cos(theta0) + dy * math.sin(theta0)
    v = -dx * math.sin(theta0) + dy * math.cos(theta0)
    r = np.hypot(u / elong, v)
    phi = np.arctan2(v, u / elong)
    rad = np.ones_like(phi)
    for k in range(2, 6):
        rad += wobble / k * rng.normal() * np.cos(k * phi + rng.uniform(0, 2 * math.pi))
    mask[y0:y1, x0:x1] = r <= radius * rad
    return mask


def tessellation(rng, size, spacing, jitter=0.8):
    """Voronoi cells of jittered grid points: (labels 1..n, boundary mask one pixel wide)."""
    n = max(2, int(size / spacing) + 2)
    g = (np.arange(n) - 0.5) * spacing
    py, px = np.meshgrid(g, g, indexing="ij")
    pts = np.stack([py.ravel(), px.ravel()], 1) + rng.uniform(-jitter, jitter, (n * n, 2)) * spacing / 2
    # anisotropic cells: stretch space before the nearest-point query
    stretch = math.exp(rng.uniform(-0.4, 0.4))
    yy, xx = np.mgrid[0:size, 0:size]
    grid = np.stack([yy.ravel() * stretch, xx.ravel() / stretch], 1)
    _, idx = cKDTree(pts * [stretch, 1 / stretch]).query(grid)
    labels = idx.reshape(size, size).astype(np.int32) + 1
    edge = np.zeros((size, size), bool)
    edge[:-1] |= labels[:-1] != labels[1:]
    edge[:, :-1] |= labels[:, :-1] != labels[:, 1:]
    return labels, edge


def curve(rng, size, length, curvature, start=None, angle=None):
    """Points of a smooth random curve (step 0.5 px)."""
    step = 0.5
    m = max(2, int(length / step))
    a0 = rng.uniform(0, 2 * math.pi) if angle is None else angle
    ang = a0 + np.cumsum(rng.normal(0, curvature, m))
    pts = np.stack([np.cumsum(step * np.sin(ang)), np.cumsum(step * np.cos(ang))], 1)
    pts += np.array(start if start is not None else rng.uniform(0, size, 2))
    return pts


def distance_to(size, pts):
    """Distance of every pixel to the nearest of `pts` (rasterized)."""
    hit = np.zeros((size, size), bool)
    p = np.round(pts).astype(int)
    ok = (p[:, 0] >= 0) & (p[:, 0] < size) & (p[:, 1] >= 0) & (p[:, 1] < size)
    if not ok.any():
        return np.full((size, size), np.inf)
    hit[p[ok, 0], p[ok, 1]] = True
    return ndi.distance_transform_edt(~hit)


# ----------------------------------------------------------------------------------------------
# Families
# ----------------------------------------------------------------------------------------------

def add_nuclei(rng, sc, dense):
    size = sc.signal.shape[0]
    r_mean = math.exp(rng.uniform(math.log(4), math.log(36)))
    n = int((0.6 if dense else rng.uniform(0.05, 0.35)) * size * size / (math.pi * r_mean ** 2)) + 1
    occupied = np.zeros((size, size), bool)
    base = rng.uniform(0.3, 1.0)
    for _ in range(min(n, 400)):
        r = r_mean * math.exp(rng.normal(0, 0.2))
        cy, cx = rng.uniform(-r / 2, size + r / 2, 2)
        m = star_blob(rng, size, cy, cx, r, math.exp(rng.uniform(0, 0.6)), rng.uniform(0.03, 0.25))
        if not m.any():
            continue
        overlap = (m & occupied).sum() / m.sum()
        if overlap > (0.15 if dense else 0.0):
            continue
        m &= ~occupied
        occupied |= m
        peak = base * math.exp(rng.normal(0, 0.35))
        tex = 1 + rng.uniform(0, 0.4) * smooth_noise(rng, (size, size), rng.uniform(1, 3))
        inten = np.where(m, peak * np.clip(tex, 0.2, None), 0.0)
        if rng.uniform() < 0.3:  # brighter rim or darker nucleolus-like spots
            d = ndi.distance_transform_edt(m)
            inten *= np.where(d < 2.5, rng.uniform(1.0, 1.8), 1.0)
        sc.paint(m, BLOB, inten)


def add_membrane_cells(rng, sc, dense):
    size = sc.signal.shape[0]
    spacing = math.exp(rng.uniform(math.log(18), math.log(80)))
    width = rng.uniform(0.7, 3.0)
    mem_peak = 1.0
    inside_level = rng.uniform(0.0, 0.35)
    if dense:
        labels, edge = tessellation(rng, size, spacing)
        d_edge = ndi.distance_transform_edt(~edge)
        membrane = d_edge <= width / 2
        along = 1 + rng.uniform(0, 0.5) * smooth_noise(rng, (size, size), 2)
        sc.signal += mem_peak * np.exp(-0.5 * (d_edge / max(width / 2, 0.5)) ** 2) * np.clip(along, 0.1, None)
        for lab in np.unique(labels):
            cell = (labels == lab) & ~membrane
            lvl = inside_level * math.exp(rng.normal(0, 0.3))
            tex = 1 + rng.uniform(0, 0.5) * smooth_noise(rng, (size, size), rng.uniform(1, 4))
            sc.paint(cell, INTERIOR, np.where(cell, lvl * np.clip(tex, 0, None), 0.0))
            if rng.uniform() < 0.4:
                _nucleus_inside(rng, sc, cell, mem_peak)
        sc.paint(membrane, MEMBRANE)
    else:
        n = int(rng.uniform(0.1, 0.4) * size * size / (spacing / 2) ** 2 / math.pi) + 1
        occupied = np.zeros((size, size), bool)
        for _ in range(min(n, 60)):
            r = spacing / 2 * math.exp(rng.normal(0, 0.2))
            cy, cx = rng.uniform(0, size, 2)
            m = star_blob(rng, size, cy, cx, r, math.exp(rng.uniform(0, 0.5)), rng.uniform(0.03, 0.2))
            if not m.any() or (m & ndi.binary_dilation(occupied, iterations=2)).any():
                continue
            occupied |= m
            d_in = ndi.distance_transform_edt(m)
            ring = m & (d_in <= width)
            cell = m & ~ring
            lvl = inside_level * math.exp(rng.normal(0, 0.3))
            sc.signal += np.where(m, np.exp(-0.5 * ((d_in - width / 2) / max(width / 2, 0.5)) ** 2), 0.0) * mem_peak
            sc.paint(cell, INTERIOR, np.where(cell, lvl, 0.0))
            if rng.uniform() < 0.5:
                _nucleus_inside(rng, sc, cell, mem_peak)
            sc.paint(ring, MEMBRANE)


# add_hollow: the share of objects placed whole within the scene's middle (WHOLE_MARGIN pixels from its edges) when
# they fit there. A hole shows as one only when its wall is whole in the plane; at random places the outlines of large
# objects are mostly cut by the edge of a training crop, and a network would rarely see a large enclosure.
WHOLE_SHARE = 0.5
WHOLE_MARGIN = 20
# add_hollow: the share of objects whose wall is closed, an even bright rim around a dark inside. Grainy walls and
# insides up to a third of the rim's brightness leave most large objects open at some of the levels that
# train_features.enclosure_maps thresholds; these show what a closed one looks like at every size.
CLOSED_SHARE = 0.5


def add_hollow(rng, sc):
    """Outlined and filled objects of one size range (radius 4 to 110 pixels between scenes): a hollow one is a
    wall (MEMBRANE) around an inside (INTERIOR) that is dim, sometimes holding spots; a filled one (BLOB) is as
    bright as the walls. The wall is 1 pixel to half the radius thick, smooth, grainy, or cut into cells; with
    probability CLOSED_SHARE it is even and the inside dark. Where an object fits, it is placed whole within the
    scene's middle with probability WHOLE_SHARE, else anywhere."""
    size = sc.signal.shape[0]
    r_mean = math.exp(rng.uniform(math.log(4), math.log(110)))
    n = int(rng.uniform(0.15, 0.5) * size * size / (math.pi * r_mean ** 2)) + 1
    hollow_share = rng.uniform(0.3, 0.8)
    occupied = np.zeros((size, size), bool)
    for _ in range(min(n, 120)):
        r = max(3.0, r_mean * math.exp(rng.normal(0, 0.25)))
        elong, wobble = math.exp(rng.uniform(0, 0.5)), rng.uniform(0.03, 0.2)
        room = size / 2 - WHOLE_MARGIN - r * elong * (1 + wobble)
        if room > 0 and rng.uniform() < WHOLE_SHARE:   # whole within the scene's middle, where training crops it
            cy, cx = size / 2 + rng.uniform(-room, room, 2)
        else:
            cy, cx = rng.uniform(-r / 3, size + r / 3, 2)
        m = star_blob(rng, size, cy, cx, r, elong, wobble)
        if not m.any() or (m & ndi.binary_dilation(occupied, iterations=2)).any():
            continue
        occupied |= m
        peak = math.exp(rng.normal(0, 0.3))
        closed = rng.uniform() < CLOSED_SHARE
        grain = 1 + rng.uniform(0, 0.15 if closed else 0.5) * smooth_noise(rng, (size, size), rng.uniform(0.7, 3))
        inside = None
        if rng.uniform() < hollow_share:
            d_in = ndi.distance_transform_edt(m)
            width = max(1.0, r * math.exp(rng.uniform(math.log(0.06), math.log(0.5))))
            wall = m & (d_in <= width)
            inside = m & ~wall
        if inside is None or not inside.any():   # filled, or too small for a wall around something
            sc.paint(m, BLOB, np.where(m, peak * np.clip(grain, 0.2, None), 0.0))
            continue
        level = peak * rng.uniform(0.0, 0.1 if closed else 0.3)
        profile = np.where(wall, np.clip(grain, 0.2, None), 0.0)
        if width >= 5 and rng.uniform() < 0.4:   # a wall of cells: dim cytoplasm between bright membranes
            ang = np.arctan2(*np.indices((size, size)) - np.array([cy, cx])[:, None, None])
            cells = max(6, int(2 * math.pi * r / rng.uniform(1.0, 2.5) / width))
            sector = (ang / (2 * math.pi) * cells + rng.uniform(0, 1)) % 1
            rho = np.maximum(r - d_in, 1.0)
            membrane = (np.minimum(sector, 1 - sector) * 2 * math.pi * rho / cells < 1.0) | (d_in < 1.5) \
                | (np.abs(d_in - width) < 1.0)
            profile = np.where(wall, np.where(membrane, 1.0, rng.uniform(0.15, 0.5)), 0.0)
        sc.signal += peak * profile
        sc.paint(inside, INTERIOR, np.where(inside, level, 0.0))
        if rng.uniform() < 0.3:
            ys, xs = np.nonzero(inside)
            for _ in range(int(rng.integers(1, 5))):
                i = rng.integers(len(ys))
                spot = np.hypot(*(np.indices((size, size)) - np.array([ys[i], xs[i]])[:, None, None])) \
                    <= rng.uniform(1, 2.5)
                sc.paint(spot & inside, SPOT, np.where(spot & inside, peak * rng.uniform(0.5, 1.2), 0.0))
        sc.paint(wall, MEMBRANE)


def _nucleus_inside(rng, sc, cell, peak):
    size = cell.shape[0]
    d = ndi.distance_transform_edt(cell)
    if d.max() < 5:
        return
    cy, cx = np.unravel_index(np.argmax(d), d.shape)
    m = star_blob(rng, size, cy, cx, d.max() * rng.uniform(0.35, 0.7), 1.0, 0.1) & cell
    sc.paint(m, BLOB, np.where(m, peak * rng.uniform(0.4, 1.5), 0.0))


def add_em(rng, sc):
    size = sc.signal.shape[0]
    spacing = math.exp(rng.uniform(math.log(25), math.log(90)))
    labels, edge = tessellation(rng, size, spacing, jitter=0.9)
    width = rng.uniform(1.0, 4.0)
    d_edge = ndi.distance_transform_edt(~edge)
    membrane = d_edge <= width / 2
    bright = 1.0
    grain = 1 + rng.uniform(0.1, 0.35) * smooth_noise(rng, (size, size), rng.uniform(0.7, 2))
    img = bright * np.clip(grain, 0.1, None)
    img *= 1 - rng.uniform(0.5, 0.9) * np.exp(-0.5 * (d_edge / max(width / 2, 0.5)) ** 2)
    for lab in np.unique(labels):
        cell = (labels == lab) & ~membrane
        sc.paint(cell, INTERIOR)
        # dark organelles
        for _ in range(rng.poisson(1.0)):
            d = ndi.distance_transform_edt(cell)
            if d.max() < 6:
                break
            ys, xs = np.nonzero(d > 4)
            i = rng.integers(len(ys))
            m = star_blob(rng, size, ys[i], xs[i], rng.uniform(3, min(12, d.max() - 2)),
                          math.exp(rng.uniform(0, 1.0)), 0.1) & cell
            img = np.where(m, img * rng.uniform(0.3, 0.7), img)
            sc.paint(m, BLOB)
    sc.paint(membrane, MEMBRANE)
    sc.signal += img


def add_tissue(rng, sc):
    size = sc.signal.shape[0]
    labels, edge = tessellation(rng, size, rng.uniform(60, 160), jitter=1.0)
    same_mean = rng.uniform() < 0.6
    img = np.zeros((size, size))
    for lab in np.unique(labels):
        region = labels == lab
        mean = 0.5 if same_mean else rng.uniform(0.2, 1.0)
        kind = rng.integers(3)
        if kind == 0:  # band-pass, maybe oriented
            t = smooth_noise(rng, (size, size), rng.uniform(0.8, 4), math.exp(rng.uniform(0, 1.5)),
                             rng.uniform(0, math.pi))
        elif kind == 1:  # granules
            t = np.zeros((size, size))
            k = rng.poisson(size * size * rng.uniform(0.002, 0.02))
            t[rng.integers(0, size, k), rng.integers(0, size, k)] = 1
            t = ndi.gaussian_filter(t, rng.uniform(0.8, 2.0))
            t = (t - t.mean()) / (t.std() + 1e-9)
        else:  # stripes
            f = rng.uniform(0.1, 0.6)
            a = rng.uniform(0, math.pi)
            yy, xx = np.mgrid[0:size, 0:size]
            t = np.sin(f * (yy * math.sin(a) + xx * math.cos(a)) + 2 * smooth_noise(rng, (size, size), 8))
            t += 0.3 * rng.normal(size=(size, size))
        contrast = rng.uniform(0.1, 0.5)
        img = np.where(region, mean * np.clip(1 + contrast * t, 0.02, None), img)
        sc.paint(region, TEXTURE)
    sc.signal += img


def add_fibres(rng, sc, bundle):
    size = sc.signal.shape[0]
    n = rng.integers(8, 40) if bundle else rng.integers(1, 12)
    main_angle = rng.uniform(0, 2 * math.pi)
    for _ in range(n):
        width = math.exp(rng.uniform(math.log(0.6), math.log(3.5)))
        pts = curve(rng, size, rng.uniform(40, 400), rng.uniform(0.005, 0.06),
                    angle=main_angle + rng.normal(0, 0.15) if bundle else None)
        d = distance_to(size, pts)
        prof = np.exp(-0.5 * (d / width) ** 2)
        sc.paint(d <= max(1.0, 1.2 * width), FILAMENT, prof * rng.uniform(0.2, 1.2))


def add_spots(rng, sc, density):
    size = sc.signal.shape[0]
    n = rng.poisson(density * size * size / 1000)
    for _ in range(n):
        s = math.exp(rng.uniform(math.log(0.7), math.log(2.5)))
        cy, cx = rng.uniform(0, size, 2)
        r = int(4 * s) + 2
        y0, y1, x0, x1 = max(0, int(cy) - r), min(size, int(cy) + r + 1), max(0, int(cx) - r), min(size, int(cx) + r + 1)
        if y0 >= y1 or x0 >= x1:
            continue
        yy, xx = np.mgrid[y0:y1, x0:x1]
        d2 = (yy - cy) ** 2 + (xx - cx) ** 2
        prof = np.zeros((size, size))
        prof[y0:y1, x0:x1] = np.exp(-0.5 * d2 / s ** 2)
        m = np.zeros((size, size), bool)
        m[y0:y1, x0:x1] = d2 <= (1.3 * s + 0.5) ** 2
        sc.paint(m, SPOT, prof * rng.uniform(0.3, 2.0))


def scene(rng, size=256, family=None):
    """One scene: (signal, instances, kinds, family). signal is in relative units (the family's
    brightest structure around 1), before blur and camera."""
    family = family or FAMILIES[rng.integers(len(FAMILIES))]
    sc = Scene(size)
    if family == "nuclei":
        add_nuclei(rng, sc, dense=rng.uniform() < 0.4)
    elif family == "membranes":
        add_membrane_cells(rng, sc, dense=rng.uniform() < 0.5)
    elif family == "em":
        add_em(rng, sc)
    elif family == "tissue":
        add_tissue(rng, sc)
    elif family == "fibres":
        add_fibres(rng, sc, bundle=rng.uniform() < 0.4)
    elif family == "hollow":
        add_hollow(rng, sc)
    elif family == "spots":
        if rng.uniform() < 0.5:
            add_nuclei(rng, sc, dense=False)
            sc.signal *= rng.uniform(0.1, 0.4)
        add_spots(rng, sc, rng.uniform(0.5, 6))
    else:
        raise ValueError("unknown family " + family)
    # extras on top
    if family not in ("em", "fibres") and rng.uniform() < 0.3:
        add_fibres(rng, sc, bundle=False)
    if family != "spots" and rng.uniform() < 0.3:
        add_spots(rng, sc, rng.uniform(0.2, 2))
    # dark-on-bright inversion of fluorescence-like scenes (absorption, brightfield-like)
    if family not in ("em",) and rng.uniform() < 0.12:
        sc.signal = sc.signal.max() * 1.1 - sc.signal
    # uneven background, vignetting, out-of-focus haze
    yy = np.linspace(-1, 1, size)[:, None]
    xx = np.linspace(-1, 1, size)[None, :]
    g = rng.normal(0, 1, 2)
    bg = rng.uniform(0.0, 0.3) * (1 + rng.uniform(0, 0.6) * (g[0] * yy + g[1] * xx) / 2)
    haze = rng.uniform(0, 0.4) * ndi.gaussian_filter(sc.signal, rng.uniform(8, 30))
    cy, cx = rng.uniform(-0.8, 0.8, 2)
    vignette = np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / rng.uniform(1.5, 8.0))
    signal = (np.clip(bg, 0, None) + sc.signal + haze) * vignette
    return signal.astype(np.float32), sc.instances, sc.kinds, family


# ----------------------------------------------------------------------------------------------
# Microscope and camera
# ----------------------------------------------------------------------------------------------

def image(rng, signal, max_offset=3.0):
    """(expected, noisy): float64 camera counts of `signal` through an anisotropic Gaussian PSF
    and a camera with random exposure, gain, offset and read noise. The offset, where there is one
    (3 draws in 4), is log-uniform between 0.005 and `max_offset` times the signal's span."""
    blurred = ndi.gaussian_filter(signal.astype(np.float64),
                                  (math.exp(rng.uniform(math.log(0.4), math.log(2.5))),
                                   math.exp(rng.uniform(math.log(0.4), math.log(2.5)))))
    blurred = np.clip(blurred, 0, None)
    photons_peak = math.exp(rng.uniform(math.log(4), math.log(3000)))  # SNR: dim to bright
    photons = blurred / max(blurred.max(), 1e-9) * photons_peak
    gain = math.exp(rng.uniform(math.log(0.5), math.log(20)))
    signal_span = gain * photons_peak
    u = rng.uniform()
    if u < 0.25:
        offset = 0.0
    else:
        offset = signal_span * math.exp(rng.uniform(math.log(0.005), math.log(max_offset)))
    read = gain * rng.uniform(0, 3)
    expected = offset + gain * photons
    noisy = offset + gain * rng.poisson(photons) + rng.normal(0, 1, photons.shape) * read
    if rng.uniform() < 0.5:
        noisy = np.round(noisy)
    return expected, noisy


# ----------------------------------------------------------------------------------------------
# Dense targets for the training heads
# ----------------------------------------------------------------------------------------------

def targets(instances, kinds):
    """Per-pixel training targets of one scene, float32 (6, h, w) and the kinds:

    0 foreground (any structure, not background)
    1 boundary (between instances, or a membrane)
    2 inside distance: distance to the instance's edge over the instance's largest one (0 - 1)
    3 outside distance: log(1 + distance to the nearest structure) / log(65), clipped to 1
    4 thickness: log(1 + the instance's largest inside distance) / log(65) on structures, else 0
    5 weight of the thickness target (1 on structures)
    6 elongation: log of the instance's major over minor axis (second moments) / log(16), clipped
      to 1, on structures, else 0
    7 size: log(1 + the instance's area) / log(1 + 65536) on structures, else 0
    8 enclosed: 1 where a membrane (an outline) encloses the pixel (a cell's inside, a
      compartment of a tessellation, a lumen), else 0

    6-8 describe what any segmented object is (its shape, its size, whether it surrounds
    something), whatever the family that drew it.
    """
    fg = kinds > 0
    edge = np.zeros(instances.shape, bool)
    edge[:-1] |= instances[:-1] != instances[1:]
    edge[1:] |= instances[:-1] != instances[1:]
    edge[:, :-1] |= instances[:, :-1] != instances[:, 1:]
    edge[:, 1:] |= instances[:, :-1] != instances[:, 1:]
    boundary = (edge & fg) | (kinds == MEMBRANE)
    d_in = ndi.distance_transform_edt(fg & ~edge) * fg
    n = int(instances.max())
    if n > 0:
        peak = ndi.maximum(d_in, instances, index=np.arange(n + 1))
        peak = np.asarray(peak, np.float64)
        peak[0] = 1.0
        per_pixel = peak[instances]
    else:
        per_pixel = np.ones(instances.shape)
    inside = np.where(fg, d_in / np.maximum(per_pixel, 1.0), 0.0)
    d_out = ndi.distance_transform_edt(~fg) if fg.any() else np.full(fg.shape, 64.0)
    outside = np.clip(np.log1p(d_out) / math.log(65), 0, 1)
    thick = np.where(fg, np.clip(np.log1p(per_pixel) / math.log(65), 0, 1), 0.0)
    elong, size = object_shapes(instances, fg)
    outline = kinds == MEMBRANE
    enclosed = ndi.binary_fill_holes(outline) & ~outline
    return np.stack([fg, boundary, inside, outside, thick, fg, elong, size, enclosed]).astype(np.float32)


def object_shapes(instances, fg):
    """Per pixel of each instance: its elongation (log of the axes' ratio from the second moments,
    over log 16, clipped to 1) and size (log(1 + area) over log(1 + 65536)); 0 off structures."""
    n = int(instances.max()) + 1
    ids = instances.ravel()
    yy, xx = np.indices(instances.shape)
    y, x = yy.ravel().astype(np.float64), xx.ravel().astype(np.float64)
    area = np.bincount(ids, minlength=n).astype(np.float64)
    a = np.maximum(area, 1)
    my, mx = np.bincount(ids, y, n) / a, np.bincount(ids, x, n) / a
    cyy = np.bincount(ids, y * y, n) / a - my * my + 1 / 12
    cxx = np.bincount(ids, x * x, n) / a - mx * mx + 1 / 12
    cxy = np.bincount(ids, x * y, n) / a - mx * my
    mean, root = (cyy + cxx) / 2, np.sqrt(((cyy - cxx) / 2) ** 2 + cxy ** 2)
    ratio = np.sqrt(np.maximum(mean + root, 1e-9) / np.maximum(mean - root, 1e-9))
    elong = np.clip(np.log(ratio) / math.log(16), 0, 1)
    size = np.clip(np.log1p(area) / math.log(65537), 0, 1)
    elong[0] = size[0] = 0
    return np.where(fg, elong[instances], 0.0), np.where(fg, size[instances], 0.0)
