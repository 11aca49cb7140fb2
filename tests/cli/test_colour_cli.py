"""info, check, evaluate and map run on colour data (a coloured MNIST in a Keras-style npz and CIFAR batches)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from colour_data import cifar10_python, coloured_mnist
from mnist_desktop.cli import main
from mnist_desktop.core.formats.load import load_dataset
from mnist_desktop.core.numeric.deskew import deskew


@pytest.fixture(scope="module")
def colour_npz(tmp_path_factory, sample_dataset):
    x, y = coloured_mnist(sample_dataset, 600, seed=1)
    xt, yt = coloured_mnist(sample_dataset, 200, seed=2, start=600)
    path = tmp_path_factory.mktemp("colour") / "coloured.npz"
    np.savez(path, x_train=x, y_train=y[:, None], x_test=xt, y_test=yt[:, None])  # Keras: y as (N, 1)
    return path


def test_keras_colour_npz_opens_as_rgb(colour_npz, sample_dataset):
    ds = load_dataset(colour_npz)
    x, y = coloured_mnist(sample_dataset, 600, seed=1)
    assert ds.is_colour and ds.image_shape == (32, 32, 3)
    assert np.array_equal(ds.splits["train"].images, x) and ds.splits["train"].labels.tolist() == y.tolist()


def test_info_json_reports_colour_shape(colour_npz, capsys):
    assert main(["info", "--source", str(colour_npz), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["splits"]["train"]["shape"] == [600, 32, 32, 3]


def test_check_evaluate_and_map_run_on_colour(colour_npz, tmp_path, capsys):
    assert main(["evaluate", "--source", str(colour_npz)]) == 0
    out = capsys.readouterr().out
    accuracy = float(out.split("accuracy ")[1].split()[0])
    assert accuracy > 0.5  # ten digit classes: far above chance even with random colours
    assert main(["check", "--source", str(colour_npz)]) == 0
    assert main(["map", "--source", str(colour_npz), "--out", str(tmp_path / "map.csv"), "--no-cache"]) == 0
    assert len((tmp_path / "map.csv").read_text().splitlines()) >= 800


def test_info_on_cifar_python_folder(tmp_path, sample_dataset, capsys):
    x, y = coloured_mnist(sample_dataset, 30)
    cifar10_python(tmp_path, x, y, x[:10], y[:10])
    assert main(["info", "--source", str(tmp_path)]) == 0
    assert "32x32x3 uint8" in capsys.readouterr().out


def test_deskew_moves_colour_channels_like_grey():
    rng = np.random.default_rng(0)
    grey = (rng.random((5, 12, 12)) * 255).astype(np.uint8)
    rgb = np.stack([grey, grey, grey], axis=-1)
    assert np.array_equal(deskew(rgb).reshape(5, 144, 3)[..., 1], deskew(grey))


def test_info_gives_the_per_channel_statistics_of_colour_data(colour_npz, sample_dataset, capsys):
    x, _ = coloured_mnist(sample_dataset, 600, seed=1)
    assert main(["info", "--source", str(colour_npz), "--json"]) == 0
    channels = json.loads(capsys.readouterr().out)["splits"]["train"]["channels"]
    np.testing.assert_allclose(channels["mean"], x.reshape(-1, 3).mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(channels["std"], x.reshape(-1, 3).std(axis=0), rtol=1e-9)
    assert channels["max"] == x.reshape(-1, 3).max(axis=0).tolist()
    assert main(["info", "--source", str(colour_npz)]) == 0
    text = capsys.readouterr().out
    flags = "--mean " + ",".join(f"{v / 255:.4f}" for v in x.reshape(-1, 3).mean(axis=0))
    assert "  per channel: mean R " in text and flags in text  # ready to paste into a z-score recipe
    assert main(["info", "--source", "sample"]) == 0
    assert "per channel" not in capsys.readouterr().out  # grey: the pixels line says it all
