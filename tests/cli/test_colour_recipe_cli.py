"""The colour recipe's flags: --norm-preset, --mean/--std R,G,B, --flip, --crop-padding, --jitter-*,
--random-greyscale."""

from __future__ import annotations

import json

import numpy as np
import pytest

from colour_data import cifar10_python, coloured_mnist
from mnist_desktop.cli import main
from mnist_desktop.core.formats.load import load_dataset
from mnist_desktop.core.processing.normalize import PRESETS
from mnist_desktop.core.processing.pipeline import process_rows
from mnist_desktop.core.processing.recipe import Recipe

PHOTO_FLAGS = ["--flip", "--crop-padding", "4", "--crop-mode", "reflect", "--jitter-brightness", "0.4",
               "--jitter-contrast", "0.4", "--jitter-saturation", "0.4", "--jitter-hue", "0.1",
               "--random-greyscale", "0.1"]


@pytest.fixture(scope="module")
def cifar(tmp_path_factory, sample_dataset):
    x, y = coloured_mnist(sample_dataset, 260, seed=6)
    return cifar10_python(tmp_path_factory.mktemp("cifar"), x[:200], y[:200], x[200:], y[200:])


def test_export_with_preset_and_photo_flags_writes_what_the_pipeline_makes(cifar, tmp_path):
    out = tmp_path / "c.npz"
    assert main(["export", "--source", str(cifar), "--out", str(out), "--format", "npz", "--norm-preset", "imagenet",
                 "--copies", "2", "--save-recipe", str(tmp_path / "r.json"), *PHOTO_FLAGS]) == 0
    saved = json.loads((tmp_path / "r.json").read_text())
    assert saved["normalize"]["mean"] == list(PRESETS["imagenet"][0])
    assert saved["augment"]["flip"] == 0.5 and saved["augment"]["crop_mode"] == "reflect"
    recipe = Recipe.load(tmp_path / "r.json")
    ds = load_dataset(cifar)
    with np.load(out) as f:
        x = f["x_train"]
    assert x.shape == (400, 32, 32, 3)
    rows, _ = process_rows(ds, "train", [0, 0, 150], [0, 1, 1], recipe.resolve(ds))
    np.testing.assert_array_equal(rows, x[[0, 1, 301]])
    # the manifest's recipe reproduces the export byte for byte
    again = tmp_path / "again.npz"
    assert main(["export", "--source", str(cifar), "--out", str(again), "--format", "npz",
                 "--recipe", str(out) + ".manifest.json"]) == 0
    assert again.read_bytes() == out.read_bytes()


def test_zscore_of_colour_data_is_per_channel_in_the_manifest(cifar, tmp_path):
    out = tmp_path / "z.npz"
    assert main(["export", "--source", str(cifar), "--out", str(out), "--format", "npz", "--normalize", "zscore"]) == 0
    norm = json.loads((tmp_path / "z.npz.manifest.json").read_text())["recipe"]["normalize"]
    assert len(norm["mean"]) == 3 and len(norm["std"]) == 3
    with np.load(out) as f:
        z = f["x_train"].reshape(-1, 3).astype(np.float64)
    assert np.abs(z.mean(axis=0)).max() < 1e-3 and np.abs(z.std(axis=0) - 1).max() < 1e-3


def test_given_rgb_mean_and_std(cifar, tmp_path):
    out = tmp_path / "g.npz"
    assert main(["export", "--source", str(cifar), "--out", str(out), "--format", "npz", "--normalize", "zscore",
                 "--mean", "0.5,0.4,0.3", "--std", "0.25"]) == 0
    ds = load_dataset(cifar)
    with np.load(out) as f:
        x = f["x_test"]
    expected = (ds.splits["test"].images / np.float32(255) - np.float32([0.5, 0.4, 0.3])) / np.float32(0.25)
    np.testing.assert_allclose(x, expected, atol=1e-5)


def test_rgb_preset_on_grey_data_is_one_error_line(tmp_path, capsys):
    code = main(["export", "--source", "sample", "--out", str(tmp_path / "g.npz"), "--format", "npz",
                 "--norm-preset", "clip"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and len(err) == 1
    assert err[0].startswith("error: normalize.mean has 3 values") and "grey" in err[0] and "sample" in err[0]


@pytest.mark.parametrize("flags, message, exit_code", [
    (["--mean", "0.1,0.2"], "--mean: expected one number or three (R,G,B)", 2),
    (["--flip", "1.5"], "error: --flip must be a number between 0 and 1", 1),  # like --rotation 500
    (["--crop-padding", "100"], "error: --crop-padding must be a whole number between 0 and 64", 1),
    (["--jitter-hue", "0.7"], "error: --jitter-hue must be a number between 0 and 0.5", 1),
])
def test_bad_flags_name_the_flag(flags, message, exit_code, tmp_path, capsys):
    try:
        code = main(["export", "--source", "sample", "--out", str(tmp_path / "o.npz"), "--format", "npz", *flags])
    except SystemExit as exc:  # argparse's own check
        code = exc.code
    assert code == exit_code
    assert message in capsys.readouterr().err
    assert not (tmp_path / "o.npz").exists()
