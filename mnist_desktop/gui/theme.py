"""The palette in Qt terms, and pyqtgraph's global options set once.

Colours come from :mod:`mnist_desktop.core.palette` (one module for the window
and the pictures core draws); this module only wraps them for Qt: a QColor,
a CSS colour for style sheets and rich text. Importing it sets pyqtgraph's
image axis order to row-major, the order of every array in the project.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QColor

from ..core.palette import ERROR_TEXT

__all__ = ["qcolor", "css", "HELPER_STYLE", "PROBLEM_STYLE"]

pg.setConfigOptions(imageAxisOrder="row-major")


def qcolor(rgb, alpha: int = 255) -> QColor:
    """A QColor of palette colour ``rgb`` (with ``alpha``)."""
    r, g, b = (int(v) for v in rgb[:3])
    return QColor(r, g, b, alpha)


def css(rgb, alpha: int | None = None) -> str:
    """``rgb(r, g, b)`` (``rgba(r, g, b, alpha)`` with an alpha 0..255) for style sheets and rich text."""
    r, g, b = (int(v) for v in rgb[:3])
    return f"rgb({r}, {g}, {b})" if alpha is None else f"rgba({r}, {g}, {b}, {alpha})"


#: Helper text under a control: the window text, a little smaller, still readable on the panel background.
HELPER_STYLE = "color: palette(window-text); font-size: 9pt;"
#: A problem with what the user typed.
PROBLEM_STYLE = f"color: {css(ERROR_TEXT)};"
#: ``addViewBox`` options for an image the mouse does not pan or zoom: no context menu, and none is
#: built (pyqtgraph's menu of axis controls costs start-up time for a menu that would never open).
STILL_IMAGE = dict(lockAspect=True, invertY=True, enableMouse=False, enableMenu=False)
