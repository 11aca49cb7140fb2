"""Every colour mnist-desktop draws with: the window and the pictures share one dark theme.

Colours are RGB tuples of ints 0..255 (a numpy array for the class table).
Core draws them into arrays (mosaics, charts, the map PNG); the GUI wraps
them (``gui/theme.py``: ``qcolor(rgb)``, ``css(rgb)``). The ramps that map
numbers to colours live here too, so the confusion matrix in the window and
in the evaluation's PNG are the same picture. Pure numpy: core and GUI both
import it, it imports nothing of the project.
"""

from __future__ import annotations

import numpy as np

__all__ = ["CANVAS", "PLOT", "BACKGROUND", "STRIPE", "BORDER", "GAP", "FOREGROUND", "DIM", "MUTED", "INK_DARK",
           "NEUTRAL", "UNLABELLED_GREY", "ACCENT", "CLASS_COLORS", "SPLIT_COLORS", "class_color",
           "FLAG", "EXCLUDED", "HIGHLIGHT", "LASSO", "GOOD", "BAD", "ERROR_TEXT",
           "HEAT", "SUSPICION", "CORRECT_RAMP", "ERROR_RAMP", "ramp", "heat_colors", "suspicion_colors",
           "confusion_colors", "ink_on", "cell_ink"]

# ----------------------------------------------------------------- surfaces (dark to light)
#: Behind images: the grid (a grey mosaic: its level is ``CANVAS[0]``), the detail view, histograms.
CANVAS = (13, 13, 13)
#: Behind plots: the map (window and PNG), the confusion view, floating labels (with alpha).
PLOT = (24, 24, 28)
#: Pictures made in core (mosaics, charts, report images) and empty confusion cells.
BACKGROUND = (28, 28, 32)
#: Every other row of a table picture.
STRIPE = (38, 38, 44)
#: Thin frames on dark surfaces.
BORDER = (136, 136, 136)
#: Between the tiles of a labelled mosaic (pictures, the neighbours strip).
GAP = (0, 0, 0)

# ----------------------------------------------------------------- text on dark surfaces
FOREGROUND = (230, 230, 230)
DIM = (120, 120, 128)
#: Numbers that are zero (a confusion cell nobody fell into).
MUTED = (90, 90, 95)
#: Text on a bright cell.
INK_DARK = (10, 10, 10)

# ----------------------------------------------------------------- data
#: A neutral series ("before" in a histogram) and the "-" of an unlabelled sample.
NEUTRAL = (150, 150, 150)
UNLABELLED_GREY = NEUTRAL
#: The one series of a plot that is not per class (pixel histograms, "after").
ACCENT = (88, 166, 255)
#: Matplotlib's tab10 palette, lightened for a dark background: one colour per class.
CLASS_COLORS = np.array([
    (88, 166, 255), (255, 163, 72), (96, 211, 96), (255, 99, 99), (190, 150, 240),
    (214, 160, 140), (255, 150, 220), (190, 190, 190), (220, 220, 90), (80, 220, 230),
], dtype=np.uint8)
#: The red, green and blue channels' series (per-channel histograms), readable on a dark plot.
CHANNEL_COLORS = ((255, 95, 90), (95, 215, 95), (100, 150, 255))
#: train, test and a third split when colouring the map by split.
SPLIT_COLORS = np.array([(88, 166, 255), (255, 163, 72), (150, 220, 120)], np.uint8)

# ----------------------------------------------------------------- marks
#: Flagged by the check: the grid's outline, the mosaic's, the map's ring.
FLAG = (235, 64, 52)
#: Excluded by the user: the map's cross (the grid dims them instead).
EXCLUDED = (255, 170, 0)
#: The selected sample (grid outline, map ring) and the "computing..." badge.
HIGHLIGHT = (255, 214, 10)
#: A corrected label (a relabel in the recipe): the grid's "5>6", the detail view's note.
RELABELLED = (255, 255, 255)
#: The lasso on the map.
LASSO = (255, 255, 255)
#: A right / better result, a wrong / worse one (evaluation).
GOOD = (42, 157, 75)
BAD = (209, 73, 63)
#: What is wrong with a value or an action, written under a control on the window's own palette.
ERROR_TEXT = (176, 0, 32)

