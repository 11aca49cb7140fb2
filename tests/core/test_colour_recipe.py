"""The colour recipe: per-channel z-score and presets, flip, crop with padding, colour jitter, random greyscale."""

from __future__ import annotations

import colorsys
import json

import numpy as np
import pytest

from colour_data import coloured_mnist
from mnist_desktop import augment_images
from mnist_desktop.core.dataset import Dataset, Split
from mnist_desktop.core.errors import RecipeError
from mnist_desktop.core.processing import colour_ops, jitter
from mnist_desktop.core.processing.aug_params import AugParams
from mnist_desktop.core.processing.augment import augment_batch
from mnist_desktop.core.processing.normalize import PRESETS, NormParams, normalize, to_uint8
from mnist_desktop.core.processing.pipeline import apply_recipe, process_rows
from mnist_desktop.core.processing.recipe import Recipe

PHOTO = dict(flip=0.5, crop_padding=4, crop_mode="reflect", jitter_brightness=0.4, jitter_contrast=0.4,
             jitter_saturation=0.4, jitter_hue=0.1, random_greyscale=0.2)
#: The augment fields a recipe of grey data has always written (the version-1 JSON).
OLD_AUGMENT_KEYS = ["rotation", "translate", "scale", "shear", "elastic_alpha", "elastic_sigma", "noise", "copies",
                    "keep_original"]


@pytest.fixture(scope="module")
def colour(sample_dataset):
    x, _ = coloured_mnist(sample_dataset, 1300, seed=3)
    return x


def _colour_dataset(x, y=None) -> Dataset:
    y = np.arange(len(x), dtype=np.uint8) % 10 if y is None else y
    return Dataset("colour", "colour test data", {"train": Split("train", x[:-100], y[:-100]),
                                                   "test": Split("test", x[-100:], y[-100:])},
                   tuple(str(i) for i in range(10)), "colour test data")


# ---------------------------------------------------------------- normalization

def test_zscore_of_colour_data_is_computed_per_channel(colour):
    p = NormParams("zscore").fit(colour)
    t = colour.reshape(-1, 3).astype(np.float64) / 255
    assert p.mean == pytest.approx(tuple(t.mean(axis=0)), abs=1e-12)
    assert p.std == pytest.approx(tuple(t.std(axis=0)), abs=1e-12)
    z = normalize(colour, p).reshape(-1, 3).astype(np.float64)
    assert np.abs(z.mean(axis=0)).max() < 1e-4 and np.abs(z.std(axis=0) - 1).max() < 1e-4


def test_given_rgb_statistics_apply_per_channel_and_undo_for_display(colour):
    mean, std, _ = PRESETS["imagenet"]
    p = NormParams("zscore", mean=mean, std=std)
    z = normalize(colour[:5], p)
    expected = (colour[:5] / np.float32(255) - np.float32(mean)) / np.float32(std)
    assert np.allclose(z, expected, atol=1e-5)
    assert z[..., 0].mean() != pytest.approx(z[..., 2].mean())
    assert np.array_equal(to_uint8(z, p), colour[:5])  # the preview shows the original colours


def test_one_number_applies_to_every_channel_as_before(colour):
    a = normalize(colour[:4], NormParams("zscore", mean=0.2, std=0.3))
    b = normalize(colour[:4], NormParams("zscore", mean=(0.2, 0.2, 0.2), std=(0.3, 0.3, 0.3)))
    assert np.array_equal(a, b)


def test_rgb_statistics_on_grey_data_are_refused_naming_the_field(sample_dataset):
    recipe = Recipe(normalize=NormParams("zscore", mean=PRESETS["imagenet"][0], std=PRESETS["imagenet"][1]))
    with pytest.raises(RecipeError, match=r"normalize\.mean has 3 values .* grey"):
        recipe.resolve(sample_dataset)


def test_per_channel_recipe_round_trips_through_json():
    recipe = Recipe(normalize=NormParams("zscore", mean=PRESETS["clip"][0], std=PRESETS["clip"][1]),
                    augment=AugParams(**PHOTO, copies=2))
    data = json.loads(recipe.to_json())
    assert data["normalize"]["mean"] == list(PRESETS["clip"][0])
    assert Recipe.from_json(recipe.to_json()) == recipe


@pytest.mark.parametrize("bad, message", [
    ({"mean": [0.1, 0.2]}, "one number or three"),
    ({"std": [0.2, 0.0, 0.2]}, "std must be a number"),
    ({"mean": [0.1, "x", 0.3]}, "mean must be a number"),
])
def test_bad_per_channel_statistics_name_the_field(bad, message):
    doc = {"version": 1, "normalize": {"method": "zscore", **bad}}
    with pytest.raises(RecipeError, match=message):
        Recipe.from_dict(doc, "r.json")


