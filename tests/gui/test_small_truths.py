"""Issue 23 item 8: what a panel draws is on the scale, at the size and in the place it claims.

Each test drives the real widget and checks what is on screen: data ranges
of the plotted curves, the on-screen size of a thumbnail, the rectangle of
a banner against the grid's, what an empty plot shows, a table cell's text
against its cell.
"""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import numpy as np
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication

from mnist_desktop.core.processing.normalize import NormParams


def settle(qtbot, ms: int = 50) -> None:
    QApplication.processEvents()
    qtbot.wait(ms)
    QApplication.processEvents()


def test_normalize_none_draws_before_and_after_on_0_to_255(window, qtbot):
    panel = window.recipe.normalize_panel
    model = window.recipe_model
    model.set(replace(model.recipe, normalize=NormParams("none")))
    window.show_processed(True)
    qtbot.waitUntil(lambda: not window.recipe.busy, timeout=20000)
    window.wait_idle()
    before_x, _ = panel.before.getData()
    after_x, _ = panel.after.getData()
    assert before_x.max() > 200 and after_x.max() > 200  # both on the uint8 scale, neither a spike at 0..1
    assert abs(before_x.max() - after_x.max()) < 10
    assert "on 0..255" in panel.legend.text()
    model.set(replace(model.recipe, normalize=NormParams("scale")))
    qtbot.waitUntil(lambda: not window.recipe.busy, timeout=20000)
    window.wait_idle()
    assert panel.before.getData()[0].max() <= 1.0 + 1e-6 and "on 0..1" in panel.legend.text()


def test_suspicious_neighbours_are_drawn_large_enough_to_read(qtbot, sample_dataset):
    from mnist_desktop.gui.quality.panel import SuspiciousPanel

    panel = SuspiciousPanel()
    qtbot.addWidget(panel)
    panel.resize(330, 700)  # a side dock
    panel.show()
    images, labels = sample_dataset.images[:6], sample_dataset.labels[:6].astype(np.int64)
    panel.show_evidence("Nearest neighbours", "", ("given", images, labels), ("suggested", images, labels))
    settle(qtbot)
    data_per_pixel = panel._neighbours_box.viewPixelSize()[0]
    tile = 28 / data_per_pixel
    assert tile >= 40, f"neighbour thumbnails drawn {tile:.0f} px wide"


def test_the_processed_banner_is_beside_the_grid_not_over_it(window, qtbot):
    window.show_processed(True)
    qtbot.waitUntil(lambda: not window.recipe.busy, timeout=20000)
    window.wait_idle()
    badge, grid = window.grid.badge, window.grid
    assert badge.isVisible() and badge.text() == "Processed (as exported)"
    banner = QRect(badge.mapTo(window, QPoint(0, 0)), badge.size())
    tiles = QRect(grid.mapTo(window, QPoint(0, 0)), grid.size())
    assert not banner.intersects(tiles)
    window.show_processed(False)
    window.wait_idle()
    assert not badge.isVisible()


def test_the_empty_evaluate_plot_has_no_made_up_axes(window):
    view = window.evaluate.panel.matrix
    assert not view.plot.getAxis("left").isVisible() and not view.plot.getAxis("bottom").isVisible()
    assert view.empty_text.isVisible() and "Evaluate recipe" in view.empty_text.toPlainText()
    view.set_matrix(np.eye(3, dtype=np.int64) * 5, ("0", "1", "2"))
    assert view.plot.getAxis("left").isVisible() and not view.empty_text.isVisible()


def fake_run(accuracy: float = 0.9312):
    metrics = SimpleNamespace(macro=lambda: {"f1": 0.93})
    return SimpleNamespace(accuracy=accuracy, metrics=metrics, n_train=9000, seconds=12.3, source="sample",
                           holdout="train -> test", model="ridge")


def test_the_runs_table_shows_the_whole_recipe(window, qtbot):
    panel = window.evaluate.panel
    window.docks["evaluate"].raise_()
    panel.tabs.setCurrentIndex(1)
    summary = "zscore; rot 15°, shift 0.1, zoom 0.9-1.1, shear 10°, elastic 34, noise 0.05 x3 +orig; 12 excluded"
    panel.set_runs([(summary, fake_run()), ("scale", fake_run(0.95))])
    settle(qtbot)
    table = panel.runs
    item = table.item(0, 1)
    cell = table.visualItemRect(item)
    needed = table.fontMetrics().boundingRect(QRect(0, 0, cell.width() - 6, 10000),  # the 3 px text margins
                                              int(Qt.TextFlag.TextWordWrap), summary)
    assert cell.height() >= needed.height(), "the recipe is cut in the runs table"


def test_evaluate_results_fit_the_dock_of_an_800x600_window(window, qtbot):
    window.resize(800, 600)
    settle(qtbot)
    window.docks["evaluate"].raise_()
    n = 10
    cm = np.eye(n, dtype=np.int64) * 480 + 2
    ones = np.full(n, 0.972)
    metrics = SimpleNamespace(accuracy=0.972, confusion=cm, precision=ones, recall=ones, f1=ones,
                              support=cm.sum(1), macro=lambda: {"precision": 0.972, "recall": 0.972, "f1": 0.972})
    report = SimpleNamespace(metrics=metrics, class_names=tuple(str(i) for i in range(n)), holdout="hold-out",
                             n_train=5001, n_test=4999, seconds=11.3, model="ridge")
    window.evaluate.panel.show_report(report)
    settle(qtbot)
    area = window.docks["evaluate"].widget()
    assert not area.horizontalScrollBar().isVisible(), "the Evaluate numbers or matrix are cut at 800x600"


def test_the_export_dialog_says_what_png_holds_for_a_float_recipe(window, qtbot):
    dialog = window.recipe.open_export_dialog()
    try:
        assert dialog.png_note.isHidden()  # npz: the floats themselves
        dialog.format.setCurrentIndex(dialog.format.findData("png"))
        assert not dialog.png_note.isHidden() and "8-bit rendering" in dialog.png_note.text()
        settle(qtbot)
        note = dialog.png_note
        assert note.height() >= note.heightForWidth(note.width())  # the whole sentence, not squeezed
        model = window.recipe_model
        dialog.close()
        model.set(replace(model.recipe, normalize=NormParams("none")))
        dialog = window.recipe.open_export_dialog()
        dialog.format.setCurrentIndex(dialog.format.findData("png"))
        assert dialog.png_note.isHidden()  # uint8 kept: PNG holds the values exactly
    finally:
        dialog.close()