# ----------------------------------------------------------------- ramps (stops, low to high)
#: Viridis, five stops: any heat map; readable with dark or light digits.
HEAT = ((68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37))
#: Suspicion rank on the map: dim blue-grey (not suspicious), yellow, red (most suspicious).
SUSPICION = ((70, 80, 110), (230, 210, 60), (255, 50, 40))
#: Confusion matrix: the diagonal by recall, the errors by their share of the row.
CORRECT_RAMP = ((30, 50, 90), (70, 140, 230))
ERROR_RAMP = ((60, 40, 30), (255, 140, 20))


def class_color(label: int) -> tuple[int, int, int]:
    """The RGB colour of class ``label`` (cycles after ten)."""
    return tuple(int(v) for v in CLASS_COLORS[label % len(CLASS_COLORS)])


def ramp(t, stops) -> np.ndarray:
    """RGB uint8 colours (..., 3) of values ``t`` in [0, 1], linear between evenly spaced ``stops``."""
    stops = np.asarray(stops, np.float32)
    pos = np.clip(np.asarray(t, np.float32), 0, 1) * (len(stops) - 1)
    lo = np.minimum(pos.astype(np.intp), len(stops) - 2)
    frac = (pos - lo)[..., None]
    return np.rint(stops[lo] * (1 - frac) + stops[lo + 1] * frac).astype(np.uint8)


def heat_colors(t) -> np.ndarray:
    """RGB uint8 colours (..., 3) of values ``t`` in [0, 1] on :data:`HEAT`."""
    return ramp(t, HEAT)


def suspicion_colors(n: int = 32) -> np.ndarray:
    """(n, 3) uint8: :data:`SUSPICION` sampled at n evenly spaced ranks, least suspicious first."""
    return ramp(np.linspace(0, 1, n), SUSPICION)


def confusion_colors(cm: np.ndarray) -> np.ndarray:
    """(n, n, 3) uint8 cell colours of confusion matrix ``cm`` (rows: true class).

    The diagonal is blue by recall (:data:`CORRECT_RAMP`); an error cell is
    orange by its share of its row (:data:`ERROR_RAMP`), scaled by the square
    root of its rate relative to the largest error so that a handful of
    confusions stays visible next to a 98 % diagonal; empty error cells are
    :data:`BACKGROUND`. The window's Evaluate dock and the report's PNG both
    draw these.
    """
    cm = np.asarray(cm)
    n = len(cm)
    rate = cm / np.maximum(cm.sum(1, keepdims=True), 1)
    off = ~np.eye(n, dtype=bool)
    worst = rate[off].max() if n > 1 and rate[off].max() > 0 else 1.0
    out = np.empty((n, n, 3), np.uint8)
    out[:] = BACKGROUND
    hot = off & (cm > 0)
    out[hot] = ramp(np.sqrt(rate[hot] / worst), ERROR_RAMP)
    diag = np.arange(n)
    out[diag, diag] = ramp(rate[diag, diag], CORRECT_RAMP)
    return out


def ink_on(color) -> tuple[int, int, int]:
    """Text colour readable on ``color``: :data:`INK_DARK` on bright cells, else :data:`FOREGROUND`."""
    r, g, b = (int(v) for v in color[:3])
    return INK_DARK if 0.299 * r + 0.587 * g + 0.114 * b > 140 else FOREGROUND


def cell_ink(color, value) -> tuple[int, int, int]:
    """Text colour of a heat-map cell showing ``value``: :data:`MUTED` for zero, else :func:`ink_on`."""
    return MUTED if value == 0 else ink_on(color)
