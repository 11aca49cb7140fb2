"""Issue 27, items 5, 7-9, 11 and 13-18: bad input never hangs, wraps or leaks a traceback (10, 16: test_signals_27.py).

Each case reproduces the input of the issue and checks what a user sees:
the exit code, one ``error:`` line naming the path or the value, no
traceback, and no hang (every child runs under a timeout of a few seconds
beyond its start-up).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from fault_support import REPO
from mnist_desktop.cli import main
from mnist_desktop.core.download.downloader import download
from mnist_desktop.core.errors import DownloadError, RecipeError
from mnist_desktop.core.formats.load import load_dataset
from mnist_desktop.core.processing.recipe import Recipe

POSIX = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX pipes and signals")
#: Start-up of a child on a loaded 2-core machine is 1-3 s; a hang is anything far beyond that.
TIMEOUT = 30


def cli(*args: str, cwd: Path | None = None, timeout: float = TIMEOUT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mnist_desktop", *args], capture_output=True, text=True,
                          cwd=cwd or REPO, timeout=timeout)


def one_error(result: subprocess.CompletedProcess | tuple, code: int = 1) -> str:
    """The single ``error:`` line of a failed run (exit ``code``, no traceback, nothing else on stderr)."""
    rc, err = (result.returncode, result.stderr) if hasattr(result, "stderr") else result
    assert "Traceback" not in err and "Warning" not in err, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert rc == code and len(lines) == 1 and lines[0].startswith("error: "), (rc, err)
    return lines[0]


def in_process(capsys, *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().err


def npz(path: Path, labels, images=None) -> Path:
    images = np.random.default_rng(0).integers(0, 256, (len(labels), 28, 28), np.uint8) if images is None else images
    np.savez(path, x_train=images, y_train=np.asarray(labels, np.int64))
    return path


# ------------------------------------------------------------------ item 5: labels never wrap

@pytest.mark.parametrize("label", [2**31, 10**6, 100_000])
def test_item5_a_label_beyond_the_class_bound_is_refused_naming_file_value_and_index(tmp_path, capsys, label):
    src = npz(tmp_path / "ids.npz", [0, 1, label])
    out = tmp_path / "out.npz"
    line = one_error(in_process(capsys, "export", "--source", str(src), "--out", str(out), "--format", "npz"))
    assert line.startswith(f"error: {src}: label {label} at index 2 is beyond the 100,000 classes")
    assert not out.exists()


def test_item5_a_csv_label_of_a_billion_is_refused_not_wrapped(tmp_path, capsys):
    src = tmp_path / "ids.csv"
    src.write_text("label,pixel0,pixel1,pixel2,pixel3\n1000000000,0,1,2,3\n1,4,5,6,7\n")
    line = one_error(in_process(capsys, "info", "--source", str(src)))
    assert line.startswith(f"error: {src}: label 1000000000 at index 0 is beyond the 100,000 classes")


@pytest.mark.parametrize("fmt", ["npz", "idx", "csv"])
def test_item5_labels_up_to_the_bound_are_exported_exactly(tmp_path, fmt):
    """70,000 does not fit 16 bits (it was written as 4,464) and 300 needs more than a byte (IDX refused it)."""
    labels = [0, 300, 70_000, 99_999]
    out = tmp_path / f"out.{fmt}"
    assert main(["export", "--source", str(npz(tmp_path / "many.npz", labels)), "--out", str(out),
                 "--format", fmt, "--normalize", "none"]) == 0
    back = load_dataset(out)
    assert back.splits["train"].labels.tolist() == labels
    assert len(back.class_names) == 100_000


def test_item9_a_class_folder_named_100000000_fails_at_once_naming_it(tmp_path):
    from PIL import Image

    for name in ("3", "100000000"):
        (tmp_path / "imgs" / name).mkdir(parents=True)
        Image.fromarray(np.zeros((4, 4), np.uint8)).save(tmp_path / "imgs" / name / "a.png")
    start = time.monotonic()
    line = one_error(cli("info", "--source", str(tmp_path / "imgs")))
    assert line.startswith(f"error: {tmp_path / 'imgs' / '100000000'}: label 100000000 is beyond the 100,000")
    assert time.monotonic() - start < TIMEOUT  # it took ~60 s and ended in "not enough memory"


def test_item9_many_classes_build_no_per_class_tables(tmp_path):
    """3 images of 100,000 classes: no class means (630 MB of sums), no 100,000 toggles."""
    from mnist_desktop.core.stats import ClassMeans

    ds = load_dataset(npz(tmp_path / "many.npz", [0, 1, 99_999]))
    assert len(ds.class_names) == 100_000
    assert ClassMeans(ds).means(["train"]) is None


@pytest.mark.parametrize("command", [["check"], ["evaluate"], ["export", "--exclude-flagged", "--format", "npz",
                                     "--out", "OUT"]])
def test_item9_the_label_models_refuse_many_classes_before_allocating(tmp_path, capsys, command):
    """check and evaluate keep a score per sample and class: 100,000 classes ran for minutes, then ran out."""
    rng = np.random.default_rng(0)
    src = tmp_path / "many.npz"
    np.savez(src, x_train=rng.integers(0, 256, (150, 28, 28), np.uint8), y_train=np.r_[np.arange(149) % 10, 99_999],
             x_test=rng.integers(0, 256, (50, 28, 28), np.uint8), y_test=np.arange(50) % 10)
    args = [str(tmp_path / "o.npz") if a == "OUT" else a for a in command]
    line = one_error(in_process(capsys, *args, "--source", str(src)))
    what = "evaluate" if command == ["evaluate"] else "the check"
    assert line == (f"error: {src}: 100,000 classes (labels up to 99,999); {what} handles at most 1,000 classes "
                    "(it keeps a score per sample and class)")
    assert not (tmp_path / "o.npz").exists()


# ------------------------------------------------------------------ items 7, 8: not regular files, huge JSON

@POSIX
@pytest.mark.parametrize("command", [["info", "--source"], ["check", "--source"],
                                     ["export", "--out", "OUT", "--format", "npz", "--source"]])
def test_item8_a_named_pipe_is_refused_at_once(tmp_path, command):
    fifo = tmp_path / "fifo.csv"
    os.mkfifo(fifo)
    args = [str(tmp_path / "o.npz") if a == "OUT" else a for a in command]
    line = one_error(cli(*args, str(fifo)))  # blocked forever before: the timeout fails the test
    assert line == f"error: {fifo}: is a named pipe (FIFO), not a regular file; nothing was read from it"
    assert not (tmp_path / "o.npz").exists()


@POSIX
def test_item8_a_pipe_inside_a_folder_is_not_opened(tmp_path, small_source):
    folder = tmp_path / "data"
    shutil.copytree(small_source, folder)
    os.mkfifo(folder / "extra.csv")
    os.mkfifo(folder / "x_train.npy")
    result = cli("info", "--source", str(folder))
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr


@POSIX
def test_item8_a_pipe_named_like_a_manifest_never_blocks_an_export(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    os.mkfifo(out / "manifest.json")
    line = one_error(cli("export", "--source", "sample", "--out", str(out), "--format", "npy", "--force"))
    assert line.startswith(f"error: {out} is a folder that is not an mnist-desktop export")
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json"]


@POSIX
@pytest.mark.parametrize("recipe", ["/dev/zero", "/dev/urandom", "FIFO", "BIG"])
@pytest.mark.parametrize("command", [["export", "--out", "OUT", "--format", "npz"], ["export", "--dry-run", "--out",
                                     "OUT", "--format", "npz"], ["evaluate"], ["map", "--out", "OUT.csv"]])
def test_item7_a_recipe_that_is_a_device_pipe_or_huge_is_refused_unread(tmp_path, recipe, command, capsys):
    if recipe == "FIFO":
        recipe = str(tmp_path / "r.json")
        os.mkfifo(recipe)
    elif recipe == "BIG":
        recipe = str(tmp_path / "big.json")
        with open(recipe, "wb") as f:
            f.truncate(70_000_000)  # sparse: 70 MB that take no disk
    args = [str(tmp_path / "o.npz") if a == "OUT" else str(tmp_path / "o.csv") if a == "OUT.csv" else a
            for a in command]
    line = one_error(in_process(capsys, *args, "--source", "sample", "--recipe", recipe))
    if recipe.endswith("big.json"):
        assert line == f"error: {recipe}: is 70.0 MB; a recipe is at most 64 MB, so this is not one"
    else:
        kind = "a named pipe (FIFO)" if recipe.endswith(".json") else "a character device"
        assert line == f"error: {recipe}: is {kind}, not a regular file; nothing was read from it"
    assert not (tmp_path / "o.npz").exists() and not (tmp_path / "o.csv").exists()


@POSIX
def test_item7_the_gui_and_the_notebook_refuse_a_device_recipe_the_same_way(tmp_path):
    import mnist_desktop as md

    with pytest.raises(RecipeError, match="^/dev/zero: is a character device, not a regular file"):
        md.process(md.load_dataset("sample"), "/dev/zero")


# ------------------------------------------------------------------ items 11, 13: one recipe check

RECIPES = {
    "huge": ({"excluded": {"test": [2**70]}},
             "error: {r}: excluded.test holds index 1180591620717411303424, which no sample has "
             "(indices are 0 to 9,223,372,036,854,775,807)"),
    "huge-label": ({"relabelled": {"test": {"3": 2**70}}},
                   "error: {r}: relabelled.test holds 1180591620717411303424, beyond any sample index or label "
                   "(0 to 9,223,372,036,854,775,807)"),
    "range": ({"excluded": {"test": [3, 20_000]}},
              "error: recipe: excluded.test holds index 20000, but the test split has 10,000 samples "
              "(indices 0..9999)"),
    "split": ({"excluded": {"val2": [1]}},
              "error: recipe: excluded names a 'val2' split, but the dataset (sample) has only test"),
}


@pytest.mark.parametrize("case", RECIPES)
@pytest.mark.parametrize("command", [["export", "--out", "OUT", "--format", "npz"],
                                     ["export", "--dry-run", "--out", "OUT", "--format", "npz"], ["evaluate"],
                                     ["map", "--out", "OUT.csv"]])
def test_items11_13_every_command_refuses_a_bad_recipe_with_the_same_line(tmp_path, capsys, case, command):
    data, expected = RECIPES[case]
    recipe = tmp_path / "r.json"
    recipe.write_text(json.dumps({"version": 1, **data}))
    args = [str(tmp_path / "o.npz") if a == "OUT" else str(tmp_path / "o.csv") if a == "OUT.csv" else a
            for a in command]
    line = one_error(in_process(capsys, *args, "--source", "sample", "--recipe", str(recipe)))
    assert line == expected.format(r=recipe)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json"]


def test_items11_13_the_notebook_api_refuses_the_same(sample_dataset):
    import mnist_desktop as md

    with pytest.raises(RecipeError, match="excluded.test holds index 20000, but the test split has 10,000"):
        md.process(sample_dataset, md.Recipe(excluded={"test": [20_000]}))
    with pytest.raises(RecipeError, match="which no sample has"):
        md.Recipe(excluded={"test": [2**70]}).validate()


def test_item13_the_gui_refuses_the_same_recipe_on_load(qtbot, tmp_path, sample_dataset):
    from mnist_desktop.gui.recipe.model import RecipeModel

    model = RecipeModel()
    model.set_dataset(sample_dataset)
    recipe = tmp_path / "r.json"
    recipe.write_text(json.dumps({"version": 1, "excluded": {"test": [20_000]}}))
    with pytest.raises(RecipeError) as refused:
        model.load(str(recipe))
    assert str(refused.value) == (f"{recipe}: excluded.test holds index 20000, but the test split has 10,000 "
                                  "samples (indices 0..9999)")
    assert model.recipe == Recipe()


# ------------------------------------------------------------------ item 14: NaN / Inf

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_item14_nan_and_inf_pixels_are_refused_with_the_count(tmp_path, dtype):
    images = np.full((3, 2, 2), 0.5, dtype)
    images[0, 0, 0], images[1, 1, 1], images[2, 0, 1] = np.nan, np.inf, -np.inf
    src = npz(tmp_path / "f.npz", [0, 1, 2], images)
    out = tmp_path / "o.npz"
    result = cli("export", "--source", str(src), "--out", str(out), "--format", "npz")
    line = one_error(result)  # also: no RuntimeWarning with source code on stderr
    assert line == f"error: {src}: 3 pixel values are NaN or infinite (of 12); the images must hold finite numbers"
    assert not out.exists()


def test_item14_float64_beyond_float32_is_refused_too(tmp_path, capsys):
    src = npz(tmp_path / "f.npz", [0, 1], np.array([[[1e300]], [[0.0]]]))
    line = one_error(in_process(capsys, "info", "--source", str(src)))
    assert "1 pixel values are NaN or infinite" in line


# ------------------------------------------------------------------ item 15: symlinks in image folders

def _image_folder(root: Path) -> Path:
    from PIL import Image

    rng = np.random.default_rng(1)
    for c in range(3):
        (root / str(c)).mkdir(parents=True)
        for i in range(20):
            Image.fromarray(rng.integers(0, 256, (8, 8), np.uint8)).save(root / str(c) / f"{i}.png")
    return root


@POSIX
def test_item15_a_self_link_is_skipped_and_the_classes_stay(tmp_path):
    folder = _image_folder(tmp_path / "imgs")
    os.symlink(".", folder / "self")
    os.symlink("..", folder / "1" / "up")
    os.symlink(tmp_path / "elsewhere", folder / "out")
    _image_folder(tmp_path / "elsewhere")
    ds = load_dataset(folder)
    assert len(ds) == 60 and ds.split_names == ("images",) and ds.class_names == ("0", "1", "2")
    assert np.bincount(ds.splits["images"].labels).tolist() == [20, 20, 20]  # was 120 unlabelled images
    assert "self: a link that points back at a folder that holds it (a loop); skipped" in ds.notes
    assert "1/up: a link that points back at a folder that holds it (a loop); skipped" in ds.notes
    assert f"out: a link that points out of imgs ({tmp_path / 'elsewhere'}); skipped" in ds.notes


@POSIX
def test_item15_a_link_to_a_file_inside_the_folder_is_read(tmp_path):
    folder = _image_folder(tmp_path / "imgs")
    os.symlink(folder / "0" / "0.png", folder / "2" / "linked.png")
    ds = load_dataset(folder)
    assert len(ds) == 61 and not ds.notes


# ------------------------------------------------------------------ item 17: download --force message

def test_item17_a_failed_force_download_says_the_verified_file_is_kept(server, tmp_path):
    from download_support import TEST_FILES, assert_verified

    download("mnist", "test", tmp_path, mirrors=[server.url("good")])
    before = {f.name: (tmp_path / "mnist" / f.name).read_bytes() for f in TEST_FILES}
    with pytest.raises(DownloadError) as failed:
        download("mnist", "test", tmp_path, mirrors=[server.url("missing")], force=True)
    text = str(failed.value)
    assert "failed its SHA-256 check" not in text
    assert f"({tmp_path / 'mnist' / TEST_FILES[0].name} is kept: the earlier file, whose SHA-256 was verified)" in text
    assert {f.name: (tmp_path / "mnist" / f.name).read_bytes() for f in TEST_FILES} == before
    assert_verified(tmp_path / "mnist")


# ------------------------------------------------------------------ item 18: blocks in the space estimate

def test_item18_a_png_export_that_cannot_fit_says_its_size_on_disk(tmp_path, monkeypatch, capsys):
    """10,001 files of ~490 bytes take 41 MB in 4 KiB blocks: the message said 4.9 MB."""
    import collections

    usage = collections.namedtuple("Usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda _p: usage(50 << 20, 20 << 20, 30 << 20))
    real = os.statvfs(tmp_path)
    monkeypatch.setattr(os, "statvfs", lambda _p: os.statvfs_result((4096, 4096, *real[2:])))
    out = tmp_path / "pngs"
    line = one_error(in_process(capsys, "export", "--source", "sample", "--out", str(out), "--format", "png",
                                "--normalize", "none"))
    assert line.startswith(f"error: {out}: not enough free space: the export needs about 4")  # 41 MB
    assert "on disk (10,000 images, 10,001 files of whole 4 KiB blocks: " in line
    mb = float(line.split("needs about ")[1].split(" MB")[0])
    assert 40 <= mb <= 42
    assert not out.exists()
