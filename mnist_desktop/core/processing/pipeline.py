"""The pipeline: a dataset and a recipe in, output rows out.

One path for every consumer, so what is seen is what is exported:

- :func:`process_rows` / :func:`process_indices` compute any rows (a page
  for the preview);
- :func:`iter_chunks` streams a whole split (the exporters);
- :func:`apply_recipe` returns whole arrays with progress and cancel.

Row order of a processed split (the "expansion order"): source samples in
index order, excluded ones dropped; for each sample, its original first (if
``augment.keep_original``), then copies 0..K-1. :func:`output_rows` gives
(index, copy) for every row, copy -1 meaning the original. With
``recipe.sampling`` the exported splits and their rows come from
:func:`.split_plan.split_rows` (val/test drawn from train, balance); the
target-shape stage (``recipe.target``) runs last on every row.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import numpy as np

from ..dataset import Dataset
from ..progress import Cancel, Progress, raise_if_cancelled
from .augment import augment_batch
from .normalize import normalize, output_dtype, to_unit_float
from .recipe import Recipe
from .split_plan import exported_split_names, output_rows, split_rows
from .target_shape import TargetParams, apply_target

__all__ = ["CHUNK", "output_rows", "output_shape", "at_source_shape", "process_rows", "process_indices", "iter_chunks",
           "apply_recipe"]

#: Output rows per chunk of :func:`iter_chunks`: ~3 MB of float32, cheap to cancel between.
CHUNK = 1024

def at_source_shape(recipe: Recipe) -> Recipe:
    """``recipe`` without its target-shape stage: for views drawn at the source size (grid, map)."""
    return recipe if recipe.target.is_identity else replace(recipe, target=TargetParams())


def output_shape(dataset: Dataset, recipe: Recipe, split: str) -> tuple[int, ...]:
    """Shape of one processed image of dataset split ``split`` (after the target stage)."""
    return recipe.target.output_shape(dataset.splits[split].images.shape[1:])


def process_rows(dataset: Dataset, split: str, indices: Any, copies: Any, recipe: Recipe,
                 *, out: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Processed images and labels for given (index, copy) rows of a split.

    Exactly what the export writes for those rows (bit for bit), because the
    exporters call this very function chunk by chunk. ``copies`` is one number
    or one per row; -1 means the original image. The recipe should be
    :meth:`Recipe.resolve`-d on the dataset (unresolved statistics would be
    computed from these rows alone). Labels carry the recipe's corrections
    (``relabelled``). ``split`` is a dataset split (a val row's is "train").
    """
    s = dataset.splits[split]
    idx = np.asarray(indices, dtype=np.int64).reshape(-1)
    cop = np.broadcast_to(np.asarray(copies, dtype=np.int64), idx.shape)
    images = s.pixels[idx]  # float data is processed from its 0..255 rendering
    shaped = not recipe.target.is_identity
    x = np.empty(images.shape, output_dtype(recipe.normalize)) if out is None or shaped else out
    aug_rows = np.flatnonzero(cop >= 0)
    if recipe.augment.is_identity or len(aug_rows) == 0:
        normalize(images, recipe.normalize, out=x)
    else:
        t = to_unit_float(images)
        t[aug_rows] = augment_batch(images[aug_rows], recipe.augment, seed=recipe.seed, split=split,
                                    indices=idx[aug_rows], copies=cop[aug_rows])
        normalize(t, recipe.normalize, out=x)
    if shaped:
        x = apply_target(x, recipe.target)
        if out is not None:
            out[...] = x
            x = out
    return x, recipe.labels_for(split, idx, s.labels[idx])


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
    """Stream a processed output split: yields (first row, x, y, indices, copies) per chunk.

    ``split`` is an output split name ("val" too, see :func:`.split_plan.split_rows`).
    The cancel flag is checked before every chunk. Pass a resolved recipe.
    """
    rows = split_rows(dataset, recipe, split)
    indices, copies = rows.indices, rows.copies
    for start in range(0, len(indices), chunk_size):
        raise_if_cancelled(cancel)
        sl = slice(start, start + chunk_size)
        x, y = process_rows(dataset, rows.source, indices[sl], copies[sl], recipe)
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
    names = exported_split_names(dataset, recipe)
    plans = {s: split_rows(dataset, recipe, s) for s in names}
    total = sum(len(p) for p in plans.values())
    done = 0
    result = {}
    for s in names:
        src = plans[s].source
        x = np.empty((len(plans[s]), *output_shape(dataset, recipe, src)), output_dtype(recipe.normalize))
        y = np.empty(len(plans[s]), dataset.splits[src].labels.dtype)
        for start, xc, yc, _, _ in iter_chunks(dataset, recipe, s, chunk_size=chunk_size, cancel=cancel):
            x[start:start + len(xc)] = xc
            y[start:start + len(yc)] = yc
            done += len(xc)
            if progress:
                progress(done, total)
        result[s] = (x, y)
    return result
