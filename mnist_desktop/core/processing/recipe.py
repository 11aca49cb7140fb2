"""Recipe: normalization + augmentation + seed + splits + excluded samples, as JSON.

One recipe drives both the GUI preview and the export, through the same
functions, so what is seen is what is exported:

- :func:`process_rows` / :func:`process_indices` compute any rows (a page
  for the preview);
- :func:`iter_chunks` streams a whole split (the exporters);
- :func:`apply_recipe` returns whole arrays with progress and cancel.

Row order of a processed split (the "expansion order"): source samples in
index order, excluded ones dropped; for each sample, its original first (if
``augment.keep_original``), then copies 0..K-1. :func:`output_rows` gives
(index, copy) for every row, copy -1 meaning the original.

JSON form (``version`` 1)::

    {"version": 1, "seed": 0, "split": "all",
     "normalize": {"method": "scale", "scope": "dataset", "mean": null, ...},
     "augment": {"rotation": 0, ..., "copies": 1, "keep_original": false},
     "excluded": {"train": [12, 345]}}
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Union

import numpy as np

from ..validation import check_choice, check_int, read_fields, shown
from ..atomic import atomic_write
from .augment import AugParams, augment_batch
from ..dataset import Dataset
from ..errors import Problem, Cancelled, RecipeError
from ..progress import Cancel, Progress, raise_if_cancelled
from .normalize import NormParams, normalize, output_dtype

__all__ = ["Recipe", "RECIPE_VERSION", "Progress", "Cancel", "output_rows", "process_rows",
           "process_indices", "iter_chunks", "apply_recipe"]

RECIPE_VERSION = 1
SPLIT_CHOICES = ("all", "train", "test")
#: Output rows per chunk of :func:`iter_chunks`: ~3 MB of float32, cheap to cancel between.
CHUNK = 1024



@dataclass(frozen=True)
class Recipe:
    """Everything that turns a dataset into exported arrays.

    Attributes
    ----------
    normalize, augment
        See :class:`NormParams` and :class:`AugParams`.
    seed
        Key of every random number (with split, index and copy).
    split
        "all", "train" or "test": which splits an export writes ("all" means
        those the dataset has).
    excluded
        Sample indices to drop, per split: pass a mapping ``{"train": [3, 9]}``;
        stored as sorted tuples so the recipe stays hashable.
    """

    normalize: NormParams = field(default_factory=NormParams)
    augment: AugParams = field(default_factory=AugParams)
    seed: int = 0
    split: str = "all"
    excluded: Any = ()

    def __post_init__(self) -> None:
        items = self.excluded.items() if isinstance(self.excluded, Mapping) else self.excluded
        try:
            clean = tuple(sorted((str(k), tuple(sorted({int(i) for i in v}))) for k, v in items if len(v)))
        except (TypeError, ValueError):
            clean = self.excluded  # problems() reports it
        object.__setattr__(self, "excluded", clean)

    # ------------------------------------------------------------------ queries
    def excluded_indices(self, split: str) -> np.ndarray:
        """Sorted indices of ``split`` that the export drops."""
        return np.asarray(dict(self.excluded).get(split, ()), dtype=np.int64)

    def with_excluded(self, split: str, indices: Any) -> Recipe:
        """A copy with ``split``'s excluded indices replaced."""
        d = dict(self.excluded)
        d[split] = tuple(int(i) for i in indices)
        return replace(self, excluded=d)

    def split_names(self, dataset: Dataset) -> tuple[str, ...]:
        """The dataset splits this recipe exports, in dataset order."""
        if self.split == "all":
            return dataset.split_names
        if self.split not in dataset.splits:
            raise RecipeError(f"the dataset ({dataset.source}) has no {self.split} split; "
                              f"it has {', '.join(dataset.split_names)}")
        return (self.split,)

    def problems(self) -> list[Problem]:
        """Every invalid value as a problem whose field is "section.field" (empty if valid)."""
        out = [p.within("normalize") for p in self.normalize.problems()]
        out += [p.within("augment") for p in self.augment.problems()]
        out += [p for p in (check_int("seed", self.seed, 0, 2**63 - 1),
                            check_choice("split", self.split, SPLIT_CHOICES)) if p]
        ok = isinstance(self.excluded, tuple) and all(
            isinstance(v, tuple) and all(i >= 0 for i in v) for _, v in self.excluded)
        if not ok:
            out.append(Problem("excluded", "must map split names to lists of sample indices >= 0, "
                               f"got {shown(self.excluded)}"))
        return out

    def validate(self, where: str = "recipe") -> Recipe:
        """Return self, or raise RecipeError with the first problem."""
        problems = self.problems()
        if problems:
            raise RecipeError(f"{where}: {problems[0]}")
        return self

    def resolve(self, dataset: Dataset) -> Recipe:
        """Fill the normalization statistics from ``dataset``.

        zscore uses the training split when the dataset has one (the usual
        practice: test statistics must not leak into training), otherwise all
        loaded images; minmax over the dataset uses all loaded images. The
        export writes the resolved recipe into its manifest.
        """
        if self.normalize.is_resolved:
            return self
        if self.normalize.method == "zscore" and "train" in dataset.splits:
            return replace(self, normalize=self.normalize.fit(dataset.splits["train"].images))
        return replace(self, normalize=self.normalize.fit(dataset.images))

    # ------------------------------------------------------------------ JSON
    def to_dict(self) -> dict[str, Any]:
        return {"version": RECIPE_VERSION, "seed": self.seed, "split": self.split,
                "normalize": self.normalize.to_dict(), "augment": self.augment.to_dict(),
                "excluded": {k: list(v) for k, v in self.excluded}}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    @classmethod
    def from_dict(cls, data: Any, where: str = "recipe") -> Recipe:
        """Build and validate; RecipeError names the field: ``recipe.json: augment.rotation ...``."""
        d = read_fields(data, ("version", "seed", "split", "normalize", "augment", "excluded"), where)
        version = d.pop("version", None)
        if version != RECIPE_VERSION:
            raise RecipeError(f"{where}: version must be {RECIPE_VERSION}, got {shown(version)}"
                              + ("" if version is not None else " (missing)"))
        kwargs: dict[str, Any] = {}
        if "normalize" in d:
            kwargs["normalize"] = NormParams.from_dict(d["normalize"], f"{where}: normalize")
        if "augment" in d:
            kwargs["augment"] = AugParams.from_dict(d["augment"], f"{where}: augment")
        for key in ("seed", "split"):
            if key in d:
                kwargs[key] = d[key]
        if "excluded" in d:
            exc = d["excluded"]
            if not isinstance(exc, Mapping) or not all(
                    isinstance(v, list) and all(isinstance(i, int) and not isinstance(i, bool) for i in v)
                    for v in exc.values()):
                raise RecipeError(f"{where}: excluded must map split names to lists of sample indices, "
                                  f"got {shown(exc)}")
            kwargs["excluded"] = exc
        return cls(**kwargs).validate(where)

    @classmethod
    def from_json(cls, text: str, where: str = "recipe") -> Recipe:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise RecipeError(f"{where}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") from None
        return cls.from_dict(data, where)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Recipe:
        """Read a recipe file; RecipeError messages start with the file name."""
        p = Path(path)
        try:
            text = p.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise RecipeError(f"{p}: not a text (UTF-8) file") from None
        return cls.from_json(text, str(p))

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the JSON form atomically."""
        with atomic_write(path) as f:
            f.write((self.to_json() + "\n").encode("utf-8"))


# ---------------------------------------------------------------------- processing
def output_rows(recipe: Recipe, split: str, n_samples: int) -> tuple[np.ndarray, np.ndarray]:
    """(index, copy) of every output row of ``split``; copy -1 is the original.

    Samples in index order without the excluded ones; per sample the
    original (if kept) then copies 0..K-1.
    """
    keep = np.setdiff1d(np.arange(n_samples), recipe.excluded_indices(split), assume_unique=True)
    aug = recipe.augment
    per = np.arange(-1 if aug.keep_original else 0, aug.copies)
    return np.repeat(keep, len(per)), np.tile(per, len(keep))


def process_rows(dataset: Dataset, split: str, indices: Any, copies: Any, recipe: Recipe,
                 *, out: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Processed images and labels for given (index, copy) rows of a split.

    Exactly what the export writes for those rows (bit for bit), because the
    exporters call this very function chunk by chunk. ``copies`` is one number
    or one per row; -1 means the original image. The recipe should be
    :meth:`Recipe.resolve`-d on the dataset (unresolved statistics would be
    computed from these rows alone).
    """
    s = dataset.splits[split]
    idx = np.asarray(indices, dtype=np.int64).reshape(-1)
    cop = np.broadcast_to(np.asarray(copies, dtype=np.int64), idx.shape)
    images = s.images[idx]
    x = np.empty(images.shape, output_dtype(recipe.normalize)) if out is None else out
    aug_rows = np.flatnonzero(cop >= 0)
    if recipe.augment.is_identity or len(aug_rows) == 0:
        normalize(images, recipe.normalize, out=x)
    else:
        t = np.empty(images.shape, np.float32)
        np.divide(images, 255, out=t, dtype=np.float32)
        t[aug_rows] = augment_batch(images[aug_rows], recipe.augment, seed=recipe.seed, split=split,
                                    indices=idx[aug_rows], copies=cop[aug_rows])
        normalize(t, recipe.normalize, out=x)
    return x, s.labels[idx]


