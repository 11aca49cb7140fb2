"""What the window shows follows the state (#23 items 2, 3, 5, 6): relabels are visible wherever a
label is, a recipe load keeps this dataset's exclusions and says so, panels forget the data before,
and the Evaluate cell filter follows the run shown."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from mnist_desktop import AugParams, Recipe
from mnist_desktop.core.palette import class_color


@pytest.fixture
def planted(mnist_folder, sample_dataset):
    """600 real test digits; five 0s labelled 7 (the check suggests 0 for them)."""
    x = sample_dataset.images[:600].copy()
    y = sample_dataset.labels[:600].copy()
    zeros = np.flatnonzero(y == 0)[:5]
    y[zeros] = 7
    return mnist_folder("planted", test=(x, y)), zeros


def _open(window, qtbot, source: str) -> None:
    with qtbot.waitSignal(window.dataset_loaded, timeout=20000):
        window.open_source(source)


def _analyze(window, qtbot):
    window.docks["suspicious"].raise_()  # the user clicks the Suspicious tab: the panel is built there
    qtbot.waitUntil(lambda: window.docks["suspicious"].widget().objectName() != "placeholder", timeout=5000)
    q = window.quality
    qtbot.mouseClick(q.panel.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: q.report is not None, timeout=120000)
    qtbot.waitUntil(lambda: not q.job.running, timeout=10000)
    return q.report


def _relabel_one(window, qtbot, zeros) -> int:
    """Choose a planted 0 (labelled 7) in the Suspicious list and press R; returns its global index."""
    q = window.quality
    ranked = q.report.ranked()
    target = next(int(i) for i in ranked if int(i) in set(zeros.tolist()) and q.report.suggested[int(i)] == 0)
    q.panel.select_rank(int(np.flatnonzero(ranked == target)[0]))
    q.panel.table.setFocus()
    qtbot.keyClick(q.panel.table, Qt.Key.Key_R)
    assert window.recipe_model.recipe.relabelled_in("test") == {target: 0}
    return target


def _painted_texts(window) -> dict[str, int]:
    window.grid.grab()  # paints the labels item once
    return window.grid.labels.painted


def test_a_relabel_shows_wherever_the_label_shows(make_window, qtbot, planted):
    folder, zeros = planted
    window = make_window()
    _open(window, qtbot, str(folder))
    _analyze(window, qtbot)
    counts_before = window.stats.counts.copy()
    assert "7>0" not in _painted_texts(window)
    target = _relabel_one(window, qtbot, zeros)
    assert window.browser.selected == target

    # grid tile: "7>0" painted as text at screen resolution, in the relabel colour
    assert _painted_texts(window).get("7>0") == 1
    # detail view and status bar
    assert "relabelled, was 7" in window.detail.title.text()
    assert f"#{target:,}" in window.status.selection_label.text()
    assert "label 0 (relabelled, was 7)" in window.status.selection_label.text()
    # statistics count it as a 0, and the class filter files it under 0
    expected = counts_before.copy()
    expected[7] -= 1
    expected[0] += 1
    np.testing.assert_array_equal(window.stats.counts, expected)
    window.filter_panel.label_buttons[0].setChecked(False)
    assert target not in window.browser.visible.tolist()
    window.filter_panel.label_buttons[0].setChecked(True)
    window.select_global(target)
    # the map colours the point as a 0
    brushes, _ = window.map._coloring(window.dataset)
    assert brushes[target].color().getRgb()[:3] == class_color(0)
    # the export dialog counts it
    dialog = window.recipe.open_export_dialog()
    assert "1 sample relabelled" in dialog.recipe_text.text()
    dialog.close()
    # excluded too, the Excluded panel lists it with its new label
    window.exclusions.toggle_selected()
    assert window.exclusions.panel.list.item(0).text() == f"test #{target:,} · label 0"
    window.recipe_model.undo_stack.undo()

    # processed, as exported: the same label on the tile and in the detail view
    window.show_processed(True)
    window.wait_idle()
    assert _painted_texts(window).get("7>0") == 1
    assert "processed, as exported" in window.detail.title.text()
    assert "relabelled, was 7" in window.detail.title.text()
    window.show_processed(False)

    # undo: the tile says 7 again, and so does everything else
    window.recipe_model.undo_stack.undo()
    assert "7>0" not in _painted_texts(window)
    assert "relabelled" not in window.detail.title.text()
    np.testing.assert_array_equal(window.stats.counts, counts_before)


def test_relabels_belong_to_their_dataset(make_window, qtbot, planted):
    folder, zeros = planted
    window = make_window()
    _open(window, qtbot, str(folder))
    _analyze(window, qtbot)
    target = _relabel_one(window, qtbot, zeros)
    _open(window, qtbot, "sample")  # other data: test #target there is another digit
    assert window.recipe_model.recipe.relabelled == ()
    window.select_global(target)
    assert "relabelled" not in window.detail.title.text()
    _open(window, qtbot, str(folder))  # the same data again: its relabel is back
    assert window.recipe_model.recipe.relabelled_in("test") == {target: 0}


def test_the_suspicious_panel_forgets_the_previous_dataset(make_window, qtbot, planted):
    folder, zeros = planted
    window = make_window()
    _open(window, qtbot, str(folder))
    _analyze(window, qtbot)
    panel = window.quality.panel
    panel.select_rank(0)
    assert panel.neighbours_title.text() and panel.neighbours_image.image is not None
    assert panel.relabel_button.isEnabled() and panel.exclude_button.isEnabled()

    _open(window, qtbot, "sample")
    assert panel.table.rowCount() == 0
    assert panel.summary.text().startswith("Not computed yet.")
    assert panel.neighbours_title.text() == "" and panel.probabilities.text() == ""
    assert panel.given_title.text() == "" and panel.suggested_title.text() == ""
    assert panel.neighbours_image.image is None and panel.suggested_image.image is None
    for b in (panel.exclude_button, panel.restore_button, panel.exclude_all_button, panel.relabel_button,
              panel.unrelabel_button):
        assert not b.isEnabled(), b.text()
    # R and the buttons do nothing to the new data
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_R)
    panel.relabel_requested.emit(np.array([0]), True)
    qtbot.mouseClick(panel.exclude_button, Qt.MouseButton.LeftButton)
    recipe = window.recipe_model.recipe
    assert recipe.relabelled == () and recipe.excluded == ()
    # an export dialog left open for the old data is closed, and the status bar says why
    dialog = window.recipe.open_export_dialog()
    assert dialog.isVisible()
    _open(window, qtbot, str(folder))
    assert not dialog.isVisible() and "export dialog was closed" in window.status.currentMessage()
    # the sort order of the old report is gone from the Filter panel
    combo = window.filter_panel.sort_combo
    assert combo.count() == 1 and combo.currentData() == "index"


def _ink_columns(widget) -> int:
    """How many pixel columns of ``widget``'s left half hold dark (text) pixels, as painted."""
    image = widget.grab().toImage()
    width, height = image.width() // 2, image.height()
    return len([x for x in range(0, width, 2)
                if any(image.pixelColor(x, y).lightness() < 100 for y in range(2, height - 2, 2))])


