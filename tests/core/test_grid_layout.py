"""Where the grid puts tiles: columns follow the width, scrolling and zoom stay inside the page."""

from __future__ import annotations

import pytest

from mnist_desktop.core.view.grid_layout import ZOOM_MAX, ZOOM_MIN, clamp_zoom, fit_layout, zoom_to_fit

TILE = (28, 28)


@pytest.mark.parametrize("width", [300, 517, 800, 1234, 1600])
def test_mosaic_fills_the_viewport_width_exactly(width):
    lay = fit_layout(1024, width, 1.0, TILE, strip_px=16, label_min_px=8)
    assert lay.mosaic_size[1] * lay.scale == pytest.approx(width)  # no letterbox at the sides
    assert 1.0 <= lay.scale < 1.0 * (1 + 1 / lay.columns) + 1e-9  # at least the chosen zoom, barely more


def test_columns_follow_width_and_zoom():
    narrow, wide = (fit_layout(1024, w, 1.0, TILE).columns for w in (480, 1100))
    assert wide > 2 * narrow
    assert fit_layout(1024, 1100, 2.0, TILE).columns < wide


def test_scrolling_never_leaves_the_page():
    lay = fit_layout(1024, 800, 1.0, TILE, strip_px=16, label_min_px=8)
    vh = 500
    assert lay.clamp_top(-300, vh) == 0
    bottom = lay.clamp_top(1e9, vh)
    assert bottom == pytest.approx(lay.content_height - vh)  # last row at the viewport's bottom, no black below
    short = fit_layout(10, 800, 1.0, TILE)
    assert short.clamp_top(200, vh) == 0  # a page shorter than the viewport does not scroll


def test_zoom_is_bounded_both_ways():
    assert clamp_zoom(0.01, 800, 28, 2) == ZOOM_MIN  # never a stamp
    assert clamp_zoom(1000, 5000, 28, 2) == ZOOM_MAX
    big = clamp_zoom(1000, 300, 28, 2)  # a narrow viewport: one column, never wider than the view
    assert fit_layout(1024, 300, big, TILE).columns == 1 and big * (28 + 4) <= 300


def test_fit_zoom_shows_the_whole_page():
    for count, viewport in ((1024, (1000, 800)), (256, (600, 500)), (7, (900, 700))):
        zoom = zoom_to_fit(count, viewport, TILE, strip_px=16, label_min_px=8)
        lay = fit_layout(count, viewport[0], zoom, TILE, strip_px=16, label_min_px=8)
        assert lay.content_height <= viewport[1]
        bigger = fit_layout(count, viewport[0], zoom * 1.2, TILE, strip_px=16, label_min_px=8)
        assert bigger.content_height > viewport[1] or bigger.columns == lay.columns


def test_label_strip_is_dropped_only_when_the_text_cannot_fit():
    assert fit_layout(100, 800, ZOOM_MIN, TILE, strip_px=16, label_min_px=9).strip > 0  # 14 px tiles, 9 px text
    assert fit_layout(100, 800, ZOOM_MIN, TILE, strip_px=16, label_min_px=40).strip == 0
    lay = fit_layout(100, 800, 1.0, TILE, strip_px=16, label_min_px=9)
    assert lay.strip * lay.scale >= 16  # the strip is at least the text's height on screen


def test_tile_at_inverts_origin():
    lay = fit_layout(50, 700, 1.5, TILE, strip_px=16, label_min_px=8)
    for pos in (0, 7, lay.columns, 49):
        y, x = lay.origin(pos)
        assert lay.tile_at(x + 3.5, y + 27.2) == (pos, 3, 27)
        assert lay.tile_at(x + 3, y + 28 + lay.strip - 1) == (pos, 3, 27)  # on the strip: the bottom row
    y, x = lay.origin(49)
    assert lay.tile_at(x + 40, y)[0] == -1  # past the last tile
