"""A recipe file's exclusions and corrected labels, merged into the ones of the data on screen.

Exclusions and relabels are indices within one dataset's splits. A recipe
file may come from other data, or from this data at another time, so
loading one must neither drop what the user excluded here (that was the
silent "3 excluded -> 0") nor take over indices that point past this
data's splits. :func:`merge_marks` keeps this dataset's marks, adds the
file's that fit, and counts each kind so the window can say in one line
what happened. The stored form of both (per dataset) is here too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

from ..dataset import Dataset
from .recipe import Recipe

__all__ = ["MergedMarks", "merge_marks", "fitting_marks", "relabels_to_json", "relabels_from_json"]


@dataclass(frozen=True)
class MergedMarks:
    """What :func:`merge_marks` did.

    Attributes
    ----------
    recipe
        The loaded recipe with the merged exclusions and relabels.
    kept, added, excluded
        Exclusions of this dataset kept, new ones from the file, the total after.
    relabels_kept, relabels_added
        Corrected labels of this dataset kept, and new or changed ones from the file.
    unfit
        Exclusions and relabels of the file left out: their split or index
        is not in this dataset, or the label is not one of its classes.
    """

    recipe: Recipe
    kept: int = 0
    added: int = 0
    excluded: int = 0
    relabels_kept: int = 0
    relabels_added: int = 0
    unfit: int = 0

    def sentence(self) -> str:
        """One line for the status bar ("" when neither side had any marks)."""
        parts = []
        if self.kept or self.added:
            parts.append(f"exclusions: {self.kept:,} of this dataset kept + {self.added:,} from the file "
                         f"= {self.excluded:,}")
        if self.relabels_kept or self.relabels_added:
            parts.append(f"relabels: {self.relabels_kept:,} kept + {self.relabels_added:,} from the file")
        if self.unfit:
            parts.append(f"{self.unfit:,} of the file's marks do not fit this dataset and were left out")
        return "; ".join(parts)


def fitting_marks(recipe: Recipe, dataset: Dataset) -> tuple[dict, dict, int]:
    """(exclusions, relabels, how many left out) of ``recipe`` that name samples and classes of ``dataset``."""
    excluded, relabelled, unfit = {}, {}, 0
    for split, indices in recipe.excluded:
        n = len(dataset.splits[split]) if split in dataset.splits else 0
        excluded[split] = [i for i in indices if i < n]
        unfit += len(indices) - len(excluded[split])
    n_classes = len(dataset.class_names)
    for split, fixes in recipe.relabelled:
        n = len(dataset.splits[split]) if split in dataset.splits else 0
        relabelled[split] = {i: y for i, y in fixes if i < n and y < n_classes}
        unfit += len(fixes) - len(relabelled[split])
    return excluded, relabelled, unfit


def merge_marks(current: Recipe, loaded: Recipe, dataset: Dataset) -> MergedMarks:
    """``loaded`` with ``current``'s exclusions and relabels of ``dataset`` kept and the file's fitting ones added.

    A sample both sides relabel takes the file's label (the file is what the
    user just asked for).
    """
    file_excluded, file_relabelled, unfit = fitting_marks(loaded, dataset)
    own = {k: set(v) for k, v in current.excluded}
    kept = sum(len(v) for v in own.values())
    merged = {k: set(v) for k, v in own.items()}
    for split, indices in file_excluded.items():
        merged.setdefault(split, set()).update(indices)
    total = sum(len(v) for v in merged.values())
    own_labels = {k: dict(v) for k, v in current.relabelled}
    relabels = {k: dict(v) for k, v in own_labels.items()}
    added_labels = 0
    for split, fixes in file_relabelled.items():
        part = relabels.setdefault(split, {})
        added_labels += sum(1 for i, y in fixes.items() if part.get(i) != y)
        part.update(fixes)
    recipe = replace(loaded, excluded={k: sorted(v) for k, v in merged.items()}, relabelled=relabels)
    return MergedMarks(recipe, kept, total - kept, total, sum(len(v) for v in own_labels.values()),
                       added_labels, unfit)


def relabels_to_json(relabelled: Any) -> str:
    """A recipe's ``relabelled`` (pairs of split and (index, label) pairs) as JSON text."""
    return json.dumps({k: {str(i): y for i, y in v} for k, v in relabelled})


def relabels_from_json(text: str) -> dict[str, dict[int, int]]:
    """The stored form back as {split: {index: label}}; anything unreadable gives no relabels."""
    try:
        data = json.loads(text)
    except (TypeError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    out = {}
    for split, fixes in data.items():
        if not isinstance(fixes, dict):
            continue
        part = {}
        for i, y in fixes.items():
            if str(i).isdigit() and isinstance(y, int) and y >= 0:
                part[int(i)] = y
        out[str(split)] = part
    return out
