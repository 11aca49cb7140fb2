"""Recipe: JSON round trip, clear errors, row order, preview == export, progress and cancel."""

from __future__ import annotations

import json
import threading

import numpy as np
import pytest

from mnist_desktop.core.processing.aug_params import AugParams
from mnist_desktop.core.errors import Cancelled, RecipeError
from mnist_desktop.core.processing.normalize import NormParams
from mnist_desktop.core.processing.pipeline import apply_recipe, output_rows, process_indices, process_rows
from mnist_desktop.core.processing.recipe import Recipe
from small_data import small

RECIPE = Recipe(NormParams("zscore"), AugParams(rotation=12, elastic_alpha=20, noise=0.02, copies=2,
                                                keep_original=True), seed=7, excluded={"test": [5, 1]})


def test_json_round_trip(tmp_path):
    assert Recipe.from_json(RECIPE.to_json()) == RECIPE
    RECIPE.save(tmp_path / "r.json")
    assert Recipe.load(tmp_path / "r.json") == RECIPE
    d = json.loads((tmp_path / "r.json").read_text())
    assert d["version"] == 1 and d["excluded"] == {"test": [1, 5]} and d["augment"]["scale"] == [1.0, 1.0]
    assert Recipe.from_json('{"version": 1}') == Recipe()
    hash(RECIPE)  # frozen and hashable: usable as a cache key


@pytest.mark.parametrize("text,message", [
    ('{"version": 1, "augment": {"rotation": "abc"}}',
     'r.json: augment.rotation must be a number between 0 and 180 (degrees), got "abc"'),
    ('{"version": 1, "augment": {"rotate": 5}}', "r.json: augment.rotate is not a known field"),
    ('{"version": 1, "colour": 5}', "r.json.colour is not a known field"),
    ('{"version": 1, "normalize": {"method": "l2"}}', 'r.json: normalize.method must be one of'),
    ('{"version": 2}', "r.json: version must be 1, got 2"),
    ('{"seed": 1}', "r.json: version must be 1, got null (missing)"),
    ('{"version": 1, "seed": -1}', "r.json: seed must be a whole number"),
    ('{"version": 1, "split": "valid"}', 'r.json: split must be one of all, train, val, test, got "valid"'),
    ('{"version": 1, "excluded": {"train": ["a"]}}', "r.json: excluded must map split names"),
    ('{"version": 1, "augment": {"scale": [2, 1]}}', "r.json: augment.scale must be two numbers"),
    ('{"version": 1,', "r.json: not valid JSON"),
    ('[1, 2]', "r.json must be a JSON object"),
])
def test_bad_recipe_files_name_the_field(tmp_path, text, message):
    (tmp_path / "r.json").write_text(text)
    with pytest.raises(RecipeError) as err:
        Recipe.load(tmp_path / "r.json")
    assert message in str(err.value)
    assert str(err.value).startswith(str(tmp_path / "r.json"))


def test_problems_for_the_gui():
    bad = Recipe(augment=AugParams(rotation=400, copies=-1))
    assert list(map(str, bad.problems())) == ["augment.rotation must be a number between 0 and 180 (degrees), got 400",
                              "augment.copies must be a whole number between 0 and 1000, got -1"]
    assert RECIPE.problems() == []


def test_output_rows_order():
    idx, cop = output_rows(RECIPE, "test", 4)
    assert idx.tolist() == [0, 0, 0, 2, 2, 2, 3, 3, 3]
    assert cop.tolist() == [-1, 0, 1] * 3
    idx, cop = output_rows(Recipe(), "train", 3)
    assert idx.tolist() == [0, 1, 2] and cop.tolist() == [0, 0, 0]


def test_preview_equals_export(sample_dataset):
    ds = small(sample_dataset)
    resolved = RECIPE.resolve(ds)
    assert resolved.normalize.mean == pytest.approx(ds.splits["train"].images.mean() / 255, abs=1e-6)
    full = apply_recipe(ds, RECIPE)
    x, y = full["test"]
    rows_idx, rows_cop = output_rows(RECIPE, "test", 160)
    page = np.arange(40, 64)  # a page of the preview grid, copy 1
    px, py = process_indices(ds, "test", page, resolved, copy=1)
    sel = np.flatnonzero(np.isin(rows_idx, page) & (rows_cop == 1))
    assert len(sel) == len(page)
    assert np.array_equal(px, x[sel]) and np.array_equal(py, y[sel])
    ox, _ = process_rows(ds, "test", [9, 9], [-1, 0], resolved)
    first = np.flatnonzero(rows_idx == 9)
    assert np.array_equal(ox, x[first[:2]])


def test_chunk_size_does_not_matter(sample_dataset):
    ds = small(sample_dataset)
    a = apply_recipe(ds, RECIPE, chunk_size=1024)
    b = apply_recipe(ds, RECIPE, chunk_size=37)
    for split in a:
        assert np.array_equal(a[split][0], b[split][0]) and np.array_equal(a[split][1], b[split][1])
    assert a["train"][0].shape == (240 * 3, 28, 28) and a["test"][0].shape == (158 * 3, 28, 28)


def test_progress_and_cancel(sample_dataset):
    ds = small(sample_dataset)
    seen = []
    apply_recipe(ds, RECIPE, chunk_size=100, progress=lambda d, t: seen.append((d, t)))
    total = 240 * 3 + 158 * 3
    assert seen[-1] == (total, total) and all(t == total for _, t in seen)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    stop = threading.Event()

    def progress(done, total):
        if done >= 300:
            stop.set()
    with pytest.raises(Cancelled):
        apply_recipe(ds, RECIPE, chunk_size=100, progress=progress, cancel=stop)
    with pytest.raises(Cancelled):
        apply_recipe(ds, RECIPE, cancel=lambda: True)


def test_missing_split_is_a_clear_error(sample_dataset):
    with pytest.raises(RecipeError, match="has no train split; it has test"):
        apply_recipe(sample_dataset, Recipe(split="train"))
