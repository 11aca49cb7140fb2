"""The Map dock: the map unfolds and stops, a click selects the image, a lasso filters the grid."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from mnist_desktop.core.map import MapParams

N = 1500


@pytest.fixture(autouse=True)
def _every_mouse_move():
    """pyqtgraph drops mouse moves closer than 10 ms; a test sends them faster than a hand."""
    import pyqtgraph as pg

    old = pg.getConfigOption("mouseRateLimit")
    pg.setConfigOption("mouseRateLimit", -1)
    yield
    pg.setConfigOption("mouseRateLimit", old)


@pytest.fixture
def map_window(make_window, qtbot, mnist_folder):
    """A window on 1,500 real digits with the Map dock in front and a quick (40-epoch) map."""
    folder = mnist_folder("digits", test=N)
    w = make_window()
    w.map.params = MapParams(epochs=40)
    with qtbot.waitSignal(w.dataset_loaded, timeout=20000):
        w.open_source(str(folder))
    w.docks["map"].raise_()
    return w


def computed(window, qtbot):
    """Start the map (unless showing the dock already did) and wait for the end."""
    window.map.start()
    qtbot.waitUntil(lambda: window.map.map is not None, timeout=120000)
    qtbot.waitUntil(lambda: not window.map.running, timeout=10000)
    return window.map


def to_viewport(plot, x: float, y: float) -> QPoint:
    scene = plot.box.mapViewToScene(QPointF(x, y))
    return plot.mapFromScene(scene)


def inside_polygon(points: np.ndarray, poly: np.ndarray) -> np.ndarray:
    """Reference point-in-polygon: the winding number of the polygon around each point, one by one."""
    out = np.zeros(len(points), bool)
    closed = np.vstack([poly, poly[:1]])
    for i, (px, py) in enumerate(points):
        wn = 0
        for (ax, ay), (bx, by) in zip(closed[:-1], closed[1:]):
            cross = (bx - ax) * (py - ay) - (px - ax) * (by - ay)
            if ay <= py < by and cross > 0:
                wn += 1
            elif by <= py < ay and cross < 0:
                wn -= 1
        out[i] = wn != 0
    return out


def test_lasso_filters_the_grid_to_exactly_the_points_inside(map_window, qtbot):
    ctl = computed(map_window, qtbot)
    panel, plot = ctl.panel, ctl.panel.plot
    panel.set_mode("lasso")
    lo, hi = ctl.coords.min(0), ctl.coords.max(0)
    c, r = (lo + hi) / 2, (hi - lo) / 3
    angles = np.linspace(0, 2 * np.pi, 9)[:-1]
    star = np.c_[c[0] + r[0] * np.cos(angles) * np.where(np.arange(8) % 2, 0.4, 1),
                 c[1] + r[1] * np.sin(angles) * np.where(np.arange(8) % 2, 0.4, 1)]  # not convex
    pixels = [to_viewport(plot, x, y) for x, y in star]
    viewport = plot.viewport()
    with qtbot.waitSignal(plot.box.shape_drawn, timeout=5000) as drawn:
        QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pixels[0])
        for p in pixels[1:] + pixels[:1]:
            QTest.mouseMove(viewport, p)
            QApplication.processEvents()  # Qt merges queued mouse moves: deliver each one
        QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pixels[0])
    kind, polygon = drawn.args
    assert kind == "lasso" and len(polygon) >= 9
    expected = np.flatnonzero(inside_polygon(ctl.coords, polygon))
    assert 20 < len(expected) < N - 20  # the outline holds some points, not all
    browser = map_window.browser
    assert np.array_equal(np.sort(browser.visible), expected)
    assert browser.subset_name == "lasso on the map"
    assert panel.clear_button.isEnabled() and f"{len(expected):,} selected" in panel.clear_button.text()

    qtbot.mouseClick(panel.clear_button, Qt.MouseButton.LeftButton)
    assert len(browser.visible) == N and not panel.clear_button.isEnabled()


def test_rectangle_respects_the_class_toggles(map_window, qtbot):
    ctl = computed(map_window, qtbot)
    panel, plot = ctl.panel, ctl.panel.plot
    panel.set_class_shown(1, False)
    panel.set_mode("rect")
    (x0, x1), (y0, y1) = plot.box.viewRange()  # the whole map is in view, with a margin
    a = to_viewport(plot, x0 + 0.01 * (x1 - x0), y0 + 0.01 * (y1 - y0))
    b = to_viewport(plot, x1 - 0.01 * (x1 - x0), y1 - 0.01 * (y1 - y0))
    viewport = plot.viewport()
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, a)
    QTest.mouseMove(viewport, (a + b) / 2)
    QTest.mouseMove(viewport, b)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, b)
    labels = map_window.dataset.labels
    assert np.array_equal(np.sort(map_window.browser.visible), np.flatnonzero(labels != 1))


def test_click_selects_the_image_in_grid_and_detail(map_window, qtbot):
    ctl = computed(map_window, qtbot)
    plot = ctl.panel.plot
    coords = ctl.coords
    target = 1234
    d = np.sqrt(((coords - coords[target]) ** 2).sum(1))
    d[target] = np.inf
    span = max(float(d.min()) * 12, 1e-2)  # zoom so the nearest other point is far from the cursor
    x, y = float(coords[target, 0]), float(coords[target, 1])
    plot.box.setRange(xRange=(x - span, x + span), yRange=(y - span, y + span), padding=0)
    pos = to_viewport(plot, x, y)
    qtbot.mouseClick(plot.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert map_window.browser.selected == target
    assert f"#{target:,}" in map_window.detail.title.text()
    marked = plot.selection_mark.getData()
    assert np.allclose([marked[0][0], marked[1][0]], coords[target])


def test_stop_ends_the_optimisation_at_once_and_keeps_the_layout(map_window, qtbot):
    ctl = map_window.map
    ctl.cancel()
    qtbot.waitUntil(lambda: not ctl.running, timeout=10000)
    ctl.params = MapParams(epochs=5000)  # minutes of work if it did not stop
    ctl.coords = None
    job = ctl.start()
    steps = []
    job.progress.connect(lambda done, total: steps.append((done, total)))
    qtbot.waitUntil(lambda: ctl.epoch >= 1, timeout=120000)  # the map is unfolding on screen
    assert ctl.panel.stop_button.isEnabled()
    qtbot.mouseClick(ctl.panel.stop_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(job.finished, timeout=60000, raising=False):
        pass
    qtbot.waitUntil(lambda: not ctl.running, timeout=60000)
    done, total = steps[-1]
    assert done < total - 4000  # stopped long before the end
    assert ctl.map is None and ctl.coords is not None and len(ctl.panel.plot.shown) == N
    assert ctl.panel.status.text().startswith("Stopped at epoch")
    assert ctl.panel.run_button.isEnabled() and not ctl.panel.stop_button.isEnabled()


def test_colour_by_split_and_marks(map_window, qtbot):
    ctl = computed(map_window, qtbot)
    combo = ctl.panel.color_combo
    combo.setCurrentIndex(combo.findData("split"))
    assert "test" in ctl.panel.color_key.text()
    combo.setCurrentIndex(combo.findData("suspicion"))
    assert "run" in ctl.panel.color_key.text()  # no scores yet
    excluded = [3, 9]
    map_window.recipe_model.set(map_window.recipe_model.recipe.excluding(map_window.dataset, excluded))
    xs, ys = ctl.panel.plot.excluded_marks.getData()
    assert np.allclose(np.c_[xs, ys], ctl.coords[excluded])


def test_reopening_the_same_data_shows_its_map_from_the_cache(map_window, qtbot):
    ctl = computed(map_window, qtbot)
    first = ctl.coords.copy()
    with qtbot.waitSignal(map_window.dataset_loaded, timeout=20000):
        map_window.open_source(map_window.dataset.source)
    qtbot.waitUntil(lambda: ctl.map is not None, timeout=60000)
    assert ctl.panel.status.text() == f"{N:,} images, from the cache"
    assert np.array_equal(ctl.coords, first)
