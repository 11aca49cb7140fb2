"""CIFAR-10/100 in the official python and binary layouts, built from a coloured MNIST."""

from __future__ import annotations

import os
import pickle

import numpy as np
import pytest

from mnist_desktop.core.errors import DatasetError
from mnist_desktop.core.formats.load import load_dataset
from mnist_desktop.core.formats.registry import detect
from colour_data import (CIFAR10_NAMES, cifar10_binary, cifar10_python, cifar100_binary, cifar100_python,
                               coloured_mnist)


@pytest.fixture(scope="module")
def colour(sample_dataset):
    x_train, y_train = coloured_mnist(sample_dataset, 50, seed=1)
    x_test, y_test = coloured_mnist(sample_dataset, 20, seed=2, start=50)
    return x_train, y_train, x_test, y_test


def _python2(root, *arrays):
    return cifar10_python(root, *arrays, py2=True)


@pytest.mark.parametrize("writer, fmt", [(cifar10_python, "cifar-python"), (_python2, "cifar-python"),
                                         (cifar10_binary, "cifar-binary")], ids=["python", "python2", "binary"])
def test_cifar10_opens_with_exact_pixels_labels_and_names(tmp_path, colour, writer, fmt):
    """``python2``: the official batches are Python 2 cPickle files (BINSTRING data, byte-string keys)."""
    x_train, y_train, x_test, y_test = colour
    folder = writer(tmp_path, *colour)
    for path in (folder, tmp_path):  # the official folder, or the folder that holds it
        assert detect(path) == fmt
        ds = load_dataset(path)
        assert ds.key == "cifar10" and ds.format == fmt and ds.class_names == CIFAR10_NAMES
        assert ds.is_colour and ds.channels == 3 and ds.image_shape == (32, 32, 3)
        assert ds.split_names == ("train", "test")
        train, test = ds.splits["train"], ds.splits["test"]
        assert train.images.dtype == np.uint8 and np.array_equal(train.images, x_train)
        assert np.array_equal(test.images, x_test)
        assert train.labels.tolist() == y_train.tolist() and test.labels.tolist() == y_test.tolist()


@pytest.mark.parametrize("writer", [cifar100_python, cifar100_binary])
def test_cifar100_fine_labels_by_default_coarse_on_request(tmp_path, colour, writer):
    from mnist_desktop.core.formats.cifar import find_cifar, load_cifar

    x_train, y_train, x_test, _ = colour
    fine_train = (y_train * 10 + np.arange(len(y_train)) % 10) % 100
    fine_test = np.arange(len(x_test)) * 3 % 100
    folder = writer(tmp_path, x_train, fine_train, x_test, fine_test)
    ds = load_dataset(folder)
    assert ds.key == "cifar100" and len(ds.class_names) == 100 and ds.class_names[7] == "f7"
    assert ds.splits["train"].labels.tolist() == fine_train.tolist()
    assert np.array_equal(ds.splits["test"].images, x_test)
    assert any("fine labels (100 classes)" in n for n in ds.notes)
    coarse = load_cifar(find_cifar(folder), labels="coarse")
    assert len(coarse.class_names) == 20 and coarse.splits["train"].labels.tolist() == (fine_train // 5).tolist()


def test_python_batches_are_protocol_2_with_byte_keys(tmp_path, colour):
    folder = cifar10_python(tmp_path, *colour)
    raw = (folder / "data_batch_1").read_bytes()
    assert raw[:2] == b"\x80\x02"
    doc = pickle.loads(raw, encoding="bytes")  # the test's own file, read the way the CIFAR page shows
    assert set(doc) == {b"batch_label", b"labels", b"data", b"filenames"}
    assert doc[b"data"].dtype == np.uint8 and doc[b"data"].shape == (10, 3072)
    # R plane first: pixel (0, 0) of image 0 is byte 0 (red), 1024 (green), 2048 (blue)
    assert doc[b"data"][0, [0, 1024, 2048]].tolist() == colour[0][0, 0, 0].tolist()


class _RunsCode:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_a_pickle_that_would_run_code_is_refused_and_nothing_runs(tmp_path, colour):
    folder = cifar10_python(tmp_path, *colour)
    marker = tmp_path / "pwned"
    evil = {b"data": np.zeros((1, 3072), np.uint8), b"labels": [0], b"x": _RunsCode(marker)}
    (folder / "test_batch").write_bytes(pickle.dumps(evil, protocol=2))
    with pytest.raises(DatasetError) as err:
        load_dataset(folder)
    msg = str(err.value)
    assert "\n" not in msg and msg.startswith(f"{folder / 'test_batch'}: refusing to unpickle ")
    assert "system" in msg and not marker.exists()


@pytest.mark.parametrize("writer, victim", [(cifar10_python, "data_batch_2"), (cifar10_binary, "test_batch.bin"),
                                            (cifar100_python, "train"), (cifar100_binary, "train.bin")])
def test_truncated_batch_is_one_error_line_naming_the_file(tmp_path, colour, writer, victim):
    x_train, y_train, x_test, y_test = colour
    folder = writer(tmp_path, x_train, y_train, x_test, y_test)
    path = folder / victim
    path.write_bytes(path.read_bytes()[:-1000])
    with pytest.raises(DatasetError) as err:
        load_dataset(folder)
    msg = str(err.value)
    assert "\n" not in msg and msg.startswith(f"{path}: ")
    assert "truncated" in msg


def test_cli_info_reads_cifar(tmp_path, colour, capsys):
    from mnist_desktop.cli import main

    cifar10_binary(tmp_path, *colour)
    assert main(["info", "--source", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "70" in out and "airplane" in out
