"""The export dialog offers hf and wds, and estimates pixel-encoding formats in a worker (issue 25)."""

from __future__ import annotations

import json
import sys
import tarfile

from PySide6.QtCore import Qt

from mnist_desktop.gui.recipe.export_dialog import ExportDialog


def test_dialog_estimates_png_off_the_ui_thread_and_exports_wds(window, qtbot, tmp_path):
    dialog = window.recipe.open_export_dialog()
    qtbot.addWidget(dialog)
    titles = [dialog.format.itemData(k) for k in range(dialog.format.count())]
    assert "hf" in titles and "wds" in titles
    dialog.format.setCurrentIndex(dialog.format.findData("png"))
    # encoding 256 PNGs would stall the window: the dialog says it is estimating and the size follows
    assert dialog.size.text() == "Estimating…"
    qtbot.waitUntil(lambda: dialog.size.text().startswith("10,000 images, about"), timeout=20000)
    dialog.format.setCurrentIndex(dialog.format.findData("wds"))
    assert dialog.size.text() == "Estimating…"
    out = tmp_path / "shards"
    dialog.path.setText(str(out))
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)  # before the estimate: export follows it
    qtbot.waitUntil(lambda: dialog.outcome == "done", timeout=60000)
    assert dialog.size.text().startswith("10,000 images, about")
    assert "Wrote 10,000 images (test 10,000)" in dialog.summary.text()
    with tarfile.open(out / "test-000000.tar") as tar:
        names = tar.getnames()
    assert len(names) == 30000 and names[:3] == ["0.png", "0.cls", "0.json"]
    assert json.loads((out / "manifest.json").read_text())["format"] == "wds"
    dialog.close()


def test_without_pyarrow_hf_is_offered_greyed_with_what_to_install(window, qtbot, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    dialog = ExportDialog(window.dataset, window.recipe_model.recipe, window)
    qtbot.addWidget(dialog)
    k = dialog.format.findData("hf")
    assert "needs pyarrow (pip install 'mnist-desktop[hf]')" in dialog.format.itemText(k)
    assert not dialog.format.model().item(k).isEnabled()
    assert dialog.format.model().item(dialog.format.findData("wds")).isEnabled()
    dialog.cancel_and_wait()
    dialog.close()