def test_loading_a_recipe_keeps_this_datasets_exclusions_and_says_so(window, qtbot, tmp_path):
    model = window.recipe_model
    model.exclude([10, 20, 30])
    assert window.page.shown.text().endswith("3 excluded") or "3 excluded" in window.page.shown.text()
    path = tmp_path / "other.json"
    bad = tmp_path / "bad.json"  # names a split the sample lacks: refused as export refuses it, nothing lost
    Recipe(augment=AugParams(rotation=20), excluded={"test": [40], "train": [1]}).save(bad)
    assert not window.load_recipe(str(bad))
    assert "train" in window.last_error and model.recipe.augment.rotation == 0
    assert model.recipe.excluded_indices("test").tolist() == [10, 20, 30]
    Recipe(augment=AugParams(rotation=10), excluded={"test": [30, 40, 50]}).save(path)
    window.status.set_hover("")
    assert window.load_recipe(str(path))

    recipe = model.recipe
    assert recipe.augment.rotation == 10
    assert recipe.excluded_indices("test").tolist() == [10, 20, 30, 40, 50]  # ours kept, the file's added
    assert recipe.excluded_indices("train").tolist() == []  # the sample has no train split
    message = window.status.currentMessage()
    assert "3 of this dataset kept + 2 from the file = 5" in message
    assert "Undo" in message
    qtbot.wait(50)
    assert _ink_columns(window.status) > 40  # painted, not only set
    assert int(window.excluded_mask().sum()) == 5

    # one undo step gives back the recipe before the load, with its 3 exclusions
    model.undo_stack.undo()
    assert model.recipe.augment.rotation == 0
    assert model.recipe.excluded_indices("test").tolist() == [10, 20, 30]


