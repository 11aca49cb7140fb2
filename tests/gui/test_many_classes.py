"""Issue 27, item 9: a dataset of 100,000 classes opens in seconds (it laid out 100,000 toggles for minutes)."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QLabel


def test_the_window_shows_one_line_instead_of_100000_toggles(make_window, qtbot, tmp_path):
    from mnist_desktop.gui.grid.filter_panel import TOGGLE_LIMIT

    src = tmp_path / "many.npz"
    np.savez(src, x_train=np.zeros((3, 28, 28), np.uint8), y_train=np.array([0, 1, 99_999]))
    w = make_window()
    with qtbot.waitSignal(w.dataset_loaded, timeout=60000):
        w.open_source(str(src))
    panel = w.filter_panel
    assert panel.label_buttons == [] and TOGGLE_LIMIT < 100_000
    assert panel.selected_labels() == set(range(100_000))
    assert any(lab.text() == "100,000 classes: all shown (one toggle each up to 200)"
               for lab in panel.findChildren(QLabel))
    assert w.browser.counts_by_label()[[0, 1, 99_999]].tolist() == [1, 1, 1]


def test_a_dataset_with_few_classes_keeps_one_toggle_per_class(window):
    assert len(window.filter_panel.label_buttons) == 10


def test_export_dialog_gives_the_size_on_disk_of_many_small_files(window, qtbot):
    """Issue 27 item 18: 10,001 PNG files of ~490 bytes take ~41 MB in 4 KiB blocks, not 4.9 MB."""
    dialog = window.recipe.open_export_dialog()
    dialog.format.setCurrentIndex(dialog.format.findData("png"))  # estimated in a worker: wait for its text
    qtbot.waitUntil(lambda: dialog.current_estimate() is not None and "files" in dialog.size.text(), timeout=30000)
    text = dialog.size.text()
    assert "in 10,001 files (about 4" in text and "MB on disk)" in text, text
    mb = float(text.split("(about ")[1].split(" MB")[0])
    assert 40 <= mb <= 42
    dialog.format.setCurrentIndex(dialog.format.findData("npz"))
    qtbot.waitUntil(lambda: dialog.current_estimate() is not None and dialog.size.text().startswith("10,000"),
                    timeout=30000)
    assert "on disk" not in dialog.size.text()
    dialog.reject()
