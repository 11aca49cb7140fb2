"""Colour jitter of a batch (torchvision's ``ColorJitter`` semantics), in place, grouped by operation order.

Each image draws four factors and one of the 24 orders of the operations
(brightness 0, contrast 1, saturation 2, hue 3). The images of one order are
gathered from the source (bytes or floats) as one block of channel planes (an
(n, H, W, C) channel is a strided view and every operation on it ran ~3x
slower), run through their operations in place in a few reused buffers
(fresh temporaries cost page faults that measured slower than the arithmetic)
and written back; one block at a time stays in cache. Every image still
depends only on its own pixels and numbers: grouping and chunking change
where it is computed, never what.

Semantics (each operation clips to [0, 1]; torchvision's luminance weights):

- brightness ``b``: ``x * b``;
- contrast ``c``: blend with the mean of the image's luminance;
- saturation ``s``: blend with the per-pixel luminance;
- hue ``h`` (a shift in turns): rotate the hue of HSV, keeping value (max)
  and chroma (max - min).

Grey images have no saturation or hue; brightness and contrast compute
exactly what they always did (grey exports are byte-identical).
"""

from __future__ import annotations

import itertools

import numpy as np

from .normalize import to_unit_float
from .warp import Workspace

__all__ = ["jitter", "planar", "ORDERS", "LUMA"]

#: torchvision's luminance weights (``rgb_to_grayscale``).
LUMA = (0.2989, 0.587, 0.114)
#: Every order of the four jitter operations (brightness 0, contrast 1, saturation 2, hue 3).
ORDERS = np.array(list(itertools.permutations(range(4))), np.int8)
_ONE, _ZERO = np.float32(1), np.float32(0)
#: Added to the chroma before dividing by it: grey pixels (chroma 0) get hue 0 instead of 0/0,
#: and any chroma above ~1e-23 is unchanged by it in float32.
_TINY = np.float32(1e-30)


def planar(x: np.ndarray) -> np.ndarray:
    """(n, C, H, W) contiguous copy of an (n, H, W, C) batch; (n, 1, H, W) view of a grey (n, H, W) one."""
    return x[:, None] if x.ndim == 3 else np.ascontiguousarray(np.moveaxis(x, 3, 1))


def _per_image(f: np.ndarray) -> np.ndarray:
    return f.reshape(-1, 1, 1, 1)


def _luma(p: np.ndarray, ws: Workspace) -> np.ndarray:
    """(m, H, W) luminance of planar images (the plane itself when grey), in a workspace buffer."""
    if p.shape[1] == 1:
        return p[:, 0]
    shape = (len(p),) + p.shape[2:]
    out, tmp = ws.get("luma", shape), ws.get("luma_tmp", shape)
    np.multiply(p[:, 0], np.float32(LUMA[0]), out=out)
    out += np.multiply(p[:, 1], np.float32(LUMA[1]), out=tmp)
    out += np.multiply(p[:, 2], np.float32(LUMA[2]), out=tmp)
    return out


def _blend(p: np.ndarray, other: np.ndarray, factor: np.ndarray) -> np.ndarray:
    """``p = factor * p + (1 - factor) * other``, clipped to [0, 1] (torchvision's ``_blend``), in place.

    ``other`` broadcasts against ``p`` and is overwritten (it is a scratch buffer or a small array).
    """
    f = _per_image(factor)
    p *= f
    other *= _ONE - f if other.ndim == 4 else (_ONE - f)[:, 0]
    p += other[:, None] if other.ndim == 3 else other
    np.clip(p, _ZERO, _ONE, out=p)
    return p


def _brightness(p: np.ndarray, f: np.ndarray, ws: Workspace | None = None) -> np.ndarray:
    p *= _per_image(f)
    np.clip(p, _ZERO, _ONE, out=p)
    return p


def _contrast(p: np.ndarray, f: np.ndarray, ws: Workspace | None = None) -> np.ndarray:
    ws = ws or Workspace()
    mean = _luma(p, ws).reshape(len(p), -1).mean(axis=1, dtype=np.float64).astype(np.float32)
    return _blend(p, _per_image(mean), f)


def _saturation(p: np.ndarray, f: np.ndarray, ws: Workspace | None = None) -> np.ndarray:
    if p.shape[1] == 1:
        return p
    return _blend(p, _luma(p, ws or Workspace()), f)


