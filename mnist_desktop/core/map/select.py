"""Which map points a lasso or a rectangle encloses (numpy, no Qt: tested headless).

The GUI draws the shape; these functions decide membership, so the grid is
filtered to exactly the points the user sees inside the outline.
"""

from __future__ import annotations

import numpy as np

__all__ = ["points_in_polygon", "points_in_rect", "nearest_point"]


def points_in_polygon(points: np.ndarray, polygon: np.ndarray) -> np.ndarray:
    """(N,) bool: which ``points`` (N, 2) lie inside ``polygon`` (M, 2), closed implicitly.

    Even-odd rule by ray casting to +x, one vectorised pass per polygon edge
    (a freehand lasso has a few hundred vertices; 70,000 points take a few
    milliseconds per hundred edges). Points exactly on an edge may fall either way.
    """
    pts = np.asarray(points, np.float64)
    poly = np.asarray(polygon, np.float64)
    inside = np.zeros(len(pts), bool)
    if len(poly) < 3 or not len(pts):
        return inside
    x, y = pts[:, 0], pts[:, 1]
    # Only points within the polygon's bounding box can be inside.
    lo, hi = poly.min(0), poly.max(0)
    box = np.flatnonzero((x >= lo[0]) & (x <= hi[0]) & (y >= lo[1]) & (y <= hi[1]))
    bx, by = x[box], y[box]
    hit = np.zeros(len(box), bool)
    x0, y0 = poly[:, 0], poly[:, 1]
    x1, y1 = np.roll(x0, -1), np.roll(y0, -1)
    for ax, ay, cx, cy in zip(x0, y0, x1, y1):
        if ay == cy:
            continue  # a horizontal edge never crosses a horizontal ray
        crosses = (ay > by) != (cy > by)
        at = ax + (by - ay) * (cx - ax) / (cy - ay)
        hit ^= crosses & (bx < at)
    inside[box] = hit
    return inside


def points_in_rect(points: np.ndarray, corner_a, corner_b) -> np.ndarray:
    """(N,) bool: which points lie in the axis-aligned rectangle spanned by two corners."""
    pts = np.asarray(points)
    lo = np.minimum(corner_a, corner_b)
    hi = np.maximum(corner_a, corner_b)
    return ((pts >= lo) & (pts <= hi)).all(1) if len(pts) else np.zeros(0, bool)


def nearest_point(points: np.ndarray, at, scale=(1.0, 1.0), radius: float = np.inf) -> int:
    """Position of the point nearest to ``at``, or -1 if none is within ``radius``.

    ``scale`` divides each axis first (data units per screen pixel), so that
    ``radius`` is in pixels whatever the zoom.
    """
    pts = np.asarray(points)
    if not len(pts):
        return -1
    d = (((pts - np.asarray(at)) / np.asarray(scale)) ** 2).sum(1)
    i = int(np.argmin(d))
    return i if d[i] <= radius * radius else -1
