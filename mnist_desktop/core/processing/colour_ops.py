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

__all__ = ["PAD_MODES", "crop_and_flip", "crop_offsets", "jitter", "greyscale", "luminance", "ORDERS"]

PAD_MODES = ("zero", "reflect")
#: torchvision's luminance weights (``rgb_to_grayscale``).
LUMA = (0.2989, 0.587, 0.114)
#: Every order of the four jitter operations (brightness 0, contrast 1, saturation 2, hue 3).
ORDERS = np.array(list(itertools.permutations(range(4))), np.int8)


def crop_and_flip(x: np.ndarray, offsets: np.ndarray | None, padding: int, mode: str,
                  flipped: np.ndarray | None) -> np.ndarray:
    """Crop after padding, then mirror, as one gather; returns a new array of ``x``'s shape and dtype.

    ``offsets`` (n, 2) are the x and y positions 0..2N of each window in the
    padded image (None: no crop); ``flipped`` (n,) bool says which images are
    mirrored (None: none). Works on uint8 as on float, so the photo-only
    recipes gather the source bytes before converting them.
    """
    n, h, w = x.shape[:3]
    pad = padding if offsets is not None else 0
    if pad:
        widths = ((0, 0), (pad, pad), (pad, pad)) + ((0, 0),) * (x.ndim - 3)
        x = np.pad(x, widths, mode="reflect") if mode == "reflect" else np.pad(x, widths)
    ph, pw = h + 2 * pad, w + 2 * pad
    dx = offsets[:, 0] if offsets is not None else np.zeros(n, np.intp)
    dy = offsets[:, 1] if offsets is not None else np.zeros(n, np.intp)
    cols = np.broadcast_to(np.arange(w), (n, w))
    if flipped is not None:
        cols = np.where(flipped[:, None], w - 1 - cols, cols)
    rows = (np.arange(n) * ph + dy)[:, None] + np.arange(h)  # (n, H) rows of the stacked padded images
    index = (rows * pw)[:, :, None] + (dx[:, None] + cols)[:, None, :]
    flat = np.ascontiguousarray(x).reshape(n * ph * pw, *x.shape[3:])
    return np.take(flat, index, axis=0)


def crop_offsets(u: np.ndarray, padding: int) -> np.ndarray:
    """(n, 2) window offsets 0..2N from (n, 2) numbers on [0, 1)."""
    span = 2 * padding + 1
    return np.minimum((u * np.float32(span)).astype(np.intp), span - 1)


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


def planar(x: np.ndarray) -> np.ndarray:
    """(n, C, H, W) contiguous copy of an (n, H, W, C) batch; (n, 1, H, W) view of a grey (n, H, W) one.

    The jitter works on channel planes: a channel of an interleaved batch is a
    strided view, and every operation on it ran ~3x slower.
    """
    return x[:, None] if x.ndim == 3 else np.ascontiguousarray(np.moveaxis(x, 3, 1))


def _luma(p: np.ndarray) -> np.ndarray:
    """(m, H, W) luminance of planar images (the plane itself when grey)."""
    if p.shape[1] == 1:
        return p[:, 0]
    out = p[:, 0] * np.float32(LUMA[0])
    out += p[:, 1] * np.float32(LUMA[1])
    out += p[:, 2] * np.float32(LUMA[2])
    return out


def _per_image(f: np.ndarray) -> np.ndarray:
    return f.reshape(-1, 1, 1, 1)


def _blend(p: np.ndarray, other: np.ndarray, factor: np.ndarray) -> np.ndarray:
    """``factor * p + (1 - factor) * other``, clipped to [0, 1] (torchvision's ``_blend``)."""
    f = _per_image(factor)
    out = p * f
    out += other * (np.float32(1) - f)
    np.clip(out, 0, 1, out=out)
    return out


def _brightness(p: np.ndarray, f: np.ndarray) -> np.ndarray:
    out = p * _per_image(f)
    np.clip(out, 0, 1, out=out)
    return out