def test_a_recipe_loaded_before_the_data_keeps_its_exclusions(make_window, qtbot, tmp_path):
    path = tmp_path / "r.json"
    Recipe(augment=AugParams(rotation=5), excluded={"test": [1, 2]}).save(path)
    window = make_window()
    assert window.load_recipe(str(path))  # as `gui --recipe` does, before any data
    _open(window, qtbot, "sample")
    assert window.recipe_model.recipe.excluded_indices("test").tolist() == [1, 2]
    assert window.recipe_model.recipe.augment.rotation == 5
    assert "2 from the file" in window.status.currentMessage()


@pytest.fixture
def two_splits(mnist_folder):
    return mnist_folder("two", train=slice(0, 600), test=slice(600, 900), gz=False)


def _evaluate(window, qtbot):
    ev = window.evaluate
    before = len(ev.runs)
    qtbot.mouseClick(ev.panel.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(ev.runs) == before + 1, timeout=120000)
    qtbot.waitUntil(lambda: not ev.job.running, timeout=10000)
    return ev.runs[-1][1]


def test_the_evaluate_cell_follows_the_run_shown_and_show_all_restores_the_order(make_window, qtbot, two_splits):
    window = make_window()
    _open(window, qtbot, str(two_splits))
    ev, panel = window.evaluate, window.evaluate.panel
    first = _evaluate(window, qtbot)
    qtbot.mouseClick(panel.matrix.viewport(), Qt.MouseButton.LeftButton, pos=panel.matrix.cell_center(3, 3))
    np.testing.assert_array_equal(window.browser.visible, first.cell(3, 3))
    assert panel.matrix.selected == (3, 3)
    assert window.filter_panel.sort_key() == "confidence"

    window.recipe_model.set(Recipe(augment=AugParams(rotation=15, copies=2)))
    second = _evaluate(window, qtbot)
    assert ev.report is second
    # the grid shows the second run's cell, ordered by its confidences; the cell stays outlined
    assert len(window.browser.visible) == second.metrics.confusion[3, 3]
    np.testing.assert_array_equal(window.browser.visible, second.cell(3, 3))
    assert panel.matrix.selected == (3, 3)
    assert "run 2" in window.browser.subset_name

    qtbot.mouseClick(panel.show_all_button, Qt.MouseButton.LeftButton)
    assert len(window.browser.visible) == 900
    assert panel.matrix.selected is None
    assert window.filter_panel.sort_key() == "index" and window.browser.scores is None
    np.testing.assert_array_equal(window.browser.visible, np.arange(900))


def test_the_processed_grid_shows_val_rows_as_exported(make_window, qtbot, two_splits, tmp_path):
    from mnist_desktop.core.export.exporter import export
    from mnist_desktop.core.processing.sampling import SamplingParams
    from mnist_desktop.core.processing.split_plan import split_rows

    window = make_window()
    _open(window, qtbot, str(two_splits))
    recipe = Recipe(augment=AugParams(rotation=20, noise=0.2, copies=2), sampling=SamplingParams(val_fraction=0.2))
    window.recipe_model.set(recipe)
    window.show_processed(True)
    window.wait_idle()
    val = split_rows(window.dataset, recipe.resolve(window.dataset), "val").indices  # train index = global
    preview = window.recipe.view.last
    on_page = np.flatnonzero(np.isin(preview.indices, val))
    assert len(on_page) > 50
    with np.load(export(window.dataset, recipe, tmp_path / "o.npz", "npz").path) as data:
        x_val = data["x_val"]
    rows = np.searchsorted(val, preview.indices[on_page])
    np.testing.assert_array_equal(preview.values[on_page], x_val[rows])
    # the detail view of a val sample says it is exported as its original only
    window.select_global(int(val[0]))
    window.wait_idle()
    assert "the original only" in window.detail.rows_title.text()
