"""The Suspicious panel: rank, review, exclude, and the export honours the exclusions."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from mnist_desktop.core.export.exporter import export
from mnist_desktop.core.processing.recipe import Recipe
from mnist_desktop.gui.quality.panel import EXCLUDED_COLUMN, NEW_COLUMN


@pytest.fixture
def planted(mnist_folder, sample_dataset):
    """2,000 real test digits with three relabelled 0s, a blank image and an exact duplicate."""
    x = sample_dataset.images[:2000].copy()
    y = sample_dataset.labels[:2000].copy()
    zeros = np.flatnonzero(y == 0)[:3]
    y[zeros] = 7
    x[1500] = 0
    x[1600] = x[1601]
    return mnist_folder("planted", test=(x, y)), set(zeros.tolist()), {1500, 1600, 1601}


@pytest.mark.slow
def test_review_finds_planted_problems_and_exclusions_reach_the_export(make_window, qtbot, planted, tmp_path,
                                                                       click_tab):
    folder, relabelled, odd = planted
    window = make_window()
    with qtbot.waitSignal(window.dataset_loaded, timeout=20000):
        window.open_source(str(folder))
    review = window.quality
    panel = click_tab(window, "suspicious")  # keys reach the list once it is on screen
    assert panel is review.panel
    qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: review.report is not None, timeout=120000)
    report = review.report
    top = set(report.ranked(30).tolist())
    assert relabelled <= top
    assert 1500 in top and (1600 in top or 1601 in top)
    assert panel.table.rowCount() == report.n_flagged
    assert "flagged" in panel.summary.text()

    # choose the first relabelled zero in the list: it is selected and shown with neighbours
    target = sorted(relabelled)[0]
    rank = int(np.flatnonzero(report.ranked() == target)[0])
    panel.select_rank(rank)
    assert window.browser.selected == target
    assert f"#{target:,}" in window.detail.title.text()
    assert "suggested 0" in panel.neighbours_title.text()
    assert panel.neighbours_image.image is not None and panel.suggested_image.image is not None
    assert panel.probabilities.text().startswith("Model") and "0 " in panel.probabilities.text()
    assert "(given)" in panel.given_title.text() and "0s (suggested)" in panel.suggested_title.text()

    # key R relabels the chosen sample as suggested; the list shows it; "Own label" and Undo take it back
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_R)
    assert window.recipe.model.recipe.relabelled_in("test") == {target: 0}
    assert panel.table.item(rank, NEW_COLUMN).text() == "0"
    qtbot.mouseClick(panel.unrelabel_button, Qt.MouseButton.LeftButton)
    assert window.recipe.model.recipe.relabelled_in("test") == {} and panel.table.item(rank, NEW_COLUMN).text() == ""
    qtbot.mouseClick(panel.relabel_button, Qt.MouseButton.LeftButton)
    window.recipe.model.undo_stack.undo()
    assert window.recipe.model.recipe.relabelled_in("test") == {}
    window.recipe.model.undo_stack.redo()
    assert window.recipe.model.recipe.relabelled_in("test") == {target: 0}

    # sort the grid by suspicion: the most suspicious sample comes first
    combo = window.filter_panel.sort_combo
    combo.setCurrentIndex(combo.findData("suspicion"))
    assert window.browser.visible[0] == report.order[0]

    # exclude the three relabelled samples; the recipe, the list and the grid follow
    for r in sorted(int(np.flatnonzero(report.ranked() == i)[0]) for i in relabelled):
        panel.table.selectRow(r)
        qtbot.mouseClick(panel.exclude_button, Qt.MouseButton.LeftButton)
    recipe = window.recipe.model.recipe
    assert recipe.excluded_indices("test").tolist() == sorted(relabelled)
    assert panel.table.item(rank, EXCLUDED_COLUMN).text() == "✕"

    # exclusions survive a recipe save/load and are honoured by the export
    path = tmp_path / "r.json"
    assert window.recipe.save_recipe(str(path))
    loaded = Recipe.load(path)
    assert loaded.excluded_indices("test").tolist() == sorted(relabelled)
    assert loaded.relabelled_in("test") == {target: 0}
    result = export(window.dataset, loaded, tmp_path / "out.npz", "npz")
    with np.load(result.path) as data:
        assert len(data["y_test"]) == 2000 - 3
        kept = np.setdiff1d(np.arange(2000), sorted(relabelled))
        np.testing.assert_array_equal(data["y_test"], window.dataset.labels[kept])

    # restore one
    panel.table.selectRow(rank)
    qtbot.mouseClick(panel.restore_button, Qt.MouseButton.LeftButton)
    assert target not in window.recipe.model.recipe.excluded_indices("test").tolist()


@pytest.mark.slow
def test_thorough_choice_runs_the_ensemble_and_cancel_stops_it(make_window, qtbot, mnist_folder, monkeypatch):
    """Ticking "Thorough" runs the patch-model ensemble (cheap filters here), says so, and Cancel stops it."""
    import threading

    from mnist_desktop.core.quality.report import QualityParams, analyze
    from mnist_desktop.gui.quality import controller

    modes, gate = [], threading.Event()

    def fake(dataset, thorough=False, progress=None, cancel=None):
        modes.append(thorough)

        def report(done, total):
            progress(done, total)
            if modes == [True, True]:
                gate.wait(10)  # the second run waits here until the test has pressed Cancel

        return analyze(dataset, params=QualityParams(thorough=thorough, patch_filters=8), progress=report,
                       cancel=cancel)

    monkeypatch.setattr(controller, "_analyze", fake)
    window = make_window()
    with qtbot.waitSignal(window.dataset_loaded, timeout=20000):
        window.open_source(str(mnist_folder("small", test=300)))
    review, panel = window.quality, window.quality.panel
    assert panel.thorough_box.text() == "Thorough" and not panel.thorough
    panel.thorough_box.setChecked(True)
    qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
    assert "patch-feature models" in panel.summary.text() and not panel.thorough_box.isEnabled()
    # the report arrives, then the job's end re-enables the controls (a later event)
    qtbot.waitUntil(lambda: review.report is not None and not review.running, timeout=60000)
    assert modes == [True] and review.report.params.thorough
    assert "(thorough mode)" in panel.summary.text() and panel.thorough_box.isEnabled()

    qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.cancel_button.isEnabled(), timeout=5000)
    qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    gate.set()
    qtbot.waitUntil(lambda: not review.running, timeout=30000)
    assert modes == [True, True] and "Cancelled" in panel.summary.text()
    assert panel.run_button.isEnabled() and panel.thorough_box.isEnabled()
