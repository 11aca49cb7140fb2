"""Tile many small images into one mosaic array (one texture for the grid view).

Drawing one image item holding a mosaic costs about 7 ms for 1,024 tiles;
one item per tile costs about 350 ms. The grid view therefore draws this.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..palette import BACKGROUND, FLAG, GAP

__all__ = ["make_mosaic", "mosaic_shape", "labeled_mosaic", "tile_origin", "tile_at", "stack"]


def mosaic_shape(n: int, cols: int, tile: tuple[int, int], gap: int) -> tuple[int, int]:
    """(height, width) of a mosaic of ``n`` tiles in ``cols`` columns."""
    rows = max(1, -(-n // cols))
    th, tw = tile
    return rows * (th + gap) + gap, cols * (tw + gap) + gap


def make_mosaic(images: np.ndarray, cols: int, *, gap: int = 2, fill=0,
                out: np.ndarray | None = None) -> np.ndarray:
    """Lay ``images`` (N, H, W[, C]) out row by row, ``cols`` per row, ``gap`` pixels apart.

    Vectorised: one reshape/transpose copy, no Python loop per tile. Tile i
    has its top-left corner at :func:`tile_origin`. A trailing channel axis
    (RGB) is carried through.
    """
    n, th, tw = images.shape[:3]
    extra = images.shape[3:]
    rows = max(1, -(-n // cols))
    shape = mosaic_shape(n, cols, (th, tw), gap) + extra
    if out is None or out.shape != shape or out.dtype != images.dtype:
        out = np.empty(shape, images.dtype)
    out[...] = fill
    cells = out[gap:, gap:].reshape(rows, th + gap, cols, tw + gap, *extra)[:, :th, :, :tw]
    full_rows = n // cols
    full = full_rows * cols
    cells[:full_rows] = images[:full].reshape(full_rows, cols, th, tw, *extra).swapaxes(1, 2)
    if full < n:
        cells[full_rows, :, : n - full] = images[full:].swapaxes(0, 1)
    return out


def tile_origin(i: int, cols: int, tile: tuple[int, int], gap: int) -> tuple[int, int]:
    """(row, column) pixel of tile ``i``'s top-left corner in a mosaic."""
    r, c = divmod(i, cols)
    return gap + r * (tile[0] + gap), gap + c * (tile[1] + gap)


def tile_at(x: int, y: int, cols: int, count: int, tile: tuple[int, int], gap: int) -> tuple[int, int, int]:
    """The inverse of :func:`tile_origin`: (tile, x, y within it) at mosaic pixel (x, y).

    Returns tile -1 over a gap, past the last tile or outside the mosaic.
    ``tile`` is the full cell (height including any label strip, width).
    """
    x, y = x - gap, y - gap
    if x < 0 or y < 0:
        return -1, 0, 0
    col, px = divmod(x, tile[1] + gap)
    row, py = divmod(y, tile[0] + gap)
    pos = row * cols + col
    if col >= cols or pos >= count or px >= tile[1] or py >= tile[0]:
        return -1, 0, 0
    return pos, px, py


def _pack_rgba(rgb) -> np.ndarray:
    """RGB triple(s) -> opaque RGBA packed in native-endian uint32 (one word a pixel)."""
    rgba = np.concatenate([np.asarray(rgb, np.uint8).reshape(-1, 3),
                           np.full((np.asarray(rgb).size // 3, 1), 255, np.uint8)], axis=1)
    return rgba.view(np.uint32).reshape(np.shape(rgb)[:-1])


_OPAQUE = _pack_rgba((0, 0, 0))  # the alpha byte alone, wherever the byte order puts it
_GREY_TO_WORD = _pack_rgba((1, 1, 1)) - _OPAQUE  # grey * this = the same grey in R, G and B


def _put_grey(dst: np.ndarray, grey: np.ndarray) -> None:
    """Write uint8 ``grey`` into ``dst`` as opaque RGBA words (one pass, no lookup table)."""
    np.multiply(grey, _GREY_TO_WORD, out=dst, dtype=np.uint32)
    dst |= _OPAQUE


def labeled_mosaic(images: np.ndarray, labels: np.ndarray, strips: np.ndarray, cols: int, *,
                   gap: int = 2, fill=GAP, flagged: np.ndarray | None = None,
                   flag_color=FLAG) -> np.ndarray:
    """RGBA mosaic (H, W, 4) uint8 of grey ``images`` (N, h, w) uint8, each above its label strip.

    Pixels are handled as packed 32-bit words written straight into the
    mosaic (no per-tile loop, no intermediate copy): a 1,024-tile page takes
    a few ms.

    Parameters
    ----------
    strips
        (n_classes, S, w, 3) uint8 label strips (see ``glyphs.label_strips``).
    flagged
        Boolean (N,) mask of tiles to outline in ``flag_color`` (drawn in the gap).
    """
    n, th, tw = images.shape
    packed = _pack_rgba(strips)
    sh = packed.shape[1]
    rows = max(1, -(-n // cols))
    out = np.empty(mosaic_shape(n, cols, (th + sh, tw), gap), np.uint32)
    out[...] = _pack_rgba(fill)
    grid = out[gap:, gap:].reshape(rows, th + sh + gap, cols, tw + gap)[:, :th + sh, :, :tw]
    full_rows = n // cols
    full = full_rows * cols
    if full_rows:
        _put_grey(grid[:full_rows, :th], images[:full].reshape(full_rows, cols, th, tw).swapaxes(1, 2))
        grid[:full_rows, th:] = packed[labels[:full]].reshape(full_rows, cols, sh, tw).swapaxes(1, 2)
    if full < n:
        _put_grey(grid[full_rows, :th, :n - full], images[full:].swapaxes(0, 1))
        grid[full_rows, th:, :n - full] = packed[labels[full:]].swapaxes(0, 1)
    if flagged is not None and gap > 0:
        color = _pack_rgba(flag_color)
        for i in np.flatnonzero(flagged):
            y, x = tile_origin(int(i), cols, (th + sh, tw), gap)
            out[y - 1:y + th + sh + 1, [x - 1, x + tw]] = color
            out[[y - 1, y + th + sh], x - 1:x + tw + 1] = color
    return out.view(np.uint8).reshape(*out.shape, 4)


def stack(images: Sequence[np.ndarray], *, gap: int = 8, vertical: bool = True) -> np.ndarray:
    """Place RGB arrays one below (or beside) the other, ``gap`` pixels apart, on the background."""
    axis = 0 if vertical else 1
    other = 1 - axis
    size = max(im.shape[other] for im in images)
    total = sum(im.shape[axis] for im in images) + gap * (len(images) - 1)
    out = np.empty((total, size, 3) if vertical else (size, total, 3), np.uint8)
    out[:] = BACKGROUND
    pos = 0
    for im in images:
        if vertical:
            out[pos:pos + im.shape[0], :im.shape[1]] = im[..., :3]
        else:
            out[:im.shape[0], pos:pos + im.shape[1]] = im[..., :3]
        pos += im.shape[axis] + gap
    return out
