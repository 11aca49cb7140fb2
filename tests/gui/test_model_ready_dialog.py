"""The export dialog's val split, balance and target-shape options; Statistics and Evaluate with a val split."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
from PySide6.QtCore import Qt

from mnist_desktop.cli import main as cli_main
from mnist_desktop.core.catalog import FILE_ROLES
from mnist_desktop.core.idx import write_idx
from mnist_desktop.core.processing.sampling import SamplingParams


def test_dialog_exports_val_balance_and_shape_and_the_copied_command_agrees(window, qtbot, tmp_path):
    dialog = window.recipe.open_export_dialog()
    box = dialog.model_ready
    box.val_fraction.setValue(0.1)
    box.test_fraction.setValue(0.2)  # the sample has one split: test may be drawn too
    box.balance.setCurrentIndex(box.balance.findData("undersample"))
    box.resize_on.setChecked(True)
    box.width_spin.setValue(32)
    box.height_spin.setValue(32)
    box.channels.setCurrentIndex(box.channels.findData(3))
    assert dialog.size.text().startswith("9,")  # 7,000 balanced down + 1,000 val + 2,000 test
    out = tmp_path / "gui.npz"
    dialog.path.setText(str(out))
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.outcome == "done", timeout=60000)
    assert "val 1,000" in dialog.summary.text() and "test 2,000" in dialog.summary.text()
    doc = json.loads((tmp_path / "gui.npz.manifest.json").read_text())
    per_class = set(doc["counts"]["train"]["per_class"].values())
    assert len(per_class) == 1
    # the window's recipe keeps the split and shape; Statistics tells the exported split sizes
    assert window.recipe_model.recipe.sampling == box.sampling()
    line = window.stats.sampling.text()
    assert window.stats.sampling.isVisibleTo(window.stats)
    assert line.startswith("Export after sampling (val 0.1, test 0.2, balance undersample, seed 0): ")
    assert f"train {10 * per_class.pop():,}" in line and "val 1,000 · test 2,000" in line
    command = dialog.copy_command()
    cli_out = tmp_path / "cli.npz"
    args = command.split()[1:]
    args[args.index("--out") + 1] = str(cli_out)
    assert cli_main(args) == 0
    with np.load(out) as a, np.load(cli_out) as b:
        assert sorted(a.files) == ["x_test", "x_train", "x_val", "y_test", "y_train", "y_val"]
        assert a["x_val"].shape == (1000, 32, 32, 3)
        for k in a.files:
            np.testing.assert_array_equal(a[k], b[k])
    dialog.close()


def test_evaluate_dock_uses_train_to_val_when_the_recipe_draws_val(make_window, qtbot, tmp_path, sample_dataset):
    s = sample_dataset.splits["test"]
    for split, sl in (("train", slice(0, 1000)), ("test", slice(1000, 1400))):
        write_idx(tmp_path / FILE_ROLES[(split, "images")], np.ascontiguousarray(s.images[sl]))
        write_idx(tmp_path / FILE_ROLES[(split, "labels")], np.ascontiguousarray(s.labels[sl]))
    window = make_window()
    with qtbot.waitSignal(window.dataset_loaded, timeout=60000):
        window.open_source(str(tmp_path))
    model = window.recipe_model
    model.set(replace(model.recipe, sampling=SamplingParams(val_fraction=0.2)), "val")
    ev = window.evaluate
    qtbot.mouseClick(ev.panel.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(ev.runs) == 1, timeout=120000)
    qtbot.waitUntil(lambda: not ev.job.running, timeout=10000)
    report = ev.runs[-1][1]
    assert report.n_train + report.n_test == 1000 and abs(report.n_test - 200) <= 10  # per class, rounded
    assert ev.panel.summary.text().startswith(f"{report.n_train:,} training rows → {report.n_test:,} val images")
    assert ev.panel.summary.toolTip().startswith("train -> val")


def test_filter_panel_offers_the_val_split_of_the_recipe(window, qtbot):
    model = window.recipe_model
    model.set(replace(model.recipe, sampling=SamplingParams(val_fraction=0.1, test_fraction=0.2)), "val")
    boxes = window.filter_panel.split_boxes
    assert list(boxes) == ["train", "val", "test"]
    assert len(window.browser.visible) == 10000
    boxes["train"].setChecked(False)
    boxes["test"].setChecked(False)
    assert len(window.browser.visible) == 1000  # the val split: 10 % of each class of the sample
    model.set(replace(model.recipe, sampling=SamplingParams()), "no val")
    assert list(window.filter_panel.split_boxes) == ["test"] and len(window.browser.visible) == 10000
