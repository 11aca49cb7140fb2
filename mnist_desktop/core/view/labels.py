"""A 5x7 pixel font (digits, lower-case letters; capitals from .font) and class colours, for label strips.

Drawing labels as pixels inside the one mosaic image keeps a 1,024-tile page
a single texture upload instead of 1,024 text items.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["CLASS_COLORS", "GLYPH_HEIGHT", "GLYPH_WIDTH", "text_bitmap", "strip_text", "label_strips"]

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

#: Lower-case letters (EMNIST class names); capitals and punctuation come from :mod:`.font`.
_LOWER = {
    "a": (".....", ".....", ".###.", "....#", ".####", "#...#", ".####"),
    "b": ("#....", "#....", "#.##.", "##..#", "#...#", "#...#", "####."),
    "c": (".....", ".....", ".###.", "#....", "#....", "#...#", ".###."),
    "d": ("....#", "....#", ".##.#", "#..##", "#...#", "#...#", ".####"),
    "e": (".....", ".....", ".###.", "#...#", "#####", "#....", ".###."),
    "f": ("..##.", ".#..#", ".#...", "###..", ".#...", ".#...", ".#..."),
    "g": (".....", ".####", "#...#", "#...#", ".####", "....#", ".###."),
    "h": ("#....", "#....", "#.##.", "##..#", "#...#", "#...#", "#...#"),
    "i": ("..#..", ".....", ".##..", "..#..", "..#..", "..#..", ".###."),
    "j": ("...#.", ".....", "..##.", "...#.", "...#.", "#..#.", ".##.."),
    "k": ("#....", "#....", "#..#.", "#.#..", "##...", "#.#..", "#..#."),
    "l": (".##..", "..#..", "..#..", "..#..", "..#..", "..#..", ".###."),
    "m": (".....", ".....", "##.#.", "#.#.#", "#.#.#", "#...#", "#...#"),
    "n": (".....", ".....", "#.##.", "##..#", "#...#", "#...#", "#...#"),
    "o": (".....", ".....", ".###.", "#...#", "#...#", "#...#", ".###."),
    "p": (".....", ".....", "####.", "#...#", "####.", "#....", "#...."),
    "q": (".....", ".....", ".##.#", "#..##", ".####", "....#", "....#"),
    "r": (".....", ".....", "#.##.", "##..#", "#....", "#....", "#...."),
    "s": (".....", ".....", ".###.", "#....", ".###.", "....#", "####."),
    "t": (".#...", ".#...", "###..", ".#...", ".#...", ".#..#", "..##."),
    "u": (".....", ".....", "#...#", "#...#", "#...#", "#..##", ".##.#"),
    "v": (".....", ".....", "#...#", "#...#", "#...#", ".#.#.", "..#.."),
    "w": (".....", ".....", "#...#", "#...#", "#.#.#", "#.#.#", ".#.#."),
    "x": (".....", ".....", "#...#", ".#.#.", "..#..", ".#.#.", "#...#"),
    "y": (".....", ".....", "#...#", "#...#", ".####", "....#", ".###."),
    "z": (".....", ".....", "#####", "...#.", "..#..", ".#...", "#####"),
}


def _glyphs() -> dict[str, tuple[str, ...]]:
    """Every glyph the strips can draw: digits and lower case here, capitals and symbols in :mod:`.font`."""
    from .font import _LETTERS, _SYMBOLS  # font imports this module: import when first needed

    return {**_SYMBOLS, **_LETTERS, **_FONT, **_LOWER}


#: Matplotlib's tab10 palette, lightened for a dark background: one colour per class.
CLASS_COLORS = np.array([
    (88, 166, 255), (255, 163, 72), (96, 211, 96), (255, 99, 99), (190, 150, 240),
    (214, 160, 140), (255, 150, 220), (190, 190, 190), (220, 220, 90), (80, 220, 230),
], dtype=np.uint8)


def class_color(label: int) -> tuple[int, int, int]:
    """The RGB colour of class ``label`` (cycles after ten)."""
    return tuple(int(v) for v in CLASS_COLORS[label % len(CLASS_COLORS)])


def text_bitmap(text: str) -> np.ndarray:
    """Boolean (7, 6*len-1) bitmap of ``text`` (digits, letters, "-", "/"; anything else draws '?')."""
    cols = []
    glyphs = _glyphs()
    for i, ch in enumerate(text):
        rows = glyphs.get(ch, _FONT["?"])
        if i:
            cols.append(np.zeros((GLYPH_HEIGHT, 1), bool))
        cols.append(np.array([[c == "#" for c in row] for row in rows]))
    return np.hstack(cols) if cols else np.zeros((GLYPH_HEIGHT, 0), bool)


def strip_text(label: int, name: str | None, width: int) -> str:
    """What a tile's strip says: the class name when it fits the tile in this font, else the number."""
    if name is not None and all(ch in _glyphs() for ch in name) and 6 * len(name) - 1 <= width:
        return name
    return str(label)


def label_strips(n_classes: int, width: int, height: int = GLYPH_HEIGHT + 2,
                 background: tuple[int, int, int] = (28, 28, 32),
                 names: Sequence[str] | None = None) -> np.ndarray:
    """RGB strips (n_classes + 1, height, width, 3): each class in its colour, then "-" in grey.

    A class is shown by its name (``names``) when the name fits the tile,
    else by its number. The last strip, "-", is the one an unlabelled sample
    (label -1) picks when strips are indexed by label.
    """
    strips = np.empty((n_classes + 1, height, width, 3), np.uint8)
    strips[:] = background
    for label in range(n_classes + 1):
        unlabelled = label == n_classes
        text = "-" if unlabelled else strip_text(label, names[label] if names is not None else None, width)
        bitmap = text_bitmap(text)[:, :width]
        top = (height - GLYPH_HEIGHT) // 2
        left = (width - bitmap.shape[1]) // 2
        region = strips[label, top:top + GLYPH_HEIGHT, left:left + bitmap.shape[1]]
        region[bitmap] = (150, 150, 150) if unlabelled else class_color(label)
    return strips
