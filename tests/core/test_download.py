"""core.download against a real HTTP server on 127.0.0.1 that misbehaves on purpose.

The server serves the real MNIST test files shipped in resources/sample/ (their
SHA-256 are the catalog's) and, for the "all" split, small train files built
here and described by a test catalog. No test touches the internet.
"""

from __future__ import annotations

import contextlib
import errno
import gzip
import hashlib
import os
import socket
import threading
from pathlib import Path

import numpy as np
import pytest

from http_mirror import FAULTS, MirrorServer
from mnist_desktop.core import download as download_mod
from mnist_desktop.core.catalog import FILE_ROLES, MNIST, DatasetInfo, RemoteFile, get_dataset
from mnist_desktop.core.dataset import load_dataset, sha256_file
from mnist_desktop.core.download import dataset_dir, download, missing_files
from mnist_desktop.core.errors import DownloadCancelled, DownloadError, MnistDesktopError

TEST_FILES = MNIST.files_for("test")
TEST_TOTAL = sum(f.size for f in TEST_FILES)
TIMEOUT = 0.5

#: prefix -> words the reason for that failure must contain
EXPECTED_REASON = {
    "forbidden": "HTTP 403 Forbidden",
    "missing": "HTTP 404 Not Found",
    "error": "HTTP 500",
    "cut": "connection closed after",
    "short": "wrong size: received",
    "slow": "timed out",
    "stall": "timed out",
    "wrong": "SHA-256 mismatch",
    "html": "HTML page",
    "disguised": "HTML page",
}
assert set(EXPECTED_REASON) == set(FAULTS)


@pytest.fixture(scope="session")
def tiny_train(tmp_path_factory, sample_dataset) -> dict[str, bytes]:
    """Small train files (first 300 test images, as gzip IDX) the test catalog describes."""
    from mnist_desktop.core.idx import write_idx

    folder = tmp_path_factory.mktemp("tiny")
    split = sample_dataset.splits["test"]
    out = {}
    for kind, arr in (("images", split.images[:300]), ("labels", split.labels[:300])):
        path = folder / (FILE_ROLES[("train", kind)] + ".gz")
        write_idx(path, np.ascontiguousarray(arr))
        out[path.name] = path.read_bytes()
    return out


@pytest.fixture(scope="session")
def sample_files(sample_dir) -> dict[str, bytes]:
    return {f.name: (sample_dir / f.name).read_bytes() for f in TEST_FILES}


@pytest.fixture
def server(sample_files, tiny_train):
    srv = MirrorServer({**sample_files, **tiny_train}).start()
    yield srv
    srv.stop()


@pytest.fixture
def tiny_catalog(tiny_train, server) -> DatasetInfo:
    """A dataset whose train files are the tiny ones above and test files the real ones."""
    train = tuple(RemoteFile(name, "train", "images" if "images" in name else "labels", len(data),
                             hashlib.sha256(data).hexdigest()) for name, data in tiny_train.items())
    return DatasetInfo(key="tiny", title="tiny MNIST", files=train + TEST_FILES, mirrors=(server.url("good"),),
                       class_names=MNIST.class_names, licence=MNIST.licence, homepage=MNIST.homepage)


