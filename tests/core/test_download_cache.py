"""core.download: cancel, the cache of verified files, and local problems (folder, disk)."""

from __future__ import annotations

import contextlib
import errno
import os
import threading

import pytest

from download_support import TEST_FILES, TEST_TOTAL, assert_verified, leftovers
from mnist_desktop.core.download import downloader as download_mod
from mnist_desktop.core.download.downloader import download, missing_files
from mnist_desktop.core.errors import Cancelled, DownloadError


# --- cancel -------------------------------------------------------------------------------------

def test_cancel_mid_file_leaves_nothing(server, tmp_path):
    cancel = threading.Event()
    seen = []

    def progress(done, total):
        seen.append(done)
        if done > 200_000:
            cancel.set()

    with pytest.raises(Cancelled, match="t10k-images-idx3-ubyte.gz cancelled"):
        download("mnist", "test", tmp_path, mirrors=[server.url("good")], progress=progress, cancel=cancel)
    assert 200_000 < seen[-1] < TEST_FILES[0].size  # stopped mid-file, within one chunk
    assert seen[-1] - 200_000 <= download_mod.CHUNK_SIZE
    assert leftovers(tmp_path / "mnist") == []


def test_cancel_with_a_callable_after_the_first_file(server, tmp_path):
    first = TEST_FILES[0]
    state = {"done": 0}
    with pytest.raises(Cancelled):
        download("mnist", "test", tmp_path, mirrors=[server.url("good")],
                 progress=lambda d, t: state.update(done=d), cancel=lambda: state["done"] >= first.size)
    assert leftovers(tmp_path / "mnist") == [first.name]  # the verified file stays, nothing else
    assert server.hits[f"/good/{TEST_FILES[1].name}"] == 0


def test_cancel_before_start_sends_no_request(server, tmp_path):
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        download("mnist", "test", tmp_path, mirrors=[server.url("good")], cancel=cancel)
    assert sum(server.hits.values()) == 0
    assert leftovers(tmp_path / "mnist") == []


# --- the cache ----------------------------------------------------------------------------------

def test_verified_file_is_not_downloaded_again(server, tmp_path, sample_files):
    folder = tmp_path / "mnist"
    folder.mkdir()
    for name, data in sample_files.items():
        (folder / name).write_bytes(data)
    calls, lines = [], []
    download("mnist", "test", tmp_path, mirrors=[server.url("good")],
             progress=lambda d, t: calls.append((d, t)), notify=lines.append)
    assert sum(server.hits.values()) == 0
    assert calls == [(TEST_TOTAL, TEST_TOTAL)]  # present files count as done
    assert sum("already present" in line for line in lines) == 2
    assert missing_files("mnist", "test", tmp_path) == []


def test_force_downloads_again(server, tmp_path, sample_files):
    folder = tmp_path / "mnist"
    folder.mkdir()
    for name, data in sample_files.items():
        (folder / name).write_bytes(data)
    download("mnist", "test", tmp_path, mirrors=[server.url("good")], force=True)
    assert all(server.hits[f"/good/{f.name}"] == 1 for f in TEST_FILES)
    assert_verified(folder)


def test_force_keeps_the_verified_file_when_every_mirror_fails(server, tmp_path, sample_files):
    folder = tmp_path / "mnist"
    folder.mkdir()
    for name, data in sample_files.items():
        (folder / name).write_bytes(data)
    with pytest.raises(DownloadError):
        download("mnist", "test", tmp_path, mirrors=[server.url("wrong")], force=True)
    assert_verified(folder)


