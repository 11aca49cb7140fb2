"""Batched geometric warps: affine matrices, Gaussian smoothing, bilinear sampling.

The numerical kernels behind :mod:`mnist_desktop.core.processing.augment`, kept apart
so they can be tested against scipy.ndimage with explicit parameters.

Conventions: pixel (row y, column x), x to the right, y down; the centre of
an H x W image is ((W - 1) / 2, (H - 1) / 2). Every function works on a whole
batch with array operations, and every output image depends only on its own
input and parameters (no reduction across the batch), so results do not
depend on how a dataset is cut into chunks.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from .normalize import to_unit_float

__all__ = ["inverse_affine", "gaussian_matrix", "smooth_fields", "sample_coords", "bilinear", "bilinear_plan",
           "bilinear_apply"]

#: Zero border around each image in the sampling buffer: coordinates are
#: clipped to [-1, W], so x0 in [-1, W] and x0 + 1 <= W + 1 stay inside.
_PAD = 2


def inverse_affine(angle_deg: np.ndarray, scale: np.ndarray, shear_deg: np.ndarray) -> np.ndarray:
    """(n, 2, 2) float32 inverse of ``R(angle) @ S(scale) @ Sh(shear)``.

    The forward map sends a source offset from the centre ``v`` to
    ``R S Sh v``: first a horizontal shear ``x += tan(shear) * y``, then an
    isotropic scale, then a rotation that is counter-clockwise on screen for a
    positive angle. Sampling needs the inverse (output pixel -> source
    position); it is computed in float64 and rounded once.
    """
    a = np.deg2rad(np.asarray(angle_deg, np.float64))
    s = np.asarray(scale, np.float64)
    t = np.tan(np.deg2rad(np.asarray(shear_deg, np.float64)))
    c, sn = np.cos(a), np.sin(a)
    # R^-1 for y-down screen coordinates: [[c, -s], [s, c]]; S^-1 = 1/s; Sh^-1 = [[1, -t], [0, 1]].
    # Sh^-1 @ S^-1 @ R^-1:
    inv = np.empty((len(a), 2, 2), np.float64)
    inv[:, 0, 0] = (c - t * sn) / s
    inv[:, 0, 1] = (-sn - t * c) / s
    inv[:, 1, 0] = sn / s
    inv[:, 1, 1] = c / s
    return inv.astype(np.float32)


@functools.lru_cache(maxsize=32)
def gaussian_matrix(size: int, sigma: float, truncate: float = 4.0) -> np.ndarray:
    """(size, size) float32 matrix G with ``G @ v`` = 1-D Gaussian smoothing of v.

    Same kernel and border as ``scipy.ndimage.gaussian_filter1d`` with its
    defaults (``mode="reflect"``, i.e. d c b a | a b c d | d c b a, radius
    ``int(truncate * sigma + 0.5)``), so a 2-D field smooths as ``G @ D @ G.T``:
    two small matrix products instead of a 33-tap convolution per pixel.
    """
    radius = int(truncate * float(sigma) + 0.5)
    k = np.arange(-radius, radius + 1)
    w = np.exp(-0.5 * (k / float(sigma)) ** 2)
    w /= w.sum()
    g = np.zeros((size, size), np.float64)
    rows = np.arange(size)[:, None]
    src = (rows + k[None, :]) % (2 * size)
    src = np.where(src >= size, 2 * size - 1 - src, src)
    np.add.at(g, (np.broadcast_to(rows, src.shape), src), np.broadcast_to(w, src.shape))
    g = g.astype(np.float32)
    g.flags.writeable = False
    return g


def smooth_fields(fields: np.ndarray, sigma: float, ws: Workspace | None = None) -> np.ndarray:
    """Gaussian-smooth a batch of 2-D fields (..., H, W), float32.

    ``np.matmul`` on a stack calls one small GEMM per field, so each field's
    result is the same whatever the batch size.
    """
    h, w = fields.shape[-2:]
    gh, gw = gaussian_matrix(h, sigma), gaussian_matrix(w, sigma)
    if ws is None:
        return np.matmul(np.matmul(gh, fields), gw.T)
    tmp = np.matmul(gh, fields, out=ws.get("smooth", fields.shape))
    return np.matmul(tmp, gw.T, out=ws.get("field", fields.shape))


class Workspace:
    """Reusable scratch arrays for one chunked run (one per call: thread-safe).

    Fresh 1 MB temporaries cost page faults on every chunk, which measured
    slower than the arithmetic itself; reusing a few buffers removes that.
    """

    def __init__(self) -> None:
        self._arrays: dict[str, np.ndarray] = {}

    def get(self, name: str, shape: tuple[int, ...], dtype: type = np.float32) -> np.ndarray:
        """An uninitialised array of ``shape`` (a view of a cached buffer)."""
        size = math.prod(shape)  # np.prod costs ~10 us a call, ~5 % of a jitter
        buf = self._arrays.get(name)
        if buf is None or buf.size < size or buf.dtype != dtype:
            buf = self._arrays[name] = np.empty(size, dtype)
        return buf[:size].reshape(shape)


def sample_coords(inv: np.ndarray, shift: np.ndarray, shape: tuple[int, int],
                  disp: np.ndarray | None = None, ws: Workspace | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Source positions (sx, sy), each (n, H, W) float32, of every output pixel.

    Output pixel p takes its value from ``c + inv @ (p + d(p) - c - shift)``:
    the elastic displacement ``d`` (``disp``, (n, 2, H, W) as dx, dy) acts
    first on the output grid, then the inverse affine map about the centre c.
    The grid part is separable, so it is built from (n, 1, W) and (n, H, 1)
    pieces and costs one full-size operation per coordinate.
    """
    ws = ws or Workspace()
    h, w = shape
    n = len(inv)
    cx, cy = np.float32((w - 1) / 2), np.float32((h - 1) / 2)
    gx = (np.arange(w, dtype=np.float32) - cx)[None, None, :]
    gy = (np.arange(h, dtype=np.float32) - cy)[None, :, None]
    m = inv[:, :, :, None, None]
    tx, ty = shift[:, 0, None, None], shift[:, 1, None, None]
    out = []
    for row, c, name in ((0, cx, "sx"), (1, cy, "sy")):
        a, b = m[:, row, 0], m[:, row, 1]
        along_x = a * gx + (c - a * tx - b * ty)  # (n, 1, W)
        along_y = b * gy  # (n, H, 1)
        s = ws.get(name, (n, h, w))
        np.add(along_x, along_y, out=s)
        if disp is not None:
            tmp = ws.get("tmp", (n, h, w))
            s += np.multiply(a, disp[:, 0], out=tmp)
            s += np.multiply(b, disp[:, 1], out=tmp)
        out.append(s)
    return out[0], out[1]


