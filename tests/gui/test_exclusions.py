"""Exclusions belong to their dataset, are visible, undoable, and counted; honest statistics; export size."""

from __future__ import annotations

import json

import numpy as np
import pytest

from mnist_desktop.cli import main as cli_main
from mnist_desktop.core.export.estimate import estimate
from mnist_desktop.core.units import format_bytes


@pytest.fixture
def other_folder(mnist_folder):
    """Another dataset: 600 real digits in their own files."""
    return mnist_folder("other", test=600)


def open_source(window, qtbot, source):
    with qtbot.waitSignal(window.dataset_loaded, timeout=20000):
        window.open_source(source)


def test_exclusions_stay_with_their_dataset(make_window, settings, qtbot, other_folder):
    w = make_window(settings)
    open_source(w, qtbot, "sample")
    exclusions = w.exclusions
    for index in (7, 42):
        w.select_global(index)
        exclusions.actions["toggle_exclude"].trigger()  # the X / Delete action
    assert w.recipe.model.recipe.excluded_indices("test").tolist() == [7, 42]
    assert exclusions.panel.list.count() == 2 and "2 samples" in exclusions.panel.summary.text()
    assert w.docks["excluded"].windowTitle() == "Excluded (2)"
    assert "(2 excluded)" in w.page.shown.text()
    assert "2 excluded" in w.stats.plot.titleLabel.text
    assert exclusions.actions["toggle_exclude"].isChecked()  # 42 is selected and excluded

    # another dataset: nothing of the sample's exclusions is offered or applied
    open_source(w, qtbot, str(other_folder))
    assert w.recipe.model.recipe.excluded == ()
    assert exclusions.panel.list.count() == 0
    assert not w.recipe.model.recipe.excluded_mask(w.dataset).any()
    dialog = w.recipe.open_export_dialog()
    assert dialog.drop_excluded.isHidden() and not dialog.no_exclusions.isHidden()  # no greyed, checked box
    assert dialog.no_exclusions.text() == "No sample of this dataset is excluded."
    dialog.close()
    w.select_global(3)
    exclusions.actions["toggle_exclude"].trigger()

    # the sample again: its own exclusions are back; and after a restart too
    open_source(w, qtbot, "sample")
    assert w.recipe.model.recipe.excluded_indices("test").tolist() == [7, 42]
    w.close()
    w2 = make_window(settings)
    assert w2.recipe.model.recipe.excluded == ()  # no data yet: nothing applied
    open_source(w2, qtbot, str(other_folder))
    assert w2.recipe.model.recipe.excluded_indices("test").tolist() == [3]
    open_source(w2, qtbot, "sample")
    assert w2.recipe.model.recipe.excluded_indices("test").tolist() == [7, 42]
    assert "2 samples of this dataset are excluded" in w2.quality.panel.summary.text()
    # clicking an entry of the list goes to that image
    w2.exclusions.panel.list.item(1).setSelected(True)
    w2.exclusions.panel.sample_chosen.emit(42)
    assert w2.browser.selected == 42


def test_undo_redo_of_an_exclusion_and_clear_all(window, qtbot):
    model = window.recipe.model
    exclusions = window.exclusions
    window.select_global(5)
    exclusions.toggle_selected()
    assert model.recipe.excluded_indices("test").tolist() == [5]
    assert window.recipe.actions["undo"].text().startswith("&Undo Exclude 1 sample")
    window.recipe.actions["undo"].trigger()
    assert model.recipe.excluded == () and exclusions.panel.list.count() == 0
    window.recipe.actions["redo"].trigger()
    assert model.recipe.excluded_indices("test").tolist() == [5]
    window.select_global(6)
    exclusions.toggle_selected()
    asked = []
    exclusions.confirm = lambda title, text: asked.append(text) or False
    exclusions.clear_all()
    assert "2 excluded samples" in asked[0] and model.recipe.excluded_indices("test").tolist() == [5, 6]
    exclusions.confirm = lambda title, text: True
    exclusions.clear_all()
    assert model.recipe.excluded == ()
    model.undo_stack.undo()
    assert model.recipe.excluded_indices("test").tolist() == [5, 6]


def test_exclude_all_flagged_asks_first(window):
    quality = window.quality
    asked = []
    quality.confirm = lambda title, text: asked.append(title) or False
    quality.panel.exclude_requested.emit(np.array([1, 2, 3]), True)
    assert asked == ["Exclude 3 samples?"] and window.recipe.model.recipe.excluded == ()
    quality.confirm = lambda title, text: True
    quality.panel.exclude_requested.emit(np.array([1, 2, 3]), True)
    assert window.recipe.model.recipe.excluded_indices("test").tolist() == [1, 2, 3]