def _hue(p: np.ndarray, shift: np.ndarray, ws: Workspace | None = None) -> np.ndarray:
    """Rotate the hue by ``shift`` turns, keeping value (max) and chroma (max - min); in place.

    torchvision's ``_rgb2hsv`` / ``_hsv2rgb`` round trip in closed form,
    without selecting a sector per pixel (``np.where``, ``np.copyto(where=)``
    or boolean masks cost 5-8 ns a pixel on photo data, where arithmetic
    costs 0.1-0.2). With channels scaled to ``q = (x - min) / c`` (c the
    chroma), ``P = q_g + q_b - q_r`` is 1 + hue on the half circle where
    g >= b and 5 - hue on the other (hue in sixths of a turn), so::

        hue - 3 = copysign(P - 2, b - g),   P - 2 = (g + b - r - max - c) / c <= 0

    (at g = b both halves give the same hue). ``y``, the rotated hue minus 3
    wrapped to [-3, 3], gives each channel as a trapezoid between min and max::

        R = min + c * (clip(|y|, 1, 2) - 1)
        G = max - c * (clip(|y + 1|, 1, 2) - 1)
        B = max - c * (clip(|y - 1|, 1, 2) - 1)

    35 operations on a plane where the sector selection took about 60; the
    results agree with torchvision's to float32 rounding.
    """
    if p.shape[1] == 1:
        return p
    ws = ws or Workspace()
    shape = (len(p),) + p.shape[2:]
    r, g, b = p[:, 0], p[:, 1], p[:, 2]
    big, small, chroma = ws.get("hue_max", shape), ws.get("hue_min", shape), ws.get("hue_c", shape)
    y, tmp = ws.get("hue_y", shape), ws.get("hue_tmp", shape)
    np.maximum(np.maximum(r, g, out=big), b, out=big)
    np.minimum(np.minimum(r, g, out=small), b, out=small)
    np.subtract(big, small, out=chroma)
    np.add(g, b, out=y)
    np.add(r, big, out=tmp)
    tmp += chroma
    y -= tmp
    y /= np.add(chroma, _TINY, out=tmp)
    np.copysign(y, np.subtract(b, g, out=tmp), out=y)
    y += (np.float32(6) * shift.astype(np.float32)).reshape(-1, 1, 1)  # |y| <= 6 for |shift| <= 0.5
    np.multiply(y, np.float32(1 / 6), out=tmp)  # wrap to [-3, 3] (np.mod on float32 is ~100x slower)
    np.rint(tmp, out=tmp)
    tmp *= np.float32(6)
    y -= tmp
    for out, offset in ((r, 0), (g, 1), (b, -1)):
        if offset:
            np.add(y, np.float32(offset), out=tmp)
            np.abs(tmp, out=tmp)
        else:
            np.abs(y, out=tmp)
        np.clip(tmp, _ONE, np.float32(2), out=tmp)
        tmp -= _ONE
        tmp *= chroma
        if offset:
            np.subtract(big, tmp, out=out)
        else:
            np.add(small, tmp, out=out)
    return p


_OPS = (_brightness, _contrast, _saturation, _hue)


def _factors(u: np.ndarray, amount: float) -> np.ndarray:
    """Factors uniform on [max(0, 1 - amount), 1 + amount] from numbers on [0, 1)."""
    lo = max(0.0, 1.0 - amount)
    return (np.float32(lo) + u * np.float32(1.0 + amount - lo)).astype(np.float32)


def jitter(x: np.ndarray, u: np.ndarray, amounts: tuple[float, float, float, float],
           ws: Workspace | None = None, *, out: np.ndarray | None = None) -> np.ndarray:
    """Colour jitter of a batch; ``u`` is (n, 5): four factor numbers and the order number.

    ``amounts`` are (brightness, contrast, saturation, hue); an amount of 0
    leaves its operation out. Each group of images with the same order is
    gathered from ``x`` (uint8 0..255 or float 0..1), converted, run through
    its operations as one planar block and written to its rows of ``out``
    (float32, ``x``'s shape; default ``x`` itself, in place). One block at a
    time stays in cache, where a sorted copy of the whole batch did not.
    """
    ws = ws or Workspace()
    out = x if out is None else out
    factors, sort, bounds, distinct = _groups(u, amounts)
    for g, seq in enumerate(distinct):
        rows = np.sort(sort[bounds[g]:bounds[g + 1]])
        if not len(rows):
            continue
        block = _to_planar(x[rows], ws)
        for op in seq:
            _OPS[op](block, factors[op][rows], ws)
        out[rows] = _from_planar(block, ws)
    return out


def _to_planar(pixels: np.ndarray, ws: Workspace) -> np.ndarray:
    """(m, C, H, W) float32 block (a workspace buffer) of (m, H, W[, C]) pixels, uint8 divided as everywhere."""
    shape = (len(pixels), 1 if pixels.ndim == 3 else pixels.shape[3]) + pixels.shape[1:3]
    block = ws.get("block", shape)
    src = pixels[:, None] if pixels.ndim == 3 else np.moveaxis(pixels, 3, 1)
    if pixels.dtype == np.uint8:
        to_unit_float(np.ascontiguousarray(src), block)
    else:
        np.copyto(block, src)
    return block


def _from_planar(block: np.ndarray, ws: Workspace) -> np.ndarray:
    """The block back as (m, H, W[, C]), channel by channel (one transposing copy measured 2-3x slower)."""
    if block.shape[1] == 1:
        return block[:, 0]
    pixels = ws.get("pixels", (len(block),) + block.shape[2:] + block.shape[1:2])
    for c in range(block.shape[1]):
        np.copyto(pixels[..., c], block[:, c])
    return pixels


def _groups(u: np.ndarray, amounts: tuple[float, float, float, float]):
    """Factors of each operation, the sort by order, the group bounds in it and each group's operations."""
    factors = [_factors(u[:, k], a) if k < 3 else (np.float32(2 * a) * u[:, k] - np.float32(a)).astype(np.float32)
               for k, a in enumerate(amounts)]
    order = np.minimum((u[:, 4] * np.float32(len(ORDERS))).astype(np.intp), len(ORDERS) - 1)
    # orders that differ only in switched-off operations are the same order
    sequences = [tuple(int(op) for op in perm if amounts[op]) for perm in ORDERS]
    distinct = sorted(set(sequences))
    group = np.array([distinct.index(seq) for seq in sequences], np.intp)[order]
    sort = np.argsort(group, kind="stable")
    bounds = np.searchsorted(group[sort], np.arange(len(distinct) + 1))
    return factors, sort, bounds, distinct
