"""The grid as a user meets it: fits the window, readable labels, bounded scrolling, no flicker."""

from __future__ import annotations

from collections import Counter

import numpy as np
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent

from mnist_desktop.core.palette import class_color
from mnist_desktop.core.view.tile_text import tile_texts
from mnist_desktop.gui.grid.content import COMPUTING, EMPTY_MESSAGE
from mnist_desktop.gui.grid.grid_view import GridView


def wheel(grid, notches: int, *, ctrl: bool = False, at: QPointF | None = None) -> None:
    """Turn the mouse wheel over the grid (positive: away from the user, i.e. up)."""
    at = at or QPointF(grid.viewport().rect().center())
    mods = Qt.KeyboardModifier.ControlModifier if ctrl else Qt.KeyboardModifier.NoModifier
    event = QWheelEvent(at, grid.mapToGlobal(at), QPoint(), QPoint(0, 120 * notches), Qt.MouseButton.NoButton,
                        mods, Qt.ScrollPhase.NoScrollPhase, False)
    grid.wheelEvent(event)


def shown_span(grid) -> tuple[float, float]:
    """(left, right) of the drawn mosaic in viewport pixels."""
    rect = grid.mapFromScene(grid.image.sceneBoundingRect()).boundingRect()
    return rect.left(), rect.right()


def test_resize_refits_the_grid(window, qtbot):
    grid = window.grid
    window.resize(800, 600)
    qtbot.waitUntil(lambda: window.width() == 800)
    # as below: the compact docks settle in a later event (the detail panel keeps 230 px), then the grid refits
    qtbot.waitUntil(lambda: shown_span(grid)[1] >= grid.viewport().width() - 2, timeout=5000)
    small = grid.columns
    left, right = shown_span(grid)
    assert left <= 1 and right >= grid.viewport().width() - 2  # fills the width: no letterbox
    window.resize(1600, 1000)
    qtbot.waitUntil(lambda: window.width() == 1600)
    # the docks follow the new size in a later event; the grid refits when they have
    qtbot.waitUntil(lambda: shown_span(grid)[1] >= grid.viewport().width() - 2, timeout=5000)
    assert grid.columns > small
    left, right = shown_span(grid)
    assert left <= 1 and right >= grid.viewport().width() - 2
    assert grid.viewport().width() > 0.5 * window.width()  # the docks did not stay squeezed either way
    assert window.browser.columns == grid.columns  # Down moves by a row as drawn
    grid.setFocus()
    qtbot.keyClick(grid, Qt.Key.Key_Down)
    assert window.browser.selected == grid.columns


def test_small_window_tabs_the_docks_and_reset_layout_restores(window, qtbot):
    window.resize(800, 600)
    qtbot.waitUntil(lambda: window.width() == 800)
    assert window.docks["stats"] in window.tabifiedDockWidgets(window.docks["detail"])
    assert window.page.width() >= 0.5 * window.width()
    window.docks["filter"].setFloating(True)
    window.docks["stats"].hide()
    window.resize(1600, 1000)
    qtbot.waitUntil(lambda: window.width() == 1600)
    window.reset_layout()
    assert all(d.toggleViewAction().isChecked() and not d.isFloating() for d in window.docks.values())
    assert window.docks["stats"] not in window.tabifiedDockWidgets(window.docks["detail"])
    assert window.docks["detail"].width() >= 250


def test_scrolling_stays_on_the_page_and_the_wheel_turns_it(window, qtbot):
    grid = window.grid
    grid.scroll_to(-1000)
    assert grid.top == 0
    top, bottom = grid.visible_rows()
    assert top == 0
    for _ in range(200):  # far past the bottom
        wheel(grid, -1)
        if window.browser.page:
            break
    assert window.browser.page == 1  # the wheel moved on to the next page ...
    assert grid.top == 0  # ... and shows it from its top
    grid.scroll_to(1e9)
    assert grid.visible_rows()[1] * grid.grid_layout.scale <= grid.grid_layout.content_height + 1  # no black below
    wheel(grid, 1)
    assert grid.top < grid.grid_layout.max_top(grid.viewport().height())
    grid.scroll_to(0)
    wheel(grid, 1)
    wheel(grid, 1)
    assert window.browser.page == 0 and window.browser.selected == window.page_size - 1  # back, at its end


def test_ctrl_wheel_zooms_about_the_cursor(window):
    grid = window.grid
    rect = grid.cell_rect(3 * grid.columns + 4)
    s = grid.grid_layout.scale
    at = QPointF(rect.center().x() * s, rect.center().y() * s - grid.top)
    before = grid._tile_at(grid.mapToScene(at.toPoint()))[0]
    columns = grid.columns
    wheel(grid, 3, ctrl=True, at=at)
    assert grid.columns < columns  # bigger tiles, fewer per row
    # the columns reflow, so the tile cannot keep its x; it stays at the pointer's height
    after = grid.cell_rect(before)
    s = grid.grid_layout.scale
    assert after.top() * s - grid.top <= at.y() <= after.bottom() * s - grid.top
    for _ in range(60):
        wheel(grid, -1, ctrl=True, at=at)
    assert grid.grid_layout.cell[1] * grid.grid_layout.scale >= 14  # never a stamp
    window.actions["zoom_reset"].trigger()
    assert grid.zoom_level == 1.0


