"""Model-ready output: stratified val/test split, class balance, target size and channels (issue 25)."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image

from colour_data import coloured_mnist
from mnist_desktop.core.dataset import Dataset
from mnist_desktop.core.errors import ExportError, RecipeError
from mnist_desktop.core.export.exporter import export
from mnist_desktop.core.formats.common import make_split
from mnist_desktop.core.formats.load import load_dataset
from mnist_desktop.core.notebook.adapter import ImageDataset
from mnist_desktop.core.processing.aug_params import AugParams
from mnist_desktop.core.processing.normalize import NormParams
from mnist_desktop.core.processing.pipeline import apply_recipe
from mnist_desktop.core.processing.preview import preview_page
from mnist_desktop.core.processing.recipe import Recipe
from mnist_desktop.core.processing.sampling import SamplingParams
from mnist_desktop.core.processing.split_plan import sample_split_codes, split_rows
from mnist_desktop.core.processing.target_shape import TargetParams, pad_or_crop, parse_size, resize, to_channels
from mnist_desktop.core.view.browse import Browser

from small_data import small


AUG = AugParams(rotation=15, noise=0.1, copies=2)


@pytest.fixture(scope="module")
def ds(sample_dataset):
    return small(sample_dataset, 600, 100)


def _val_members(ds, recipe):
    return split_rows(ds, recipe.resolve(ds), "val").indices


# ------------------------------------------------------------------ stratification
@pytest.mark.parametrize("fraction", [0.1, 0.25, 0.5])
def test_val_counts_per_class_are_within_one_of_the_fraction(ds, fraction):
    recipe = Recipe(sampling=SamplingParams(val_fraction=fraction))
    val = _val_members(ds, recipe)
    labels = ds.splits["train"].labels
    got = np.bincount(labels[val], minlength=10)
    want = fraction * np.bincount(labels, minlength=10)
    assert np.all(np.abs(got - want) <= 1)
    train = split_rows(ds, recipe, "train").indices
    assert not set(train) & set(val) and len(set(train)) + len(val) == 600


def test_the_val_set_depends_on_the_seed_only_not_on_augmentation_or_normalization(ds):
    a = Recipe(sampling=SamplingParams(val_fraction=0.2), seed=7)
    b = replace(a, augment=AUG, normalize=NormParams("zscore"))
    assert np.array_equal(_val_members(ds, a), _val_members(ds, b))
    assert not np.array_equal(_val_members(ds, a), _val_members(ds, replace(a, seed=8)))


def test_a_bigger_fraction_only_adds_samples(ds):
    small_val = set(_val_members(ds, Recipe(sampling=SamplingParams(val_fraction=0.1))))
    big_val = set(_val_members(ds, Recipe(sampling=SamplingParams(val_fraction=0.3))))
    assert small_val < big_val


def test_val_rows_are_never_augmented(ds):
    recipe = Recipe(augment=AUG, sampling=SamplingParams(val_fraction=0.2), seed=1).resolve(ds)
    out = apply_recipe(ds, recipe)
    val = _val_members(ds, recipe)
    x_val, y_val = out["val"]
    assert np.array_equal(x_val, ds.splits["train"].images[val] / np.float32(255))
    assert np.array_equal(y_val, ds.splits["train"].labels[val])
    assert len(out["train"][0]) == 2 * (600 - len(val))  # two augmented copies per train sample


def test_one_split_source_is_cut_into_train_val_test(sample_dataset):
    recipe = Recipe(sampling=SamplingParams(val_fraction=0.1, test_fraction=0.2))
    rows = {n: split_rows(sample_dataset, recipe, n) for n in ("train", "val", "test")}
    assert [len(r) for r in rows.values()] == [7000, 1000, 2000]
    assert {r.source for r in rows.values()} == {"test"}
    every = np.concatenate([r.indices for r in rows.values()])
    assert np.array_equal(np.sort(every), np.arange(10000))


def test_a_test_fraction_is_refused_when_the_dataset_has_a_test_split(ds, tmp_path):
    with pytest.raises(RecipeError, match="has a test split already"):
        export(ds, Recipe(sampling=SamplingParams(test_fraction=0.1)), tmp_path / "o.npz")


# ------------------------------------------------------------------ balance
def _skewed(ds):
    """The training set without most of its 0s and 1s (20 and 30 left)."""
    y = ds.splits["train"].labels
    drop = np.concatenate([np.flatnonzero(y == 0)[20:], np.flatnonzero(y == 1)[30:]])
    return Recipe(excluded={"train": drop.tolist()})


@pytest.mark.parametrize("mode", ["oversample", "undersample"])
def test_balance_makes_every_class_count_equal(ds, mode):
    base = _skewed(ds)
    before = np.bincount(apply_recipe(ds, base)["train"][1], minlength=10)
    recipe = replace(base, sampling=SamplingParams(balance=mode))
    x, y = apply_recipe(ds, recipe)["train"]
    counts = np.bincount(y, minlength=10)
    want = before.max() if mode == "oversample" else before.min()
    assert counts.tolist() == [want] * 10
    assert len(x) == 10 * want


def test_oversampled_rows_are_repeats_without_augmentation_and_new_copies_with_it(ds):
    recipe = replace(_skewed(ds), sampling=SamplingParams(balance="oversample"))
    x, y = apply_recipe(ds, recipe)["train"]
    zeros = x[y == 0]
    assert len(np.unique(zeros.reshape(len(zeros), -1), axis=0)) == 20  # plain repeats of the 20 zeros
    x, y = apply_recipe(ds, replace(recipe, augment=AugParams(rotation=20, copies=1)))["train"]
    zeros = x[y == 0]
    assert len(np.unique(zeros.reshape(len(zeros), -1), axis=0)) == len(zeros)  # each copy its own


def test_balance_leaves_val_and_test_alone(ds):
    recipe = replace(_skewed(ds), sampling=SamplingParams(val_fraction=0.1, balance="oversample"))
    out = apply_recipe(ds, recipe)
    plain = apply_recipe(ds, replace(recipe, sampling=SamplingParams(val_fraction=0.1)))
    for name in ("val", "test"):
        assert np.array_equal(out[name][0], plain[name][0])


# ------------------------------------------------------------------ target shape
def test_pad_is_exact_and_a_smaller_target_crops_the_centre():
    x = np.arange(2 * 28 * 28, dtype=np.uint8).reshape(2, 28, 28)
    p = pad_or_crop(x, 32, 32)
    assert p.shape == (2, 32, 32) and np.array_equal(p[:, 2:30, 2:30], x) and p.sum(dtype=np.int64) == x.sum(
        dtype=np.int64)
    assert np.array_equal(pad_or_crop(x, 20, 24), x[:, 2:26, 4:24])
    c = np.zeros((1, 5, 5, 3), np.float32) + 1
    assert pad_or_crop(c, 7, 7)[0, :, :, 0].tolist()[0] == [0] * 7


@pytest.mark.parametrize("size", [(32, 32), (224, 224), (14, 14), (17, 10), (50, 7)])
def test_resize_matches_pillow_within_one_grey_level(sample_dataset, size):
    x = sample_dataset.splits["test"].images[:8]
    ours = resize(x, *size)
    for i in range(len(x)):
        ref = np.asarray(Image.fromarray(x[i]).resize(size, Image.Resampling.BILINEAR))
        assert ours[i].shape == ref.shape
        assert np.abs(ours[i].astype(int) - ref).max() <= 1
    rgb = np.random.default_rng(0).integers(0, 256, (2, 28, 28, 3), dtype=np.uint8)
    for i, img in enumerate(resize(rgb, *size)):
        ref = np.asarray(Image.fromarray(rgb[i]).resize(size, Image.Resampling.BILINEAR))
        assert np.abs(img.astype(int) - ref).max() <= 1


def test_channels_replicate_grey_and_take_pillows_luminance():
    rgb = np.random.default_rng(1).integers(0, 256, (3, 9, 11, 3), dtype=np.uint8)
    for i, lum in enumerate(to_channels(rgb, 1)):
        assert np.array_equal(lum, np.asarray(Image.fromarray(rgb[i]).convert("L")))
    grey = rgb[..., 0]
    three = to_channels(grey, 3)
    assert three.shape == (3, 9, 11, 3) and all(np.array_equal(three[..., k], grey) for k in range(3))


def test_parse_size():
    assert parse_size("32") == (32, 32) and parse_size("64x48") == (64, 48)
    with pytest.raises(ValueError):
        parse_size("32x")


def test_image_dataset_applies_the_target_stage_like_the_export(ds, tmp_path):
    recipe = Recipe(augment=AugParams(rotation=10), sampling=SamplingParams(val_fraction=0.1, balance="oversample"),
                    target=TargetParams((32, 32), "resize", 3), seed=4)
    export(ds, recipe, tmp_path / "o.npz")
    with np.load(tmp_path / "o.npz") as z:
        for split in ("train", "val", "test"):
            items = ImageDataset(ds, split, recipe)
            x = np.stack([xi for xi, _ in items])
            y = np.array([yi for _, yi in items])
            assert x.shape[1:] == (32, 32, 3)
            assert np.array_equal(x, z[f"x_{split}"]) and np.array_equal(y, z[f"y_{split}"])


# ------------------------------------------------------------------ export
RECIPE = Recipe(NormParams("none"), AugParams(rotation=10, copies=1), seed=5,
                sampling=SamplingParams(val_fraction=0.15, balance="oversample"),
                target=TargetParams((32, 32), "pad", None))


@pytest.mark.parametrize("fmt", ["npz", "npy", "idx", "idx.gz", "csv", "png"])
def test_every_format_writes_val_and_reads_back(ds, tmp_path, fmt):
    expected = apply_recipe(ds, RECIPE)
    out = tmp_path / ("o.npz" if fmt == "npz" else "o")
    export(ds, RECIPE, out, fmt)
    back = load_dataset(out)
    assert set(back.splits) == {"train", "val", "test"}
    for name, (x, y) in expected.items():
        s = back.splits[name]
        if fmt == "png":  # class folders: rows come back grouped by label
            assert sorted(s.labels.tolist()) == sorted(y.tolist()) and s.images.shape[1:] == (32, 32)
            assert sorted(map(bytes, s.images)) == sorted(map(bytes, x))
        else:
            assert np.array_equal(s.images, x) and np.array_equal(s.labels, y)


def test_manifest_lists_the_val_hash_and_balanced_counts_and_reproduces(ds, tmp_path):
    first = export(ds, RECIPE, tmp_path / "a.npz")
    doc = json.loads(first.manifest_path.read_text())
    val = doc["counts"]["val"]
    assert val["source"] == "train" and len(val["indices_sha256"]) == 64
    assert len(set(doc["counts"]["train"]["per_class"].values())) == 1  # balanced
    assert doc["recipe"]["sampling"] == {"val_fraction": 0.15, "test_fraction": 0.0, "balance": "oversample"}
    assert doc["recipe"]["target"] == {"size": [32, 32], "fit": "pad", "channels": None}
    again = export(ds, Recipe.load(first.manifest_path), tmp_path / "b.npz")
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()
    assert again.counts == first.counts


def test_a_recipe_without_the_new_sections_loads_with_them_off():
    r = Recipe.from_dict({"version": 1, "seed": 3})
    assert r.sampling.is_identity and r.target.is_identity
    assert "sampling" not in r.to_dict() and "target" not in r.to_dict()
    with pytest.raises(RecipeError, match="sampling.balance must be one of none, oversample, undersample"):
        Recipe.from_dict({"version": 1, "sampling": {"balance": "more"}}, "r.json")


def test_three_channel_png_is_rgb_and_csv_refuses_three_channels(ds, tmp_path):
    recipe = Recipe(NormParams("none"), target=TargetParams((30, 30), "pad", 3), split="test")
    export(ds, recipe, tmp_path / "png", "png")
    x, y = apply_recipe(ds, recipe)["test"]
    with Image.open(tmp_path / "png" / "test" / str(y[0]) / "0.png") as im:
        assert im.mode == "RGB" and np.array_equal(np.asarray(im), x[0])
    with pytest.raises(ExportError, match="CSV has one column per pixel and these images are colour"):
        export(ds, recipe, tmp_path / "csv", "csv")


def test_browser_filters_by_the_recipes_val_split(ds):
    recipe = Recipe(sampling=SamplingParams(val_fraction=0.2), seed=2)
    names, codes = sample_split_codes(ds, recipe)
    assert names == ("train", "val", "test")
    b = Browser(ds)
    b.set_split_codes(names, codes)
    b.set_filter(splits={"val"})
    assert np.array_equal(b.visible, np.sort(_val_members(ds, recipe)))


def test_grid_preview_keeps_the_source_size_when_the_recipe_has_a_target(ds):
    recipe = Recipe(target=TargetParams((32, 32), "resize", 3)).resolve(ds)
    values, display = preview_page(ds, np.arange(5), recipe)
    assert values.shape == display.shape == (5, 28, 28)
    plain, _ = preview_page(ds, np.arange(5), Recipe().resolve(ds))
    assert np.array_equal(values, plain)


def test_colour_data_gets_val_balance_and_target_shape(sample_dataset, tmp_path):
    x, y = coloured_mnist(sample_dataset, 90, seed=4)
    colour = Dataset("c", "c", {"train": make_split("train", x, y)}, tuple(str(i) for i in range(10)), "memory",
                     format="npy")
    recipe = Recipe(NormParams("none"), sampling=SamplingParams(val_fraction=0.2, balance="undersample"),
                    target=TargetParams((20, 24), "resize", None))
    export(colour, recipe, tmp_path / "o.npz")
    with np.load(tmp_path / "o.npz") as z:
        assert z["x_train"].shape[1:] == z["x_val"].shape[1:] == (24, 20, 3)
        val = split_rows(colour, recipe, "val").indices
        ref = [np.asarray(Image.fromarray(x[i]).resize((20, 24), Image.Resampling.BILINEAR)) for i in val]
        assert np.abs(z["x_val"].astype(int) - np.array(ref)).max() <= 1
        assert len(set(np.bincount(z["y_train"]).tolist()) - {0}) == 1
    grey = Recipe(NormParams("none"), target=TargetParams(None, "pad", 1))
    (x_grey, _), = apply_recipe(colour, grey).values()
    assert x_grey.shape == x.shape[:3]
    assert np.array_equal(x_grey[0], np.asarray(Image.fromarray(x[0]).convert("L")))
