"""Min-max per colour channel (``scope="channel"``): from the train split, one low/high per channel, R, G, B."""

from __future__ import annotations

import json

import numpy as np
import pytest

from colour_data import coloured_mnist, uneven_channels
from mnist_desktop.core.dataset import Dataset, Split
from mnist_desktop.core.errors import RecipeError
from mnist_desktop.core.processing.aug_params import AugParams
from mnist_desktop.core.processing.normalize import NormParams, channel_stats, normalize, to_uint8
from mnist_desktop.core.processing.pipeline import apply_recipe, process_rows
from mnist_desktop.core.processing.recipe import Recipe

PER_CHANNEL = NormParams("minmax", "channel")


@pytest.fixture(scope="module")
def colour(sample_dataset):
    x, _ = coloured_mnist(sample_dataset, 600, seed=7)
    return uneven_channels(x)


def _dataset(x) -> Dataset:
    y = np.arange(len(x), dtype=np.uint8) % 10
    return Dataset("colour", "colour test data", {"train": Split("train", x[:-100], y[:-100]),
                                                   "test": Split("test", x[-100:], y[-100:])},
                   tuple(str(i) for i in range(10)), "colour test data")


def test_low_and_high_come_per_channel_from_the_train_split(colour):
    test = colour[-100:].copy()
    test[0, 0, 0] = (0, 0, 255)  # darker G and brighter B than any train pixel: must not count
    ds = _dataset(np.concatenate([colour[:-100], test]))
    used = Recipe(normalize=PER_CHANNEL).resolve(ds).normalize
    train = colour[:-100].reshape(-1, 3)
    assert used.low == tuple(train.min(axis=0) / 255.0) and used.high == tuple(train.max(axis=0) / 255.0)
    assert used.low[1] > 0 and used.high[2] < 1  # really per channel, not the global 0 and 1
    x = normalize(colour[:-100], used).reshape(-1, 3)
    assert x.min(axis=0).tolist() == [0, 0, 0] and x.max(axis=0).tolist() == [1, 1, 1]


def test_each_channel_is_the_global_formula_with_that_channels_low_and_high(colour):
    used = PER_CHANNEL.fit(colour)
    x = normalize(colour[:8], used)
    for c in range(3):
        alone = NormParams("minmax", low=used.low[c], high=used.high[c])
        assert np.array_equal(x[..., c], normalize(colour[:8, ..., c], alone))  # bit for bit
    assert np.array_equal(to_uint8(x, used)[..., 0], colour[:8, ..., 0])  # R spans 0..255: display = original


def test_uint8_and_float_input_give_the_same_bits(colour):
    used = PER_CHANNEL.fit(colour)
    assert np.array_equal(normalize(colour[:20], used), normalize(colour[:20] / np.float32(255), used))
    assert channel_stats(colour[:50] / np.float32(255))["max"] == pytest.approx(
        tuple(v / 255 for v in channel_stats(colour[:50])["max"]))


def test_grey_data_per_channel_is_the_global_min_max_bit_for_bit(sample_dataset):
    grey = sample_dataset.splits["test"].images[:500]
    per_channel, overall = PER_CHANNEL.fit(grey), NormParams("minmax").fit(grey)
    assert (per_channel.low, per_channel.high) == (overall.low, overall.high)
    assert np.array_equal(normalize(grey, per_channel), normalize(grey, overall))


def test_a_constant_channel_gives_zeros_not_nan(colour):
    x = colour[:10].copy()
    x[..., 2] = 77
    out = normalize(x, PER_CHANNEL)
    assert np.isfinite(out).all() and not out[..., 2].any()


def test_json_records_the_scope_and_the_channels_and_round_trips(colour):
    recipe = Recipe(normalize=PER_CHANNEL)
    assert json.loads(recipe.to_json())["normalize"]["scope"] == "channel"
    resolved = Recipe(normalize=PER_CHANNEL.fit(colour))
    data = json.loads(resolved.to_json())["normalize"]
    assert isinstance(data["low"], list) and len(data["high"]) == 3
    assert Recipe.from_json(resolved.to_json()) == resolved
    assert Recipe.from_json(recipe.to_json()) == recipe


def test_a_recipe_without_it_writes_the_same_json_as_before():
    recipe = Recipe.load("docs/example-recipe.json")
    assert list(recipe.to_dict()["normalize"]) == ["method", "scope", "mean", "std", "low", "high"]
    assert recipe.to_json() == Recipe.from_json(recipe.to_json()).to_json()
    assert json.loads(Recipe(normalize=NormParams("minmax")).to_json())["normalize"] == {
        "method": "minmax", "scope": "dataset", "mean": None, "std": None, "low": None, "high": None}


@pytest.mark.parametrize("bad, message", [
    ({"low": [0.1, 0.2]}, "low must be one number or three"),
    ({"low": [0.1, 0.5, 0.2], "high": [0.9, 0.4, 0.9]}, r"low \(0\.5\) must not be greater than high \(0\.4\) "
                                                         r"\(channel G\)"),
    ({"high": [0.9, 2, 0.9]}, "high must be a number between 0 and 1"),
    ({"scope": "channels"}, "scope"),
])
def test_bad_per_channel_low_high_name_the_field(bad, message):
    doc = {"version": 1, "normalize": {"method": "minmax", "scope": "channel", **bad}}
    with pytest.raises(RecipeError, match=message):
        Recipe.from_dict(doc, "r.json")


def test_rgb_low_high_on_grey_data_are_refused_naming_the_field(sample_dataset):
    recipe = Recipe(normalize=NormParams("minmax", "channel", low=(0, 0, 0), high=(1, 1, 1)))
    with pytest.raises(RecipeError, match=r"normalize\.low has 3 values .* grey"):
        recipe.resolve(sample_dataset)


def test_rows_equal_the_whole_export(colour):
    """What the preview computes for any rows is what the export writes (augmented copies too)."""
    ds = _dataset(colour)
    recipe = Recipe(normalize=PER_CHANNEL, augment=AugParams(rotation=10, noise=0.02, copies=2, keep_original=True,
                                                             flip=0.5, jitter_brightness=0.3), seed=5)
    out = apply_recipe(ds, recipe, chunk_size=97)
    ready = recipe.resolve(ds)
    assert isinstance(ready.normalize.low, tuple)
    x, _ = process_rows(ds, "train", [4, 4, 499], [-1, 1, 0], ready)
    assert np.array_equal(x, out["train"][0][[12, 14, 1498]])
