"""Drive the real main window as a user would (offscreen)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QImage

COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def test_opens_on_sample_and_shows_all_images(window):
    assert len(window.browser.visible) == 10000
    assert window.page.shown.text() == "10,000 of 10,000 images shown"
    assert window.grid.count == window.page_size
    assert window.page.page_total.text() == f"of {-(-10000 // window.page_size)}"
    assert "MNIST test set" in window.status.dataset_label.text()
    # the mosaic really holds the first image's pixels in the top-left tile
    np.testing.assert_array_equal(window.grid.tile_pixels(0), window.dataset.images[0])


def test_label_filter_shows_real_class_counts(window, qtbot):
    panel = window.filter_panel
    panel.set_all_labels(False)
    assert window.page.shown.text() == "0 of 10,000 images shown"
    assert window.grid.count == 0
    qtbot.mouseClick(panel.label_buttons[3], Qt.MouseButton.LeftButton)
    assert window.page.shown.text() == f"{COUNTS[3]:,} of 10,000 images shown"
    assert set(window.dataset.labels[window.browser.visible]) == {3}
    qtbot.mouseClick(panel.label_buttons[5], Qt.MouseButton.LeftButton)
    assert len(window.browser.visible) == COUNTS[3] + COUNTS[5]
    assert window.stats.counts.tolist() == [0, 0, 0, COUNTS[3], 0, COUNTS[5], 0, 0, 0, 0]


def test_keyboard_moves_selection_and_pages(window, qtbot):
    grid = window.grid
    grid.setFocus()
    cols, size = window.columns, window.page_size
    qtbot.keyClick(grid, Qt.Key.Key_Right)
    assert window.browser.selected == 1
    qtbot.keyClick(grid, Qt.Key.Key_Down)
    assert window.browser.selected == 1 + cols
    qtbot.keyClick(grid, Qt.Key.Key_Left)
    assert window.browser.selected == cols
    qtbot.keyClick(grid, Qt.Key.Key_PageDown)
    assert window.browser.selected == cols + size and window.browser.page == 1
    assert window.page.page_box.value() == 2
    qtbot.keyClick(grid, Qt.Key.Key_End)
    assert window.browser.selected == 9999
    qtbot.keyClick(grid, Qt.Key.Key_Home)
    assert window.browser.selected == 0 and window.browser.page == 0
    assert "#0" in window.detail.title.text()


def test_next_button_turns_the_page(window, qtbot):
    qtbot.mouseClick(window.page.next_button, Qt.MouseButton.LeftButton)
    assert window.browser.page == 1
    first = window.browser.page_indices()[0]
    assert first == window.page_size
    np.testing.assert_array_equal(window.grid.tile_pixels(0), window.dataset.images[first])
    assert not window.page.next_button.isEnabled() or window.browser.page_count > 2


def test_clicking_a_tile_selects_it_and_fills_detail(window, qtbot):
    grid = window.grid
    position = 2 * window.columns + 5
    centre = grid.cell_rect(position).center()
    scene_point = grid.box.mapViewToScene(QPointF(centre.x(), centre.y()))
    widget_point = grid.mapFromScene(scene_point)
    qtbot.mouseClick(grid.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(widget_point.x(), widget_point.y()))
    qtbot.waitUntil(lambda: window.browser.selected == position, timeout=3000)
    label = int(window.dataset.labels[position])
    assert f"#{position}" in window.detail.title.text()
    assert f"<b>{label}</b>" in window.detail.title.text()
    np.testing.assert_array_equal(window.detail.image.image, window.dataset.images[position])


def test_drop_a_folder_opens_it(window, qtbot, mnist_folder):
    folder = mnist_folder("mine", train=120)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(folder))])
    event = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.dataset_loaded, timeout=10000):
        window.dropEvent(event)
    assert window.page.shown.text() == "120 of 120 images shown"
    assert list(window.filter_panel.split_boxes) == ["train"]


def test_bad_file_shows_error_and_keeps_current_data(window, qtbot, tmp_path):
    images = tmp_path / "t10k-images-idx3-ubyte.gz"
    images.write_bytes(b"<html><title>403 Forbidden</title></html>")
    labels = tmp_path / "t10k-labels-idx1-ubyte.gz"
    labels.write_bytes(b"\0\0\x08\x01\0\0\0\x01\x07")
    with qtbot.waitSignal(window.load_failed, timeout=10000) as blocker:
        window.files.open_paths([images, labels])
    assert str(images) in blocker.args[0] and "HTML page" in blocker.args[0]
    assert window.last_error == blocker.args[0]
    assert len(window.dataset) == 10000  # nothing lost


def test_view_choices_are_remembered(make_window, settings, qtbot):
    w = make_window(settings)
    w.grid.set_zoom(2.0)
    w.set_page_size(512)
    w.close()
    w2 = make_window(settings)
    assert (w2.grid.zoom_level, w2.page_size) == (2.0, 512)


@pytest.mark.slow
def test_many_pyqtgraph_items_added_and_removed(qtbot):
    """Guards the PySide6 6.12 / Python 3.11 bool refcount crash in SignalInstance.disconnect."""
    import pyqtgraph as pg

    plot = pg.PlotWidget()
    qtbot.addWidget(plot)
    for _round in range(3):
        items = [pg.PlotDataItem(np.arange(5), np.arange(5) * i) for i in range(400)]
        for item in items:
            plot.addItem(item)
        for item in items:
            plot.removeItem(item)
        bars = [pg.BarGraphItem(x=[i], height=[1], width=0.5) for i in range(200)]
        for b in bars:
            plot.addItem(b)
        plot.clear()
    assert plot.getPlotItem().listDataItems() == []


@pytest.mark.slow
def test_screenshot_command_writes_a_real_picture(tmp_path):
    import subprocess
    import sys

    out = tmp_path / "shot.png"
    result = subprocess.run([sys.executable, "-m", "mnist_desktop", "gui", "--source", "sample",
                             "--screenshot", str(out)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1400, 900)
    # not blank: many distinct grey levels across the grid area
    values = {image.pixelColor(x, y).red() for x in range(300, 1000, 7) for y in range(100, 800, 7)}
    assert len(values) > 50


@pytest.mark.slow
def test_screenshot_with_bad_source_or_recipe_fails_cleanly(tmp_path):
    import subprocess
    import sys

    for args, expected in (
            (["--source", str(tmp_path / "none")], f"error: {tmp_path / 'none'}: no such file or folder"),
            (["--recipe", str(tmp_path / "r.json")], f"error: {tmp_path / 'r.json'}: No such file or directory")):
        result = subprocess.run([sys.executable, "-m", "mnist_desktop", "gui", *args, "--screenshot",
                                 str(tmp_path / "x.png")], capture_output=True, text=True, timeout=120)
        assert result.returncode == 1, result.stderr  # not a crash (-11)
        assert expected in result.stderr and "Traceback" not in result.stderr
        assert not (tmp_path / "x.png").exists()


@pytest.mark.slow
def test_screenshot_at_a_chosen_size(tmp_path):
    import subprocess
    import sys

    out = tmp_path / "small.png"
    result = subprocess.run([sys.executable, "-m", "mnist_desktop", "gui", "--source", "sample",
                             "--screenshot", str(out), "--size", "800x600"], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (800, 600)
    bad = subprocess.run([sys.executable, "-m", "mnist_desktop", "gui", "--size", "big", "--screenshot",
                          str(tmp_path / "x.png")], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "WIDTHxHEIGHT" in bad.stderr and not (tmp_path / "x.png").exists()


def _big_csv(tmp_path, sample_dataset):
    """A 20,000-row Kaggle-style CSV of the sample's digits."""
    import numpy as np

    split = sample_dataset.splits["test"]
    rows = np.concatenate([split.labels[:, None].astype(np.int64), split.images.reshape(len(split), -1)], axis=1)
    big = tmp_path / "big.csv"
    header = "label," + ",".join(f"pixel{i}" for i in range(784))
    np.savetxt(big, np.tile(rows, (2, 1)), fmt="%d", delimiter=",", header=header, comments="")
    return big


