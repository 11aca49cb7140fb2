"""The main window opens every supported form: other sizes, many classes, unlabelled splits."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from formats_data import kaggle_csv, letters47, small_images
from mnist_desktop import write_idx


def _open(window, qtbot, path):
    with qtbot.waitSignal(window.dataset_loaded, timeout=20000):
        window.files.open_paths([path])
    return window.dataset


def test_emnist_47_classes_upright_with_names(window, qtbot, tmp_path, sample_dataset):
    x, y = letters47(sample_dataset, 470)
    write_idx(tmp_path / "emnist-balanced-test-images-idx3-ubyte.gz", np.ascontiguousarray(x.transpose(0, 2, 1)))
    write_idx(tmp_path / "emnist-balanced-test-labels-idx1-ubyte.gz", y)
    ds = _open(window, qtbot, tmp_path)
    assert len(ds.class_names) == 47 and len(window.filter_panel.label_buttons) == 47
    assert window.filter_panel.label_buttons[10].text() == "10 A"
    window.select_global(10)
    assert "label A" in window.status.selection_label.text()
    assert np.array_equal(window.detail.image.image, x[10])  # upright: the transpose of what the file stores
    assert len(window.stats.counts) == 47 and int(window.stats.counts.sum()) == 470


def test_kaggle_csv_16x16_with_unlabelled_test_split(window, qtbot, tmp_path, sample_dataset):
    x, y = small_images(sample_dataset, 90, size=16)
    kaggle_csv(tmp_path / "train.csv", x[:60], y[:60])
    kaggle_csv(tmp_path / "test.csv", x[60:], None)
    ds = _open(window, qtbot, tmp_path)
    assert window.grid.tile == (16, 16) and window.page.shown.text() == "90 of 90 images shown"
    window.select_global(75)
    assert window.status.selection_label.text() == "Selected: #75 (test #15), label -"
    assert "<b>-</b>" in window.detail.title.text()
    window.filter_panel.set_all_labels(False)  # no class chosen: unlabelled images still shown
    assert window.page.shown.text() == "30 of 90 images shown"
    assert int(window.stats.counts.sum()) == 0 and ds.unlabelled_splits == ("test",)


def test_dropping_an_npz_file_opens_float_data(window, qtbot, tmp_path, sample_dataset):
    x, y = small_images(sample_dataset, 40)
    np.savez(tmp_path / "scaled.npz", x_train=(x / np.float32(255)).astype(np.float32), y_train=y)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tmp_path / "scaled.npz"))])
    event = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.dataset_loaded, timeout=20000):
        window.dropEvent(event)
    assert window.dataset.images.dtype == np.float32 and window.page.shown.text() == "40 of 40 images shown"
    assert np.array_equal(window.detail.image.image, x[0])  # shown on the 0..255 scale


def test_unreadable_file_names_it(window, qtbot, tmp_path):
    junk = tmp_path / "notes.txt"
    junk.write_text("hello\n")
    with qtbot.waitSignal(window.load_failed, timeout=10000) as blocker:
        window.files.open_paths([junk])
    assert blocker.args[0].startswith(f"{junk}: not a dataset file this tool reads")
    assert len(window.dataset) == 10000


def test_every_export_opens_in_the_window(window, qtbot, tmp_path, sample_dataset):
    from mnist_desktop import NormParams, Recipe, export
    from mnist_desktop.core.dataset import Dataset
    from mnist_desktop.core.export.exporter import FORMATS
    from mnist_desktop.core.formats.common import make_split

    x, y = small_images(sample_dataset, 90)
    ds = Dataset("t", "t", {"train": make_split("train", x[:60], y[:60]), "test": make_split("test", x[60:], y[60:])},
                 sample_dataset.class_names, "memory")
    for fmt in (f for f in FORMATS if f not in ("hf", "wds")):  # those two are for training code, not sources
        out = tmp_path / (f"o_{fmt}.npz" if fmt == "npz" else f"o_{fmt}")
        export(ds, Recipe(NormParams("scale" if fmt != "png" else "none")), out, fmt)
        _open(window, qtbot, out)
        assert window.page.shown.text() == "90 of 90 images shown", fmt
        assert np.array_equal(window.dataset.pixels, ds.images), fmt


@pytest.mark.slow
def test_screenshot_of_an_export(tmp_path, sample_dataset):
    import subprocess
    import sys

    from mnist_desktop import NormParams, Recipe, export

    export(sample_dataset, Recipe(NormParams("zscore"), split="test"), tmp_path / "z.npz", "npz")
    out = subprocess.run([sys.executable, "-m", "mnist_desktop", "gui", "--source", str(tmp_path / "z.npz"),
                          "--screenshot", str(tmp_path / "shot.png")], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "shot.png").read_bytes().startswith(b"\x89PNG")
