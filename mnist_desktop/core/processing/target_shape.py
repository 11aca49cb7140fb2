"""Target shape: the last stage of the recipe, giving every row a fixed size and channel count.

``fit="pad"`` centres the image on a canvas of value 0 (a smaller target
crops the centre; an odd difference puts the extra pixel at the bottom/right).
``fit="resize"`` is bilinear with antialiasing, the triangle filter Pillow's
``Image.resize(..., BILINEAR)`` uses (support widened by the scale factor when
shrinking), computed in float: uint8 results agree with Pillow within one
grey level. ``channels=3`` replicates grey; ``channels=1`` turns colour into
luminance with ITU-R 601 weights (Pillow's ``convert("L")``: exact on uint8).

Works on (N, H, W) grey and (N, H, W, C) colour batches alike; the stage runs
after normalization, so the pad value 0 is in output units.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from ..errors import Problem, RecipeError
from ..validation import check_choice, read_fields, shown

__all__ = ["TargetParams", "FIT_CHOICES", "MAX_SIDE", "parse_size", "apply_target", "pad_or_crop", "resize",
           "to_channels"]

FIT_CHOICES = ("pad", "resize")
MAX_SIDE = 4096


@dataclass(frozen=True)
class TargetParams:
    """Output size and channels; the defaults keep the images as they are.

    Attributes
    ----------
    size
        (width, height) of every output image, or None to keep the source size.
    fit
        "pad" (centred on zeros, or centre crop) or "resize" (bilinear, antialiased).
    channels
        1 (grey/luminance), 3 (RGB), or None to keep the source's.
    """

    size: Any = None
    fit: str = "pad"
    channels: Any = None

    def __post_init__(self) -> None:
        if isinstance(self.size, list):
            object.__setattr__(self, "size", tuple(self.size))

    @property
    def is_identity(self) -> bool:
        return self.size is None and self.channels is None

    def output_shape(self, image_shape: tuple[int, ...]) -> tuple[int, ...]:
        """The shape of one output image for source images of ``image_shape`` ((H, W) or (H, W, C))."""
        h, w = image_shape[:2]
        if self.size is not None:
            w, h = self.size
        c = image_shape[2] if len(image_shape) > 2 else 1
        c = c if self.channels is None else self.channels
        return (h, w) if c == 1 else (h, w, c)

    def problems(self) -> list[Problem]:
        out = []
        ok = self.size is None or (isinstance(self.size, tuple) and len(self.size) == 2 and all(
            isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= MAX_SIDE for v in self.size))
        if not ok:
            out.append(Problem("size", f"must be [width, height] with whole numbers 1..{MAX_SIDE}, or null, "
                                       f"got {shown(self.size)}"))
        out.append(check_choice("fit", self.fit, FIT_CHOICES))
        if self.channels not in (None, 1, 3) or isinstance(self.channels, bool):
            out.append(Problem("channels", f"must be 1, 3 or null, got {shown(self.channels)}"))
        return [p for p in out if p]

    def to_dict(self) -> dict[str, Any]:
        return {"size": None if self.size is None else list(self.size), "fit": self.fit,
                "channels": self.channels}

    @classmethod
    def from_dict(cls, data: Any, where: str = "target") -> TargetParams:
        """Build from a JSON object; unknown fields or bad values raise RecipeError naming the field."""
        params = cls(**read_fields(data, ("size", "fit", "channels"), where))
        problems = params.problems()
        if problems:
            raise RecipeError(f"{where}.{problems[0]}")
        return params


def parse_size(text: str) -> tuple[int, int]:
    """``"32"`` -> (32, 32); ``"64x48"`` -> (64, 48) (width x height); ValueError otherwise."""
    m = re.fullmatch(r"\s*(\d+)\s*(?:[xX]\s*(\d+)\s*)?", text)
    if not m:
        raise ValueError(f"expected N or WxH such as 32 or 224x224, got {text!r}")
    w = int(m.group(1))
    h = int(m.group(2)) if m.group(2) else w
    if not (1 <= w <= MAX_SIDE and 1 <= h <= MAX_SIDE):
        raise ValueError(f"sides must be 1..{MAX_SIDE}, got {text!r}")
    return w, h


def apply_target(x: np.ndarray, params: TargetParams) -> np.ndarray:
    """The target stage on a batch (N, H, W) or (N, H, W, C); same dtype out."""
    if params.is_identity:
        return x
    if params.size is not None:
        w, h = params.size
        x = resize(x, w, h) if params.fit == "resize" else pad_or_crop(x, w, h)
    if params.channels is not None:
        x = to_channels(x, params.channels)
    return x


def pad_or_crop(x: np.ndarray, width: int, height: int) -> np.ndarray:
    """Centre ``x`` (N, H, W[, C]) on a zero canvas of ``height`` x ``width`` (cropping the centre if smaller)."""
    n, h, w = x.shape[:3]
    out = np.zeros((n, height, width, *x.shape[3:]), x.dtype)
    top, left = (height - h) // 2, (width - w) // 2
    src_r, dst_r = _overlap(top, h, height)
    src_c, dst_c = _overlap(left, w, width)
    out[:, dst_r, dst_c] = x[:, src_r, src_c]
    return out


def _overlap(offset: int, n_in: int, n_out: int) -> tuple[slice, slice]:
    """(source slice, destination slice) of a 1-D placement of ``n_in`` at ``offset`` in ``n_out``."""
    if offset >= 0:
        return slice(0, n_in), slice(offset, offset + n_in)
    return slice(-offset, -offset + n_out), slice(0, n_out)


@lru_cache(maxsize=32)
def _weights(n_in: int, n_out: int) -> np.ndarray:
    """(n_out, n_in) float64 triangle-filter weights, Pillow's ``precompute_coeffs`` for BILINEAR."""
    scale = n_in / n_out
    filterscale = max(scale, 1.0)
    support = filterscale  # bilinear support 1, widened when shrinking (antialiasing)
    m = np.zeros((n_out, n_in))
    for o in range(n_out):
        center = (o + 0.5) * scale
        lo = max(int(center - support + 0.5), 0)
        hi = min(int(center + support + 0.5), n_in)
        j = np.arange(lo, hi)
        w = np.maximum(0.0, 1.0 - np.abs((j - center + 0.5) / filterscale))
        if w.sum() > 0:
            m[o, lo:hi] = w / w.sum()
    m.setflags(write=False)
    return m