def refused_url() -> str:
    """A URL on 127.0.0.1 where nothing listens (connection refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/nothing/"


def leftovers(folder: Path) -> list[str]:
    """Every file in ``folder`` (hidden temp files included)."""
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def assert_verified(folder: Path, files=TEST_FILES) -> None:
    for f in files:
        assert sha256_file(folder / f.name) == f.sha256, f.name
    assert leftovers(folder) == sorted(f.name for f in files)


# --- the happy path and fallbacks -------------------------------------------------------------

def test_fallback_from_403_to_good_mirror(server, tmp_path):
    lines = []
    paths = download("mnist", "test", tmp_path, mirrors=[server.url("forbidden"), server.url("good")],
                     notify=lines.append, timeout=TIMEOUT)
    folder = tmp_path / "mnist"
    assert paths == [folder / f.name for f in TEST_FILES]
    assert_verified(folder)
    for f in TEST_FILES:
        assert server.hits[f"/forbidden/{f.name}"] == 1 and server.hits[f"/good/{f.name}"] == 1
    assert any("forbidden" in line and "HTTP 403" in line and "next mirror" in line for line in lines)
    assert sum("SHA-256 verified" in line for line in lines) == 2


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_each_fault_falls_back_to_the_next_mirror(server, tmp_path, fault):
    lines = []
    download("mnist", "test", tmp_path, mirrors=[server.url(fault), server.url("good")],
             notify=lines.append, timeout=TIMEOUT)
    assert_verified(tmp_path / "mnist")
    failed = [line for line in lines if f"/{fault}/" in line]
    assert len(failed) == 2 and all(EXPECTED_REASON[fault] in line for line in failed), lines


def test_connection_refused_falls_back(server, tmp_path):
    lines = []
    download("mnist", "test", tmp_path, mirrors=[refused_url(), server.url("good")], notify=lines.append,
             timeout=TIMEOUT)
    assert_verified(tmp_path / "mnist")
    assert any("could not connect" in line and "refused" in line.lower() for line in lines), lines


def test_mirror_without_trailing_slash(server, tmp_path):
    download("mnist", "test", tmp_path, mirrors=[server.url("good").rstrip("/")])
    assert_verified(tmp_path / "mnist")


def test_downloaded_test_split_is_picked_up_by_load_dataset(server, tmp_path):
    download("mnist", "test", tmp_path, mirrors=[server.url("good")])
    ds = load_dataset(tmp_path / "mnist")
    assert ds.key == "mnist" and len(ds) == 10_000 and ds.split_names == ("test",)


def test_all_splits_with_a_test_catalog(server, tmp_path, tiny_catalog):
    paths = download(tiny_catalog, "all", tmp_path)
    assert [p.name for p in paths] == [f.name for f in tiny_catalog.files]
    assert_verified(tmp_path / "tiny", tiny_catalog.files)
    ds = load_dataset(tmp_path / "tiny")
    assert {n: len(s) for n, s in ds.splits.items()} == {"train": 300, "test": 10_000}


def test_default_data_dir_comes_from_the_environment(server, monkeypatch, tmp_path):
    monkeypatch.setenv("MNIST_DESKTOP_DATA", str(tmp_path / "env-data"))
    download("mnist", "test", mirrors=[server.url("good")])
    assert dataset_dir("mnist") == tmp_path / "env-data" / "mnist"
    assert_verified(tmp_path / "env-data" / "mnist")


# --- every mirror bad ---------------------------------------------------------------------------

def test_every_mirror_bad_gives_one_error_naming_each_url(server, tmp_path):
    faults = sorted(FAULTS)
    mirrors = [server.url(f) for f in faults] + [refused_url()]
    with pytest.raises(DownloadError) as info:
        download("mnist", "test", tmp_path, mirrors=mirrors, timeout=TIMEOUT)
    err = info.value
    message = str(err)
    first, *rest = message.splitlines()
    assert first == f"could not download t10k-images-idx3-ubyte.gz from any of {len(mirrors)} mirrors:"
    assert len(rest) == len(mirrors)
    for line, fault in zip(rest, faults):
        assert line.startswith(f"  {server.url(fault)}t10k-images-idx3-ubyte.gz: "), line
        assert EXPECTED_REASON[fault] in line, line
    assert "could not connect" in rest[-1]
    assert [url for url, _ in err.attempts] == [m + "t10k-images-idx3-ubyte.gz" for m in mirrors]
    assert isinstance(err, MnistDesktopError)
    assert leftovers(tmp_path / "mnist") == []


def test_failure_on_the_second_file_keeps_the_verified_first(server, tmp_path, sample_files):
    # Only the images file is on this "mirror": the labels file answers 404.
    server.files.pop("t10k-labels-idx1-ubyte.gz")
    with pytest.raises(DownloadError, match=r"t10k-labels-idx1-ubyte.gz from any of 1 mirror:\n.*HTTP 404"):
        download("mnist", "test", tmp_path, mirrors=[server.url("good")])
    assert leftovers(tmp_path / "mnist") == ["t10k-images-idx3-ubyte.gz"]
    assert sha256_file(tmp_path / "mnist" / "t10k-images-idx3-ubyte.gz") == TEST_FILES[0].sha256


# --- cancel -------------------------------------------------------------------------------------

def test_cancel_mid_file_leaves_nothing(server, tmp_path):
    cancel = threading.Event()
    seen = []

    def progress(done, total):
        seen.append(done)
        if done > 200_000:
            cancel.set()

    with pytest.raises(DownloadCancelled, match="t10k-images-idx3-ubyte.gz cancelled"):
        download("mnist", "test", tmp_path, mirrors=[server.url("good")], progress=progress, cancel=cancel)
    assert 200_000 < seen[-1] < TEST_FILES[0].size  # stopped mid-file, within one chunk
    assert seen[-1] - 200_000 <= download_mod.CHUNK_SIZE
    assert leftovers(tmp_path / "mnist") == []


def test_cancel_with_a_callable_after_the_first_file(server, tmp_path):
    first = TEST_FILES[0]
    state = {"done": 0}
    with pytest.raises(DownloadCancelled):
        download("mnist", "test", tmp_path, mirrors=[server.url("good")],
                 progress=lambda d, t: state.update(done=d), cancel=lambda: state["done"] >= first.size)
    assert leftovers(tmp_path / "mnist") == [first.name]  # the verified file stays, nothing else
    assert server.hits[f"/good/{TEST_FILES[1].name}"] == 0


def test_cancel_before_start_sends_no_request(server, tmp_path):
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(DownloadCancelled):
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
def test_corrupt_file_is_not_left_when_every_mirror_fails(server, tmp_path, force):
    folder = tmp_path / "mnist"
    folder.mkdir()
    (folder / TEST_FILES[0].name).write_bytes(b"\x1f\x8b garbage")
    assert missing_files("mnist", "test", tmp_path) == list(TEST_FILES)
    with pytest.raises(DownloadError):
        download("mnist", "test", tmp_path, mirrors=[server.url("forbidden")], force=force)
    assert leftovers(folder) == []


# --- progress -----------------------------------------------------------------------------------

def test_progress_totals_across_all_files(server, tmp_path, tiny_catalog):
    calls = []
    download(tiny_catalog, "all", tmp_path, progress=lambda d, t: calls.append((d, t)))
    total = sum(f.size for f in tiny_catalog.files)
    assert {t for _, t in calls} == {total}
    done = [d for d, _ in calls]
    assert done[0] == 0 and done[-1] == total
    assert done == sorted(done)  # never goes back when nothing fails
    boundaries = np.cumsum([f.size for f in tiny_catalog.files]).tolist()
    assert set(boundaries) <= set(done)  # each file reported complete
    assert max(b - a for a, b in zip(done, done[1:])) <= download_mod.CHUNK_SIZE


def test_progress_counts_present_files_as_done(server, tmp_path, tiny_catalog, sample_files):
    folder = tmp_path / "tiny"
    folder.mkdir()
    name = TEST_FILES[0].name
    (folder / name).write_bytes(sample_files[name])
    calls = []
    download(tiny_catalog, "all", tmp_path, progress=lambda d, t: calls.append((d, t)))
    total = sum(f.size for f in tiny_catalog.files)
    assert calls[0] == (TEST_FILES[0].size, total) and calls[-1] == (total, total)
    assert server.hits[f"/good/{name}"] == 0


def test_progress_goes_back_when_a_mirror_fails_mid_file(server, tmp_path):
    calls = []
    download("mnist", "test", tmp_path, mirrors=[server.url("cut"), server.url("good")],
             progress=lambda d, t: calls.append(d))
    assert calls[-1] == TEST_TOTAL
    drops = [(a, b) for a, b in zip(calls, calls[1:]) if b < a]
    # One drop per file: back to where that file started, before the good mirror is tried.
    assert [b for _, b in drops] == [0, TEST_FILES[0].size]


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


# --- arguments ----------------------------------------------------------------------------------

@pytest.mark.parametrize("mirror", ["ftp://example.org/mnist/", "example.org/mnist/", ""])
def test_mirror_must_be_http(tmp_path, mirror):
    with pytest.raises(ValueError, match="not an http"):
        download("mnist", "test", tmp_path, mirrors=[mirror])


def test_unknown_dataset_and_split(tmp_path):
    with pytest.raises(ValueError, match="unknown dataset"):
        download("cifar", "test", tmp_path)
    with pytest.raises(ValueError, match="unknown split"):
        download("mnist", "validation", tmp_path)


def test_catalog_mirror_order_puts_lecun_last():
    mirrors = get_dataset("mnist").mirrors
    assert mirrors[0] == "https://ossci-datasets.s3.amazonaws.com/mnist/"
    assert mirrors[-1] == "http://yann.lecun.com/exdb/mnist/"


def test_sample_files_are_the_official_test_files(sample_files):
    for f in TEST_FILES:
        data = sample_files[f.name]
        assert len(data) == f.size and hashlib.sha256(data).hexdigest() == f.sha256
        assert gzip.decompress(data)[:2] == b"\x00\x00"


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
    assert isinstance(result.get("exc"), DownloadCancelled)
    assert leftovers(tmp_path / "mnist") == []
