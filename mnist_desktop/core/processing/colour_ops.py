"""The augmentations photos need: horizontal flip, random crop after padding, colour jitter, random greyscale.

Pure batch functions on float32 images on the 0..1 scale, (n, H, W) grey or
(n, H, W, C) colour. They take the random numbers as arguments (one row per
image, drawn by :mod:`.augment` from the image's key), so every image depends
only on its own pixels and numbers, never on the batch it is in.

Semantics follow torchvision (``transforms.v2``):

- ``flip``: mirror left-right when the image's number is below ``p``.
- ``crop_padding``: pad ``N`` pixels on every side (zeros or reflection
  without repeating the edge, numpy's and torchvision's ``reflect``), then cut
  an H x W window at a random offset 0..2N in x and y (``RandomCrop(32, padding=4)``).
- ``jitter``: brightness, contrast, saturation and hue factors drawn from
  ``[max(0, 1 - b), 1 + b]`` (hue: a shift in ``[-h, h]`` of a turn), applied
  in a random order per image; brightness scales, contrast blends with the
  mean of the image's luminance, saturation with the per-pixel luminance,
  hue rotates in HSV; each clips to [0, 1]. Luminance weights are
  torchvision's (0.2989, 0.587, 0.114). Grey images have no saturation or hue.
- ``greyscale``: replace a colour image by its luminance in every channel.
"""

from __future__ import annotations

import itertools

import numpy as np

__all__ = ["PAD_MODES", "flip", "crop_after_padding", "jitter", "greyscale", "luminance", "ORDERS"]

PAD_MODES = ("zero", "reflect")
#: torchvision's luminance weights (``rgb_to_grayscale``).
LUMA = (0.2989, 0.587, 0.114)
#: Every order of the four jitter operations (brightness 0, contrast 1, saturation 2, hue 3).
ORDERS = np.array(list(itertools.permutations(range(4))), np.int8)


def flip(x: np.ndarray, u: np.ndarray, p: float) -> None:
    """Mirror image k left-right, in place, where ``u[k] < p``."""
    hit = np.flatnonzero(u < np.float32(p))
    if len(hit):
        x[hit] = x[hit, :, ::-1]


def crop_after_padding(x: np.ndarray, u: np.ndarray, padding: int, mode: str) -> np.ndarray:
    """Pad by ``padding`` on every side and cut an H x W window at offsets ``floor(u * (2N + 1))``.

    ``u`` is (n, 2): the x and y numbers of each image. Returns a new array.
    """
    n, h, w = x.shape[:3]
    rest = ((0, 0),) * (x.ndim - 3)
    widths = ((0, 0), (padding, padding), (padding, padding), *rest)
    padded = np.pad(x, widths, mode="reflect") if mode == "reflect" else np.pad(x, widths)
    span = 2 * padding + 1
    off = np.minimum((u * np.float32(span)).astype(np.intp), span - 1)
    rows = off[:, 1, None] + np.arange(h)  # (n, H)
    cols = off[:, 0, None] + np.arange(w)  # (n, W)
    return padded[np.arange(n)[:, None, None], rows[:, :, None], cols[:, None, :]]


def luminance(x: np.ndarray) -> np.ndarray:
    """(n, H, W) float32 luminance of a colour batch (the image itself when grey)."""
    if x.ndim == 3:
        return x
    r, g, b = (np.float32(v) for v in LUMA)
    out = x[..., 0] * r
    out += x[..., 1] * g
    out += x[..., 2] * b
    return out


def greyscale(x: np.ndarray, u: np.ndarray, p: float) -> None:
    """Replace colour image k by its luminance in all channels, in place, where ``u[k] < p``."""
    hit = np.flatnonzero(u < np.float32(p))
    if x.ndim == 4 and len(hit):
        x[hit] = luminance(x[hit])[..., None]


def _factors(u: np.ndarray, amount: float) -> np.ndarray:
    """Factors uniform on [max(0, 1 - amount), 1 + amount] from numbers on [0, 1)."""
    lo = max(0.0, 1.0 - amount)
    return (np.float32(lo) + u * np.float32(1.0 + amount - lo)).astype(np.float32)


