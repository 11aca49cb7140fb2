"""Docks behind other tabs are built when first shown: start-up does not pay for the Map's plot."""

from __future__ import annotations

from mnist_desktop.core.map import MapParams
from mnist_desktop.gui.map.panel import MapPanel, MapPlot


def test_the_map_plot_is_built_when_its_dock_is_first_shown_and_then_works(make_window, qtbot, mnist_folder):
    folder = mnist_folder("digits", test=300)
    w = make_window()
    w.map.params = MapParams(epochs=10)
    with qtbot.waitSignal(w.dataset_loaded, timeout=20000):
        w.open_source(str(folder))
    assert not w.findChildren(MapPlot), "the Map plot was built before its dock was shown"
    assert w.docks["map"].widget().objectName() == "placeholder"

    w.docks["map"].raise_()  # the user clicks the Map tab
    qtbot.waitUntil(lambda: bool(w.findChildren(MapPanel)), timeout=5000)
    panel = w.findChildren(MapPanel)[0]
    assert panel is w.map.panel and panel.isVisible()
    assert w.docks["map"].widget().widget() is panel  # in the dock, in its scroll area
    assert panel.shown_classes() == set(range(10))  # set up for the data loaded before it existed
    # showing the dock computes the map, as it did when the panel was built at start
    qtbot.waitUntil(lambda: w.map.map is not None and not w.map.running, timeout=120000)
    assert w.map.coords.shape == (300, 2)
    assert "300 images" in panel.status.text()
    assert len(w.findChildren(MapPlot)) == 1  # built once
