"""Everything ``export`` writes opens again as the very same arrays."""

from __future__ import annotations

import numpy as np
import pytest

from formats_data import letters47, small_images
from mnist_desktop import NormParams, Recipe, export, load_dataset
from mnist_desktop.core.dataset import Dataset
from mnist_desktop.core.export.exporter import FORMATS as ALL_FORMATS
from mnist_desktop.core.formats.common import make_split
from mnist_desktop.core.processing.pipeline import apply_recipe


#: The formats mnist-desktop also opens as a source. hf and wds are read back with the libraries that
#: training code uses instead (datasets, webdataset, tarfile: tests/core/test_hf_wds.py).
FORMATS = tuple(f for f in ALL_FORMATS if f not in ("hf", "wds"))


def _dataset(x, y, names, *, unlabelled_test=False) -> Dataset:
    cut = len(x) * 2 // 3
    splits = {"train": make_split("train", x[:cut], y[:cut]),
              "test": make_split("test", x[cut:], None if unlabelled_test else y[cut:])}
    return Dataset("t", "t", splits, names, "memory", format="npy")


@pytest.fixture(scope="module")
def mnist_like(sample_dataset):
    x, y = small_images(sample_dataset, 90)
    return _dataset(x, y, sample_dataset.class_names)


def _assert_same(back: Dataset, expected: dict, exported: Dataset) -> None:
    assert back.split_names == tuple(expected)
    for name, (x, y) in expected.items():
        s = back.splits[name]
        assert s.images.dtype == x.dtype and np.array_equal(s.images, x), name
        if exported.splits[name].labelled:
            assert np.array_equal(s.labels, y), name
        else:
            assert not s.labelled


def _out(tmp_path, fmt):
    return tmp_path / ("o.npz" if fmt == "npz" else "o")


@pytest.mark.parametrize("fmt", FORMATS)
def test_uint8_export_reads_back_identical(mnist_like, tmp_path, fmt):
    recipe = Recipe(NormParams("none"))
    export(mnist_like, recipe, _out(tmp_path, fmt), fmt)
    back = load_dataset(_out(tmp_path, fmt))
    _assert_same(back, apply_recipe(mnist_like, recipe), mnist_like)
    assert back.class_names == mnist_like.class_names


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f != "png"])
@pytest.mark.parametrize("method", ["scale", "zscore"])
def test_float_export_reads_back_as_float(mnist_like, tmp_path, fmt, method):
    recipe = Recipe(NormParams(method))
    export(mnist_like, recipe, _out(tmp_path, fmt), fmt)
    back = load_dataset(_out(tmp_path, fmt))
    _assert_same(back, apply_recipe(mnist_like, recipe), mnist_like)
    assert back.images.dtype == np.float32
    if method == "scale":  # 0..1 data renders back to the original digits
        assert np.array_equal(back.pixels, mnist_like.images)


@pytest.mark.parametrize("fmt", FORMATS)
def test_16x16_47_classes_and_unlabelled_split_read_back(sample_dataset, tmp_path, fmt):
    x, y = letters47(sample_dataset, 141)
    x16, _ = small_images(sample_dataset, 141, size=16)
    ds = _dataset(x16, y, tuple(f"c{k}" for k in range(47)), unlabelled_test=True)
    recipe = Recipe(NormParams("none"))
    export(ds, recipe, _out(tmp_path, fmt), fmt)
    back = load_dataset(_out(tmp_path, fmt))
    _assert_same(back, apply_recipe(ds, recipe), ds)
    assert back.images.shape[1:] == (16, 16) and back.class_names == ds.class_names


def test_png_with_copies_keeps_row_order(mnist_like, tmp_path):
    from mnist_desktop import AugParams

    recipe = Recipe(NormParams("none"), AugParams(rotation=10, copies=2, keep_original=True), seed=3)
    export(mnist_like, recipe, tmp_path / "o", "png")
    names = sorted(p.name for p in (tmp_path / "o" / "test").rglob("*.png"))
    first = int(mnist_like.splits["test"].labels[0])
    assert {"0.png", "0_0.png", "0_1.png"} <= {p.name for p in (tmp_path / "o" / "test" / str(first)).iterdir()}
    assert len(names) == 3 * len(mnist_like.splits["test"])
    _assert_same(load_dataset(tmp_path / "o"), apply_recipe(mnist_like, recipe), mnist_like)
