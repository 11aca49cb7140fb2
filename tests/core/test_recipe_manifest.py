"""``Recipe.load`` also reads an export's manifest.json: its recipe with the pinned statistics."""

from __future__ import annotations

import json

import pytest

from mnist_desktop import AugParams, NormParams, Recipe, export
from mnist_desktop.core.errors import RecipeError
from small_data import small


def test_manifest_gives_the_resolved_recipe(sample_dataset, tmp_path):
    ds = small(sample_dataset)
    recipe = Recipe(NormParams("zscore"), AugParams(rotation=8, copies=2), seed=9)
    result = export(ds, recipe, tmp_path / "o", "npy")
    loaded = Recipe.load(result.manifest_path)
    assert loaded == recipe.resolve(ds) and loaded.normalize.is_resolved
    assert loaded.normalize.mean == pytest.approx(float(ds.splits["train"].images.mean() / 255), rel=1e-6)


def test_bad_recipe_in_a_manifest_names_file_and_field(tmp_path):
    man = tmp_path / "manifest.json"
    man.write_text(json.dumps({"tool": "mnist-desktop", "recipe": {"version": 1, "augment": {"rotation": "x"}}}))
    with pytest.raises(RecipeError, match=r"manifest.json: recipe: augment.rotation must be a number"):
        Recipe.load(man)
