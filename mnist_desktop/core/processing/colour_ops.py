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
  The batch engine lives in :mod:`.jitter`.
- ``greyscale``: replace a colour image by its luminance in every channel.
"""

from __future__ import annotations

import numpy as np

from .jitter import LUMA, ORDERS, jitter

__all__ = ["PAD_MODES", "crop_and_flip", "crop_offsets", "jitter", "greyscale", "luminance", "ORDERS", "LUMA"]

PAD_MODES = ("zero", "reflect")


def crop_and_flip(x: np.ndarray, offsets: np.ndarray | None, padding: int, mode: str,
                  flipped: np.ndarray | None) -> np.ndarray:
    """Crop after padding, then mirror; returns a new array of ``x``'s shape and dtype.

    ``offsets`` (n, 2) are the x and y positions 0..2N of each window in the
    padded image (None: no crop); ``flipped`` (n,) bool says which images are
    mirrored (None: none). Works on uint8 as on float, so the photo-only
    recipes gather the source bytes before converting them.

    The mirrored images are mirrored first (cropping the mirror at offset
    2N - x is mirroring the crop at x, for zero and reflect padding alike);
    then each output row is one contiguous run of ``W`` pixels in the padded
    batch, copied as bytes by one indexing of a strided view of all the
    runs. Gathering pixel by pixel measured 2-3x slower.
    """
    n, h, w = x.shape[:3]
    mirror = flipped is not None and bool(flipped.any())
    if mirror:
        x = np.array(x, copy=True, order="C")
        x[flipped] = x[flipped][:, :, ::-1]
    if offsets is None:
        return x if mirror else np.array(x, copy=True, order="C")
    widths = ((0, 0), (padding, padding), (padding, padding)) + ((0, 0),) * (x.ndim - 3)
    padded = np.pad(x, widths, mode="reflect") if mode == "reflect" else np.pad(x, widths)
    ph, pw = h + 2 * padding, w + 2 * padding
    dx = offsets[:, 0] if flipped is None else np.where(flipped, 2 * padding - offsets[:, 0], offsets[:, 0])
    starts = ((np.arange(n) * ph + offsets[:, 1]) * pw + dx)[:, None] + np.arange(h) * pw  # first pixel of each row
    pixel = x.itemsize * (x.shape[3] if x.ndim == 4 else 1)  # bytes
    raw = np.ascontiguousarray(padded).reshape(-1).view(np.uint8)
    runs = np.lib.stride_tricks.as_strided(raw, (n * ph * pw - w + 1, w * pixel), (pixel, 1), writeable=False)
    # indexing, not np.take: take would first copy the overlapping view whole
    return runs[starts.reshape(-1)].view(x.dtype).reshape(x.shape)


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
