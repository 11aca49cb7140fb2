"""A 5x7 pixel font for digits and class colours, for label strips in mosaics.

Drawing labels as pixels inside the one mosaic image keeps a 1,024-tile page
a single texture upload instead of 1,024 text items.
"""

from __future__ import annotations

import numpy as np

__all__ = ["CLASS_COLORS", "GLYPH_HEIGHT", "GLYPH_WIDTH", "text_bitmap", "label_strips"]

GLYPH_WIDTH, GLYPH_HEIGHT = 5, 7

_FONT = {
    "0": (".###.", "#...#", "#..##", "#.#.#", "##..#", "#...#", ".###."),
    "1": ("..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."),
    "2": (".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"),
    "3": ("#####", "...#.", "..#..", "...#.", "....#", "#...#", ".###."),
    "4": ("...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."),
    "5": ("#####", "#....", "####.", "....#", "....#", "#...#", ".###."),
    "6": ("..##.", ".#...", "#....", "####.", "#...#", "#...#", ".###."),
    "7": ("#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."),
    "8": (".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###."),
    "9": (".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##.."),
    "?": (".###.", "#...#", "....#", "...#.", "..#..", ".....", "..#.."),
}

#: Matplotlib's tab10 palette, lightened for a dark background: one colour per class.
CLASS_COLORS = np.array([
    (88, 166, 255), (255, 163, 72), (96, 211, 96), (255, 99, 99), (190, 150, 240),
    (214, 160, 140), (255, 150, 220), (190, 190, 190), (220, 220, 90), (80, 220, 230),
], dtype=np.uint8)


def class_color(label: int) -> tuple[int, int, int]:
    """The RGB colour of class ``label`` (cycles after ten)."""
    return tuple(int(v) for v in CLASS_COLORS[label % len(CLASS_COLORS)])


def text_bitmap(text: str) -> np.ndarray:
    """Boolean (7, 6*len-1) bitmap of ``text`` (digits; anything else draws '?')."""
    cols = []
    for i, ch in enumerate(text):
        rows = _FONT.get(ch, _FONT["?"])
        if i:
            cols.append(np.zeros((GLYPH_HEIGHT, 1), bool))
        cols.append(np.array([[c == "#" for c in row] for row in rows]))
    return np.hstack(cols) if cols else np.zeros((GLYPH_HEIGHT, 0), bool)


def label_strips(n_classes: int, width: int, height: int = GLYPH_HEIGHT + 2,
                 background: tuple[int, int, int] = (28, 28, 32)) -> np.ndarray:
    """RGB strips (n_classes, height, width, 3): each class number in its colour."""
    strips = np.empty((n_classes, height, width, 3), np.uint8)
    strips[:] = background
    for label in range(n_classes):
        bitmap = text_bitmap(str(label))[:, :width]
        top = (height - GLYPH_HEIGHT) // 2
        left = (width - bitmap.shape[1]) // 2
        region = strips[label, top:top + GLYPH_HEIGHT, left:left + bitmap.shape[1]]
        region[bitmap] = class_color(label)
    return strips