def process_indices(dataset: Dataset, split: str, indices: Any, recipe: Recipe,
                    copy: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Preview entry point: samples ``indices`` of ``split``, all as copy ``copy``.

    ``copy=-1`` shows the originals (normalized only). Returns (x, y) exactly
    as the export writes those rows.
    """
    idx = np.asarray(indices, dtype=np.int64)
    return process_rows(dataset, split, idx, copy, recipe)


def iter_chunks(dataset: Dataset, recipe: Recipe, split: str, *, chunk_size: int = CHUNK,
                cancel: Cancel = None) -> Iterator[tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """Stream a processed split: yields (first row, x, y, indices, copies) per chunk.

    The cancel flag is checked before every chunk. Pass a resolved recipe.
    """
    indices, copies = output_rows(recipe, split, len(dataset.splits[split]))
    for start in range(0, len(indices), chunk_size):
        raise_if_cancelled(cancel)
        sl = slice(start, start + chunk_size)
        x, y = process_rows(dataset, split, indices[sl], copies[sl], recipe)
        yield start, x, y, indices[sl], copies[sl]


def apply_recipe(dataset: Dataset, recipe: Recipe, *, progress: Progress | None = None,
                 cancel: Cancel = None, chunk_size: int = CHUNK) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Process every split the recipe selects: {split: (x, y)}.

    Parameters
    ----------
    progress
        Called with (rows done, rows total) over all splits after each chunk.
    cancel
        A ``threading.Event`` or a callable returning True to stop; checked
        between chunks; raises :class:`Cancelled`.

    Meant to run in a GUI worker thread: no global state, no Qt.
    """
    recipe = recipe.validate().resolve(dataset)
    names = recipe.split_names(dataset)
    plans = {s: output_rows(recipe, s, len(dataset.splits[s]))[0] for s in names}
    total = sum(len(p) for p in plans.values())
    done = 0
    result = {}
    for s in names:
        x = np.empty((len(plans[s]), *dataset.splits[s].images.shape[1:]), output_dtype(recipe.normalize))
        y = np.empty(len(plans[s]), np.uint8)
        for start, xc, yc, _, _ in iter_chunks(dataset, recipe, s, chunk_size=chunk_size, cancel=cancel):
            x[start:start + len(xc)] = xc
            y[start:start + len(yc)] = yc
            done += len(xc)
            if progress:
                progress(done, total)
        result[s] = (x, y)
    return result
