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


def test_the_normalize_histograms_counted_in_the_worker_are_those_of_the_page_shown(window, qtbot):
    """The ink histograms moved off the UI thread: they still count the processed values of the page on screen."""
    import numpy as np

    from mnist_desktop.core.processing.normalize import normalize
    from mnist_desktop.gui.recipe.normalize_panel import ink_histograms

    norm = window.recipe.normalize_panel
    norm.method.setCurrentIndex(2)  # min-max over the data
    qtbot.waitUntil(lambda: window.recipe.last is not None and window.recipe.last.recipe == window.recipe_model.recipe
                    and not window.recipe.busy, timeout=30000)
    window.wait_idle()
    page = window.browser.page_indices()
    used = window.recipe.statistics.cached(window.recipe_model.recipe)
    values = normalize(window.dataset.pixels[page], used)
    background = float(normalize(np.zeros((1, 1, 1), np.uint8), used).reshape(-1)[0])
    expected = ink_histograms(window.dataset.pixels[page], values, background)
    x, y = norm.after.getData()
    assert np.array_equal(y, expected.after[1]) and y.sum() > 0
    assert np.allclose(x[[0, -1]], expected.after[0][[0, -1]])


START_CODE = """
import sys, tempfile
from PySide6.QtCore import QEventLoop, QSettings, QTimer
from PySide6.QtWidgets import QApplication
app = QApplication([])
from mnist_desktop.gui.main_window import MainWindow
w = MainWindow(QSettings(tempfile.mkdtemp() + '/s.ini', QSettings.Format.IniFormat))
w.resize(1400, 900)
w.show()
loop = QEventLoop()
w.dataset_loaded.connect(loop.quit)
w.open_source('sample')
loop.exec()
QTimer.singleShot(300, loop.quit)  # longer than a dock's settle time: a dock on screen is built by now
loop.exec()
print(' '.join(sorted(m for m in sys.modules if m.startswith(('superqt', 'mnist_desktop.gui')))))
"""
#: Panels of docks that start behind another tab, and what only they import.
LAZY = ("superqt", "mnist_desktop.gui.recipe.normalize_panel", "mnist_desktop.gui.recipe.augment_panel",
        "mnist_desktop.gui.quality.panel", "mnist_desktop.gui.evaluate.panel")


def test_start_up_on_the_sample_builds_no_panel_behind_a_tab():
    """The window on the sample, after its first paint: the hidden docks' panels (and superqt) are not loaded."""
    import os
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", START_CODE], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert out.returncode == 0, out.stderr
    modules = out.stdout.split()
    assert "mnist_desktop.gui.main_window" in modules  # the probe saw the window's modules
    assert [m for m in modules if m in LAZY or m.startswith("superqt.")] == []


def test_panels_behind_tabs_are_built_when_shown_with_the_data_loaded_before(window, qtbot):
    """Normalize, Augment and Suspicious start as placeholders, then show the sample's state once clicked."""
    for key in ("normalize", "augment", "suspicious"):
        assert window.docks[key].widget().objectName() == "placeholder", key
        window.docks[key].raise_()  # the user clicks the tab
        qtbot.waitUntil(lambda k=key: window.docks[k].widget().objectName() != "placeholder", timeout=5000)
    norm, aug, sus = window.recipe.normalize_panel, window.recipe.augment_panel, window.quality.panel
    assert window.docks["normalize"].widget().widget() is norm and norm.isVisible()
    assert window.docks["augment"].widget().widget() is aug
    assert window.docks["suspicious"].widget().widget() is sus
    assert "Not computed yet." in sus.summary.text()
    norm.method.setCurrentIndex(5)  # z-score from the data: the built panel drives the recipe
    assert window.recipe_model.recipe.normalize.method == "zscore"
