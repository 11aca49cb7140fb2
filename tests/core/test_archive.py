"""Safe tar extraction (what a CIFAR archive download will use): good archives out, bad ones refused."""

from __future__ import annotations

import io
import tarfile

import pytest

from colour_data import cifar10_python, coloured_mnist
from mnist_desktop.core.download.archive import extract_tar
from mnist_desktop.core.errors import DownloadError
from mnist_desktop.core.formats.load import load_dataset


def _tar(path, members):
    with tarfile.open(path, "w:gz") as tar:
        for info, data in members:
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return path


def _file(name, data=b"x"):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    return info, data


def test_cifar_archive_extracts_and_opens(tmp_path, sample_dataset):
    x, y = coloured_mnist(sample_dataset, 30)
    src = cifar10_python(tmp_path / "src", x[:20], y[:20], x[20:], y[20:])
    archive = tmp_path / "cifar-10-python.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(src, arcname="cifar-10-batches-py")
    out = extract_tar(archive, tmp_path / "cifar10")
    assert sorted(p.name for p in (out / "cifar-10-batches-py").iterdir())[:2] == ["batches.meta", "data_batch_1"]
    ds = load_dataset(out)
    assert ds.key == "cifar10" and len(ds) == 30 and ds.is_colour


@pytest.mark.parametrize("member, why", [
    (_file("/etc/evil"), "an absolute path"),
    (_file("cifar/../../evil"), r"it points outside the folder \(..\)"),
])
def test_bad_names_refused_and_nothing_left(tmp_path, member, why):
    archive = _tar(tmp_path / "bad.tar.gz", [_file("cifar/ok"), member])
    with pytest.raises(DownloadError, match=rf"bad.tar.gz: refusing to extract .*: {why}"):
        extract_tar(archive, tmp_path / "out")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.tar.gz"]
    assert not (tmp_path.parent / "evil").exists()


@pytest.mark.parametrize("kind, why", [(tarfile.SYMTYPE, "a link"), (tarfile.LNKTYPE, "a link"),
                                       (tarfile.CHRTYPE, "not a regular file or folder"),
                                       (tarfile.FIFOTYPE, "not a regular file or folder")])
def test_links_and_devices_refused(tmp_path, kind, why):
    info = tarfile.TarInfo("cifar/special")
    info.type = kind
    info.linkname = "/etc/passwd" if kind in (tarfile.SYMTYPE, tarfile.LNKTYPE) else ""
    archive = _tar(tmp_path / "bad.tar.gz", [_file("cifar/ok"), (info, None)])
    with pytest.raises(DownloadError) as err:
        extract_tar(archive, tmp_path / "out")
    assert why in str(err.value) and "\n" not in str(err.value)
    assert not (tmp_path / "out").exists()


def test_damaged_archive_is_one_line(tmp_path):
    archive = tmp_path / "cut.tar.gz"
    good = _tar(tmp_path / "good.tar.gz", [_file("cifar/a", bytes(range(256)) * 4000)])
    archive.write_bytes(good.read_bytes()[:-100])
    with pytest.raises(DownloadError, match=r"cut.tar.gz: cannot be extracted"):
        extract_tar(archive, tmp_path / "out")
    assert not (tmp_path / "out").exists()
