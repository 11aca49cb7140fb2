"""What a side dock shows is all there: the Map dock's legend and "Show all", the detail text, the tab titles.

Sizes are a person's window sizes (1600x1000, 800x600); each check is on
geometry as laid out (no horizontal scroll bar, a widget's right edge inside
the dock's viewport, a tab as wide as its title), so it fails when the layout
cuts something, whatever the font.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF
from PySide6.QtWidgets import QApplication, QScrollArea, QTabBar, QWidget

from mnist_desktop.core.map import MapParams

N = 600


def settle(qtbot, ms: int = 50) -> None:
    QApplication.processEvents()
    qtbot.wait(ms)
    QApplication.processEvents()


@pytest.fixture
def map_window(make_window, qtbot, mnist_folder):
    folder = mnist_folder("digits", test=N)
    w = make_window()
    w.map.params = MapParams(epochs=20)
    with qtbot.waitSignal(w.dataset_loaded, timeout=20000):
        w.open_source(str(folder))
    return w


def computed(window, qtbot):
    window.docks["map"].raise_()
    qtbot.waitUntil(lambda: window.map.map is not None and not window.map.running, timeout=120000)
    return window.map


def dock_area(window, key: str) -> QScrollArea:
    return window.docks[key].widget()


def fully_inside(widget: QWidget, area: QScrollArea) -> bool:
    """The whole of ``widget`` lies in the visible part of the scroll area (nothing behind a scroll bar)."""
    viewport = area.viewport()
    top_left = widget.mapTo(viewport, QPoint(0, 0))
    return (top_left.x() >= 0 and top_left.x() + widget.width() <= viewport.width()
            and widget.isVisible())


@pytest.mark.parametrize("size", [(1600, 1000), (800, 600)])
def test_the_map_dock_shows_its_whole_legend_show_all_and_the_map(map_window, qtbot, size):
    w = map_window
    w.resize(*size)
    settle(qtbot)
    ctl = computed(w, qtbot)
    settle(qtbot)
    area, panel = dock_area(w, "map"), ctl.panel
    assert not area.horizontalScrollBar().isVisible(), f"the Map dock scrolls sideways at {size}"
    assert not area.verticalScrollBar().isVisible(), f"the map is cut at the bottom at {size}"
    for box in panel.class_boxes:
        assert fully_inside(box, area), f"legend entry {box.text()!r} is cut at {size}"
    assert fully_inside(panel.clear_button, area) and fully_inside(panel.plot, area)
    assert panel.legend_area.widget().width() <= panel.legend_area.viewport().width()


def test_the_whole_map_stays_in_view_when_the_window_shrinks(map_window, qtbot):
    w = map_window
    w.resize(1600, 1000)
    settle(qtbot)
    ctl = computed(w, qtbot)
    w.resize(800, 600)  # the Map dock moves to the narrow right column
    settle(qtbot)
    w.docks["map"].raise_()
    settle(qtbot)
    (x0, x1), (y0, y1) = ctl.panel.plot.box.viewRange()
    lo, hi = ctl.coords.min(0), ctl.coords.max(0)
    assert x0 <= lo[0] and hi[0] <= x1 and y0 <= lo[1] and hi[1] <= y1, "part of the map is out of view"


def test_long_class_names_take_fewer_legend_columns(qtbot):
    from mnist_desktop.core.palette import CLASS_COLORS
    from mnist_desktop.gui.map.panel import MapPanel

    panel = MapPanel()
    qtbot.addWidget(panel)
    names = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")
    panel.set_classes(names, CLASS_COLORS)
    panel.resize(panel.minimumSizeHint().width(), 600)
    panel.show()
    settle(qtbot)
    assert panel.minimumSizeHint().width() < 300  # fits the narrow dock of an 800x600 window
    for box in panel.class_boxes:
        right = box.mapTo(panel, QPoint(box.width(), 0)).x()
        assert right <= panel.width(), f"{box.text()!r} is cut"


def test_the_hover_card_stays_inside_the_map_and_goes_when_the_pointer_leaves(map_window, qtbot):
    w = map_window
    w.resize(1600, 1000)
    ctl = computed(w, qtbot)
    plot, tip = ctl.panel.plot, ctl.panel.tip
    corner = QPointF(plot.width() - 2, plot.height() - 2)  # the card cannot go right of or below it
    plot.point_hovered.emit(5, corner)
    settle(qtbot)
    assert tip.isVisible()
    assert tip.x() >= 0 and tip.y() >= 0
    assert tip.x() + tip.width() <= plot.width() and tip.y() + tip.height() <= plot.height()
    QApplication.sendEvent(plot, QEvent(QEvent.Type.Leave))
    assert not tip.isVisible()


def test_compute_map_on_a_cached_map_says_it_is_up_to_date(map_window, qtbot):
    ctl = computed(map_window, qtbot)
    before = ctl.panel.status.text()
    ctl.panel.run_button.click()
    qtbot.waitUntil(lambda: not ctl.running and ctl.panel.status.text() != "Searching neighbours…", timeout=60000)
    text = ctl.panel.status.text()
    assert text != before and text.startswith(f"Up to date: this map of {N:,} images")


def tab_titles_whole(window) -> list[str]:
    """The dock tabs whose title does not fit in its tab (empty: every title is whole)."""
    cut = []
    for bar in window.findChildren(QTabBar):
        if bar.parent() is not window or not bar.isVisible():
            continue
        for i in range(bar.count()):
            rect, whole = bar.tabRect(i), bar.tabSizeHint(i)  # the size hint holds the whole title
            if max(rect.width(), rect.height()) < max(whole.width(), whole.height()):  # vertical tabs too
                cut.append(bar.tabText(i))
    return cut


def test_side_tabs_at_800x600_show_whole_titles(make_window, qtbot):
    w = make_window()
    w.resize(800, 600)
    settle(qtbot)
    bars = [b for b in w.findChildren(QTabBar) if b.parent() is w and b.isVisible()]
    assert bars and max(b.count() for b in bars) >= 9  # every dock a tab in one column
    assert tab_titles_whole(w) == []
    assert all(b.usesScrollButtons() for b in bars)  # more tabs than room: the bar scrolls


def detail_state(window) -> dict:
    d = window.detail
    title = d.hist.titleLabel
    return {"dock": window.docks["detail"].width(), "panel": d.width(),
            "title_cut": title.item.boundingRect().width() > d.hist.width(),
            "sideways": dock_area(window, "detail").horizontalScrollBar().isVisible(),
            "scrolls": dock_area(window, "detail").verticalScrollBar().isVisible()}


def test_800_1600_800_comes_back_as_a_fresh_start(make_window, qtbot):
    from mnist_desktop.gui.main_window import MainWindow

    fresh = MainWindow(make_window().settings)  # started at 800x600, as on a small screen
    qtbot.addWidget(fresh)
    try:
        fresh.resize(800, 600)
        fresh.show()
        with qtbot.waitSignal(fresh.dataset_loaded, timeout=20000):
            fresh.open_source("sample")
        settle(qtbot)
        start = detail_state(fresh)
        assert not start["scrolls"], "the histogram is scrolled out of the Detail dock at 800x600"
        assert not start["title_cut"] and "668 of 784 pixels are 0" in fresh.detail.hist.titleLabel.text
        fresh.resize(1600, 1000)
        settle(qtbot)
        fresh.resize(800, 600)
        settle(qtbot)
        back = detail_state(fresh)
        assert back == start
        assert back["panel"] >= fresh.detail.minimumWidth()
    finally:
        fresh.close()


def test_long_class_names_in_the_filter_are_shortened_to_two_columns_that_fit(qtbot):
    """CIFAR-100's superclasses ("large_natural_outdoor_scenes"): two columns in a narrow dock, whole in the tip."""
    from mnist_desktop.gui.grid.filter_panel import FilterPanel

    names = ("aquatic_mammals", "fish", "flowers", "food_containers", "fruit_and_vegetables",
             "household_electrical_devices", "household_furniture", "insects", "large_carnivores",
             "large_man-made_outdoor_things", "large_natural_outdoor_scenes", "large_omnivores_and_herbivores")
    panel = FilterPanel()
    qtbot.addWidget(panel)
    panel.set_choices(["train", "test"], names)
    assert panel.minimumSizeHint().width() < 330  # the Filter dock of a 1600x1000 window
    buttons = panel.label_buttons
    assert buttons[1].text() == "1 fish" and buttons[10].text() == "10 large_natu…"
    assert "large_natural_outdoor_scenes" in buttons[10].toolTip()
