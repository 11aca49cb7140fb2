"""The one check of a recipe's sample lists (``excluded``, ``relabelled``): against the field rules and the data.

Every command that takes a recipe (export, ``export --dry-run``, evaluate,
map, the GUI's recipe load and preview, the notebook API) reaches
:meth:`Recipe.validate` (field rules, through :func:`index_problems`) and
:meth:`Recipe.resolve` (the data, through :func:`check_against_dataset`),
so a recipe refused by one is refused by all, with the same line.

Rules:

- every index and label is a whole number in 0..:data:`INDEX_LIMIT` - 1
  (a larger one cannot name any sample: numpy's int64 indices stop there);
- with a dataset: every split named exists, every index is inside its
  split, every corrected label is one of the dataset's classes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..dataset import Dataset
from ..errors import Problem, RecipeError
from ..validation import shown

__all__ = ["INDEX_LIMIT", "index_problems", "check_against_dataset", "read_relabelled"]

#: Indices and labels stop below this (numpy's int64 index range).
INDEX_LIMIT = 2**63


def _too_big(values) -> int | None:
    """The first value outside 0..INDEX_LIMIT-1, or None."""
    return next((v for v in values if not 0 <= v < INDEX_LIMIT), None)


def index_problems(excluded: Any, relabelled: Any) -> list[Problem]:
    """Problems of indices (and labels) no dataset can have: negative, or beyond int64.

    ``excluded`` and ``relabelled`` are the recipe's normalised tuples; other
    shapes are reported by the recipe's own shape check.
    """
    out = []
    if isinstance(excluded, tuple):
        for split, indices in excluded:
            bad = _too_big(indices) if isinstance(indices, tuple) else None
            if bad is not None:
                out.append(Problem(f"excluded.{split}", f"holds index {bad}, which no sample has "
                                   f"(indices are 0 to {INDEX_LIMIT - 1:,})"))
    if isinstance(relabelled, tuple):
        for split, fixes in relabelled:
            if not isinstance(fixes, tuple):
                continue
            bad = _too_big(v for pair in fixes for v in pair)
            if bad is not None:
                out.append(Problem(f"relabelled.{split}", f"holds {bad}, beyond any sample index or label "
                                   f"(0 to {INDEX_LIMIT - 1:,})"))
    return out


def check_against_dataset(excluded: Any, relabelled: Any, dataset: Dataset, where: str = "recipe") -> None:
    """Raise RecipeError (one line) unless every excluded or relabelled sample exists and every label is a class."""
    for split, indices in excluded:
        if split not in dataset.splits:
            raise RecipeError(f"{where}: excluded names a {split!r} split, but the dataset ({dataset.source}) "
                              f"has only {', '.join(dataset.split_names)}")
        n = len(dataset.splits[split])
        if indices and indices[-1] >= n:
            raise RecipeError(f"{where}: excluded.{split} holds index {indices[-1]}, but the {split} split has "
                              f"{n:,} samples (indices 0..{n - 1})")
    n_classes = len(dataset.class_names)
    for split, fixes in relabelled:
        if split not in dataset.splits:
            raise RecipeError(f"{where}: relabelled: the dataset ({dataset.source}) has no {split} split; "
                              f"it has only {', '.join(dataset.split_names)}")
        n = len(dataset.splits[split])
        for i, y in fixes:
            if i >= n:
                raise RecipeError(f"{where}: relabelled: {split} has no sample {i} (it has {n:,})")
            if y >= n_classes:
                raise RecipeError(f"{where}: relabelled: label {y} of {split} sample {i} is not a class "
                                  f"(0..{n_classes - 1})")


def read_relabelled(data: Any, where: str) -> dict[str, dict[int, int]]:
    """``{split: {"index": label}}`` from JSON, or RecipeError naming the field."""
    def is_int(v: Any) -> bool:
        return isinstance(v, int) and not isinstance(v, bool)

    bad = RecipeError(f"{where}: relabelled must map split names to {{sample index: label}} objects, "
                      f"got {shown(data)}")
    if not isinstance(data, Mapping) or not all(isinstance(v, Mapping) for v in data.values()):
        raise bad
    out: dict[str, dict[int, int]] = {}
    for split, fixes in data.items():
        out[str(split)] = {}
        for key, label in fixes.items():
            if not (isinstance(key, str) and key.isdigit()) or not is_int(label):
                raise bad
            out[str(split)][int(key)] = label
    return out