def pad_images(images: np.ndarray, ws: Workspace | None = None) -> np.ndarray:
    """(n, H+4, W+4) float32 with the images on the 0..1 scale and a zero border.

    uint8 input is divided by 255 exactly as normalization does it, so an
    identity warp reproduces ``images / 255`` bit for bit.
    """
    n, h, w = images.shape
    shape = (n, h + 2 * _PAD, w + 2 * _PAD)
    pad = (ws or Workspace()).get("pad", shape)
    pad[:, :_PAD] = 0
    pad[:, h + _PAD:] = 0
    pad[:, :, :_PAD] = 0
    pad[:, :, w + _PAD:] = 0
    inner = pad[:, _PAD:_PAD + h, _PAD:_PAD + w]
    to_unit_float(images, inner)
    return pad


def bilinear(padded: np.ndarray, sx: np.ndarray, sy: np.ndarray, out: np.ndarray | None = None,
             ws: Workspace | None = None) -> np.ndarray:
    """Sample padded images (from :func:`pad_images`) at (sx, sy), bilinear, zero outside.

    Coordinates are clipped to [-1, W] x [-1, H]: beyond that every neighbour
    is in the zero border, so clipping changes nothing but keeps the gather in
    bounds. Between -1 and 0 the value fades linearly from the edge pixel to
    zero, like scipy's ``mode="grid-constant"``. Overwrites sx and sy.
    """
    ws = ws or Workspace()
    n, ph, pw = padded.shape
    return bilinear_apply(padded, bilinear_plan(sx, sy, (ph - 2 * _PAD, pw - 2 * _PAD), ws), out, ws)


def bilinear_plan(sx: np.ndarray, sy: np.ndarray, size: tuple[int, int],
                  ws: Workspace) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The gather index and the two weights of :func:`bilinear`, for every channel of one geometry.

    Colour images share their warp, so the clipping, flooring and index
    arithmetic run once and only the gathers and blends run per channel.
    ``size`` is the (H, W) of the source images. Returns (index, wx, wy);
    wx and wy are sx and sy, overwritten.
    """
    n, (h, w) = len(sx), size
    ph, pw = h + 2 * _PAD, w + 2 * _PAD
    shape = sx.shape
    np.clip(sx, -1, w, out=sx)
    np.clip(sy, -1, h, out=sy)
    x0 = np.floor(sx, out=ws.get("x0", shape))
    y0 = np.floor(sy, out=ws.get("y0", shape))
    sx -= x0  # now the weights
    sy -= y0
    # Flat index of the top-left neighbour, image offset included; exact in
    # float32 while n * (H+4) * (W+4) < 2**24 (CHUNK images are far below).
    base = (np.arange(n, dtype=np.float32) * np.float32(ph * pw) + np.float32(_PAD * pw + _PAD))
    y0 *= pw
    y0 += x0
    y0 += base[:, None, None]
    idx = ws.get("idx", shape, np.intp)
    idx[...] = y0
    return idx, sx, sy


def bilinear_apply(padded: np.ndarray, plan: tuple[np.ndarray, np.ndarray, np.ndarray],
                   out: np.ndarray | None = None, ws: Workspace | None = None) -> np.ndarray:
    """Gather the four neighbours of every output pixel and blend them with the plan's weights."""
    ws = ws or Workspace()
    idx, sx, sy = plan
    shape, pw = idx.shape, padded.shape[2]
    flat = padded.reshape(-1)
    v00 = flat.take(idx, out=out if out is not None else np.empty(shape, np.float32), mode="clip")
    v01 = flat[1:].take(idx, out=ws.get("v01", shape), mode="clip")
    v10 = flat[pw:].take(idx, out=ws.get("v10", shape), mode="clip")
    v11 = flat[pw + 1:].take(idx, out=ws.get("v11", shape), mode="clip")
    v01 -= v00
    v01 *= sx
    v00 += v01  # top row
    v11 -= v10
    v11 *= sx
    v10 += v11  # bottom row
    v10 -= v00
    v10 *= sy
    v00 += v10
    return v00