@lru_cache(maxsize=32)
def _taps(n_in: int, n_out: int) -> tuple[np.ndarray, np.ndarray]:
    """(source index, float32 weight) of each output pixel's T taps, both (n_out, T); unused taps weigh 0."""
    m = _weights(n_in, n_out)
    nonzero = [np.flatnonzero(row) for row in m]
    t = max(1, max(len(nz) for nz in nonzero))
    idx = np.zeros((n_out, t), np.intp)
    wts = np.zeros((n_out, t), np.float32)
    for o, nz in enumerate(nonzero):
        idx[o, :len(nz)] = nz
        idx[o, len(nz):] = nz[0] if len(nz) else 0
        wts[o, :len(nz)] = m[o, nz]
    idx.setflags(write=False)
    wts.setflags(write=False)
    return idx, wts


def _resample(t: np.ndarray, axis: int, n_out: int) -> np.ndarray:
    """Filter float32 ``t`` along ``axis`` (-1 or -2) to ``n_out`` samples.

    A fixed sum over taps, element by element: every output value is the
    same whatever the batch it is computed in (a BLAS product is not: its
    summation order changes with the matrix sizes).
    """
    idx, wts = _taps(t.shape[axis], n_out)
    shape = (-1, 1) if axis == -2 else (1, -1)
    out = np.take(t, idx[:, 0], axis=axis) * wts[:, 0].reshape(shape)
    for j in range(1, idx.shape[1]):
        out += np.take(t, idx[:, j], axis=axis) * wts[:, j].reshape(shape)
    return out


def resize(x: np.ndarray, width: int, height: int) -> np.ndarray:
    """Bilinear, antialiased resize of (N, H, W[, C]) to ``height`` x ``width``; uint8 rounds and clips.

    Each row's values do not depend on the other rows of the batch (so
    ``ImageDataset`` batches equal the export's chunks bit for bit).
    """
    t = np.moveaxis(x.astype(np.float32, copy=False), (1, 2), (-2, -1))  # (N, [C,] H, W)
    t = _resample(_resample(t, -1, width), -2, height)
    t = np.moveaxis(t, (-2, -1), (1, 2))
    if x.dtype == np.uint8:
        return np.clip(np.rint(t), 0, 255).astype(np.uint8)
    return np.ascontiguousarray(t, dtype=x.dtype)


def to_channels(x: np.ndarray, channels: int) -> np.ndarray:
    """(N, H, W) grey <-> (N, H, W, 3) colour: grey replicated, or ITU-R 601 luminance."""
    colour = x.ndim == 4
    if channels == 3:
        if colour:
            return x if x.shape[3] == 3 else np.repeat(x[..., :1], 3, axis=3)
        return np.repeat(x[..., None], 3, axis=3)
    if not colour:
        return x
    if x.shape[3] == 1:
        return x[..., 0]
    if x.dtype == np.uint8:  # Pillow's integer formula: L = (19595 R + 38470 G + 7471 B + 2^15) >> 16
        r, g, b = (x[..., k].astype(np.uint32) for k in range(3))
        return ((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16).astype(np.uint8)
    weights = np.array([0.299, 0.587, 0.114], np.float32)
    return np.ascontiguousarray(x[..., :3] @ weights, dtype=x.dtype)
