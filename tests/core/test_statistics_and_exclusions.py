"""Where normalization statistics come from, and the dataset key and stored form of exclusions."""

from __future__ import annotations

import shutil
from dataclasses import replace

import numpy as np
import pytest

from mnist_desktop.core.dataset import Dataset, Split
from mnist_desktop.core.formats.load import load_dataset
from mnist_desktop.core.processing.exclusions import dataset_key, exclusions_from_json, exclusions_to_json
from mnist_desktop.core.processing.normalize import NormParams
from mnist_desktop.core.processing.recipe import Recipe


@pytest.fixture(scope="module")
def small_ds(sample_dataset):
    s = sample_dataset.splits["test"]
    train = Split("train", s.images[:300], s.labels[:300])
    test = Split("test", s.images[300:500], s.labels[300:500])
    return Dataset("small", "small", {"train": train, "test": test}, sample_dataset.class_names, "memory")


def test_statistics_come_from_train_or_say_they_come_from_test(small_ds, sample_dataset):
    z = Recipe(normalize=NormParams("zscore"))
    assert z.statistics_splits(small_ds) == ("train",) and z.statistics_warning(small_ds) is None
    resolved = z.resolve(small_ds).normalize
    assert resolved.mean == pytest.approx(small_ds.splits["train"].images.mean() / 255, abs=1e-6)
    assert z.statistics_splits(sample_dataset) == ("test",)
    assert "test split" in z.statistics_warning(sample_dataset)
    m = Recipe(normalize=NormParams("minmax"))
    assert m.statistics_splits(small_ds) == ("train",) and "min-max" in m.statistics_warning(sample_dataset)
    given = Recipe(normalize=NormParams("zscore", mean=0.1307, std=0.3081))
    assert given.statistics_splits(sample_dataset) == () and given.statistics_warning(sample_dataset) is None


def test_dataset_key_follows_content_not_place(tmp_path, mnist_folder, sample_dataset):
    a, c, b = mnist_folder("a", test=400), mnist_folder("c", test=401), tmp_path / "b"
    shutil.copytree(a, b)
    ka, kb, kc = (dataset_key(load_dataset(str(f))) for f in (a, b, c))
    assert ka == kb and ka != kc
    in_memory = Dataset("m", "m", {"test": Split("test", sample_dataset.images[:400], sample_dataset.labels[:400])},
                        sample_dataset.class_names, "memory")
    assert dataset_key(in_memory) not in (ka, kc)


def test_exclusions_json_and_out_of_range_indices(sample_dataset):
    r = Recipe(excluded={"test": [3, 1], "train": [9]})
    assert exclusions_from_json(exclusions_to_json(r.excluded)) == {"test": [1, 3], "train": [9]}
    assert exclusions_from_json("not json") == {} and exclusions_from_json('{"test": [1, -2, "x"]}') == {"test": [1]}
    wide = replace(r, excluded={"test": [1, 10_000, 20_000]})  # indices past the end mark nothing
    assert np.flatnonzero(wide.excluded_mask(sample_dataset)).tolist() == [1]
    assert wide.excluded_count(sample_dataset) == 1
