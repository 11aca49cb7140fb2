"""Heat-map matrices and text tables drawn as RGB arrays / PNG bytes, without a plotting library.

For reports shown in a notebook (``_repr_png_``) or saved beside an export:
a confusion matrix with its counts written in the cells, a per-class table.
Text uses the 5x7 font of :mod:`..draw.glyphs` scaled by an integer factor (2 by
default: 10x14-pixel characters). Everything is numpy; PNG encoding is
:func:`~mnist_desktop.core.draw.png.encode_rgb`.

Typical use (an evaluation report)::

    rgb = stack([matrix_rgb(cm, names, names, title="confusion matrix",
                            row_title="true", col_title="predicted"),
                 table_rgb(["class", "precision", "recall"], rows)])
    png = encode_rgb(rgb)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..palette import BACKGROUND, DIM, FOREGROUND, STRIPE, cell_ink, heat_colors
from ..draw.glyphs import draw_text, text_size
from ..draw.png import encode_rgb

__all__ = ["matrix_rgb", "matrix_png", "table_rgb", "table_png", "format_number"]

def format_number(value) -> str:
    """Integers with thousands commas; other numbers with 2 decimals ("0.97")."""
    v = float(value)
    if v.is_integer() and abs(v) < 1e15:
        return f"{int(v):,}"
    return f"{v:.2f}"


def _norm(m: np.ndarray, normalize: str) -> np.ndarray:
    m = np.abs(m.astype(np.float64))
    if normalize == "row":
        d = m.sum(axis=1, keepdims=True)
    elif normalize == "col":
        d = m.sum(axis=0, keepdims=True)
    elif normalize == "all":
        d = np.full((1, 1), m.max() if m.size else 0.0)
    else:
        raise ValueError(f"normalize must be 'all', 'row' or 'col', got {normalize!r}")
    return np.divide(m, d, out=np.zeros_like(m), where=d > 0)


def matrix_rgb(matrix, row_names: Sequence[str], col_names: Sequence[str], *, title: str | None = None,
               row_title: str | None = None, col_title: str | None = None, normalize: str = "all",
               gamma: float = 0.5, colors: np.ndarray | None = None, scale: int = 2) -> np.ndarray:
    """A heat map of ``matrix`` (R, C) with each value written in its cell, as (H, W, 3) uint8.

    Parameters
    ----------
    matrix
        Numbers (counts or fractions); integers get thousands commas, others 2 decimals.
    row_names, col_names
        Labels drawn left of the rows and above the columns.
    title, row_title, col_title
        Optional text: above everything, in the top-left corner (e.g. "true")
        and above the column names (e.g. "predicted").
    normalize
        What a cell's colour is relative to: "all" (the largest value), "row"
        (its row's sum: recall of a confusion matrix) or "col" (its column's sum).
    gamma
        Colour = fraction ** gamma; below 1 makes small values (rare errors) visible.
    colors
        (R, C, 3) cell colours to use instead (``palette.confusion_colors`` for
        a confusion matrix, as the window draws it); ``normalize`` and ``gamma``
        are then unused. Digits are dark on bright cells, light on dark ones,
        muted where the value is 0 (``palette.cell_ink``).
    scale
        Pixels per font pixel; 2 gives 10x14-pixel digits.
    """
    m = np.asarray(matrix)
    if m.ndim != 2 or m.shape != (len(row_names), len(col_names)):
        raise ValueError(f"need a ({len(row_names)}, {len(col_names)}) matrix for the names given, got {m.shape}")
    texts = [[format_number(v) for v in row] for row in m.tolist()]
    pad, gap, line = 3 * scale, scale, text_size("0", scale)[0]
    cell_w = max([text_size(t, scale)[1] for row in texts for t in row] + [text_size(str(c), scale)[1]
                                                                            for c in col_names] + [line]) + 2 * pad
    cell_h = line + 2 * pad
    head_w = max([text_size(str(r), scale)[1] for r in row_names] + [text_size(row_title or "", scale)[1]]) + 2 * pad
    top = (cell_h if title else 0) + (cell_h if col_title else 0)
    rows, cols = m.shape
    height = top + (rows + 1) * (cell_h + gap) + gap
    width = head_w + cols * (cell_w + gap) + gap
    img = np.empty((height, width, 3), np.uint8)
    img[:] = BACKGROUND
    if title:
        draw_text(img, title, pad, pad, FOREGROUND, scale)
    if col_title:
        x = head_w + (cols * (cell_w + gap) - text_size(col_title, scale)[1]) // 2
        draw_text(img, col_title, (cell_h if title else 0) + pad, x, DIM, scale)
    y0 = top + gap
    if row_title:
        draw_text(img, row_title, y0 + pad, pad, DIM, scale)
    for c, name in enumerate(col_names):
        x = head_w + c * (cell_w + gap)
        draw_text(img, str(name), y0 + pad, x + cell_w - pad - text_size(str(name), scale)[1], FOREGROUND, scale)
    colors = heat_colors(_norm(m, normalize) ** gamma) if colors is None else np.asarray(colors, np.uint8)
    for r in range(rows):
        y = y0 + (r + 1) * (cell_h + gap)
        draw_text(img, str(row_names[r]), y + pad, head_w - pad - text_size(str(row_names[r]), scale)[1],
                  FOREGROUND, scale)
        for c in range(cols):
            x = head_w + c * (cell_w + gap)
            color = colors[r, c]
            img[y:y + cell_h, x:x + cell_w] = color
            t = texts[r][c]
            draw_text(img, t, y + pad, x + cell_w - pad - text_size(t, scale)[1], cell_ink(color, m[r, c]), scale)
    return img


def matrix_png(matrix, row_names: Sequence[str], col_names: Sequence[str], **options) -> bytes:
    """A heat map of ``matrix`` with each value written in its cell, as PNG bytes.

    Parameters
    ----------
    matrix
        (R, C) numbers, e.g. a confusion matrix (rows: true class, columns: predicted).
    row_names, col_names
        Labels of the rows and columns (any text; letters are drawn in capitals).
    **options
        ``title``, ``row_title``, ``col_title``, ``normalize`` ("all", "row",
        "col"), ``gamma`` and ``scale``, as for :func:`matrix_rgb`.

    Returns
    -------
    bytes
        A PNG file; a 47-class matrix of 4-digit counts stays under 200 kB.

    Examples
    --------
    >>> png = matrix_png(cm, names, names, title="confusion matrix",
    ...                  row_title="true", col_title="predicted", normalize="row")  # doctest: +SKIP
    """
    return encode_rgb(matrix_rgb(matrix, row_names, col_names, **options))


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", "").rstrip("%"))
    except ValueError:
        return False
    return True


def table_rgb(header: Sequence[str], rows: Sequence[Sequence], *, title: str | None = None,
              colors: Sequence | None = None, scale: int = 2) -> np.ndarray:
    """A text table as (H, W, 3) uint8: a header line, then one line per row, numbers right-aligned.

    Parameters
    ----------
    header
        Column titles.
    rows
        Cells (anything; floats are shown by :func:`format_number`, the rest by ``str``).
    colors
        Optional RGB colour per row for its first cell (e.g. the class colour).
    """
    cells = [[c if isinstance(c, str) else format_number(c) for c in row] for row in rows]
    table = [list(map(str, header))] + cells
    ncol = len(header)
    if any(len(r) != ncol for r in cells):
        raise ValueError(f"every row needs {ncol} cells, like the header")
    pad, line = 3 * scale, text_size("0", scale)[0]
    widths = [max(text_size(r[c], scale)[1] for r in table) + 4 * pad for c in range(ncol)]
    right = [all(_is_number(r[c]) for r in cells) and bool(cells) for c in range(ncol)]
    row_h = line + 2 * pad
    top = row_h if title else 0
    img = np.empty((top + row_h * len(table) + pad, sum(widths) + 2 * pad, 3), np.uint8)
    img[:] = BACKGROUND
    if title:
        draw_text(img, title, pad, pad, FOREGROUND, scale)
    for r, row in enumerate(table):
        y = top + r * row_h
        if r % 2 == 0 and r:
            img[y:y + row_h, pad:-pad] = STRIPE
        x = pad
        for c, text in enumerate(row):
            ink = DIM if r == 0 else FOREGROUND
            if r and c == 0 and colors is not None:
                ink = tuple(int(v) for v in colors[r - 1])
            w = text_size(text, scale)[1]
            draw_text(img, text, y + pad, x + (widths[c] - 2 * pad - w if right[c] else 2 * pad), ink, scale)
            x += widths[c]
    return img


def table_png(header: Sequence[str], rows: Sequence[Sequence], **options) -> bytes:
    """:func:`table_rgb` encoded as PNG bytes (same parameters)."""
    return encode_rgb(table_rgb(header, rows, **options))