def test_a_grey_recipe_writes_the_same_json_as_before():
    recipe = Recipe.load("docs/example-recipe.json")
    assert list(recipe.to_dict()["augment"]) == OLD_AUGMENT_KEYS
    assert "flip" not in recipe.to_json()
    assert list(json.loads(Recipe(augment=AugParams(flip=0.5)).to_json())["augment"]) == OLD_AUGMENT_KEYS + ["flip"]


def test_unknown_crop_mode_is_a_problem_in_words():
    with pytest.raises(RecipeError, match="crop_mode must be one of zero, reflect"):
        Recipe.from_dict({"version": 1, "augment": {"crop_padding": 4, "crop_mode": "wrap"}})


# ---------------------------------------------------------------- keyed like the rest

@pytest.mark.parametrize("field", sorted(PHOTO))
def test_each_photo_augmentation_is_keyed_by_image_not_by_batch(colour, field):
    given = {field: PHOTO[field]} if field != "crop_mode" else {"crop_mode": "reflect", "crop_padding": 4}
    params = AugParams(**given)
    whole = augment_batch(colour, params, seed=7, split="train", copies=1)  # > 1,024 images: two threads
    parts = [augment_batch(colour[i:i + 77], params, seed=7, split="train", indices=np.arange(i, min(i + 77, 1300)),
                           copies=1) for i in range(0, 1300, 77)]
    assert np.array_equal(whole, np.concatenate(parts))
    assert not np.array_equal(whole, colour / np.float32(255))  # it did something
    other = augment_batch(colour[:50], params, seed=7, split="train", copies=2)
    assert not np.array_equal(whole[:50], other)  # another copy, other numbers


@pytest.mark.parametrize("extra", [{}, {"rotation": 15, "noise": 0.02}], ids=["photo only", "after a warp"])
def test_colour_recipe_is_independent_of_chunk_size_and_threads(colour, monkeypatch, extra):
    """The jitter groups images by their order of operations within a chunk; no chunking may move a bit."""
    from mnist_desktop.core.processing import augment

    params = AugParams(**PHOTO, **extra)
    reference = augment_batch(colour, params, seed=11, split="train")
    for chunk, threads in ((1, 1), (7, 2), (300, 3)):
        monkeypatch.setattr(augment, "CHUNK", chunk)
        monkeypatch.setattr(augment, "PHOTO_CHUNK", chunk)
        monkeypatch.setattr(augment, "THREADS", threads)
        assert np.array_equal(augment_batch(colour, params, seed=11, split="train"), reference), (chunk, threads)


def test_jitter_from_bytes_equals_jitter_of_the_converted_floats(colour):
    u = np.random.default_rng(4).random((200, 5), dtype=np.float32)
    amounts = (0.4, 0.4, 0.4, 0.5)
    from_bytes = jitter.jitter(colour[:200], u, amounts, out=np.empty((200, 32, 32, 3), np.float32))
    in_place = colour[:200] / np.float32(255)
    jitter.jitter(in_place, u, amounts)
    assert np.array_equal(from_bytes, in_place)
    assert 0 <= in_place.min() and in_place.max() <= 1


def test_switching_one_photo_augmentation_on_does_not_move_the_others(colour):
    flipped = augment_batch(colour[:200], AugParams(flip=0.5), seed=1)
    both = augment_batch(colour[:200], AugParams(flip=0.5, random_greyscale=1.0), seed=1)
    assert np.array_equal(colour_ops.luminance(flipped), both[..., 0])


# ---------------------------------------------------------------- what each does

def test_flip_mirrors_about_half_the_images(colour):
    out = augment_batch(colour, AugParams(flip=0.5), seed=2)
    mirrored = np.array([np.array_equal(o, c[:, ::-1] / np.float32(255)) for o, c in zip(out, colour)])
    same = np.array([np.array_equal(o, c / np.float32(255)) for o, c in zip(out, colour)])
    assert np.all(mirrored | same) and 0.45 < mirrored.mean() < 0.55
    assert np.array_equal(augment_batch(colour[:9], AugParams(flip=1.0)), colour[:9, :, ::-1] / np.float32(255))


@pytest.mark.parametrize("mode", ["zero", "reflect"])
def test_crop_with_padding_is_a_window_of_the_padded_image(colour, mode):
    pad = 4
    out = augment_batch(colour[:300], AugParams(crop_padding=pad, crop_mode=mode), seed=5)
    t = colour[:300] / np.float32(255)
    widths = ((0, 0), (pad, pad), (pad, pad), (0, 0))
    padded = np.pad(t, widths, mode="reflect") if mode == "reflect" else np.pad(t, widths)
    offsets = set()
    for k in range(300):
        hits = [(dy, dx) for dy in range(2 * pad + 1) for dx in range(2 * pad + 1)
                if np.array_equal(padded[k, dy:dy + 32, dx:dx + 32], out[k])]
        assert hits, f"image {k} is no 32x32 window of its padded image"
        offsets.add(hits[0])
    assert len(offsets) > 60  # of the 81 offsets, drawn uniformly


