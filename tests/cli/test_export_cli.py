"""``mnist-desktop export``: flags, recipe files, overwrite protection, error contract."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from mnist_desktop.cli import main
from mnist_desktop.core.processing.recipe import Recipe
from mnist_files import write_mnist


def test_export_npz_on_the_sample(tmp_path, capsys):
    out = tmp_path / "mnist.npz"
    code = main(["export", "--source", "sample", "--out", str(out), "--format", "npz", "--rotation", "10",
                 "--noise", "0.02", "--seed", "4", "--normalize", "zscore", "--mean", "0.1307", "--std", "0.3081"])
    assert code == 0
    captured = capsys.readouterr()
    assert "wrote 10,000 images (test 10,000) as npz" in captured.out
    assert "export: 100%" in captured.err
    with np.load(out, allow_pickle=False) as z:
        assert z.files == ["x_test", "y_test"] and z["x_test"].shape == (10000, 28, 28)
        assert z["x_test"].dtype == np.float32
    man = json.loads((tmp_path / "mnist.npz.manifest.json").read_text())
    assert man["recipe"]["augment"]["rotation"] == 10 and man["recipe"]["normalize"]["mean"] == 0.1307
    assert man["counts"]["test"]["per_class"]["1"] == 1135


def test_refuses_to_overwrite_without_force(tmp_path, capsys):
    out = tmp_path / "pngs"
    args = ["export", "--out", str(out), "--format", "idx", "--normalize", "none", "--split", "test"]
    assert main(args) == 0
    before = (out / "manifest.json").read_bytes()
    capsys.readouterr()
    assert main(args) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and str(out) in err and "--force" in err
    assert (out / "manifest.json").read_bytes() == before
    assert main([*args, "--force"]) == 0


def test_flags_override_the_recipe_file(tmp_path):
    Recipe.from_dict({"version": 1, "seed": 9, "augment": {"rotation": 5, "copies": 2}}).save(tmp_path / "r.json")
    assert main(["export", "--out", str(tmp_path / "o"), "--format", "npy", "--recipe", str(tmp_path / "r.json"),
                 "--rotation", "7", "--keep-original", "--save-recipe", str(tmp_path / "eff.json")]) == 0
    eff = Recipe.load(tmp_path / "eff.json")
    assert (eff.seed, eff.augment.rotation, eff.augment.copies, eff.augment.keep_original) == (9, 7, 2, True)
    assert np.load(tmp_path / "o" / "x_test.npy").shape == (30000, 28, 28)


def test_bad_recipe_file_names_the_field(tmp_path, capsys):
    (tmp_path / "r.json").write_text('{"version": 1, "augment": {"rotation": "abc"}}')
    recipe = str(tmp_path / "r.json")
    assert main(["export", "--out", str(tmp_path / "m.npz"), "--format", "npz", "--recipe", recipe]) == 1
    err = capsys.readouterr().err
    assert err == f'error: {recipe}: augment.rotation must be a number between 0 and 180 (degrees), got "abc"\n'
    assert not (tmp_path / "m.npz").exists()


def test_bad_flag_value_names_the_flag(tmp_path, capsys):
    assert main(["export", "--out", str(tmp_path / "m.npz"), "--format", "npz", "--elastic-sigma", "0"]) == 1
    assert capsys.readouterr().err.startswith("error: --elastic-sigma must be a number between 0.01 and 50")


def test_missing_split_and_missing_folder(tmp_path, capsys):
    assert main(["export", "--out", str(tmp_path / "m.npz"), "--format", "npz", "--split", "train"]) == 1
    assert "has no train split" in capsys.readouterr().err
    assert main(["export", "--out", str(tmp_path / "no" / "m.npz"), "--format", "npz"]) == 1
    assert "no such folder" in capsys.readouterr().err


def test_exclude_flagged_drops_the_planted_problems(tmp_path, sample_dataset):
    from mnist_desktop import flagged_indices, load_dataset

    images = sample_dataset.images[:600].copy()
    labels = sample_dataset.labels[:600].copy()
    images[10] = 0                      # a blank image
    images[20], labels[20] = images[30], labels[30]  # an exact duplicate
    folder = write_mnist(tmp_path / "planted", test=(images, labels), gz=False)
    out = tmp_path / "m.npz"
    assert main(["export", "--source", str(folder), "--out", str(out), "--format", "npz", "--normalize", "none",
                 "--exclude-flagged"]) == 0
    excluded = json.loads((tmp_path / "m.npz.manifest.json").read_text())["recipe"]["excluded"]["test"]
    expected = flagged_indices(load_dataset(folder))["test"].tolist()
    assert excluded == expected and 10 in excluded and (20 in excluded or 30 in excluded)
    with np.load(out) as npz:
        assert len(npz["x_test"]) == 600 - len(excluded)


@pytest.mark.parametrize("args", [["--out", "x.npz"], ["--format", "npz"], ["--out", "x", "--format", "jpg"],
                                  ["--out", "x", "--format", "npz", "--scale", "1"],
                                  ["--out", "x", "--format", "npz", "--top", "3"]])
def test_usage_errors_exit_2(args):
    proc = subprocess.run([sys.executable, "-m", "mnist_desktop", "export", *args], capture_output=True, text=True)
    assert proc.returncode == 2 and "usage:" in proc.stderr
