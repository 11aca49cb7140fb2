"""The Evaluate dock: run, click a confusion-matrix cell to filter the grid, compare two runs."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PySide6.QtCore import Qt

from mnist_desktop import AugParams, Recipe


@pytest.fixture
def two_splits(mnist_folder):
    """A folder with a train split (1,200 real digits) and a test split (500 others)."""
    return mnist_folder("two", train=slice(0, 1200), test=slice(1200, 1700), gz=False)


def _run(window, qtbot):
    ev = window.evaluate
    before = len(ev.runs)
    qtbot.mouseClick(ev.panel.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(ev.runs) == before + 1, timeout=120000)
    qtbot.waitUntil(lambda: not ev.job.running, timeout=10000)
    return ev.runs[-1][1]


@pytest.mark.slow
def test_cell_click_shows_exactly_those_samples_and_runs_compare(make_window, qtbot, two_splits, tmp_path):
    window = make_window()
    with qtbot.waitSignal(window.dataset_loaded, timeout=20000):
        window.open_source(str(two_splits))
    window.docks["evaluate"].raise_()
    ev, panel = window.evaluate, window.evaluate.panel
    plain = _run(window, qtbot)
    assert plain.n_test == 500 and plain.n_train == 1200
    assert panel.headline["accuracy"].text() == f"{plain.accuracy:.2%}"
    assert panel.per_class.rowCount() == 10

    # the most populated error cell: a click on it leaves exactly its samples in the grid
    cm = plain.metrics.confusion.copy()
    np.fill_diagonal(cm, -1)
    t, p = np.unravel_index(np.argmax(cm), cm.shape)
    expected = plain.cell(t, p)
    assert len(expected) > 0
    qtbot.mouseClick(panel.matrix.viewport(), Qt.MouseButton.LeftButton, pos=panel.matrix.cell_center(t, p))
    np.testing.assert_array_equal(window.browser.visible, expected)  # most confident first
    assert window.page.shown.text() == f"{len(expected):,} of 1,700 images shown"
    assert (window.dataset.labels[window.browser.page_indices()] == t).all()
    assert window.browser.subset_name == f"run 1: true {t}, predicted {p}"
    # the first (most confident) is selected; the detail view tells what the model predicted for it
    assert window.browser.selected == expected[0]
    row = int(np.flatnonzero(plain.test_indices == expected[0])[0])
    note = window.detail.note.text()
    assert "predicts <b" in note and f">{p}</b> at {plain.confidence[row]:.0%}" in note

    # a diagonal cell too, then everything again
    qtbot.mouseClick(panel.matrix.viewport(), Qt.MouseButton.LeftButton, pos=panel.matrix.cell_center(3, 3))
    np.testing.assert_array_equal(window.browser.visible, plain.cell(3, 3))
    assert len(window.browser.visible) == plain.metrics.confusion[3, 3]
    qtbot.mouseClick(panel.show_all_button, Qt.MouseButton.LeftButton)
    assert len(window.browser.visible) == 1700

    # a second recipe: both runs listed, compared class by class
    window.recipe_model.set(Recipe(augment=AugParams(rotation=12, translate=0.1, scale=(0.9, 1.1), copies=2)))
    aug = _run(window, qtbot)
    assert aug.n_train == 2400
    assert panel.runs.rowCount() == 2
    assert "rot 12°" in panel.runs.item(1, 1).text() and panel.runs.item(0, 1).text() == "scale"
    assert panel.runs.item(1, 2).text() == f"{aug.accuracy:.2%}"
    assert panel.compare.rowCount() == 10
    assert f"{plain.accuracy:.2%}" in panel.compare_title.text() and f"{aug.accuracy:.2%}" in panel.compare_title.text()
    diff = float(aug.metrics.f1[5] - plain.metrics.f1[5])
    assert panel.compare.item(5, 3).text() == f"{diff:+.3f}"

    # choosing the first run again shows it; its report can be saved
    panel.runs.selectRow(0)
    assert ev.report is plain and panel.headline["accuracy"].text() == f"{plain.accuracy:.2%}"
    assert ev.save_report(str(tmp_path / "r.json"))
    assert json.loads((tmp_path / "r.json").read_text())["accuracy"] == plain.accuracy


@pytest.mark.slow
def test_patch_model_choice_is_run_and_named_in_the_runs(make_window, qtbot, mnist_folder):
    window = make_window()
    with qtbot.waitSignal(window.dataset_loaded, timeout=20000):
        window.open_source(str(mnist_folder("small", train=slice(0, 400), test=slice(400, 600), gz=False)))
    ev, panel = window.evaluate, window.evaluate.panel
    assert panel.patch_box.text() == "Patch model" and panel.model == "baseline"
    base = _run(window, qtbot)
    panel.patch_box.setChecked(True)
    patch = _run(window, qtbot)
    assert "random ReLU features" in base.model and "patch features" in patch.model
    assert not ev.runs[0][0].endswith("patch model") and ev.runs[1][0].endswith("; patch model")
    assert panel.runs.item(1, 1).text().endswith("patch model")
    assert panel.headline["accuracy"].text() == f"{patch.accuracy:.2%}" and panel.patch_box.isEnabled()
