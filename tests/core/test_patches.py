"""The patch-feature model (core/numeric/patches.py): it learns, it is chunk-independent, colour works."""

from __future__ import annotations

import numpy as np
import pytest

from mnist_desktop.core.numeric.patches import fit_patch_ridge, learn_filters, patch_features


@pytest.fixture(scope="module")
def digits(sample_dataset):
    split = sample_dataset.splits["test"]
    return split.images[:1200], split.labels[:1200].astype(np.intp)


def test_it_classifies_held_out_digits(digits):
    x, y = digits
    predict = fit_patch_ridge(x[:1000], y[:1000], 10, n_filters=32, seed=0)
    accuracy = float((predict(x[1000:]).argmax(1) == y[1000:]).mean())
    assert accuracy > 0.85  # 1,000 training digits, 32 filters


def test_features_do_not_depend_on_chunk_size_or_order(digits):
    x = digits[0][:40]
    filters = learn_filters(x, 8, 5, seed=1)

    def all_features(chunk, order=None):
        out = np.zeros((40, 8 * 16), np.float32)
        for rows, feats in patch_features(x, filters, chunk=chunk, order=order):
            out[rows] = feats[0]
        return out

    a = all_features(40)
    np.testing.assert_allclose(a, all_features(7, np.arange(40)[::-1]), rtol=1e-5, atol=1e-6)  # BLAS rounding
    assert a.std() > 0


def test_colour_images_of_another_size():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 2, 200)
    images = rng.integers(0, 60, (200, 32, 32, 3), dtype=np.uint8)
    images[labels == 1, 8:24, 8:24, 0] = 250  # class 1: a red square
    predict = fit_patch_ridge(images[:150], labels[:150], 2, n_filters=8, seed=0)
    assert (predict(images[150:]).argmax(1) == labels[150:]).mean() > 0.95