def _hold_loading_of(monkeypatch, path):
    """Make the load of ``path`` wait until the returned event is set (it then finishes last)."""
    import threading

    import mnist_desktop.core.view.open_data as open_data

    real, release = open_data.load_dataset, threading.Event()

    def held(source, **kwargs):
        if str(source) == str(path):
            release.wait(20)
        return real(source, **kwargs)

    monkeypatch.setattr(open_data, "load_dataset", held)
    return release


@pytest.mark.slow
def test_the_load_asked_for_last_wins(window, qtbot, tmp_path, monkeypatch, sample_dataset):
    """Open a 20,000-row CSV, then the sample before the CSV is read: the sample stays on screen."""
    big = _big_csv(tmp_path, sample_dataset)
    release = _hold_loading_of(monkeypatch, big)
    csv_job = window.open_source(str(big))
    with qtbot.waitSignal(window.dataset_loaded, timeout=20000):
        window.open_source("sample")
    release.set()
    qtbot.waitUntil(lambda: not csv_job.running, timeout=20000)
    qtbot.wait(50)  # anything the CSV job still sends is delivered by now
    assert window.dataset.source == "sample"
    assert len(window.dataset) == 10_000
    assert csv_job.cancelled  # it was told to stop, not left to read 20,000 rows unseen
    assert window.last_error == ""