def _contrast(p: np.ndarray, f: np.ndarray) -> np.ndarray:
    mean = _luma(p).reshape(len(p), -1).mean(axis=1, dtype=np.float64).astype(np.float32)
    return _blend(p, _per_image(mean), f)


def _saturation(p: np.ndarray, f: np.ndarray) -> np.ndarray:
    if p.shape[1] == 1:
        return p
    return _blend(p, _luma(p)[:, None], f)


def _hue(p: np.ndarray, shift: np.ndarray) -> np.ndarray:
    """Rotate the hue by ``shift`` turns, keeping value (max) and chroma (max - min).

    torchvision's ``_rgb2hsv`` / ``_hsv2rgb`` in closed form: with the hue in
    sixths h and chroma c, channel n (R 5, G 3, B 1) is
    ``max - c * clip(min(k, 4 - k), 0, 1)`` for ``k = (n + h) mod 6``.
    """
    if p.shape[1] == 1:
        return p
    r, g, b = p[:, 0], p[:, 1], p[:, 2]
    maxc = np.maximum(np.maximum(r, g), b)
    chroma = maxc - np.minimum(np.minimum(r, g), b)
    # Which channel is the largest, as 0/1 floats: arithmetic instead of np.where, whose
    # unpredictable branches on photo pixels cost ~10x more than a multiply.
    on_r = (maxc == r).astype(np.float32)
    on_g = (maxc == g).astype(np.float32)
    on_g -= on_g * on_r
    on_b = np.float32(1) - on_r - on_g
    diff = on_r * (g - b)
    diff += on_g * (b - r)
    diff += on_b * (r - g)
    diff /= chroma + (chroma == 0)
    diff += np.float32(2) * on_g
    diff += np.float32(4) * on_b
    diff += (np.float32(6) * shift.astype(np.float32)).reshape(-1, 1, 1)
    out = np.empty(p.shape, np.float32)
    k = np.empty_like(maxc)
    t = np.empty_like(maxc)
    for c, n in enumerate((5, 3, 1)):
        np.add(diff, np.float32(n), out=k)
        np.multiply(k, np.float32(1 / 6), out=t)  # k mod 6 (np.mod on float32 is ~100x slower than floor)
        np.floor(t, out=t)
        t *= np.float32(6)
        k -= t
        np.subtract(np.float32(4), k, out=t)
        np.minimum(k, t, out=t)
        np.clip(t, 0, 1, out=t)
        t *= chroma
        np.subtract(maxc, t, out=out[:, c])
    return out


_OPS = (_brightness, _contrast, _saturation, _hue)


def jitter(x: np.ndarray, u: np.ndarray, amounts: tuple[float, float, float, float]) -> None:
    """Colour jitter of a batch, in place; ``u`` is (n, 5): four factor numbers and the order number.

    ``amounts`` are (brightness, contrast, saturation, hue); an amount of 0
    leaves its operation out. Images are sorted by the order of their
    operations, so each group runs its operations on one contiguous block
    (one gather and one scatter for the whole batch, not one per operation).
    """
    factors = [_factors(u[:, k], a) if k < 3 else (np.float32(2 * a) * u[:, k] - np.float32(a)).astype(np.float32)
               for k, a in enumerate(amounts)]
    order = np.minimum((u[:, 4] * np.float32(len(ORDERS))).astype(np.intp), len(ORDERS) - 1)
    # orders that differ only in switched-off operations are the same order
    sequences = [tuple(int(op) for op in perm if amounts[op]) for perm in ORDERS]
    distinct = sorted(set(sequences))
    group = np.array([distinct.index(seq) for seq in sequences], np.intp)[order]
    sort = np.argsort(group, kind="stable")
    p = planar(x[sort])
    bounds = np.searchsorted(group[sort], np.arange(len(distinct) + 1))
    for g, seq in enumerate(distinct):
        lo, hi = bounds[g], bounds[g + 1]
        if lo == hi:
            continue
        block, rows = p[lo:hi], sort[lo:hi]
        for op in seq:
            block = _OPS[op](block, factors[op][rows])
        p[lo:hi] = block
    x[sort] = p[:, 0] if x.ndim == 3 else np.moveaxis(p, 1, 3)
