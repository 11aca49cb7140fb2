"""Every subcommand takes any supported --source; info says what it found; errors name the file."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from formats_data import image_folder, kaggle_csv, letters47, small_images
from mnist_desktop import load_dataset
from mnist_desktop.cli import main
from mnist_files import write_mnist


@pytest.fixture
def kaggle(tmp_path, sample_dataset):
    x, y = small_images(sample_dataset, 300)
    folder = tmp_path / "digit-recognizer"
    folder.mkdir()
    kaggle_csv(folder / "train.csv", x[:200], y[:200])
    kaggle_csv(folder / "test.csv", x[200:], None)
    return folder


def test_info_describes_a_kaggle_folder(kaggle, capsys):
    assert main(["info", "--source", str(kaggle)]) == 0
    text = capsys.readouterr().out
    assert "format:  csv" in text and "classes: 10 (0, 1," in text
    assert "train: 200 images, 28x28 uint8" in text and "test: 100 images, 28x28 uint8" in text
    assert "labels: none (unlabelled)" in text
    assert main(["info", "--source", str(kaggle), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["format"] == "csv" and report["total"] == 300
    assert report["splits"]["train"]["labelled"] and not report["splits"]["test"]["labelled"]
    assert sum(report["splits"]["train"]["label_counts"]) == 200


def test_info_on_one_file_of_another_format(tmp_path, sample_dataset, capsys):
    x, y = letters47(sample_dataset, 94)
    np.savez(tmp_path / "letters.npz", x_train=x, y_train=y)
    assert main(["info", str(tmp_path / "letters.npz")]) == 0
    text = capsys.readouterr().out
    assert "format:  npz" in text and "classes: 47 (" in text and "train: 94 images" in text


def test_check_skips_the_unlabelled_split_with_a_note(kaggle, capsys):
    assert main(["check", "--source", str(kaggle), "--top", "3"]) == 0
    captured = capsys.readouterr()
    assert "note: the test split has no labels; the label-based check skips it" in captured.err
    assert captured.out.startswith("200 samples checked")


def test_export_from_csv_then_info_and_check_on_the_export(kaggle, tmp_path, capsys):
    out = tmp_path / "kaggle.npz"
    assert main(["export", "--source", str(kaggle), "--out", str(out), "--format", "npz", "--normalize", "none"]) == 0
    capsys.readouterr()
    back = load_dataset(out)
    src = load_dataset(kaggle)
    assert np.array_equal(back.images, src.images) and not back.splits["test"].labelled
    assert main(["info", "--source", str(out)]) == 0
    assert "(export, npz)" in capsys.readouterr().out
    assert main(["check", "--source", str(out)]) == 0


@pytest.mark.slow
def test_export_csv_header_choice(tmp_path, capsys):
    for style, first in (("pixel", "label,pixel0,pixel1"), ("rowcol", "label,1x1,1x2")):
        out = tmp_path / style
        assert main(["export", "--out", str(out), "--format", "csv", "--normalize", "none",
                     "--csv-header", style]) == 0
        assert (out / "test.csv").read_text()[:40].startswith(first)
        assert np.array_equal(load_dataset(out).images, load_dataset("sample").images)
    capsys.readouterr()


def test_recipe_from_a_manifest_reproduces_the_export(tmp_path, sample_dataset, capsys):
    a = write_mnist(tmp_path / "a", test=small_images(sample_dataset, 200), gz=False)
    first = tmp_path / "first.npz"
    assert main(["export", "--source", str(a), "--out", str(first), "--format", "npz", "--normalize", "zscore",
                 "--rotation", "12", "--copies", "2", "--seed", "5"]) == 0
    manifest = tmp_path / "first.npz.manifest.json"
    again = tmp_path / "again.npz"
    assert main(["export", "--source", str(a), "--out", str(again), "--format", "npz",
                 "--recipe", str(manifest)]) == 0
    with np.load(first) as f, np.load(again) as g:
        assert np.array_equal(f["x_test"], g["x_test"]) and np.array_equal(f["y_test"], g["y_test"])
    # the pinned statistics, not those of new data
    other = tmp_path / "other.npz"
    assert main(["export", "--out", str(other), "--format", "npz", "--recipe", str(manifest)]) == 0
    pinned = json.loads(manifest.read_text())["recipe"]["normalize"]
    used = json.loads((tmp_path / "other.npz.manifest.json").read_text())["recipe"]["normalize"]
    assert used["mean"] == pinned["mean"] and used["std"] == pinned["std"]
    capsys.readouterr()


def test_source_errors_name_the_file(tmp_path):
    junk = tmp_path / "notes.txt"
    junk.write_text("hello\n")
    for cmd in (["info", "--source", str(junk)], ["check", "--source", str(junk)],
                ["export", "--source", str(junk), "--out", str(tmp_path / "o.npz"), "--format", "npz"]):
        out = subprocess.run([sys.executable, "-m", "mnist_desktop", *cmd], capture_output=True, text=True)
        assert out.returncode == 1 and out.stderr.startswith(f"error: {junk}: not a dataset file this tool reads")
        assert "Traceback" not in out.stderr and not (tmp_path / "o.npz").exists()


def test_image_folder_source_for_every_subcommand(tmp_path, sample_dataset, capsys):
    x, y = small_images(sample_dataset, 120)
    image_folder(tmp_path / "pngs", x, y)
    assert main(["info", "--source", str(tmp_path / "pngs")]) == 0
    assert "format:  images" in capsys.readouterr().out
    assert main(["check", "--source", str(tmp_path / "pngs"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == 120
    assert main(["export", "--source", str(tmp_path / "pngs"), "--out", str(tmp_path / "o"), "--format", "npy",
                 "--normalize", "none"]) == 0
    assert len(load_dataset(tmp_path / "o")) == 120


def test_evaluate_uses_the_labelled_split_with_a_note(kaggle, capsys):
    assert main(["evaluate", "--source", str(kaggle), "--json"]) == 0
    captured = capsys.readouterr()
    assert "note: the test split has no labels; the label-based evaluation skips it" in captured.err
    report = json.loads(captured.out)
    assert report["n_train"] + report["n_test"] == 200  # a hold-out of the 200 labelled rows
