"""The 5x7 pixel font and text drawn with it: one room for every glyph table.

Pictures and label strips are made without a font library (no Qt, no
Pillow, no matplotlib in core/): digits, capital and lower-case letters and
a little punctuation, scaled by an integer factor so a person can read them.
:func:`text_bitmap` keeps the case (EMNIST class names in label strips);
:func:`text_mask` / :func:`draw_text` draw lower-case text in capitals.
Drawing labels as pixels inside the one mosaic image keeps a 1,024-tile page
a single texture upload instead of 1,024 text items.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..palette import BACKGROUND, UNLABELLED_GREY, class_color

__all__ = ["GLYPH_WIDTH", "GLYPH_HEIGHT", "text_bitmap", "text_mask", "text_size", "draw_text", "can_draw",
           "strip_text", "label_strips"]

GLYPH_WIDTH, GLYPH_HEIGHT = 5, 7

_DIGITS = {
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

#: Lower-case letters (EMNIST class names).
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


_LETTERS = {
    "A": (".###.", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"),
    "B": ("####.", "#...#", "#...#", "####.", "#...#", "#...#", "####."),
    "C": (".###.", "#...#", "#....", "#....", "#....", "#...#", ".###."),
    "D": ("###..", "#..#.", "#...#", "#...#", "#...#", "#..#.", "###.."),
    "E": ("#####", "#....", "#....", "####.", "#....", "#....", "#####"),
    "F": ("#####", "#....", "#....", "####.", "#....", "#....", "#...."),
    "G": (".###.", "#...#", "#....", "#.###", "#...#", "#...#", ".####"),
    "H": ("#...#", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"),
    "I": (".###.", "..#..", "..#..", "..#..", "..#..", "..#..", ".###."),
    "J": ("..###", "...#.", "...#.", "...#.", "...#.", "#..#.", ".##.."),
    "K": ("#...#", "#..#.", "#.#..", "##...", "#.#..", "#..#.", "#...#"),
    "L": ("#....", "#....", "#....", "#....", "#....", "#....", "#####"),
    "M": ("#...#", "##.##", "#.#.#", "#.#.#", "#...#", "#...#", "#...#"),
    "N": ("#...#", "#...#", "##..#", "#.#.#", "#..##", "#...#", "#...#"),
    "O": (".###.", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."),
    "P": ("####.", "#...#", "#...#", "####.", "#....", "#....", "#...."),
    "Q": (".###.", "#...#", "#...#", "#...#", "#.#.#", "#..#.", ".##.#"),
    "R": ("####.", "#...#", "#...#", "####.", "#.#..", "#..#.", "#...#"),
    "S": (".####", "#....", "#....", ".###.", "....#", "....#", "####."),
    "T": ("#####", "..#..", "..#..", "..#..", "..#..", "..#..", "..#.."),
    "U": ("#...#", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."),
    "V": ("#...#", "#...#", "#...#", "#...#", "#...#", ".#.#.", "..#.."),
    "W": ("#...#", "#...#", "#...#", "#.#.#", "#.#.#", "#.#.#", ".#.#."),
    "X": ("#...#", "#...#", ".#.#.", "..#..", ".#.#.", "#...#", "#...#"),
    "Y": ("#...#", "#...#", ".#.#.", "..#..", "..#..", "..#..", "..#.."),
    "Z": ("#####", "....#", "...#.", "..#..", ".#...", "#....", "#####"),
}

_SYMBOLS = {
    " ": (".....",) * 7,
    "-": (".....", ".....", ".....", "#####", ".....", ".....", "....."),
    "_": (".....", ".....", ".....", ".....", ".....", ".....", "#####"),
    ".": (".....", ".....", ".....", ".....", ".....", ".##..", ".##.."),
    ",": (".....", ".....", ".....", ".....", ".##..", "..#..", ".#..."),
    ":": (".....", ".##..", ".##..", ".....", ".##..", ".##..", "....."),
    "'": ("..#..", "..#..", ".#...", ".....", ".....", ".....", "....."),
    "/": (".....", "....#", "...#.", "..#..", ".#...", "#....", "....."),
    ">": (".#...", "..#..", "...#.", "....#", "...#.", "..#..", ".#..."),
    "<": ("...#.", "..#..", ".#...", "#....", ".#...", "..#..", "...#."),
    "=": (".....", ".....", "#####", ".....", "#####", ".....", "....."),
    "+": (".....", "..#..", "..#..", "#####", "..#..", "..#..", "....."),
    "%": ("##...", "##..#", "...#.", "..#..", ".#...", "#..##", "...##"),
    "(": ("...#.", "..#..", ".#...", ".#...", ".#...", "..#..", "...#."),
    ")": (".#...", "..#..", "...#.", "...#.", "...#.", "..#..", ".#..."),
    "[": (".###.", ".#...", ".#...", ".#...", ".#...", ".#...", ".###."),
    "]": (".###.", "...#.", "...#.", "...#.", "...#.", "...#.", ".###."),
    "#": (".#.#.", ".#.#.", "#####", ".#.#.", "#####", ".#.#.", ".#.#."),
    "?": _DIGITS["?"],
}




def _compile(table: dict[str, tuple[str, ...]]) -> dict[str, np.ndarray]:
    return {ch: np.array([[c == "#" for c in row] for row in rows]) for ch, rows in table.items()}


#: Every glyph, by character (case kept).
_GLYPHS = _compile({**_SYMBOLS, **_LETTERS, **_DIGITS, **_LOWER})


def can_draw(text: str) -> bool:
    """True when every character of ``text`` has a glyph (case kept)."""
    return all(ch in _GLYPHS for ch in text)


def text_bitmap(text: str) -> np.ndarray:
    """Boolean (7, 6*len-1) bitmap of ``text``, case kept; anything without a glyph draws '?'."""
    if not text:
        return np.zeros((GLYPH_HEIGHT, 0), bool)
    gap = np.zeros((GLYPH_HEIGHT, 1), bool)
    parts = []
    for i, ch in enumerate(text):
        if i:
            parts.append(gap)
        parts.append(_GLYPHS.get(ch, _GLYPHS["?"]))
    return np.hstack(parts)


def text_mask(text: str) -> np.ndarray:
    """Boolean (7, 6 * len(text) - 1) bitmap of ``text``; unknown characters draw '?'."""
    return text_bitmap(text.upper())


def text_size(text: str, scale: int = 1) -> tuple[int, int]:
    """(height, width) in pixels of ``text`` drawn at ``scale``."""
    return GLYPH_HEIGHT * scale, max(0, (GLYPH_WIDTH + 1) * len(text) - 1) * scale


def draw_text(canvas: np.ndarray, text: str, y: int, x: int, color, scale: int = 1) -> None:
    """Draw ``text`` into ``canvas`` (H, W, 3) uint8 with its top-left corner at (y, x).

    Each font pixel becomes a ``scale`` x ``scale`` block; whatever falls
    outside the canvas is clipped.
    """
    mask = text_mask(text)
    if scale > 1:
        mask = mask.repeat(scale, axis=0).repeat(scale, axis=1)
    h, w = canvas.shape[:2]
    y0, x0 = max(0, y), max(0, x)
    y1, x1 = min(h, y + mask.shape[0]), min(w, x + mask.shape[1])
    if y1 <= y0 or x1 <= x0:
        return
    region = canvas[y0:y1, x0:x1]
    region[mask[y0 - y:y1 - y, x0 - x:x1 - x]] = color


def strip_text(label: int, name: str | None, width: int) -> str:
    """What a tile's strip says: the class name when it fits the tile in this font, else the number."""
    if name is not None and can_draw(name) and 6 * len(name) - 1 <= width:
        return name
    return str(label)


def label_strips(n_classes: int, width: int, height: int = GLYPH_HEIGHT + 2,
                 background: tuple[int, int, int] = BACKGROUND,
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
        region[bitmap] = UNLABELLED_GREY if unlabelled else class_color(label)
    return strips
