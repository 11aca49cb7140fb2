"""Augmentation: the maths of the affine map, elastic smoothing, and determinism."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.ndimage as ndi

from mnist_desktop import augment_images
from mnist_desktop.core.processing import augment
from mnist_desktop.core.processing import warp as _warp
from mnist_desktop.core.processing.aug_params import AugParams
from mnist_desktop.core.processing.augment import augment_batch
from mnist_desktop.core.errors import RecipeError

ALL = dict(rotation=20, translate=0.1, scale=(0.8, 1.2), shear=15, elastic_alpha=34, elastic_sigma=4, noise=0.05)


@pytest.fixture(scope="module")
def images(sample_dataset):
    return np.ascontiguousarray(sample_dataset.images[:300])


def _warp_one(img, angle, scale, shear, tx, ty):
    inv = _warp.inverse_affine(np.array([angle]), np.array([scale]), np.array([shear]))
    sx, sy = _warp.sample_coords(inv, np.array([[tx, ty]], np.float32), img.shape)
    return _warp.bilinear(_warp.pad_images(img[None]), sx, sy)[0], inv[0]


def test_a_known_point_goes_where_the_maths_says():
    inv = _warp.inverse_affine(np.array([90.0, 0.0, 0.0]), np.array([1.0, 2.0, 1.0]), np.array([0.0, 0.0, 45.0]))
    shift = np.array([[0, 0], [0, 0], [0, 0]], np.float32)
    sx, sy = _warp.sample_coords(inv, shift, (28, 28))
    c = 13.5
    # 90 degrees counter-clockwise on screen: the output pixel 5.5 above the centre
    # (row 8, col 13.5 -> use col 13 and 14 average) shows what was 5.5 right of it.
    assert (sx[0, 8, 13] + sx[0, 8, 14]) / 2 == pytest.approx(c + 5.5, abs=1e-5)
    assert (sy[0, 8, 13] + sy[0, 8, 14]) / 2 == pytest.approx(c, abs=1e-5)
    # Zoom x2: the pixel 4 right of centre samples 2 right of centre.
    assert sx[1, 13, 21] - c == pytest.approx((21 - c) / 2)
    # Shear 45 degrees: x_out = x + y, so output (x, y) samples (x - y, y).
    assert sx[2, 20, 13] == pytest.approx(13 - (20 - c), abs=1e-5)


def test_translation_moves_content_by_whole_pixels(images):
    out, _ = _warp_one(images[0], 0, 1, 0, 3, -2)
    expected = np.zeros((28, 28), np.float32)
    expected[:26, 3:] = images[0][2:, :25] / np.float32(255)
    assert np.array_equal(out, expected)


@pytest.mark.parametrize("angle,scale,shear,tx,ty", [(30, 1, 0, 0, 0), (-17, 1.3, 10, 2.5, -1.25),
                                                     (90, 0.7, -20, -3, 4)])
def test_affine_matches_scipy(images, angle, scale, shear, tx, ty):
    img = images[7]
    ours, inv = _warp_one(img, angle, scale, shear, tx, ty)
    c = np.array([13.5, 13.5])
    # scipy works in (row, col): input = M @ output + offset.
    m = np.array([[inv[1, 1], inv[1, 0]], [inv[0, 1], inv[0, 0]]], np.float64)
    offset = c - m @ (c + np.array([ty, tx]))
    ref = ndi.affine_transform(img.astype(np.float64) / 255, m, offset, order=1, mode="grid-constant", cval=0)
    np.testing.assert_allclose(ours, ref, atol=2e-5)


def test_gaussian_smoothing_matches_scipy():
    rng = np.random.default_rng(0)
    fields = rng.uniform(-1, 1, (3, 28, 28)).astype(np.float32)
    for sigma in (1.5, 4.0, 9.0):
        ours = _warp.smooth_fields(fields, sigma)
        ref = np.stack([ndi.gaussian_filter(f.astype(np.float64), sigma) for f in fields])
        np.testing.assert_allclose(ours, ref, atol=1e-5)


def test_elastic_warp_matches_scipy_map_coordinates(images):
    img = images[3]
    disp = _warp.smooth_fields(np.random.default_rng(1).uniform(-1, 1, (1, 2, 28, 28)).astype(np.float32), 4) * 34
    inv = _warp.inverse_affine(np.zeros(1), np.ones(1), np.zeros(1))
    sx, sy = _warp.sample_coords(inv, np.zeros((1, 2), np.float32), (28, 28), disp)
    ref = ndi.map_coordinates(img.astype(np.float64) / 255, [sy[0], sx[0]], order=1, mode="grid-constant")
    ours = _warp.bilinear(_warp.pad_images(img[None]), sx, sy)[0]
    np.testing.assert_allclose(ours, ref, atol=2e-5)


def test_subset_equals_rows_of_the_full_run(images):
    full = augment_images(images, seed=5, **ALL)
    part = augment_images(images[100:200], seed=5, indices=np.arange(100, 200), **ALL)
    assert np.array_equal(part, full[100:200])
    shuffled = np.random.default_rng(0).permutation(300)[:40]
    assert np.array_equal(augment_images(images[shuffled], seed=5, indices=shuffled, **ALL), full[shuffled])


@pytest.mark.parametrize("chunk", [1, 7, 64, 1000])
def test_chunk_size_does_not_change_a_bit(images, monkeypatch, chunk):
    reference = augment_images(images, seed=9, **ALL)
    monkeypatch.setattr(augment, "CHUNK", chunk)
    assert np.array_equal(augment_images(images, seed=9, **ALL), reference)


def test_seed_copy_and_split_are_part_of_the_key(images):
    x = images[:20]
    a = augment_images(x, seed=1, rotation=15)
    assert np.array_equal(a, augment_images(x, seed=1, rotation=15))
    assert not np.array_equal(a, augment_images(x, seed=2, rotation=15))
    assert not np.array_equal(a, augment_images(x, seed=1, rotation=15, copy=1))
    assert not np.array_equal(a, augment_images(x, seed=1, rotation=15, split="train"))
    per_copy = augment_batch(np.repeat(x[:1], 3, 0), AugParams(rotation=15), seed=1, indices=[0, 0, 0],
                             copies=[0, 1, 2])
    assert not np.array_equal(per_copy[0], per_copy[1]) and np.array_equal(per_copy[0], a[0])


def test_output_range_identity_and_noise(images):
    out = augment_images(images, seed=3, **ALL)
    assert out.dtype == np.float32 and out.min() >= 0 and out.max() <= 1
    assert np.array_equal(augment_images(images), np.divide(images, 255, dtype=np.float32))
    noisy = augment_images(images, noise=0.05, seed=1)
    diff = (noisy - images / np.float32(255))[(images > 60) & (images < 190)]
    assert float(diff.std()) == pytest.approx(0.05, rel=0.05)
    assert abs(float(diff.mean())) < 0.002


def test_rotation_angles_are_spread_over_the_range():
    # A centred horizontal bar: its principal direction reveals the angle.
    bar = np.zeros((1, 28, 28), np.uint8)
    bar[0, 13:15, 4:24] = 255
    out = augment_batch(np.repeat(bar, 400, 0), AugParams(rotation=30), seed=0, indices=np.arange(400))
    ys, xs = np.mgrid[:28, :28]
    w = out.reshape(400, -1)
    mx, my = w @ xs.ravel() / w.sum(1), w @ ys.ravel() / w.sum(1)
    cxx = (w * (xs.ravel() - mx[:, None]) ** 2).sum(1)
    cyy = (w * (ys.ravel() - my[:, None]) ** 2).sum(1)
    cxy = (w * (xs.ravel() - mx[:, None]) * (ys.ravel() - my[:, None])).sum(1)
    angles = -np.degrees(0.5 * np.arctan2(2 * cxy, cxx - cyy))
    assert angles.min() > -30.5 and angles.max() < 30.5
    assert angles.min() < -27 and angles.max() > 27
    assert abs(np.mean(angles)) < 3


def test_bad_parameters_are_named():
    with pytest.raises(RecipeError, match="rotation must be a number between 0 and 180"):
        augment_images(np.zeros((1, 28, 28), np.uint8), rotation=200)
    with pytest.raises(RecipeError, match="scale must be two numbers"):
        augment_images(np.zeros((1, 28, 28), np.uint8), scale=(1.2, 0.8))
    (problem,) = AugParams(copies=0).problems()
    assert problem.field == "copies" and "would have no images" in problem.message
    assert list(map(str, AugParams(noise="x").problems())) == [
        'noise must be a number between 0 and 1 (standard deviation on the 0..1 scale), got "x"']


def test_thread_count_does_not_change_a_single_pixel(sample_dataset, monkeypatch):
    """Large batches run on several threads; every image still depends only on its key."""
    import mnist_desktop.core.processing.augment as aug_mod

    x = sample_dataset.images[:3000]
    params = AugParams(rotation=20, translate=0.1, scale=(0.9, 1.1), elastic_alpha=34, noise=0.05)
    results = []
    for threads in (1, 3):
        monkeypatch.setattr(aug_mod, "THREADS", threads)
        results.append(aug_mod.augment_batch(x, params, seed=7, split="test", indices=np.arange(3000)))
    np.testing.assert_array_equal(results[0], results[1])