def test_the_start_up_load_is_superseded_like_any_load(make_window, qtbot, tmp_path, monkeypatch, sample_dataset):
    """``gui --source big.csv`` starts reading before the window exists; opening the sample meanwhile wins."""
    from mnist_desktop.core.view.open_data import EarlyLoad

    big = _big_csv(tmp_path, sample_dataset)
    release = _hold_loading_of(monkeypatch, big)
    early = EarlyLoad(str(big))  # what the gui command starts before importing Qt
    window = make_window()
    early_job = window.open_source(str(big), early=early)
    with qtbot.waitSignal(window.dataset_loaded, timeout=20000):
        window.open_source("sample")
    qtbot.waitUntil(lambda: not early_job.running, timeout=20000)
    release.set()
    early.close()  # run_app does this on exit: the thread ends, nothing reads on unseen
    assert not early.running
    qtbot.wait(50)
    assert window.dataset.source == "sample" and len(window.dataset) == 10_000
    assert early_job.cancelled and window.last_error == ""


def _ink_columns(widget) -> int:
    """How many pixel columns of ``widget``'s left half hold dark (text) pixels, as painted."""
    image = widget.grab().toImage()
    width, height = image.width() // 2, image.height()
    dark = [x for x in range(0, width, 2)
            if any(image.pixelColor(x, y).lightness() < 100 for y in range(2, height - 2, 2))]
    return len(dark)


def test_a_status_message_is_painted_then_the_fields_come_back(window, qtbot):
    """A message is painted across the bar (not just set), and the dataset field returns after it."""
    bar = window.status
    bar.set_hover("")
    bar.showMessage("Recipe loaded from /tmp/recipe.json", 2000)  # long enough to be seen on a loaded machine
    qtbot.wait(50)
    assert bar.currentMessage() == "Recipe loaded from /tmp/recipe.json"
    assert _ink_columns(bar) > 40  # the text is on screen, a few hundred pixels of it
    assert not bar.dataset_label.isVisible()
    qtbot.waitUntil(lambda: bar.currentMessage() == "", timeout=10000)
    assert bar.dataset_label.isVisible() and "test 10,000" in bar.dataset_label.text()


def test_start_up_turns_the_gc_back_on_and_frees_the_first_dataset_once_replaced(make_window, qtbot, mnist_folder):
    """gui runs start-up with the cyclic GC off; once the window is up it is on, and what start-up
    froze is handed back after the first data is shown, so the first dataset, replaced, is collected."""
    import gc
    import weakref

    from mnist_desktop.gui.app import _start_up_done

    window = make_window()
    gc.disable()
    try:
        _start_up_done(window)
        assert gc.isenabled() and gc.get_freeze_count() > 0
        with qtbot.waitSignal(window.dataset_loaded, timeout=20000):
            window.open_source("sample")
        assert gc.get_freeze_count() == 0
        first = weakref.ref(window.dataset)
        with qtbot.waitSignal(window.dataset_loaded, timeout=20000):
            window.open_source(str(mnist_folder(test=50)))
        # 7.8 MB of images not kept alive by a frozen reference cycle (frozen, no collection would free it)
        qtbot.waitUntil(lambda: gc.collect() >= 0 and first() is None, timeout=10000)
    finally:
        gc.enable()
        gc.unfreeze()
