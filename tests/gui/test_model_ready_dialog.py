"""The export dialog's val split, balance and target-shape options (issue 25)."""

from __future__ import annotations

import json

import numpy as np
from PySide6.QtCore import Qt

from mnist_desktop.cli import main as cli_main


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
