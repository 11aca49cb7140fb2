"""Export: every format read back by an independent reader, the manifest, atomicity."""

from __future__ import annotations

import csv
import gzip
import json
import threading
import tracemalloc

import idx2numpy
import numpy as np
import pytest

from mnist_desktop.core.processing import pipeline as recipe_module
from mnist_desktop.core.processing.aug_params import AugParams
from mnist_desktop.core.errors import Cancelled, ExportError
from mnist_desktop.core.export.exporter import export
from mnist_desktop.core.processing.normalize import NormParams, to_uint8
from mnist_desktop.core.processing.pipeline import apply_recipe
from mnist_desktop.core.processing.recipe import Recipe
from mnist_desktop.core.hashing import sha256_file

from small_data import small

RECIPE = Recipe(NormParams("zscore"), AugParams(rotation=10, translate=0.05, copies=2, keep_original=True),
                seed=3, excluded={"train": [0, 2]})


@pytest.fixture(scope="module")
def ds(sample_dataset):
    return small(sample_dataset, 60, 40)


@pytest.fixture(scope="module")
def expected(ds):
    return apply_recipe(ds, RECIPE)


def test_npz_keras_layout(ds, expected, tmp_path):
    res = export(ds, RECIPE, tmp_path / "m.npz", "npz")
    with np.load(tmp_path / "m.npz", allow_pickle=False) as z:
        assert z.files == ["x_train", "y_train", "x_test", "y_test"]
        for s in ("train", "test"):
            assert np.array_equal(z[f"x_{s}"], expected[s][0]) and np.array_equal(z[f"y_{s}"], expected[s][1])
        assert z["x_train"].dtype == np.float32 and z["y_train"].dtype == np.uint8
    assert res.manifest_path == tmp_path / "m.npz.manifest.json" and res.rows == 58 * 3 + 40 * 3


def test_npy_files(ds, expected, tmp_path):
    export(ds, RECIPE, tmp_path / "o", "npy")
    for s in ("train", "test"):
        assert np.array_equal(np.load(tmp_path / "o" / f"x_{s}.npy", allow_pickle=False), expected[s][0])
        assert np.array_equal(np.load(tmp_path / "o" / f"y_{s}.npy", allow_pickle=False), expected[s][1])


@pytest.mark.parametrize("fmt", ["idx", "idx.gz"])
def test_idx_read_by_idx2numpy(ds, expected, tmp_path, fmt):
    export(ds, RECIPE, tmp_path / "o", fmt)
    for s, prefix in (("train", "train"), ("test", "t10k")):
        paths = [tmp_path / "o" / f"{prefix}-{k}-idx{d}-ubyte{'.gz' if fmt == 'idx.gz' else ''}"
                 for k, d in (("images", 3), ("labels", 1))]
        if fmt == "idx":
            x, y = (idx2numpy.convert_from_file(str(p)) for p in paths)
        else:
            x, y = (idx2numpy.convert_from_string(gzip.decompress(p.read_bytes())) for p in paths)
        assert paths[0].read_bytes()[:4] == (b"\0\0\x0d\x03" if fmt == "idx" else paths[0].read_bytes()[:4])
        assert x.dtype.kind == "f" and np.array_equal(x, expected[s][0]) and np.array_equal(y, expected[s][1])


def test_idx_uint8_is_loadable_as_a_dataset(ds, tmp_path):
    from mnist_desktop import load_dataset

    export(ds, Recipe(NormParams("none")), tmp_path / "o", "idx.gz")
    back = load_dataset(tmp_path / "o")
    assert np.array_equal(back.splits["train"].images, ds.splits["train"].images)


def test_csv_default_header_is_kaggles_pixel_columns(ds, tmp_path):
    export(ds, RECIPE, tmp_path / "o", "csv")
    header = (tmp_path / "o" / "test.csv").read_text().split("\n", 1)[0].split(",")
    assert header[:3] == ["label", "pixel0", "pixel1"] and header[-1] == "pixel783" and len(header) == 785


def test_csv_read_by_the_csv_module(ds, expected, tmp_path):
    export(ds, RECIPE, tmp_path / "o", "csv", csv_header="rowcol")
    with open(tmp_path / "o" / "test.csv", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][:3] == ["label", "1x1", "1x2"] and rows[0][28:31] == ["1x28", "2x1", "2x2"]
    assert rows[0][-1] == "28x28" and len(rows[0]) == 785
    body = rows[1:]
    x, y = expected["test"]
    assert [int(r[0]) for r in body] == y.tolist()
    assert np.array_equal(np.array([[float(v) for v in r[1:]] for r in body], np.float32), x.reshape(len(x), -1))


def test_csv_uint8_values_are_integers(ds, tmp_path):
    export(ds, Recipe(NormParams("none"), split="test"), tmp_path / "o", "csv")
    lines = (tmp_path / "o" / "test.csv").read_text().splitlines()
    first = lines[1].split(",")
    assert first == [str(ds.splits["test"].labels[0])] + [str(v) for v in ds.splits["test"].images[0].ravel()]