def test_labels_item_paints_the_class_names_of_the_visible_tiles(qtbot):
    grid = GridView(zoom=2.0)
    qtbot.addWidget(grid)
    grid.resize(700, 1000)
    grid.show()
    names = ["cat", "dog", "zebra"]
    grid.set_classes(names, (28, 28))
    labels = np.array([0, 1, 2, 2, 1, 2, 0, 2, 2, 1])
    images = np.full((10, 28, 28), 200, np.uint8)
    grid.set_page(images, labels)
    picture = grid.grab().toImage()  # paints: one pass of the labels item
    assert grid.labels.painted == {names[k]: n for k, n in Counter(labels.tolist()).items()}
    # the text really is on screen, in its class colour, inside the strip under the tile
    lay = grid.grid_layout
    y, x = lay.origin(2)
    colours = {picture.pixelColor(int(px * lay.scale), int(py * lay.scale)).getRgb()[:3]
               for px in range(x, x + 28) for py in range(y + 28, y + 28 + lay.strip)}
    r, g, b = class_color(2)
    assert any(abs(c[0] - r) + abs(c[1] - g) + abs(c[2] - b) < 30 for c in colours)


def test_long_names_shorten_then_hide_only_when_too_small(qtbot):
    grid = GridView()
    qtbot.addWidget(grid)
    grid.set_classes(["Ankle boot", "7"], (28, 28))
    item = grid.labels
    assert item.text_for(0, 400) == "Ankle boot"
    short = item.text_for(0, 30)
    assert short != "Ankle boot" and short in tile_texts("Ankle boot")
    assert item.text_for(1, 14) == "7"  # a digit fits the smallest tiles
    assert item.text_for(1, 2) is None


def test_processed_mode_never_shows_originals_after_a_page_turn(window, qtbot):
    grid, ds = window.grid, window.dataset
    drawn = []
    real = grid.set_page

    def record(images, labels, *args, **kwargs):
        drawn.append((images.copy(), labels.copy()))
        real(images, labels, *args, **kwargs)

    window.recipe.actions["show_processed"].setChecked(True)
    window.recipe.augment_panel.groups["noise"].setChecked(True)
    qtbot.waitUntil(lambda: grid.badge.text() != COMPUTING and not window.recipe.busy, timeout=20000)
    grid.set_page = record
    grid.setFocus()
    for _ in range(2):
        qtbot.keyClick(grid, Qt.Key.Key_PageDown)
        page = window.browser.page_indices()
        qtbot.waitUntil(lambda page=page: window.recipe.processed_page(page) is not None
                        and grid.badge.text() != COMPUTING, timeout=20000)
    assert drawn
    for images, labels in drawn:  # every page drawn while "processed" was on: never a page of originals
        for page in range(3):
            idx = window.browser.page_indices(page)
            if len(idx) == len(images) and np.array_equal(ds.labels[idx], labels):
                assert not np.array_equal(images, ds.images[idx])
    final = window.recipe.processed_page(window.browser.page_indices())
    np.testing.assert_array_equal(drawn[-1][0], final)
    # the detail view shows (and reads) the processed image of the selection
    pos = window.browser.selected_on_page
    np.testing.assert_array_equal(window.detail.image.image, final[pos])
    assert "processed" in window.detail.title.text()


def test_empty_filter_shows_a_message_and_clears_the_detail(window, qtbot):
    window.filter_panel.set_all_labels(False)
    assert window.grid.message.isVisible() and window.grid.message.text() == EMPTY_MESSAGE
    assert window.detail.title.text() == "No image selected"
    assert not window.detail.hist.isVisible() and window.detail.hist.titleLabel.text == ""
    window.filter_panel.set_all_labels(True)
    assert not window.grid.message.isVisible()


def test_hover_text_follows_a_page_change(window, qtbot, monkeypatch):
    grid = window.grid
    centre = grid.cell_rect(0).center()
    s = grid.grid_layout.scale
    pointer = grid.viewport().mapToGlobal(QPoint(int(centre.x() * s), int(centre.y() * s)))
    monkeypatch.setattr("mnist_desktop.gui.grid.input.QCursor.pos", staticmethod(lambda: pointer))
    grid.rehover()
    assert window.status.hover_label.text().startswith("#0 ")
    grid.setFocus()
    qtbot.keyClick(grid, Qt.Key.Key_PageDown)  # the mouse did not move; the tile under it changed
    assert window.status.hover_label.text().startswith(f"#{window.page_size:,} ")


def test_keyboard_shortcuts_dialog_lists_the_real_shortcuts(window):
    from mnist_desktop.gui.actions import show_shortcuts

    dialog = show_shortcuts(window)
    rows = {(dialog.table.item(r, 0).text(), dialog.table.item(r, 1).text()) for r in range(dialog.table.rowCount())}
    keys = {k for k, _ in rows}
    assert any("Ctrl+0" in k for k in keys) and any("Ctrl+=" in k for k in keys)
    assert ("PgUp / PgDn", "Grid: previous / next page") in rows
    dialog.close()


def test_saved_layout_is_used_only_on_the_same_screen(make_window, settings, qtbot):
    w = make_window(settings)
    w.resize(1300, 850)
    w.docks["stats"].hide()
    w.close()
    assert make_window(settings).docks["stats"].toggleViewAction().isChecked() is False  # same screen: as saved
    settings.setValue("window/screen", "3840x2160")  # saved on another screen
    w3 = make_window(settings)
    qtbot.waitUntil(lambda: w3.isVisible())
    assert w3.docks["stats"].toggleViewAction().isChecked()  # default layout instead


def test_first_start_fits_a_small_screen(qtbot, settings):
    """No saved geometry: the 1400x900 default shrinks to the screen (offscreen: 800x800), never past it."""
    from mnist_desktop.gui.main_window import MainWindow

    w = MainWindow(settings)  # not the make_window fixture: it sets its own size
    qtbot.addWidget(w)
    area = w.screen().availableGeometry()
    assert area.width() < 1400  # the offscreen screen is smaller than the default
    assert w.width() <= area.width() and w.height() <= area.height()
    assert area.contains(w.geometry().topLeft())
    w.close()