@pytest.mark.parametrize("corruption", ["same size, flipped bytes", "truncated", "html page"])
def test_corrupt_file_in_cache_is_replaced(server, tmp_path, sample_files, corruption):
    folder = tmp_path / "mnist"
    folder.mkdir()
    name = TEST_FILES[0].name
    good = sample_files[name]
    bad = {"same size, flipped bytes": good[:1000] + bytes(b ^ 0xFF for b in good[1000:1100]) + good[1100:],
           "truncated": good[: len(good) // 3],
           "html page": b"<html>moved</html>"}[corruption]
    (folder / name).write_bytes(bad)
    lines = []
    download("mnist", "test", tmp_path, mirrors=[server.url("good")], notify=lines.append)
    assert_verified(folder)
    assert server.hits[f"/good/{name}"] == 1
    assert any(name in line and "wrong size or SHA-256" in line for line in lines)
    assert missing_files("mnist", "test", tmp_path) == []


@pytest.mark.parametrize("force", [False, True])
def test_wrong_present_file_is_kept_when_every_mirror_fails(server, tmp_path, force):
    """The user's file is replaced only by a verified copy: a failed download never loses it."""
    folder = tmp_path / "mnist"
    folder.mkdir()
    (folder / TEST_FILES[0].name).write_bytes(b"\x1f\x8b garbage")
    assert missing_files("mnist", "test", tmp_path) == list(TEST_FILES)
    with pytest.raises(DownloadError, match="still the earlier file"):
        download("mnist", "test", tmp_path, mirrors=[server.url("forbidden")], force=force)
    assert leftovers(folder) == [TEST_FILES[0].name]
    assert (folder / TEST_FILES[0].name).read_bytes() == b"\x1f\x8b garbage"


# --- local problems: data folder, disk ----------------------------------------------------------

def test_data_dir_that_is_a_file_gives_a_clear_error(server, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(DownloadError, match=r"cannot create the data folder .*not-a-folder"):
        download("mnist", "test", blocker, mirrors=[server.url("good")])
    assert sum(server.hits.values()) == 0


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a non-root POSIX user")
def test_read_only_data_dir_gives_a_clear_error(server, tmp_path):
    folder = tmp_path / "ro" / "mnist"
    folder.mkdir(parents=True)
    folder.chmod(0o500)
    try:
        with pytest.raises(DownloadError, match=r"cannot write to the data folder .*ro/mnist"):
            download("mnist", "test", tmp_path / "ro", mirrors=[server.url("good")])
    finally:
        folder.chmod(0o700)


def test_full_disk_names_the_file_and_leaves_no_temp(server, tmp_path, monkeypatch):
    real_atomic_write = download_mod.atomic_write

    class FullDisk:
        def __init__(self, f):
            self.f, self.written = f, 0

        def write(self, data):
            if self.written + len(data) > 100_000:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            self.written += len(data)
            return self.f.write(data)

    @contextlib.contextmanager
    def atomic_write_on_full_disk(path, **kwargs):
        with real_atomic_write(path, **kwargs) as f:
            yield FullDisk(f)

    monkeypatch.setattr(download_mod, "atomic_write", atomic_write_on_full_disk)
    with pytest.raises(DownloadError) as info:
        download("mnist", "test", tmp_path, mirrors=[server.url("good"), server.url("good")])
    assert str(info.value) == (f"cannot write {tmp_path / 'mnist' / TEST_FILES[0].name}: "
                               f"{os.strerror(errno.ENOSPC)}")
    assert server.hits[f"/good/{TEST_FILES[0].name}"] == 1  # a local problem is not a mirror problem
    assert leftovers(tmp_path / "mnist") == []


def test_cancel_while_the_server_is_silent_returns_at_once(server, tmp_path):
    """A read blocked on a stalled server must not hold Cancel (or a closing window) for `timeout`."""
    cancel = threading.Event()
    result = {}

    def run():
        try:
            download("mnist", "test", tmp_path, mirrors=[server.url("drip")], cancel=cancel, timeout=30)
        except Exception as exc:  # noqa: BLE001 - handed to the test thread
            result["exc"] = exc

    worker = threading.Thread(target=run)
    worker.start()
    assert server.drip_started.wait(10)
    cancel.set()
    worker.join(timeout=3)  # far less than the 30 s read timeout
    assert not worker.is_alive()
    assert isinstance(result.get("exc"), Cancelled)
    assert leftovers(tmp_path / "mnist") == []
