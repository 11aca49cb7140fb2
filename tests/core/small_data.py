"""A small two-split dataset cut from the embedded sample, for fast tests."""

from __future__ import annotations

from mnist_desktop.core.dataset import Dataset, Split


def small(sample_dataset, n_train: int = 240, n_test: int = 160) -> Dataset:
    """'train' = the first n_train sample images, 'test' = the next n_test (real MNIST digits)."""
    s = sample_dataset.splits["test"]
    a, b = n_train, n_train + n_test
    return Dataset("mnist", "small", {
        "train": Split("train", s.images[:a], s.labels[:a], s.image_file, s.label_file),
        "test": Split("test", s.images[a:b], s.labels[a:b], s.image_file, s.label_file)},
        sample_dataset.class_names, "small")
