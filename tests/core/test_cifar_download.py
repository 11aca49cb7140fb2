"""CIFAR-10/100 from the catalog: a real HTTP server on 127.0.0.1 serves a CIFAR-style archive.

The catalog entries are patched to expect the test archive's size and SHA-256
(the real ones are 170 MB); everything else (mirror order, verification,
safe extraction, opening) is the code a user runs.
"""

from __future__ import annotations

import hashlib
import io
import tarfile
import threading

import numpy as np
import pytest

from cifar_archives import N_TEST, N_TRAIN, cifar10_archive, cifar100_archive, expecting, images
from colour_data import CIFAR10_NAMES
from download_support import leftovers
from http_mirror import MirrorServer
from mnist_desktop.core.catalog import CATALOG, get_dataset
from mnist_desktop.core.download.downloader import download
from mnist_desktop.core.errors import Cancelled, DatasetError, DownloadError
from mnist_desktop.core.formats.load import load_dataset
from mnist_desktop.core.notebook.arrays import load_data

TIMEOUT = 0.5
C10 = "cifar-10-python.tar.gz"
C100 = "cifar-100-python.tar.gz"


@pytest.fixture
def archives(tmp_path_factory, sample_dataset):
    root = tmp_path_factory.mktemp("archives")
    return {C10: cifar10_archive(root / "10", sample_dataset), C100: cifar100_archive(root / "100", sample_dataset)}


@pytest.fixture
def server(archives):
    srv = MirrorServer(archives).start()
    yield srv
    srv.stop()


@pytest.fixture
def catalog(archives, server, monkeypatch):
    """CATALOG's CIFAR entries expecting the test archives, served by ``server``'s good route."""
    for key, name in (("cifar-10", C10), ("cifar-100", C100)):
        monkeypatch.setitem(CATALOG, key, expecting(key, archives[name], (server.url("good"),)))
    return CATALOG


def test_official_archives_are_in_the_catalog():
    c10, c100 = get_dataset("cifar-10"), get_dataset("cifar-100")
    assert (c10.files[0].name, c10.files[0].size) == (C10, 170498071)
    assert c10.files[0].sha256 == "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"
    assert (c100.files[0].name, c100.files[0].size) == (C100, 169001437)
    assert c100.files[0].sha256 == "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7"
    assert c10.mirrors[0] == "https://www.cs.toronto.edu/~kriz/"
    assert c10.files_for("train") == c10.files_for("test") == c10.files  # one archive of both splits
    assert c10.class_names == CIFAR10_NAMES


def test_download_verifies_extracts_and_opens(catalog, server, tmp_path, sample_dataset):
    lines = []
    paths = download("cifar-10", "all", tmp_path, mirrors=[server.url("forbidden"), server.url("good")],
                     notify=lines.append, timeout=TIMEOUT)
    folder = tmp_path / "cifar-10"
    assert paths == [folder / C10]
    assert leftovers(folder) == sorted([C10, "cifar-10-batches-py"])  # no temp file or folder
    assert any("HTTP 403" in line and "next mirror" in line for line in lines)
    assert any("SHA-256 verified" in line for line in lines) and any("extracted" in line for line in lines)

    ds = load_dataset(folder)
    x_tr, y_tr, x_te, y_te = images(sample_dataset)
    assert ds.key == "cifar10" and ds.class_names == CIFAR10_NAMES and ds.is_colour
    np.testing.assert_array_equal(ds.splits["train"].images, x_tr)
    np.testing.assert_array_equal(ds.splits["test"].images, x_te)
    np.testing.assert_array_equal(ds.splits["test"].labels, y_te)


def test_second_run_keeps_everything_and_a_missing_folder_is_extracted_again(catalog, server, tmp_path):
    download("cifar-10", "all", tmp_path)
    folder = tmp_path / "cifar-10"
    marker = folder / "cifar-10-batches-py" / "batches.meta"
    before = marker.stat().st_mtime_ns
    lines = []
    download("cifar-10", "all", tmp_path, notify=lines.append)
    assert server.hits[f"/good/{C10}"] == 1 and marker.stat().st_mtime_ns == before
    assert any("already present, SHA-256 verified" in line for line in lines)

    import shutil
    shutil.rmtree(folder / "cifar-10-batches-py")
    download("cifar-10", "test", tmp_path)
    assert server.hits[f"/good/{C10}"] == 1  # extracted from the verified archive, not downloaded
    assert len(load_dataset(folder)) == N_TRAIN + N_TEST


def test_what_a_killed_extraction_left_is_removed(catalog, server, tmp_path):
    folder = tmp_path / "cifar-10"
    for left in (f".{C10}.extracting", f"..{C10}.extracting.k2j3h4"):  # install_archive's and extract_tar's
        (folder / left / "cifar-10-batches-py").mkdir(parents=True)
        (folder / left / "cifar-10-batches-py" / "data_batch_1").write_bytes(b"half")
    download("cifar-10", "all", tmp_path)
    assert leftovers(folder) == sorted([C10, "cifar-10-batches-py"])


