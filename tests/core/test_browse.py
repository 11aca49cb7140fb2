"""Filtering, sorting, paging and keyboard selection, without a display."""

from __future__ import annotations

import numpy as np
import pytest

from mnist_desktop import load_dataset
from mnist_desktop.core.view.browse import Browser
from mnist_files import sample_rows, write_mnist


@pytest.fixture(scope="module")
def two_splits(tmp_path_factory, sample_dataset):
    folder = write_mnist(tmp_path_factory.mktemp("two"), train=sample_rows(sample_dataset, 600),
                         test=sample_rows(sample_dataset, slice(600, 1000)), gz=False)
    return load_dataset(folder)


def test_filter_by_split_and_label(two_splits):
    b = Browser(two_splits, page_size=100, columns=10)
    assert len(b.visible) == 1000 and b.page_count == 10
    b.set_filter(splits={"test"})
    assert b.visible[0] == 600 and len(b.visible) == 400
    b.set_filter(labels={1, 7})
    labels = two_splits.labels[b.visible]
    assert set(labels) == {1, 7}
    assert len(b.visible) == int(np.isin(two_splits.splits["test"].labels, [1, 7]).sum())
    assert b.split_of(int(b.visible[0])) == ("test", int(b.visible[0]) - 600)
    b.set_filter(labels=set())
    assert len(b.visible) == 0 and b.selected is None and b.page_count == 1


def test_sort_by_score_is_stable(two_splits):
    b = Browser(two_splits, page_size=50)
    scores = np.zeros(1000)
    scores[[10, 500, 3]] = [3.0, 2.0, 2.0]
    b.set_sort(scores)
    assert b.visible[:4].tolist() == [10, 3, 500, 0]
    b.set_sort(None)
    assert b.visible[:3].tolist() == [0, 1, 2]
    with pytest.raises(ValueError):
        b.set_sort(np.zeros(3))


def test_moves_clamp_and_follow_pages(two_splits):
    b = Browser(two_splits, page_size=100, columns=10)
    b.move("up")
    assert b.selected == 0
    b.move("down")
    b.move("right")
    assert b.selected == 11
    b.move("page_down")
    assert b.selected == 111 and b.page == 1
    b.move("end")
    assert b.selected == 999 and b.page == 9
    b.move("down")
    assert b.selected == 999
    b.move("page_up")
    assert b.selected == 899
    b.go_to_page(3)
    assert b.selected == 300
    b.select_on_page(42)
    assert b.selected == 342 and b.selected_on_page == 42
    assert not b.select(5000)


def test_selection_survives_filter_when_still_visible(two_splits):
    b = Browser(two_splits, page_size=100)
    target = int(np.flatnonzero(two_splits.labels == 4)[20])
    b.select(target)
    b.set_filter(labels={4})
    assert b.selected == target
    assert b.page_indices()[b.position(target) % 100] == target
    b.set_filter(labels={5})
    assert two_splits.labels[b.selected] == 5


def test_subset_keeps_only_chosen_images_under_the_other_filters():
    from mnist_desktop.core.dataset import Dataset, Split

    images = np.zeros((6, 2, 2), np.uint8)
    labels = np.array([0, 1, 0, 1, 0, 1], np.uint8)
    ds = Dataset("x", "x", {"train": Split("train", images[:4], labels[:4]),
                            "test": Split("test", images[4:], labels[4:])}, ("0", "1"), "x")
    b = Browser(ds, page_size=4, columns=2)
    b.set_subset(np.array([5, 1, 2]), "lasso")
    assert b.visible.tolist() == [1, 2, 5] and b.subset_name == "lasso"
    b.set_filter(labels=[1])
    assert b.visible.tolist() == [1, 5]
    b.set_subset(None)
    assert b.visible.tolist() == [1, 3, 5]