def _blend(x: np.ndarray, other: np.ndarray, factor: np.ndarray) -> np.ndarray:
    """``factor * x + (1 - factor) * other``, clipped to [0, 1] (torchvision's ``_blend``)."""
    f = factor.reshape((-1,) + (1,) * (x.ndim - 1))
    out = x * f
    out += other * (np.float32(1) - f)
    np.clip(out, 0, 1, out=out)
    return out


def _brightness(x: np.ndarray, f: np.ndarray) -> np.ndarray:
    out = x * f.reshape((-1,) + (1,) * (x.ndim - 1))
    np.clip(out, 0, 1, out=out)
    return out


def _contrast(x: np.ndarray, f: np.ndarray) -> np.ndarray:
    grey = luminance(x)
    mean = grey.reshape(len(x), -1).mean(axis=1, dtype=np.float64).astype(np.float32)
    return _blend(x, mean.reshape((-1,) + (1,) * (x.ndim - 1)), f)


def _saturation(x: np.ndarray, f: np.ndarray) -> np.ndarray:
    if x.ndim == 3:
        return x
    return _blend(x, luminance(x)[..., None], f)


def _hue(x: np.ndarray, shift: np.ndarray) -> np.ndarray:
    """Rotate the hue by ``shift`` turns (torchvision's ``_rgb2hsv`` / ``_hsv2rgb``)."""
    if x.ndim == 3:
        return x
    r, g, b = x[..., 0], x[..., 1], x[..., 2]
    maxc = np.maximum(np.maximum(r, g), b)
    minc = np.minimum(np.minimum(r, g), b)
    cr = maxc - minc
    eq = cr == 0
    ones = np.float32(1)
    sat = cr / np.where(eq, ones, maxc)
    crd = np.where(eq, ones, cr)
    rc, gc, bc = (maxc - r) / crd, (maxc - g) / crd, (maxc - b) / crd
    hr = np.where(maxc == r, bc - gc, np.float32(0))
    hg = np.where((maxc == g) & (maxc != r), np.float32(2) + rc - bc, np.float32(0))
    hb = np.where((maxc != g) & (maxc != r), np.float32(4) + gc - rc, np.float32(0))
    h = (hr + hg + hb) / np.float32(6) + np.float32(1)
    h = np.mod(h, ones)
    h += shift.reshape(-1, 1, 1).astype(np.float32)
    h = np.mod(h, ones)
    return _hsv_to_rgb(h, sat, maxc)


def _hsv_to_rgb(h: np.ndarray, s: np.ndarray, v: np.ndarray) -> np.ndarray:
    i = np.floor(h * np.float32(6))
    f = h * np.float32(6) - i
    i = i.astype(np.int8) % 6
    p = np.clip(v * (np.float32(1) - s), 0, 1)
    q = np.clip(v * (np.float32(1) - s * f), 0, 1)
    t = np.clip(v * (np.float32(1) - s * (np.float32(1) - f)), 0, 1)
    vpqt = np.stack((v, p, q, t))
    out = np.empty((*h.shape, 3), np.float32)
    for c in range(3):
        out[..., c] = np.take_along_axis(vpqt, _SELECT[c][i][None], axis=0)[0]
    return out


#: Which of (v, p, q, t) each of R, G, B takes in each sixth of the hue circle.
_SELECT = np.array([[0, 2, 1, 1, 3, 0], [3, 0, 0, 2, 1, 1], [1, 1, 3, 0, 0, 2]], np.intp)
_OPS = (_brightness, _contrast, _saturation, _hue)


def jitter(x: np.ndarray, u: np.ndarray, amounts: tuple[float, float, float, float]) -> np.ndarray:
    """Colour jitter of a batch; ``u`` is (n, 5): four factor numbers and the order number.

    ``amounts`` are (brightness, contrast, saturation, hue); an amount of 0
    leaves its operation out. Returns the jittered batch (may be ``x`` itself).
    """
    factors = [_factors(u[:, k], a) if k < 3 else (np.float32(2 * a) * u[:, k] - np.float32(a)).astype(np.float32)
               for k, a in enumerate(amounts)]
    order = ORDERS[np.minimum((u[:, 4] * np.float32(len(ORDERS))).astype(np.intp), len(ORDERS) - 1)]
    for step in range(4):
        for op, amount in enumerate(amounts):
            if amount == 0:
                continue
            rows = np.flatnonzero(order[:, step] == op)
            if len(rows):
                x[rows] = _OPS[op](x[rows], factors[op][rows])
    return x
