"""``--normalize minmax --per-channel``: one low/high per colour channel, recorded in the manifest."""

from __future__ import annotations

import json

import numpy as np
import pytest

from colour_data import cifar10_python, coloured_mnist, uneven_channels
from mnist_desktop.cli import main


@pytest.fixture(scope="module")
def cifar(tmp_path_factory, sample_dataset):
    x, y = coloured_mnist(sample_dataset, 260, seed=6)
    x = uneven_channels(x)
    return cifar10_python(tmp_path_factory.mktemp("cifar"), x[:200], y[:200], x[200:], y[200:]), x[:200]


def test_per_channel_min_max_in_the_manifest_and_reproducible(cifar, tmp_path):
    folder, train = cifar
    out = tmp_path / "m.npz"
    assert main(["export", "--source", str(folder), "--out", str(out), "--format", "npz",
                 "--normalize", "minmax", "--per-channel", "--save-recipe", str(tmp_path / "r.json")]) == 0
    assert json.loads((tmp_path / "r.json").read_text())["normalize"]["scope"] == "channel"
    norm = json.loads((tmp_path / "m.npz.manifest.json").read_text())["recipe"]["normalize"]
    flat = train.reshape(-1, 3)
    assert norm["scope"] == "channel"
    assert norm["low"] == (flat.min(axis=0) / 255).tolist() and norm["high"] == (flat.max(axis=0) / 255).tolist()
    with np.load(out) as f:
        x = f["x_train"].reshape(-1, 3)
    assert x.min(axis=0).tolist() == [0, 0, 0] and x.max(axis=0).tolist() == [1, 1, 1]
    again = tmp_path / "again.npz"  # the manifest's pinned low/high give the same bytes
    assert main(["export", "--source", str(folder), "--out", str(again), "--format", "npz",
                 "--recipe", str(out) + ".manifest.json"]) == 0
    assert again.read_bytes() == out.read_bytes()


def test_global_min_max_of_colour_data_is_unchanged(cifar, tmp_path):
    folder, train = cifar
    out = tmp_path / "g.npz"
    assert main(["export", "--source", str(folder), "--out", str(out), "--format", "npz", "--normalize", "minmax"]) == 0
    norm = json.loads((tmp_path / "g.npz.manifest.json").read_text())["recipe"]["normalize"]
    assert norm["scope"] == "dataset" and norm["low"] == train.min() / 255 and norm["high"] == train.max() / 255


def test_per_channel_on_grey_data_is_plain_min_max_byte_for_byte(tmp_path):
    a, b = tmp_path / "a.npz", tmp_path / "b.npz"
    assert main(["export", "--source", "sample", "--out", str(a), "--format", "npz", "--normalize", "minmax"]) == 0
    assert main(["export", "--source", "sample", "--out", str(b), "--format", "npz", "--normalize", "minmax",
                 "--per-channel"]) == 0
    assert a.read_bytes() == b.read_bytes()


def test_per_channel_with_another_method_is_one_error_line(cifar, tmp_path, capsys):
    folder, _ = cifar
    assert main(["export", "--source", str(folder), "--out", str(tmp_path / "z.npz"), "--format", "npz",
                 "--normalize", "zscore", "--per-channel"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: --per-channel applies to --normalize minmax") and err.count("\n") == 1
    assert not (tmp_path / "z.npz").exists()