def test_brightness_scales_each_image_by_one_factor_in_range(colour):
    out = augment_batch(colour[:100], AugParams(jitter_brightness=0.4), seed=3)
    t = colour[:100] / np.float32(255)
    for o, x in zip(out, t):
        inside = (x > 0.05) & (o < 1)
        ratio = o[inside] / x[inside]
        assert ratio.max() - ratio.min() < 1e-4 and 0.6 - 1e-6 <= ratio.mean() <= 1.4 + 1e-6


def test_saturation_zero_is_the_grey_image_and_contrast_keeps_the_mean_grey():
    rng = np.random.default_rng(1)
    x = rng.random((3, 8, 8, 3), dtype=np.float32) * 0.5 + 0.25
    grey = np.moveaxis(jitter._saturation(jitter.planar(x), np.zeros(3, np.float32)), 1, 3)
    assert np.allclose(grey, colour_ops.luminance(x)[..., None], atol=1e-6)
    flat = jitter._contrast(jitter.planar(x), np.zeros(3, np.float32))
    assert np.allclose(flat, colour_ops.luminance(x).mean(axis=(1, 2))[:, None, None, None], atol=1e-6)


def test_hue_shift_matches_colorsys():
    rng = np.random.default_rng(2)
    x = rng.random((4, 6, 6, 3), dtype=np.float32)
    shift = np.array([0.1, -0.25, 0.5, 0.0], np.float32)
    out = np.moveaxis(jitter._hue(jitter.planar(x), shift), 1, 3)
    for k in range(4):
        for px, got in zip(x[k].reshape(-1, 3), out[k].reshape(-1, 3)):
            h, s, v = colorsys.rgb_to_hsv(*px)
            assert got == pytest.approx(colorsys.hsv_to_rgb((h + shift[k]) % 1, s, v), abs=2e-5)
    red = jitter.planar(np.array([[[[1.0, 0.0, 0.0]]]], np.float32))
    green = jitter._hue(red, np.array([1 / 3], np.float32)).reshape(3)
    assert green == pytest.approx(np.array([0, 1, 0]), abs=1e-6)


def test_saturation_and_hue_leave_grey_data_alone_brightness_does_not(sample_dataset):
    grey = np.asarray(sample_dataset.images[:50])
    t = grey / np.float32(255)
    assert np.array_equal(augment_batch(grey, AugParams(jitter_saturation=0.5, jitter_hue=0.3)), t)
    assert not np.array_equal(augment_batch(grey, AugParams(jitter_brightness=0.5)), t)
    assert np.array_equal(augment_batch(grey, AugParams(random_greyscale=1.0)), t)


def test_random_greyscale_gives_equal_channels(colour):
    out = augment_batch(colour[:400], AugParams(random_greyscale=0.25), seed=4)
    grey = (out[..., 0] == out[..., 1]).all(axis=(1, 2)) & (out[..., 1] == out[..., 2]).all(axis=(1, 2))
    assert 0.18 < grey.mean() < 0.32


def test_affine_moves_every_channel_with_the_same_geometry(sample_dataset):
    grey = np.asarray(sample_dataset.images[:60])
    rgb = np.repeat(grey[..., None], 3, axis=3)
    params = AugParams(rotation=20, translate=0.1, scale=(0.9, 1.1), shear=10, elastic_alpha=34)
    a, b = augment_batch(grey, params, seed=9), augment_batch(rgb, params, seed=9)
    for c in range(3):
        assert np.array_equal(b[..., c], a)


def test_augment_images_takes_the_photo_fields(colour):
    a = augment_images(colour[:20], flip=1.0, crop_padding=2, seed=1)
    assert a.shape == (20, 32, 32, 3)
    with pytest.raises(TypeError, match="flop"):
        augment_images(colour[:2], flop=1.0)


# ---------------------------------------------------------------- preview = export

def test_rows_of_a_colour_recipe_equal_the_whole_export(colour):
    ds = _colour_dataset(colour)
    recipe = Recipe(normalize=NormParams("zscore"), augment=AugParams(rotation=10, noise=0.02, copies=2,
                                                                       keep_original=True, **PHOTO), seed=11)
    out = apply_recipe(ds, recipe, chunk_size=333)
    ready = recipe.resolve(ds)
    assert isinstance(ready.normalize.mean, tuple) and len(ready.normalize.mean) == 3
    x, _ = process_rows(ds, "train", [5, 5, 700], [-1, 1, 0], ready)
    assert np.array_equal(x, out["train"][0][[15, 17, 2101]])
