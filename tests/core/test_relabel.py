"""Relabel: a corrected label in the recipe is what every export format writes, and the manifest says so."""

from __future__ import annotations

import csv
import json

import idx2numpy
import numpy as np
import pytest

from mnist_desktop import load_dataset
from mnist_desktop.core.errors import RecipeError
from mnist_desktop.core.export.exporter import export
from mnist_desktop.core.processing.normalize import NormParams
from mnist_desktop.core.processing.pipeline import apply_recipe, process_indices
from mnist_desktop.core.processing.recipe import Recipe

from small_data import small

TEST_FIX = (3, 7)  # test samples given a label other than their own


@pytest.fixture(scope="module")
def ds(sample_dataset):
    return small(sample_dataset, 30, 20)


@pytest.fixture(scope="module")
def recipe(ds):
    y = ds.splits["test"].labels
    fixes = {i: (int(y[i]) + 1) % 10 for i in TEST_FIX}
    return Recipe(NormParams("none"), excluded={"test": [5]},
                  relabelled={"test": fixes, "train": {0: (int(ds.splits["train"].labels[0]) + 2) % 10}})


def expected_labels(ds, recipe, split):
    """Labels of the export rows: the dataset's, minus excluded rows, with the corrections."""
    y = ds.splits[split].labels.astype(int).copy()
    for i, label in recipe.relabelled_in(split).items():
        y[i] = label
    return np.delete(y, recipe.excluded_indices(split))


def test_json_round_trip_and_pipeline(ds, recipe):
    back = Recipe.from_json(recipe.to_json())
    assert back == recipe and back.relabelled_in("test") == recipe.relabelled_in("test")
    expected = {str(i): y for i, y in recipe.relabelled_in("test").items()}
    assert json.loads(recipe.to_json())["relabelled"]["test"] == expected
    _, y = process_indices(ds, "test", [2, 3, 7], recipe, copy=-1)
    fixes = recipe.relabelled_in("test")
    assert y.tolist() == [ds.splits["test"].labels[2], fixes[3], fixes[7]]
    out = apply_recipe(ds, recipe)
    assert out["test"][1].tolist() == expected_labels(ds, recipe, "test").tolist()
    # Undo: back to the sample's own label.
    undone = recipe.with_label("test", 3, None)
    assert 3 not in undone.relabelled_in("test") and undone.with_label("test", 3, fixes[3]) == recipe


@pytest.mark.parametrize("fmt", ["npz", "idx", "csv", "png"])
def test_every_format_writes_the_new_label(ds, recipe, tmp_path, fmt):
    out = tmp_path / ("o.npz" if fmt == "npz" else "o")
    res = export(ds, recipe, out, fmt)
    for split in ("train", "test"):
        want = expected_labels(ds, recipe, split)
        if fmt == "npz":
            with np.load(out, allow_pickle=False) as z:
                got = z[f"y_{split}"]
        elif fmt == "idx":
            prefix = "train" if split == "train" else "t10k"
            got = idx2numpy.convert_from_file(str(out / f"{prefix}-labels-idx1-ubyte"))
        elif fmt == "csv":
            with open(out / f"{split}.csv", newline="") as f:
                got = np.array([int(r[0]) for r in list(csv.reader(f))[1:]])
        else:
            # PNG folders are split/label/index.png: the folder is the label.
            names = {int(p.stem): int(p.parent.name) for p in (out / split).rglob("*.png")}
            got = np.array([names[i] for i in sorted(names)])
        assert got.tolist() == want.tolist(), (fmt, split)
    man = json.loads(res.manifest_path.read_text())
    assert man["recipe"]["relabelled"]["test"] == {str(i): y for i, y in recipe.relabelled_in("test").items()}
    assert man["counts"]["test"]["relabelled"] == 2 and man["counts"]["train"]["relabelled"] == 1
    assert Recipe.from_dict(man["recipe"]).relabelled == recipe.relabelled


def test_relabelled_idx_export_loads_with_the_new_labels(ds, recipe, tmp_path):
    export(ds, recipe, tmp_path / "o", "idx.gz")
    back = load_dataset(tmp_path / "o")
    assert back.splits["test"].labels.tolist() == expected_labels(ds, recipe, "test").tolist()


@pytest.mark.parametrize("bad, message", [
    ({"relabelled": {"test": {"3": "7"}}}, "relabelled must map"),
    ({"relabelled": {"test": {"x": 7}}}, "relabelled must map"),
    ({"relabelled": {"test": [3, 7]}}, "relabelled must map"),
    ({"relabelled": {"test": {"3": -1}}}, "relabelled"),
])
def test_bad_json_is_one_clear_error(bad, message):
    with pytest.raises(RecipeError, match=message):
        Recipe.from_dict({"version": 1, **bad}, "r.json")


def test_relabel_must_fit_the_dataset(ds, tmp_path):
    for fixes, message in (({"test": {20: 1}}, "test has no sample 20"), ({"test": {0: 10}}, "not a class"),
                           ({"valid": {0: 1}}, "no valid split")):
        with pytest.raises(RecipeError, match=message):
            export(ds, Recipe(relabelled=fixes), tmp_path / "o.npz", "npz")
        assert not (tmp_path / "o.npz").exists()
