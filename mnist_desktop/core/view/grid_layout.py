"""Where the tiles of a page go in a window of a given width: columns, scale, scrolling.

The grid shows a page as one mosaic scaled to the viewport's width. The user
chooses a zoom (screen pixels per image pixel); the number of columns follows
the viewport width at that zoom, and the mosaic is then stretched a little so
it fills the width exactly (no letterbox). Labels are text painted at screen
resolution in a strip under each tile whose height is fixed in screen pixels,
so the strip's height in mosaic pixels depends on the scale.

Pure arithmetic, no Qt: the bounds users rely on (never scroll past the
content, never shrink a page to a stamp) are tested without a display.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..draw.mosaic import mosaic_shape, tile_at, tile_origin

__all__ = ["ZOOM_MIN", "ZOOM_MAX", "ZOOM_DEFAULT", "GridLayout", "fit_layout", "zoom_to_fit", "clamp_zoom"]

#: Smallest zoom: 14 px tiles for 28 px images, still a recognisable digit.
ZOOM_MIN = 0.5
#: Largest zoom (also limited so that one column fits the viewport).
ZOOM_MAX = 12.0
#: Start at one screen pixel per image pixel.
ZOOM_DEFAULT = 1.0


@dataclass(frozen=True)
class GridLayout:
    """Geometry of one page in one viewport.

    Attributes
    ----------
    count
        Tiles on the page.
    columns
        Tiles per row.
    tile
        (height, width) of an image in mosaic pixels.
    strip
        Height of the label strip under each tile in mosaic pixels (0: labels hidden).
    gap
        Mosaic pixels between tiles.
    scale
        Screen pixels per mosaic pixel (the mosaic fills the viewport width).
    """

    count: int
    columns: int
    tile: tuple[int, int]
    strip: int
    gap: int
    scale: float

    @property
    def cell(self) -> tuple[int, int]:
        """(height, width) of a tile with its strip, without the gap."""
        return self.tile[0] + self.strip, self.tile[1]

    @property
    def mosaic_size(self) -> tuple[int, int]:
        """(height, width) of the mosaic in mosaic pixels."""
        return mosaic_shape(max(self.count, 1), self.columns, self.cell, self.gap)

    @property
    def content_height(self) -> float:
        """Height of the page on screen, in screen pixels."""
        return self.mosaic_size[0] * self.scale

    @property
    def row_pitch(self) -> float:
        """Screen pixels from one row of tiles to the next."""
        return (self.cell[0] + self.gap) * self.scale

    def max_top(self, viewport_height: float) -> float:
        """The largest scroll offset: the page's bottom at the viewport's bottom (0 if it fits)."""
        return max(0.0, self.content_height - viewport_height)

    def clamp_top(self, top: float, viewport_height: float) -> float:
        """``top`` (screen pixels scrolled) kept inside the content: never past either end."""
        return min(max(top, 0.0), self.max_top(viewport_height))

    def origin(self, position: int) -> tuple[int, int]:
        """(y, x) mosaic pixel of the top-left corner of tile ``position``."""
        return tile_origin(position, self.columns, self.cell, self.gap)

    def tile_at(self, x: float, y: float) -> tuple[int, int, int]:
        """(tile, x, y in the image) under mosaic point (x, y); tile -1 off the tiles.

        A point on the label strip reads the image's bottom row.
        """
        pos, px, py = tile_at(math.floor(x), math.floor(y), self.columns, self.count, self.cell, self.gap)
        return pos, px, min(py, self.tile[0] - 1)


def clamp_zoom(zoom: float, viewport_width: float, tile_width: int, gap: int) -> float:
    """``zoom`` kept between :data:`ZOOM_MIN` and the largest zoom at which one column still fits."""
    widest = max(ZOOM_MIN, (viewport_width - 1) / (tile_width + 2 * gap))
    return min(max(zoom, ZOOM_MIN), ZOOM_MAX, widest)


def fit_layout(count: int, viewport_width: float, zoom: float, tile: tuple[int, int], *, gap: int = 2,
               strip_px: float = 0.0, label_min_px: float = 0.0) -> GridLayout:
    """The layout of ``count`` tiles at ``zoom`` in a viewport ``viewport_width`` screen pixels wide.

    Parameters
    ----------
    strip_px
        Height of the label text band in screen pixels.
    label_min_px
        Narrowest label text in screen pixels: below this tile width the
        strip is dropped (labels stay in the hover text and the detail view).
    """
    th, tw = tile
    viewport_width = max(float(viewport_width), 1.0)
    zoom = clamp_zoom(zoom, viewport_width, tw, gap)
    columns = max(1, int((viewport_width / zoom - gap) // (tw + gap)))
    scale = viewport_width / (columns * (tw + gap) + gap)
    shown = strip_px > 0 and tw * scale >= label_min_px
    strip = math.ceil(strip_px / scale) if shown else 0
    return GridLayout(count, columns, (th, tw), strip, gap, scale)


def zoom_to_fit(count: int, viewport: tuple[float, float], tile: tuple[int, int], *, gap: int = 2,
                strip_px: float = 0.0, label_min_px: float = 0.0) -> float:
    """The largest zoom at which the whole page fits the viewport (width, height), at least :data:`ZOOM_MIN`."""
    width, height = viewport
    best = ZOOM_MIN
    for columns in range(1, max(count, 1) + 1):  # fewer columns = bigger tiles; stop at the first fit
        zoom = (width - 1) / (columns * (tile[1] + gap) + gap)
        if zoom < ZOOM_MIN:
            break
        layout = fit_layout(count, width, zoom, tile, gap=gap, strip_px=strip_px, label_min_px=label_min_px)
        if layout.content_height <= height:
            best = max(best, clamp_zoom(zoom, width, tile[1], gap))
            break
    return best
