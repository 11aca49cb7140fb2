"""Draw a map as an RGB picture (for ``mnist-desktop map --png``), with numpy only.

Points are small squares coloured by class, drawn in a fixed shuffled order
so that no class always lies on top; a legend in the top-left corner gives
each class number in its colour (the project's 5 x 7 pixel font, doubled).
"""

from __future__ import annotations

import numpy as np

from ..palette import CLASS_COLORS, PLOT, UNLABELLED_GREY
from ..draw.glyphs import GLYPH_HEIGHT, text_bitmap
from .model import Map

__all__ = ["render_map", "BACKGROUND"]

BACKGROUND = PLOT


def render_map(m: Map, width: int = 1000, height: int = 1000, *, point: int = 2, margin: int = 20) -> np.ndarray:
    """(height, width, 3) uint8 picture of the map, points coloured by class."""
    img = np.empty((height, width, 3), np.uint8)
    img[:] = BACKGROUND
    if len(m):
        lo, hi = m.coords.min(0), m.coords.max(0)
        scale = (min(width, height) - 2 * margin - point) / float(max((hi - lo).max(), 1e-6))
        offset = (np.array([width, height]) - point - (hi - lo) * scale) / 2
        xy = ((m.coords - lo) * scale + offset).astype(np.int64)
        px, py = xy[:, 0], height - point - xy[:, 1]  # y grows upwards on the map
        order = np.random.default_rng(0).permutation(len(m))
        labels = m.labels[order].astype(np.int64)
        colors = np.where((labels < 0)[:, None], np.uint8(UNLABELLED_GREY), CLASS_COLORS[labels % len(CLASS_COLORS)])
        for dy in range(point):
            for dx in range(point):
                img[np.clip(py[order] + dy, 0, height - 1), np.clip(px[order] + dx, 0, width - 1)] = colors
    _legend(img, len(m.class_names))
    return img


def _legend(img: np.ndarray, n_classes: int, scale: int = 2) -> None:
    """Class numbers in their colours, one per line, top-left."""
    for c in range(n_classes):
        glyph = np.kron(text_bitmap(str(c)), np.ones((scale, scale), bool))
        top = 8 + c * (GLYPH_HEIGHT + 3) * scale
        if top + glyph.shape[0] > img.shape[0] or 8 + glyph.shape[1] > img.shape[1]:
            break
        img[top:top + glyph.shape[0], 8:8 + glyph.shape[1]][glyph] = CLASS_COLORS[c % len(CLASS_COLORS)]
