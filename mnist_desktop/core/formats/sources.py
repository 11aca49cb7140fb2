"""One rule for what a public function takes as its data: a Dataset, "sample", or a path.

``load_data``, ``process``, ``ImageDataset``, ``evaluate``, ``embed``,
``analyze``, ``flagged_indices``, ``export`` and ``show`` all pass their data
argument through :func:`as_dataset`, so ``md.evaluate("sample")`` works like
``md.load_data("sample")``, and anything else is a ``TypeError`` that says
what is accepted (not an ``AttributeError`` from deep inside).
"""

from __future__ import annotations

import os

from ..dataset import Dataset
from ..processing.recipe import Recipe
from .load import load_dataset

__all__ = ["as_dataset", "as_recipe", "SOURCES"]

#: What every public function accepts as its data, in words (for error messages).
SOURCES = 'a Dataset, "sample" (the embedded MNIST test set), or the path of a file or folder in a supported format'


def as_dataset(source, what: str = "dataset", labels: str = "fine") -> Dataset:
    """A loaded :class:`Dataset` as is; ``"sample"`` or a path loaded with :func:`load_dataset`
    (``labels``: CIFAR-100's "fine" or "coarse" label set).

    Raises
    ------
    TypeError
        ``source`` is neither (the message names the argument and what it got).
    DatasetError
        The path holds nothing readable (the message names the path).
    """
    if isinstance(source, Dataset):
        return source
    if isinstance(source, (str, os.PathLike)):
        return load_dataset(source, labels=labels)
    raise TypeError(f"{what} must be {SOURCES}; got {type(source).__name__}")


def as_recipe(recipe) -> Recipe | None:
    """None, a :class:`Recipe`, or the path of a recipe JSON file (read and validated)."""
    if recipe is None or isinstance(recipe, Recipe):
        return recipe
    if isinstance(recipe, (str, os.PathLike)):
        return Recipe.load(recipe)
    raise TypeError(f"recipe must be a Recipe or the path of a recipe file, got {type(recipe).__name__}")
