"""Every public function takes what load_data takes; outputs say what they hold; a fake .gz says so.

Issue 23, items 8 (.gz message), 9 (PNG manifest) and 10 (``md.evaluate("sample")``).
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

import mnist_desktop as md
from mnist_desktop.core.processing.normalize import NormParams, to_uint8

PUBLIC = ("load_data", "process", "ImageDataset", "analyze", "flagged_indices", "evaluate", "embed",
          "iter_embed", "export", "show")


@pytest.mark.parametrize("name", PUBLIC)
def test_a_wrong_data_argument_is_a_type_error_that_says_what_is_taken(name, tmp_path):
    f = getattr(md, name)
    args = {"process": (42, None), "ImageDataset": (42, "test"), "export": (42, None, tmp_path / "o.npz")}
    with pytest.raises(TypeError, match='"sample"') as err:
        result = f(*args.get(name, (42,)))
        if name == "iter_embed":
            next(result)
    assert "int" in str(err.value)
    assert not (tmp_path / "o.npz").exists()


def test_a_missing_path_is_a_dataset_error_naming_it(tmp_path):
    missing = tmp_path / "nowhere"
    for f in (md.evaluate, md.embed, md.analyze):
        with pytest.raises(md.DatasetError, match="nowhere: no such file or folder"):
            f(str(missing))


@pytest.fixture
def folder(mnist_folder):
    return mnist_folder("digits", test=400)


def test_paths_work_like_the_loaded_dataset(folder, tmp_path):
    ds = md.load_dataset(folder)
    a, b = md.embed(str(folder), epochs=3, cache=False), md.embed(ds, epochs=3, cache=False)
    assert np.array_equal(a.coords, b.coords)
    assert np.array_equal(md.analyze(str(folder)).ranked(), md.analyze(ds).ranked())
    assert {k: v.tolist() for k, v in md.flagged_indices(folder, top=5).items()} == \
        {k: v.tolist() for k, v in md.flagged_indices(ds, top=5).items()}
    result = md.export(str(folder), md.Recipe(), tmp_path / "o.npz")
    with np.load(result.path) as z:
        assert np.array_equal(z["x_test"], ds.images.astype(np.float32) / 255)
    assert md.show(str(folder), [0, 1]).png == md.show(ds, [0, 1]).png


@pytest.mark.slow
def test_evaluate_and_embed_take_the_sample_by_name():
    report = md.evaluate("sample")
    assert report.source == "sample" and report.n_test > 0 and 0.9 < report.accuracy <= 1
    assert len(md.embed("sample", epochs=1, cache=False)) == 10000


def test_show_takes_the_sample_by_name():
    assert md.show("sample", [0, 1, 2]).png == md.show(md.load_dataset("sample"), [0, 1, 2]).png


def test_a_png_export_of_floats_says_it_holds_the_8_bit_rendering(folder, tmp_path):
    ds = md.load_dataset(folder)
    recipe = md.Recipe(normalize=NormParams("zscore"))
    md.export(ds, recipe, tmp_path / "png", "png")
    doc = json.loads((tmp_path / "png" / "manifest.json").read_text())
    test = doc["arrays"]["test"]
    assert test["x_dtype"] == "uint8" and test["x_dtype_processed"] == "float32"
    assert "8-bit rendering" in test["png_pixels"]
    first = np.asarray(Image.open(tmp_path / "png" / "test" / str(ds.labels[0]) / "0.png"))
    assert first.dtype == np.uint8  # what the manifest says, not float32
    processed = md.process(ds, recipe)
    assert np.array_equal(first, to_uint8(processed["test"][0][:1], processed.recipe.normalize)[0])
    plain = md.export(ds, md.Recipe(normalize=NormParams("none")), tmp_path / "png-none", "png")
    assert plain.rows == len(ds)
    none_doc = json.loads((tmp_path / "png-none" / "manifest.json").read_text())["arrays"]["test"]
    assert none_doc["x_dtype"] == "uint8" and "x_dtype_processed" not in none_doc


def test_npz_manifest_still_says_float32(folder, tmp_path):
    md.export(str(folder), md.Recipe(), tmp_path / "o.npz")
    doc = json.loads((tmp_path / "o.npz.manifest.json").read_text())
    assert doc["arrays"]["test"]["x_dtype"] == "float32" and "png_pixels" not in doc["arrays"]["test"]


def test_a_text_file_named_gz_is_not_gzip_data(tmp_path):
    fake = tmp_path / "train-images-idx3-ubyte.gz"
    fake.write_text("label,pixel0\n1,2\n")
    with pytest.raises(md.DatasetError, match=r"train-images-idx3-ubyte.gz: not gzip data .*starts with 6c 61"):
        md.load_dataset(fake)
    with pytest.raises(md.IdxFormatError, match=r"not gzip data"):
        md.read_idx(fake)
    other = tmp_path / "notes.txt"
    other.write_text("hello\n")
    with pytest.raises(md.DatasetError, match="not a dataset file"):  # no .gz name: as before
        md.load_dataset(other)
