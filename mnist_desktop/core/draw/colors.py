"""Colours of pictures drawn without Qt: background, text, and one colour per class."""

from __future__ import annotations

import numpy as np

__all__ = ["BACKGROUND", "FOREGROUND", "DIM", "UNLABELLED_GREY", "CLASS_COLORS", "class_color"]

BACKGROUND = (28, 28, 32)
FOREGROUND = (230, 230, 230)
DIM = (120, 120, 128)
#: The "-" strip of an unlabelled sample.
UNLABELLED_GREY = (150, 150, 150)

#: Matplotlib's tab10 palette, lightened for a dark background: one colour per class.
CLASS_COLORS = np.array([
    (88, 166, 255), (255, 163, 72), (96, 211, 96), (255, 99, 99), (190, 150, 240),
    (214, 160, 140), (255, 150, 220), (190, 190, 190), (220, 220, 90), (80, 220, 230),
], dtype=np.uint8)


def class_color(label: int) -> tuple[int, int, int]:
    """The RGB colour of class ``label`` (cycles after ten)."""
    return tuple(int(v) for v in CLASS_COLORS[label % len(CLASS_COLORS)])


