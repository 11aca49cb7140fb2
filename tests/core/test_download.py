"""core.download against a real HTTP server on 127.0.0.1 that misbehaves on purpose:
mirror fallbacks, every mirror failing, progress, arguments.

The server (fixture ``server`` in conftest.py) serves the real MNIST test files
shipped in resources/sample/ and, for the "all" split, small train files
described by a test catalog. No test touches the internet.
"""

from __future__ import annotations

import gzip
import hashlib

import numpy as np
import pytest

from download_support import TEST_FILES, TEST_TOTAL, assert_verified, leftovers, refused_url
from http_mirror import FAULTS
from mnist_desktop.core.download import downloader as download_mod
from mnist_desktop.core.catalog import get_dataset
from mnist_desktop.core.formats.load import load_dataset
from mnist_desktop.core.hashing import sha256_file
from mnist_desktop.core.download.downloader import dataset_dir, download
from mnist_desktop.core.errors import DownloadError, MnistDesktopError

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
    "trickle": "stalled",
}
assert set(EXPECTED_REASON) == set(FAULTS)



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


#: Faults that are only detected by waiting for the timeout (twice: one per file).
WAIT_FOR_TIMEOUT = {"slow", "stall", "trickle"}


@pytest.mark.parametrize("fault", [pytest.param(f, marks=pytest.mark.slow) if f in WAIT_FOR_TIMEOUT else f
                                   for f in sorted(FAULTS)])
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

@pytest.mark.slow
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


# --- arguments ----------------------------------------------------------------------------------

@pytest.mark.parametrize("mirror", ["ftp://example.org/mnist/", "example.org/mnist/", ""])
def test_mirror_must_be_http(tmp_path, mirror):
    with pytest.raises(DownloadError, match="not an http"):
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
