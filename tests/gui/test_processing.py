"""Recipe panels, live preview, recipe files and the export dialog, driven through the real window."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PySide6.QtCore import Qt

from mnist_desktop import augment_images
from mnist_desktop.cli import main as cli_main
from mnist_desktop.core.processing.recipe import Recipe


def wait_for_preview(window, qtbot):
    p = window.recipe
    qtbot.waitUntil(lambda: p.last is not None and p.last.recipe == p.model.recipe and not p.preview.busy,
                    timeout=20000)
    return p.last


def tile(window, position):
    """Pixels of tile ``position`` as drawn in the grid mosaic."""
    return window.grid.tile_pixels(position)


def test_slider_changes_the_visible_page_exactly_as_augment_images(window, qtbot):
    panel = window.recipe.augment_panel
    window.recipe.actions["show_processed"].setChecked(True)
    panel.groups["affine"].setChecked(True)
    panel.sliders["rotation"].setValue(30.0)
    result = wait_for_preview(window, qtbot)
    a = window.recipe.model.recipe.augment
    assert a.rotation == 30.0 and a.translate == pytest.approx(0.1)
    indices = window.browser.page_indices()[:40]
    expected = augment_images(window.dataset.images[indices], rotation=30.0, translate=a.translate,
                              scale=a.scale, shear=a.shear, seed=0, indices=indices, split="test")
    np.testing.assert_array_equal(result.values[:40], expected)  # preview values = the export's rows
    shown = np.stack([tile(window, i) for i in range(40)])
    np.testing.assert_array_equal(shown, np.rint(expected * 255).astype(np.uint8))
    assert not np.array_equal(shown, window.dataset.images[indices])  # the page really changed

    panel.sliders["rotation"].setValue(5.0)
    wait_for_preview(window, qtbot)
    moved = np.stack([tile(window, i) for i in range(40)])
    assert not np.array_equal(moved, shown)


def test_turning_processed_view_off_shows_originals(window, qtbot):
    window.recipe.actions["show_processed"].setChecked(True)
    window.recipe.augment_panel.groups["noise"].setChecked(True)
    wait_for_preview(window, qtbot)
    assert not np.array_equal(tile(window, 0), window.dataset.images[0])
    window.recipe.actions["show_processed"].setChecked(False)
    np.testing.assert_array_equal(tile(window, 0), window.dataset.images[0])


def test_invalid_combination_shows_a_message_and_does_not_crash(window, qtbot):
    panel = window.recipe.augment_panel
    panel.copies.setValue(0)
    panel.keep_original.setChecked(False)
    assert "would have no images" in panel.output_problem.text()
    qtbot.waitUntil(lambda: "Preview not updated" in window.status.currentMessage(), timeout=5000)
    panel.keep_original.setChecked(True)
    assert panel.output_problem.text() == ""


def test_detail_shows_every_exported_row_of_the_selected_image(window, qtbot):
    panel = window.recipe.augment_panel
    panel.groups["elastic"].setChecked(True)
    panel.copies.setValue(3)
    panel.keep_original.setChecked(True)
    result = wait_for_preview(window, qtbot)
    assert result.rows.shape == (4, 28, 28)
    np.testing.assert_array_equal(result.rows[0], window.dataset.images[window.browser.selected])
    assert "original, copy 0, copy 1, copy 2" in window.detail.rows_title.text()


def test_save_then_load_restores_every_control(window, qtbot, tmp_path):
    p = window.recipe
    aug, norm = p.augment_panel, p.normalize_panel
    norm.method.setCurrentIndex(5)  # z-score, with given mean/std
    for name, value in (("mean", 0.2), ("std", 0.4)):
        norm.stats[name].given.setChecked(True)
        norm.stats[name].box.setValue(value)
    for group in aug.groups:
        aug.groups[group].setChecked(True)
    aug.sliders["crop_padding"].setValue(3)
    aug.crop_mode.setCurrentIndex(1)
    aug.sliders["jitter_hue"].setValue(0.25)
    aug.sliders["rotation"].setValue(12.5)
    aug.sliders["scale"].setValue((0.8, 1.2))
    aug.sliders["elastic_alpha"].setValue(20.0)
    aug.sliders["noise"].setValue(0.1)
    aug.copies.setValue(5)
    aug.keep_original.setChecked(True)
    aug.seed.setValue(1234)
    saved = p.model.recipe
    path = tmp_path / "r.json"
    assert p.save_recipe(str(path))
    assert json.loads(path.read_text())["augment"]["rotation"] == 12.5
    p.model.set(Recipe())  # everything back to defaults ...
    assert not aug.groups["affine"].isChecked() and aug.copies.value() == 1
    assert p.load_recipe(str(path))  # ... and back from the file
    assert p.model.recipe == saved
    assert aug.sliders["rotation"].value() == 12.5 and tuple(aug.sliders["scale"].value()) == (0.8, 1.2)
    assert aug.copies.value() == 5 and aug.keep_original.isChecked() and aug.seed.value() == 1234
    assert all(b.isChecked() for b in aug.groups.values())
    assert saved.augment.crop_padding == 3 and saved.augment.crop_mode == "reflect" and saved.augment.flip == 0.5
    assert aug.sliders["jitter_hue"].value() == 0.25 and aug.crop_mode.currentData() == "reflect"
    assert norm.method.currentIndex() == 5 and norm.stats["mean"].value() == 0.2 and norm.stats["std"].value() == 0.4


def test_bad_recipe_file_is_reported_not_raised(window, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"version": 1, "augment": {"rotation": "lots"}}')
    assert not window.recipe.load_recipe(str(bad))
    assert "rotation" in window.last_error and "bad.json" in window.last_error


@pytest.mark.slow
def test_export_from_dialog_equals_cli_for_the_copied_command(window, qtbot, tmp_path, monkeypatch):
    p = window.recipe
    p.normalize_panel.method.setCurrentIndex(5)  # z-score from the data
    p.augment_panel.groups["affine"].setChecked(True)
    p.augment_panel.copies.setValue(2)
    dialog = p.open_export_dialog()
    out = tmp_path / "gui.npz"
    dialog.path.setText(str(out))
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.outcome == "done", timeout=60000)
    assert "Wrote 20,000 images" in dialog.summary.text()
    command = dialog.copy_command()
    assert command.startswith("mnist-desktop export --source sample")
    cli_out = tmp_path / "cli.npz"
    args = command.split()[1:]
    args[args.index("--out") + 1] = str(cli_out)
    assert cli_main(args) == 0
    with np.load(out, allow_pickle=False) as a, np.load(cli_out, allow_pickle=False) as b:
        assert sorted(a.files) == ["x_test", "y_test"]
        assert a["x_test"].shape == (20000, 28, 28)
        np.testing.assert_array_equal(a["x_test"], b["x_test"])
        np.testing.assert_array_equal(a["y_test"], b["y_test"])


def test_cancel_mid_export_keeps_the_previous_file_and_no_temporary(window, qtbot, tmp_path):
    out = tmp_path / "keep.npz"
    assert cli_main(["export", "--out", str(out), "--format", "npz", "--normalize", "none"]) == 0
    before = {f.name: f.read_bytes() for f in tmp_path.iterdir()}  # only an earlier export may be replaced
    p = window.recipe
    p.augment_panel.groups["elastic"].setChecked(True)
    p.augment_panel.copies.setValue(30)  # 300,000 rows: long enough to cancel
    dialog = p.open_export_dialog()
    dialog.ask_overwrite = lambda path: True
    dialog.path.setText(str(out))
    dialog.start()
    qtbot.waitUntil(lambda: dialog.progress.value() > 0, timeout=30000)
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.outcome == "cancelled", timeout=30000)
    assert {f.name: f.read_bytes() for f in tmp_path.iterdir()} == before


def test_closing_the_window_mid_export_is_clean(make_window, qtbot, tmp_path):
    window = make_window()
    with qtbot.waitSignal(window.dataset_loaded, timeout=20000):
        window.open_source("sample")
    window.recipe.augment_panel.copies.setValue(30)
    window.recipe.augment_panel.groups["elastic"].setChecked(True)
    dialog = window.recipe.open_export_dialog()
    folder = tmp_path / "out"
    folder.mkdir()
    dialog.path.setText(str(folder / "x.npz"))
    dialog.start()
    qtbot.waitUntil(lambda: dialog.progress.value() > 0, timeout=30000)
    window.close()  # cancels and waits; the fixture checks that no worker is left
    assert sorted(f.name for f in folder.iterdir()) == []


def test_last_recipe_is_restored_at_start(make_window, settings, qtbot):
    w = make_window(settings)
    w.recipe.augment_panel.groups["affine"].setChecked(True)
    w.recipe.augment_panel.sliders["rotation"].setValue(22.0)
    w.recipe.augment_panel.copies.setValue(3)
    edited = w.recipe.model.recipe
    w.close()
    w2 = make_window(settings)
    assert w2.recipe.model.recipe == edited
    assert w2.recipe.augment_panel.sliders["rotation"].value() == 22.0
    assert w2.recipe.augment_panel.copies.value() == 3
    with qtbot.waitSignal(w2.dataset_loaded, timeout=20000):
        w2.open_source("sample")
    # said once the data is on screen, where the loading message no longer covers it
    assert w2.status.currentMessage().startswith("The recipe of the last session is back")


def test_export_dialog_estimates_without_blocking(window, qtbot):
    """With statistics not computed yet, the dialog opens at once, says so, and shows the size when ready."""
    norm = window.recipe.normalize_panel
    norm.method.setCurrentIndex(2)  # min-max over the data: statistics needed
    dialog = window.recipe.open_export_dialog()
    qtbot.addWidget(dialog)
    # either the statistics job of the panel already finished, or the dialog says it is computing them
    assert dialog.size.text().startswith(("Estimating", "10,000 images"))
    qtbot.waitUntil(lambda: dialog.size.text().startswith("10,000 images"), timeout=20000)
    dialog.close()