def test_force_downloads_and_extracts_again(catalog, server, tmp_path):
    download("cifar-10", "all", tmp_path)
    stray = tmp_path / "cifar-10" / "cifar-10-batches-py" / "stray"
    stray.write_text("left by the user")
    download("cifar-10", "all", tmp_path, force=True)
    assert server.hits[f"/good/{C10}"] == 2
    assert not stray.exists()  # the folder is the archive's again
    assert len(load_dataset(tmp_path / "cifar-10")) == N_TRAIN + N_TEST


def test_cifar100_downloads_with_fine_and_coarse_labels(catalog, server, tmp_path):
    download("cifar-100", "all", tmp_path)
    folder = tmp_path / "cifar-100"
    assert leftovers(folder) == sorted([C100, "cifar-100-python"])
    fine = load_dataset(folder)
    coarse = load_dataset(folder, labels="coarse")
    assert len(fine.class_names) == 100 and len(coarse.class_names) == 20
    np.testing.assert_array_equal(coarse.splits["train"].labels, fine.splits["train"].labels // 5)
    (_, y_train), (_, y_test) = load_data(str(folder), labels="coarse")  # the notebook API, as Keras' label_mode
    np.testing.assert_array_equal(y_test, fine.splits["test"].labels // 5)
    with pytest.raises(DatasetError, match="coarse labels are CIFAR-100's"):
        load_dataset(tmp_path / "cifar-100" / "cifar-100-python" / "train", labels="coarse")


@pytest.mark.parametrize("fault, reason", [("html", "HTML page"), ("cut", "connection closed after"),
                                           ("wrong", "SHA-256 mismatch"), ("disguised", "HTML page")])
def test_bad_archive_from_every_mirror_is_one_error_naming_the_url(catalog, server, tmp_path, fault, reason):
    url = server.url(fault)
    with pytest.raises(DownloadError) as info:
        download("cifar-10", "all", tmp_path, mirrors=[url], timeout=TIMEOUT)
    message = str(info.value)
    assert message.splitlines()[0].startswith(f"could not download {C10} from any of 1 mirror")
    assert f"{url}{C10}: " in message and reason in message
    assert leftovers(tmp_path / "cifar-10") == []


def _tar(members) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for info, data in members:
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return buf.getvalue()


def _member(name, data=b"x", kind=tarfile.REGTYPE, link=""):
    info = tarfile.TarInfo(name)
    info.type, info.linkname, info.size = kind, link, len(data) if kind == tarfile.REGTYPE else 0
    return info, data if kind == tarfile.REGTYPE else None


@pytest.mark.parametrize("body, words", [
    (_tar([_member("cifar-10-batches-py/batches.meta"), _member("cifar-10-batches-py/evil", kind=tarfile.SYMTYPE,
                                                                 link="/etc/passwd")]), "a link"),
    (_tar([_member("cifar-10-batches-py/../../evil")]), "outside the folder"),
    (_tar([_member("cifar-10-batches-py/batches.meta"), _member("mnist/train-images-idx3-ubyte.gz")]),
     "holds 'mnist' at its top level"),
    (b"\x1f\x8b\x08\x00" + bytes(range(256)) * 40, "cannot be extracted"),  # gzip magic, damaged inside
])
def test_verified_but_unsafe_or_damaged_archive_is_refused_and_deleted(server, tmp_path, monkeypatch, body, words):
    """An archive that matches its catalog hash but cannot be extracted safely: one error, nothing left."""
    server.files[C10] = body
    monkeypatch.setitem(CATALOG, "cifar-10", expecting("cifar-10", body, (server.url("good"),)))
    with pytest.raises(DownloadError) as info:
        download("cifar-10", "all", tmp_path)
    message = str(info.value)
    assert len(message.splitlines()) == 1 and message.startswith(f"{server.url('good')}{C10}: ")
    assert words in message and "the archive was deleted" in message
    assert leftovers(tmp_path / "cifar-10") == []
    assert not (tmp_path / "evil").exists() and not (tmp_path.parent / "evil").exists()


def test_cancel_mid_download_leaves_nothing(catalog, server, tmp_path):
    cancel = threading.Event()
    seen = []

    def progress(done, total):
        seen.append(done)
        if done > 150_000:
            cancel.set()

    with pytest.raises(Cancelled, match=f"{C10} cancelled"):
        download("cifar-10", "all", tmp_path, progress=progress, cancel=cancel)
    assert 150_000 < seen[-1] < catalog["cifar-10"].files[0].size
    assert leftovers(tmp_path / "cifar-10") == []


def test_cancel_during_extraction_keeps_the_verified_archive_only(catalog, server, tmp_path):
    size = catalog["cifar-10"].files[0].size
    state = {"done": 0}
    with pytest.raises(Cancelled, match="extraction of"):
        download("cifar-10", "all", tmp_path, progress=lambda d, t: state.update(done=d),
                 cancel=lambda: state["done"] >= size)
    folder = tmp_path / "cifar-10"
    assert leftovers(folder) == [C10]  # verified, kept; no half-extracted folder
    assert hashlib.sha256((folder / C10).read_bytes()).hexdigest() == catalog["cifar-10"].files[0].sha256
    download("cifar-10", "all", tmp_path)  # the next run extracts it without downloading again
    assert server.hits[f"/good/{C10}"] == 1 and len(load_dataset(folder)) == N_TRAIN + N_TEST