def test_png_read_by_qt(ds, expected, tmp_path):
    from PySide6.QtGui import QImage

    export(ds, RECIPE, tmp_path / "o", "png")
    x, y = expected["test"]
    pixels = to_uint8(x, RECIPE.resolve(ds).normalize)
    # Rows of sample 3: original, copy 0, copy 1.
    for row, name in ((9, "3.png"), (10, "3_0.png"), (11, "3_1.png")):
        img = QImage(str(tmp_path / "o" / "test" / str(int(y[row])) / name))
        assert img.format() == QImage.Format.Format_Grayscale8 and (img.width(), img.height()) == (28, 28)
        data = np.frombuffer(img.constBits(), np.uint8, img.sizeInBytes()).reshape(28, img.bytesPerLine())[:, :28]
        assert np.array_equal(data, pixels[row])
    assert np.array_equal(pixels[9], ds.splits["test"].images[3])  # zscore undone exactly
    assert len(list((tmp_path / "o" / "train").rglob("*.png"))) == 58 * 3


def test_manifest(ds, tmp_path):
    res = export(ds, RECIPE, tmp_path / "o", "npy")
    man = json.loads((tmp_path / "o" / "manifest.json").read_text())
    from mnist_desktop import __version__

    assert man["version"] == __version__ and man["format"] == "npy"
    assert man["recipe"]["normalize"]["mean"] is not None  # resolved statistics are recorded
    assert Recipe.from_dict(man["recipe"]).augment == RECIPE.augment
    assert man["counts"]["train"]["rows"] == 174 and man["counts"]["train"]["excluded"] == 2
    labels = np.load(tmp_path / "o" / "y_train.npy")
    per_class = {str(k): int(c) for k, c in enumerate(np.bincount(labels, minlength=10))}
    assert man["counts"]["train"]["per_class"] == per_class
    for f in man["files"]:
        assert sha256_file(tmp_path / "o" / f["path"]) == f["sha256"]
    assert {f["path"] for f in man["files"]} == {"x_train.npy", "y_train.npy", "x_test.npy", "y_test.npy"}
    src = {s["path"]: s["sha256"] for s in man["source_files"]}
    assert all(sha256_file(p) == h for p, h in src.items()) and len(src) == 2
    assert res.files == man["files"]


def test_refuses_to_overwrite_and_to_replace_a_foreign_folder(ds, tmp_path):
    export(ds, RECIPE, tmp_path / "m.npz", "npz")
    with pytest.raises(ExportError, match="already exists"):
        export(ds, RECIPE, tmp_path / "m.npz", "npz")
    export(ds, Recipe(split="test"), tmp_path / "m.npz", "npz", overwrite=True)
    assert np.load(tmp_path / "m.npz").files == ["x_test", "y_test"]
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "thesis.tex").write_text("precious")
    with pytest.raises(ExportError, match="not an mnist-desktop export"):
        export(ds, RECIPE, tmp_path / "home", "png", overwrite=True)
    assert (tmp_path / "home" / "thesis.tex").read_text() == "precious"


def _leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.mark.parametrize("fmt,out", [("npz", "m.npz"), ("png", "pngs"), ("csv", "csvs"), ("idx.gz", "idx")])
def test_failure_leaves_the_previous_export_intact(ds, tmp_path, monkeypatch, fmt, out):
    export(ds, Recipe(split="test"), tmp_path / out, fmt)
    before = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    real = recipe_module.process_rows
    calls = {"n": 0}

    def failing(*args, **kwargs):  # the disk fills up after some output was written
        calls["n"] += 1
        if calls["n"] == 4:
            raise OSError(28, "No space left on device")
        return real(*args, **kwargs)
    monkeypatch.setattr(recipe_module, "process_rows", failing)
    with pytest.raises(OSError, match="No space left"):
        export(ds, RECIPE, tmp_path / out, fmt, overwrite=True, chunk_size=16)
    after = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert after == before and _leftovers(tmp_path) == [] and calls["n"] == 4


@pytest.mark.parametrize("fmt,out", [("npz", "m.npz"), ("png", "pngs")])
def test_cancel_leaves_the_previous_export_intact(ds, tmp_path, fmt, out):
    export(ds, Recipe(split="test"), tmp_path / out, fmt)
    before = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    stop = threading.Event()
    seen = []

    def progress(done, total):
        seen.append(done)
        if done >= 50:
            stop.set()
    with pytest.raises(Cancelled):
        export(ds, RECIPE, tmp_path / out, fmt, overwrite=True, progress=progress, cancel=stop, chunk_size=16)
    after = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert after == before and _leftovers(tmp_path) == [] and max(seen) < 100


def _peak_export(dataset, path) -> int:
    tracemalloc.start()
    try:
        export(dataset, Recipe(augment=AugParams(rotation=10)), path, "npz")
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_output(sample_dataset, tmp_path):
    """Chunks stream to disk: a few chunks of working memory, whatever the size."""
    # Both exports span several chunks, so each reaches the steady state (every augmenting
    # thread holding its workspace); only a size-dependent allocation could tell them apart.
    _peak_export(small(sample_dataset, 3000, 1000), tmp_path / "warm.npz")  # one-time allocations out of the way
    small_peak = _peak_export(small(sample_dataset, 3000, 1000), tmp_path / "small.npz")
    full_peak = _peak_export(sample_dataset, tmp_path / "full.npz")
    out_bytes = len(sample_dataset) * 784 * 4
    assert full_peak < 1.2 * small_peak + 1e6, (small_peak, full_peak)
    # the bound: within about 1.5x the output array (here two augmenting
    # threads keep a workspace each, ~8 MB apiece)
    assert full_peak < 1.5 * out_bytes, (full_peak, out_bytes)
