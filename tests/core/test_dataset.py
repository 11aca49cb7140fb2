"""Loading datasets from the sample, folders and explicit files."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from mnist_desktop import DatasetError, IdxFormatError, load_dataset, load_files, write_idx
from mnist_desktop.core.formats.load import best_source
from mnist_files import write_mnist

COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def test_sample_is_the_real_mnist_test_set(sample_dataset):
    ds = sample_dataset
    assert ds.key == "mnist" and ds.source == "sample"
    assert list(ds.splits) == ["test"]
    assert ds.images.shape == (10000, 28, 28) and ds.images.dtype == np.uint8
    assert np.bincount(ds.labels).tolist() == COUNTS
    assert ds.class_names == tuple("0123456789")


def test_folder_with_uncompressed_files_and_dotted_names(tmp_path, sample_dataset):
    write_idx(tmp_path / "t10k-images.idx3-ubyte", sample_dataset.images[:50])
    write_idx(tmp_path / "t10k-labels.idx1-ubyte", sample_dataset.labels[:50])
    ds = load_dataset(tmp_path)
    assert len(ds) == 50
    np.testing.assert_array_equal(ds.images, sample_dataset.images[:50])


def test_train_and_test_concatenate_in_order(tmp_path, sample_dataset):
    x, y = sample_dataset.images, sample_dataset.labels
    write_mnist(tmp_path, train=(x[:300], y[:300]))
    write_mnist(tmp_path, test=(x[300:400], y[300:400]), gz=False)
    seen = []
    ds = load_dataset(tmp_path, progress=lambda d, t: seen.append((d, t)))
    assert list(ds.splits) == ["train", "test"]
    assert ds.offsets == {"train": 0, "test": 300}
    np.testing.assert_array_equal(ds.images, x[:400])
    assert seen[-1] == (4, 4)


def test_folder_recognised_as_fashion_by_name(mnist_folder):
    ds = load_dataset(mnist_folder("fashion-mnist", test=10))
    assert ds.key == "fashion-mnist" and ds.class_names[9] == "Ankle boot"


def test_count_mismatch_is_reported(tmp_path, sample_dataset):
    write_mnist(tmp_path, test=(sample_dataset.images[:10], sample_dataset.labels[:9]), gz=False)
    with pytest.raises(DatasetError, match="10 images but .* has 9 labels"):
        load_dataset(tmp_path)


def test_label_out_of_range_for_known_dataset(tmp_path, sample_dataset):
    folder = write_mnist(tmp_path / "mnist", test=(sample_dataset.images[:3], [1, 12, 3]), gz=False)
    with pytest.raises(DatasetError, match="label 12 at index 1 is out of range"):
        load_dataset(folder)


def test_missing_pieces(tmp_path, sample_dataset):
    with pytest.raises(DatasetError, match="no dataset found in this folder; expected MNIST-style IDX files"):
        load_dataset(tmp_path)
    write_mnist(tmp_path, test=(sample_dataset.images[:3], None), gz=False)
    with pytest.raises(DatasetError, match="test split has no labels"):
        load_dataset(tmp_path)
    with pytest.raises(DatasetError, match="nope: no such file or folder"):
        load_dataset(tmp_path / "nope")


def test_images_file_with_wrong_shape(tmp_path):
    write_mnist(tmp_path, test=(np.zeros((3, 784), np.uint8), np.zeros(3, np.uint8)), gz=False)
    with pytest.raises(DatasetError, match="expected images as a 3-dimensional array"):
        load_dataset(tmp_path)


def test_explicit_files_and_malformed_file(tmp_path, sample_dir):
    ds = load_files(sample_dir / "t10k-images-idx3-ubyte.gz", sample_dir / "t10k-labels-idx1-ubyte.gz")
    assert len(ds) == 10000 and ds.key == "mnist"
    bad = tmp_path / "t10k-images-idx3-ubyte.gz"
    bad.write_bytes(b"<html>nope</html>")
    with pytest.raises(IdxFormatError, match="HTML page"):
        load_files(bad, sample_dir / "t10k-labels-idx1-ubyte.gz")


def test_best_source_prefers_full_mnist_in_data_dir(tmp_path, sample_dir):
    assert best_source(tmp_path) == "sample"
    folder = tmp_path / "mnist"
    folder.mkdir()
    for name in ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
        shutil.copy(sample_dir / name, folder / name)
        shutil.copy(sample_dir / name, folder / name.replace("t10k", "train"))
    assert best_source(tmp_path) == str(folder)
