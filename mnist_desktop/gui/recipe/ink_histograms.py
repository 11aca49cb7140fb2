"""The Normalize panel's before/after ink histograms, counted without Qt (in the preview worker).

Apart from the panel so that the recipe feature can count them before the
panel exists (it is built when its dock is first shown) without importing
the panel's widgets.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = ["InkHistograms", "ink_histograms"]


class InkHistograms(NamedTuple):
    """(edges, counts) of the originals' and the processed ink, the x-range and whether values are 0..255."""

    before: tuple[np.ndarray, np.ndarray]
    after: tuple[np.ndarray, np.ndarray]
    span: tuple[float, float]
    raw: bool


def ink_histograms(original: np.ndarray, processed: np.ndarray, background) -> InkHistograms:
    """Count the page's ink: originals (non-zero) and processed values != ``background``; no Qt, any thread.

    Both on the processed values' scale: 0..1 for the float methods, 0..255
    for "none" (uint8 kept). On two scales one curve would collapse into a
    spike at the left and set the y-range alone. ``background`` is the
    value a black pixel becomes; processed pixels at that value are left
    out, as the black pixels of the originals are.
    """
    raw = processed.dtype == np.uint8  # "none": the processed values are the 0..255 pixels
    top = 255.0 if raw else 1.0
    before = original[original > 0].astype(np.float32) * np.float32(top / 255)
    counts, edges = np.histogram(before, bins=40, range=(0, top))
    values = processed.astype(np.float32)
    values = values[values != np.asarray(background, np.float32)]  # per channel: (3,) against (..., 3)
    lo, hi = (float(values.min()), float(values.max())) if values.size else (0.0, top)
    span = (min(lo, 0.0), max(hi, lo + 1e-6, top))
    counts_after, edges_after = np.histogram(values, bins=40, range=span)
    return InkHistograms((edges, counts), (edges_after, counts_after), span, bool(raw))