def test_reset_recipe_keeps_the_exclusions_and_is_undoable(window):
    aug = window.recipe.augment_panel
    aug.groups["noise"].setChecked(True)
    aug.copies.setValue(4)
    window.select_global(9)
    window.exclusions.toggle_selected()
    edited = window.recipe.model.recipe
    window.recipe.actions["reset_recipe"].trigger()
    r = window.recipe.model.recipe
    assert r.augment.copies == 1 and r.augment.noise == 0 and r.excluded_indices("test").tolist() == [9]
    assert not aug.groups["noise"].isChecked() and aug.copies.value() == 1
    window.recipe.model.undo_stack.undo()
    assert window.recipe.model.recipe == edited


def test_statistics_from_the_test_split_are_said_and_shown(window, qtbot, tmp_path, capsys, click_tab):
    norm = click_tab(window, "normalize")
    assert norm is window.recipe.normalize_panel
    norm.method.setCurrentIndex(5)  # z-score from the data; the sample has no train split
    # the statistics are computed in a worker: the slot returns at once and the panel says so
    assert norm.source.text() == "Computing the statistics of 10,000 images…"
    qtbot.waitUntil(lambda: "test split" in norm.source.text(), timeout=20000)
    assert norm.source.isVisible()
    images = window.dataset.images.astype(np.float64) / 255
    mean, std = norm.stats["mean"], norm.stats["std"]
    assert mean.value() is None and not mean.box.isEnabled()  # computed, greyed ...
    assert mean.box.value() == pytest.approx(images.mean(), abs=1e-4)  # ... showing the value used
    assert std.box.value() == pytest.approx(images.std(), abs=1e-4)
    assert mean.box.value() != pytest.approx(0.1307, abs=1e-4)

    out = tmp_path / "z.npz"
    assert cli_main(["export", "--source", "sample", "--out", str(out), "--format", "npz",
                     "--normalize", "zscore"]) == 0
    err = capsys.readouterr().err
    warnings = [line for line in err.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "test split" in warnings[0]
    manifest = json.loads(out.with_name(out.name + ".manifest.json").read_text())
    assert manifest["normalization_statistics"]["from"] == ["test"]
    assert "no train split" in manifest["normalization_statistics"]["warning"]
    assert manifest["recipe"]["normalize"]["mean"] == pytest.approx(mean.box.value(), abs=1e-4)


def test_export_dialog_estimates_size_and_asks_above_a_gigabyte(window, qtbot, tmp_path):
    aug = window.recipe.augment_panel
    aug.copies.setValue(30)
    dialog = window.recipe.open_export_dialog()
    # npz of float32: 4 bytes a pixel and a label byte per row, plus headers and the manifest
    payload = 300_000 * (784 * 4 + 1)
    shown = estimate(window.dataset, window.recipe.model.recipe, "npz").bytes
    assert payload <= shown < payload * 1.001
    assert "300,000 images" in dialog.size.text() and format_bytes(shown) in dialog.size.text()
    assert "confirm" not in dialog.size.text()
    dialog.close()
    aug.copies.setValue(40)
    dialog = window.recipe.open_export_dialog()
    assert "400,000 images" in dialog.size.text() and "confirm" in dialog.size.text()
    asked = []
    dialog.ask_large = lambda e: asked.append(e.bytes) or False
    dialog.path.setText(str(tmp_path / "big.npz"))
    dialog.start()
    assert len(asked) == 1 and 400_000 * (784 * 4 + 1) <= asked[0] < 400_000 * (784 * 4 + 1) * 1.001
    assert not dialog.running
    assert list(tmp_path.iterdir()) == []


def test_a_failed_export_clears_the_progress_bar(window, tmp_path):
    dialog = window.recipe.open_export_dialog()
    dialog.progress.setValue(1000)  # a finished earlier export
    blocker = tmp_path / "file"
    blocker.write_text("x")
    dialog.format.setCurrentIndex(dialog.format.findData("npy"))
    dialog.path.setText(str(blocker / "sub"))
    dialog.start()
    assert dialog.outcome and dialog.outcome != "done"
    assert dialog.progress.value() == 0 and "Export failed" in dialog.summary.text()


def test_right_click_on_a_tile_selects_it_and_offers_exclude(window, qtbot):
    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QApplication, QMenu

    toggle = window.exclusions.actions["toggle_exclude"]
    assert toggle in window.detail.actions()  # the detail view's right-click menu
    window.grid.tile_hovered.emit(5, 3, 3)
    window.grid.customContextMenuRequested.emit(QPoint(10, 10))
    target = int(window.browser.page_indices()[5])
    assert window.browser.selected == target
    menus = [m for m in QApplication.topLevelWidgets() if isinstance(m, QMenu) and m.isVisible()]
    assert menus and toggle in menus[-1].actions()
    menus[-1].close()
    toggle.trigger()
    assert window.recipe.model.recipe.excluded_indices("test").tolist() == [target]
    assert toggle.isChecked()
