"""The download dialog against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QThreadPool, Qt

from http_mirror import MirrorServer
from mnist_desktop.core.catalog import MNIST
from mnist_desktop.core.paths import default_data_dir

TEST_FILES = MNIST.files_for("test")


@pytest.fixture
def server(sample_dir):
    srv = MirrorServer({f.name: (sample_dir / f.name).read_bytes() for f in TEST_FILES}).start()
    yield srv
    srv.stop()


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def start_download(window, qtbot, mirrors: str):
    dialog = window.files.open_download_dialog()
    dialog.split_buttons["test"].setChecked(True)
    dialog.mirror_edit.setText(mirrors)
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    return dialog


def test_download_falls_back_from_403_and_opens_the_data(window, qtbot, server):
    target = default_data_dir() / "mnist"
    with qtbot.waitSignal(window.dataset_loaded, timeout=30000) as loaded:
        dialog = start_download(window, qtbot, f"{server.url('forbidden')} {server.url('good')}")
    assert dialog.outcome == "done"
    assert loaded.args[0].source == str(target)
    assert window.page.shown.text() == "10,000 of 10,000 images shown"
    assert files_in(target) == sorted(f.name for f in TEST_FILES)
    log = dialog.log.toPlainText()
    assert "403" in log and "SHA-256 verified" in log
    assert dialog.progress.value() == 1000
    assert "MB of" in dialog.rate_label.text() or "Done" in dialog.rate_label.text()


def test_every_mirror_failing_is_explained_and_the_dialog_stays_usable(window, qtbot, server):
    dialog = start_download(window, qtbot, f"{server.url('forbidden')} {server.url('html')}")
    qtbot.waitUntil(lambda: dialog.outcome != "", timeout=30000)
    assert server.url("forbidden") in dialog.outcome and "HTTP 403" in dialog.outcome
    assert server.url("html") in dialog.outcome and "HTML page" in dialog.outcome
    assert dialog.outcome in dialog.log.toPlainText()
    qtbot.waitUntil(lambda: dialog.start_button.isEnabled(), timeout=5000)
    assert files_in(default_data_dir() / "mnist") == []
    assert len(window.dataset) == 10000  # the sample is still shown


def test_cancel_mid_file_stops_the_worker_and_leaves_no_file(window, qtbot, server):
    dialog = start_download(window, qtbot, server.url("drip"))
    assert server.drip_started.wait(20)
    qtbot.waitUntil(lambda: dialog.progress.value() > 0, timeout=10000)
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.outcome == "cancelled", timeout=10000)
    qtbot.waitUntil(lambda: dialog.start_button.isEnabled(), timeout=5000)
    assert files_in(default_data_dir() / "mnist") == []
    assert "Cancelled" in dialog.rate_label.text()


def test_closing_the_window_mid_download_is_clean(make_window, qtbot, server):
    window = make_window()
    dialog = start_download(window, qtbot, server.url("drip"))
    assert server.drip_started.wait(20)
    assert dialog.running
    window.close()  # cancels and waits; the fixture then checks that no worker is left
    assert QThreadPool.globalInstance().activeThreadCount() == 0
    assert files_in(default_data_dir() / "mnist") == []


def test_cifar10_from_the_dialog_is_verified_extracted_and_opened_in_colour(window, qtbot, tmp_path, sample_dataset,
                                                                           monkeypatch):
    from cifar_archives import N_TEST, N_TRAIN, cifar10_archive, expecting
    from mnist_desktop.core.catalog import CATALOG

    body = cifar10_archive(tmp_path / "src", sample_dataset)
    srv = MirrorServer({"cifar-10-python.tar.gz": body}).start()
    try:
        monkeypatch.setitem(CATALOG, "cifar-10", expecting("cifar-10", body, (srv.url("good"),)))
        dialog = window.files.open_download_dialog()
        dialog.dataset_combo.setCurrentIndex(dialog.dataset_combo.findData("cifar-10"))
        assert dialog.split_buttons["all"].isChecked()
        assert not dialog.split_buttons["train"].isEnabled() and not dialog.split_buttons["test"].isEnabled()
        assert "one archive of both splits" in dialog.licence.text() and "Krizhevsky" in dialog.licence.text()
        with qtbot.waitSignal(window.dataset_loaded, timeout=30000) as loaded:
            qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
        target = default_data_dir() / "cifar-10"
        assert dialog.outcome == "done" and "extracted" in dialog.rate_label.text()
        assert loaded.args[0].source == str(target / "cifar-10-batches-py") and loaded.args[0].is_colour
        assert len(window.dataset) == N_TRAIN + N_TEST
        assert files_in(target) == ["cifar-10-batches-py", "cifar-10-python.tar.gz"]
        qtbot.waitUntil(lambda: dialog.start_button.isEnabled(), timeout=5000)
        assert not dialog.split_buttons["test"].isEnabled()  # still one archive after the run
        dialog.dataset_combo.setCurrentIndex(dialog.dataset_combo.findData("mnist"))
        assert dialog.split_buttons["test"].isEnabled()
    finally:
        srv.stop()
