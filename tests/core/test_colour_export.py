"""Colour out: every writer keeps (N, H, W, 3), the tool's own readers give back the same arrays."""

from __future__ import annotations

import json

import numpy as np
import pytest

from colour_data import coloured_mnist
from formats_data import small_images
from mnist_desktop import NormParams, Recipe, export, load_dataset
from mnist_desktop.core.dataset import Dataset
from mnist_desktop.core.errors import ExportError
from mnist_desktop.core.export.exporter import FORMATS
from mnist_desktop.core.formats.common import make_split
from mnist_desktop.core.processing.pipeline import apply_recipe

COLOUR_FORMATS = [f for f in FORMATS if f not in ("csv", "hf", "wds")]  # hf/wds: read back in test_hf_wds.py


def _dataset(x, y) -> Dataset:
    cut = len(x) * 2 // 3
    splits = {"train": make_split("train", x[:cut], y[:cut]), "test": make_split("test", x[cut:], y[cut:])}
    return Dataset("c", "c", splits, tuple(str(i) for i in range(10)), "memory", format="npy")


@pytest.fixture(scope="module")
def colour(sample_dataset):
    return _dataset(*coloured_mnist(sample_dataset, 60, seed=4))


def _out(tmp_path, fmt):
    return tmp_path / ("o.npz" if fmt == "npz" else "o")


def _same(back: Dataset, expected: dict) -> None:
    assert back.split_names == tuple(expected)
    for name, (x, y) in expected.items():
        s = back.splits[name]
        assert s.images.dtype == x.dtype and s.images.shape == x.shape and np.array_equal(s.images, x), name
        assert np.array_equal(s.labels, y), name


def _manifest(out):
    return json.loads((out / "manifest.json" if out.is_dir() else out.with_name(out.name + ".manifest.json"))
                      .read_text())


@pytest.mark.parametrize("fmt", COLOUR_FORMATS)
def test_uint8_colour_reads_back_identical(colour, tmp_path, fmt):
    recipe = Recipe(NormParams("none"))
    out = _out(tmp_path, fmt)
    export(colour, recipe, out, fmt)
    back = load_dataset(out)
    assert back.is_colour and back.image_shape == (32, 32, 3)
    _same(back, apply_recipe(colour, recipe))
    arrays = _manifest(out)["arrays"]["train"]
    assert arrays["channels"] == 3 and arrays["layout"] == "nhwc" and arrays["x_shape"] == [40, 32, 32, 3]


@pytest.mark.parametrize("fmt", [f for f in COLOUR_FORMATS if f != "png"])
def test_float_colour_reads_back_as_float(colour, tmp_path, fmt):
    recipe = Recipe(NormParams("scale"))
    export(colour, recipe, _out(tmp_path, fmt), fmt)
    back = load_dataset(_out(tmp_path, fmt))
    _same(back, apply_recipe(colour, recipe))
    assert np.array_equal(back.pixels, colour.images)


def test_png_export_is_rgb(colour, tmp_path):
    from PIL import Image

    export(colour, Recipe(NormParams("none")), tmp_path / "o", "png")
    first = next((tmp_path / "o" / "train").rglob("*.png"))
    with Image.open(first) as im:
        assert im.mode == "RGB" and im.size == (32, 32)


@pytest.mark.parametrize("fmt", ["npz", "npy"])
def test_nchw_layout_for_pytorch(colour, sample_dataset, tmp_path, fmt):
    out = _out(tmp_path, fmt)
    export(colour, Recipe(NormParams("none")), out, fmt, layout="nchw")
    arr = np.load(out)["x_train"] if fmt == "npz" else np.load(out / "x_train.npy")
    assert arr.shape == (40, 3, 32, 32)
    assert np.array_equal(arr.transpose(0, 2, 3, 1), colour.splits["train"].images)
    assert _manifest(out)["arrays"]["train"]["layout"] == "nchw"
    back = load_dataset(out)  # the reader turns channels-first back, with a note
    assert np.array_equal(back.splits["test"].images, colour.splits["test"].images)
    assert any("channels-first" in n for n in back.notes)
    x, y = small_images(sample_dataset, 30)
    grey = _dataset(x, y)
    export(grey, Recipe(NormParams("none")), tmp_path / "g", "npy", layout="nchw")
    assert np.load(tmp_path / "g" / "x_train.npy").shape == (20, 1, 28, 28)
    assert np.array_equal(load_dataset(tmp_path / "g").splits["train"].images, x[:20])


def test_nchw_is_refused_for_formats_that_store_images_as_they_are(colour, tmp_path):
    with pytest.raises(ExportError, match=r"o: --layout nchw is for npz and npy arrays; png"):
        export(colour, Recipe(NormParams("none")), tmp_path / "o", "png", layout="nchw")
    assert not (tmp_path / "o").exists()


def test_csv_refuses_colour_unless_interleaved(colour, tmp_path):
    with pytest.raises(ExportError, match=r"o: CSV has one column per pixel and these images are colour; "
                                          r"export them with --format npz \(or --csv-colour interleaved"):
        export(colour, Recipe(NormParams("none")), tmp_path / "o", "csv")
    assert not (tmp_path / "o").exists()
    export(colour, Recipe(NormParams("none")), tmp_path / "o", "csv", csv_colour="interleaved")
    lines = (tmp_path / "o" / "train.csv").read_text().splitlines()
    assert lines[0].startswith("label,r0,g0,b0,r1,g1,b1,") and lines[0].endswith(",b1023")
    img = colour.splits["train"].images[0]
    assert lines[1].split(",")[1:4] == [str(v) for v in img[0, 0]]
    _same(load_dataset(tmp_path / "o"), apply_recipe(colour, Recipe(NormParams("none"))))


def test_grey_manifest_says_one_channel(sample_dataset, tmp_path):
    x, y = small_images(sample_dataset, 30)
    export(_dataset(x, y), Recipe(NormParams("none")), tmp_path / "o.npz", "npz")
    arrays = _manifest(tmp_path / "o.npz")["arrays"]["train"]
    assert arrays["channels"] == 1 and arrays["layout"] == "nhw"


def test_cli_csv_colour_refusal_is_one_error_line(tmp_path, colour):
    import subprocess
    import sys

    np.savez(tmp_path / "c.npz", x_train=colour.splits["train"].images, y_train=colour.splits["train"].labels)
    r = subprocess.run([sys.executable, "-m", "mnist_desktop", "export", "--source", str(tmp_path / "c.npz"),
                        "--format", "csv", "--out", str(tmp_path / "o")], capture_output=True, text=True)
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and r.stderr.startswith("error: ")
    assert "--csv-colour interleaved" in r.stderr
