"""Normalization: exact formulas, statistics, no division by zero, uint8/float agreement."""

from __future__ import annotations

import numpy as np
import pytest

from mnist_desktop.core.errors import RecipeError
from mnist_desktop.core.processing.normalize import METHODS, NormParams, normalize, output_dtype, to_uint8


@pytest.fixture(scope="module")
def images(sample_dataset):
    return np.ascontiguousarray(sample_dataset.images[:2000])


def test_scale_is_exactly_x_over_255_into_preallocated_output(images):
    out = np.empty(images.shape, np.float32)
    result = normalize(images, "scale", out=out)
    assert result is out
    assert np.array_equal(out, np.divide(images, 255, dtype=np.float32))


def test_none_keeps_uint8_and_rounds_floats_back(images):
    assert normalize(images, "none").dtype == np.uint8
    assert np.array_equal(normalize(images, "none"), images)
    every = np.arange(256, dtype=np.uint8).reshape(1, 16, 16)
    assert np.array_equal(normalize(np.divide(every, 255, dtype=np.float32), "none"), every)


def test_zscore_statistics_of_the_sample(sample_dataset):
    fitted = NormParams("zscore").fit(sample_dataset.images)
    # The published statistics of the MNIST test set on the 0..1 scale.
    assert fitted.mean == pytest.approx(0.1325, abs=5e-5)
    assert fitted.std == pytest.approx(0.3105, abs=5e-5)
    z = normalize(sample_dataset.images, fitted)
    assert z.dtype == np.float32
    assert float(z.mean(dtype=np.float64)) == pytest.approx(0, abs=1e-5)
    assert float(z.std(dtype=np.float64)) == pytest.approx(1, abs=1e-5)


def test_zscore_with_given_mean_and_std(images):
    z = normalize(images, NormParams("zscore", mean=0.1307, std=0.3081))
    expected = (images.astype(np.float64) / 255 - 0.1307) / 0.3081
    np.testing.assert_allclose(z, expected, atol=2e-6)


def test_minmax_over_dataset_and_per_image(images):
    x = images[:50].copy()
    x[0] = 7  # a constant image: must not divide by zero (warnings are errors here)
    x[1] //= 2  # a dim image
    ds = normalize(x, NormParams("minmax"))
    assert ds.min() == 0 and ds.max() == 1
    per = normalize(x, NormParams("minmax", scope="image"))
    assert np.all(per[0] == 0)
    assert np.all(per[1:].min(axis=(1, 2)) == 0) and np.all(per[1:].max(axis=(1, 2)) == 1)
    np.testing.assert_allclose(per[1], (x[1] - x[1].min()) / float(x[1].max() - x[1].min()), atol=1e-6)


def test_constant_dataset_gives_zeros_not_nan():
    x = np.full((3, 28, 28), 9, np.uint8)
    for params in (NormParams("minmax"), NormParams("zscore")):
        out = normalize(x, params)
        assert np.all(np.isfinite(out)) and np.all(out == 0)


@pytest.mark.parametrize("method", METHODS)
def test_uint8_and_float_input_give_the_same_bits(images, method):
    params = NormParams(method).fit(images)
    as_float = np.divide(images, 255, dtype=np.float32)
    assert np.array_equal(normalize(images, params), normalize(as_float, params))
    assert normalize(images, params).dtype == output_dtype(params)


def test_to_uint8_undoes_zscore(images):
    params = NormParams("zscore").fit(images)
    assert np.array_equal(to_uint8(normalize(images, params), params), images)
    assert np.array_equal(to_uint8(normalize(images, "scale"), NormParams("scale")), images)


def test_problems_name_the_field():
    assert NormParams().problems() == []
    assert list(map(str, NormParams("l2").problems())) == [
        "method must be one of none, scale, minmax, zscore, got \"l2\""]
    assert str(NormParams("zscore", std=0).problems()[0]).startswith("std must be a number between 1e-06")
    with pytest.raises(RecipeError, match="normalize.scope must be one of dataset, channel, image"):
        NormParams.from_dict({"scope": "pixel"})
    with pytest.raises(RecipeError, match="normalize.median is not a known field"):
        NormParams.from_dict({"median": 1})
