"""Issue 17, cases 9, 10 and 11: any input gives one ``error:`` line (exit 1) or a usage error (exit 2).

Never a traceback, never invalid output with exit 0, and messages that name
what the user gave, not a temporary path.
"""

from __future__ import annotations

import json
import os
import shutil

import numpy as np
import pytest

from fault_support import run_cli
from mnist_desktop.cli import main
from mnist_desktop.core.catalog import FILE_ROLES
from mnist_desktop.core.errors import RecipeError
from mnist_desktop.core.idx import read_idx, write_idx
from mnist_desktop.core.paths import not_a_folder_reason
from mnist_desktop.core.processing.recipe import Recipe
from mnist_files import write_mnist

IMAGES = FILE_ROLES[("test", "images")] + ".gz"
LABELS = FILE_ROLES[("test", "labels")] + ".gz"


def _one_error(capsys, code, expected_code=1) -> str:
    err = capsys.readouterr().err
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert code == expected_code and len(errors) == 1 and "Traceback" not in err, err
    return errors[0]


@pytest.fixture
def empty_images(tmp_path) -> tuple:
    return write_mnist(tmp_path / "empty", test=(np.zeros((10, 0, 0), np.uint8), np.arange(10))), tmp_path


@pytest.mark.parametrize("command", [["check"], ["info"], ["export", "--format", "png", "--out", "OUT"]])
def test_images_of_zero_pixels_are_rejected_at_load(empty_images, capsys, command):
    folder, tmp = empty_images
    args = [a if a != "OUT" else str(tmp / "pngs") for a in command]
    line = _one_error(capsys, main([*args, "--source", str(folder)]))
    assert line == f"error: {folder / IMAGES}: the images have no pixels (0x0); an image needs at least 1x1"
    assert not (tmp / "pngs").exists()


@pytest.fixture
def bad_labels(tmp_path, small_source) -> object:
    folder = tmp_path / "labels"
    shutil.copytree(small_source, folder)
    labels = read_idx(folder / LABELS, copy=True)
    labels[[5, 9]] = [12, 255]
    write_idx(folder / LABELS, labels)
    return folder


@pytest.mark.parametrize("command", [["info"], ["check"], ["export", "--format", "npz", "--dry-run", "--out", "x"]])
def test_labels_outside_the_classes_name_the_file(bad_labels, capsys, command):
    line = _one_error(capsys, main([*command, "--source", str(bad_labels)]))
    assert line.startswith(f"error: {bad_labels / LABELS}: label 12 at index 5 is out of range")


def test_info_says_when_the_dataset_is_not_a_known_one(small_source, capsys):
    assert main(["info", "--source", str(small_source)]) == 0
    assert "not a catalog dataset" in capsys.readouterr().out
    assert main(["info", "--source", "sample", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["identified"] is True


def _recipe_file(tmp_path, text: str):
    path = tmp_path / "r.json"
    path.write_text(text)
    return path


@pytest.mark.parametrize("text,words", [
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ('{"version": 1, "seed": ' + "9" * 5000 + "}", "number too long"),
    ('{"version": 1, "augment": {"rotation": ' + "9" * 4000 + "}}", "augment.rotation must be a number"),
    ('{"version": 1, "seed": ' + "9" * 4000 + "}", "seed must be a whole number"),
    ('{"version": 1, "augment": {"rotation": 1e999}}', "augment.rotation must be a number"),
    ('{"version": 1, "normalize": {"method": "zscore", "mean": 0.1, "std": 1e-300}}', "normalize.std must be"),
], ids=["nested", "5000-digits", "4000-digit-float-field", "4000-digit-seed", "inf", "std-1e-300"])
def test_absurd_recipes_are_one_error_line(tmp_path, capsys, text, words):
    path = _recipe_file(tmp_path, text)
    with pytest.raises(RecipeError, match=words):
        Recipe.load(path)
    line = _one_error(capsys, main(["export", "--out", str(tmp_path / "o.npz"), "--format", "npz",
                                    "--recipe", str(path)]))
    assert line.startswith(f"error: {path}") and words in line and len(line) < 400
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json"]


def test_a_tiny_std_flag_is_refused_not_written_as_infinity(tmp_path, capsys):
    line = _one_error(capsys, main(["export", "--out", str(tmp_path / "o.npz"), "--format", "npz",
                                    "--normalize", "zscore", "--mean", "0.1", "--std", "1e-45"]))
    assert line.startswith("error: --std must be a number between 1e-06")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_gui_with_an_absurd_recipe_exits_1_without_traceback(tmp_path):
    path = _recipe_file(tmp_path, '{"version": 1, "normalize": {"method": "zscore", "mean": 0, "std": 1e-300}}')
    done = run_cli("gui", "--recipe", str(path), "--screenshot", str(tmp_path / "s.png"),
                   env={"QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"{path}: normalize.std must be" in done.stderr and not (tmp_path / "s.png").exists()


@pytest.mark.slow
def test_offscreen_gui_prints_no_qt_noise(tmp_path, small_source):
    done = run_cli("gui", "--source", str(small_source), "--screenshot", str(tmp_path / "s.png"),
                   env={"QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    assert "propagateSizeHints" not in done.stderr and (tmp_path / "s.png").stat().st_size > 0


def test_memory_error_is_one_line(monkeypatch, capsys, tmp_path):
    from mnist_desktop.core.formats import load

    def too_big(*_a, **_k):
        raise MemoryError

    monkeypatch.setattr(load, "load_dataset", too_big)
    line = _one_error(capsys, main(["export", "--out", str(tmp_path / "o.npz"), "--format", "npz"]))
    assert line.startswith("error: not enough memory")


def test_save_recipe_error_names_the_users_path(tmp_path, capsys):
    target = tmp_path / "missing-folder" / "r.json"
    line = _one_error(capsys, main(["export", "--out", str(tmp_path / "o.npz"), "--format", "npz",
                                    "--save-recipe", str(target)]))
    assert line == f"error: {target}: the folder {target.parent} does not exist"


@pytest.mark.parametrize("excluded,words", [
    ({"train": [1]}, "excluded names a 'train' split, but the dataset (sample) has only test"),
    ({"test": [3, 10_000]}, "excluded.test holds index 10000, but the test split has 10,000 samples"),
])
def test_exclusions_that_do_not_exist_are_errors(tmp_path, capsys, excluded, words):
    path = tmp_path / "r.json"
    Recipe.from_dict({"version": 1, "excluded": excluded}).save(path)
    line = _one_error(capsys, main(["export", "--out", str(tmp_path / "o.npz"), "--format", "npz",
                                    "--recipe", str(path)]))
    assert words in line and not (tmp_path / "o.npz").exists()


@pytest.mark.parametrize("args", [["export", "--out", "o.npz", "--format", "npz", "--exclude-flagged", "--top=-1"],
                                  ["check", "--top=-1"]])
def test_negative_top_is_a_usage_error(args, capsys):
    with pytest.raises(SystemExit) as stop:
        main(args)
    assert stop.value.code == 2 and "expected 0 or more, got -1" in capsys.readouterr().err


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="symlinks")
def test_sources_that_cannot_be_folders_say_why(tmp_path, capsys):
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    line = _one_error(capsys, main(["info", "--source", str(loop)]))
    assert line == f"error: {loop}: Too many levels of symbolic links"
    a_file = tmp_path / "notes.txt"
    a_file.write_text("x")
    assert not_a_folder_reason(a_file) == f"{a_file}: is a file, not a folder"
    assert not_a_folder_reason(tmp_path / "none") == f"{tmp_path / 'none'}: no such folder"
