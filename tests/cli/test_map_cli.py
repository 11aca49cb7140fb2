"""``mnist-desktop map``: coordinates as CSV / npy, the picture, the cache, the error contract."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from mnist_desktop.cli import main
from mnist_files import sample_rows, write_mnist

N = 900


@pytest.fixture(scope="module")
def folder(tmp_path_factory, sample_dataset):
    """A test-split folder of 900 real digits."""
    return write_mnist(tmp_path_factory.mktemp("mapsrc"), test=sample_rows(sample_dataset, N))


def test_map_writes_csv_and_png_then_npy_from_the_cache(folder, tmp_path, sample_dataset, capsys):
    csv, png, npy = tmp_path / "map.csv", tmp_path / "map.png", tmp_path / "map.npy"
    assert main(["map", "--source", str(folder), "--out", str(csv), "--png", str(png), "--epochs", "30"]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == f"900 images mapped; wrote {csv}, {png}"
    assert "100%" in captured.err  # the progress bar ran to the end
    table = np.loadtxt(csv, delimiter=",", skiprows=1, usecols=(0, 2, 3, 4))
    assert np.array_equal(table[:, 0], np.arange(N))
    assert np.array_equal(table[:, 1], sample_dataset.labels[:N])
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and int.from_bytes(data[16:20], "big") == 1000

    assert main(["map", "--source", str(folder), "--out", str(npy), "--epochs", "30"]) == 0
    assert "(1 steps of 1 steps)" in capsys.readouterr().err  # read from the cache, not recomputed
    rec = np.load(npy)
    assert np.allclose(np.c_[rec["x"], rec["y"]], table[:, 2:], atol=1e-4 * np.abs(table[:, 2:]).max())


def test_seed_changes_the_map(folder, tmp_path):
    a, b = tmp_path / "a.npy", tmp_path / "b.npy"
    assert main(["map", "--source", str(folder), "--out", str(a), "--epochs", "20", "--no-cache"]) == 0
    assert main(["map", "--source", str(folder), "--out", str(b), "--epochs", "20", "--seed", "7",
                 "--no-cache"]) == 0
    assert not np.allclose(np.load(a)["x"], np.load(b)["x"])


@pytest.mark.parametrize("name", ["map.txt", "map"])
def test_wrong_output_suffix_fails_before_any_work(folder, tmp_path, capsys, name):
    assert main(["map", "--source", str(folder), "--out", str(tmp_path / name)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and name in err and ".csv or .npy" in err
    assert err.count("\n") == 1 and "map mnist" not in err  # one line, no progress: nothing computed
    assert list(tmp_path.iterdir()) == []


def test_missing_source_and_missing_out_folder(folder, tmp_path, capsys):
    assert main(["map", "--source", str(tmp_path / "nope"), "--out", str(tmp_path / "m.csv")]) == 1
    assert capsys.readouterr().err.startswith(f"error: {tmp_path / 'nope'}: no such")
    assert main(["map", "--source", str(folder), "--out", str(tmp_path / "x" / "m.csv")]) == 1
    assert "does not exist" in capsys.readouterr().err
    out, png = str(tmp_path / "m.csv"), str(tmp_path / "m.jpg")
    assert main(["map", "--source", str(folder), "--out", out, "--png", png]) == 1
    assert "m.jpg" in capsys.readouterr().err and list(tmp_path.iterdir()) == []


def test_bad_usage_exits_2():
    proc = subprocess.run([sys.executable, "-m", "mnist_desktop", "map", "--out", "m.csv", "--seed", "x"],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "--seed" in proc.stderr and "Traceback" not in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "mnist_desktop", "--help"], capture_output=True, text=True)
    assert proc.returncode == 0 and "map" in proc.stdout
