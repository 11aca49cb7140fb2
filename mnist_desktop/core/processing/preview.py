"""What the GUI shows as "processed": exactly the rows the export writes, as pixels.

The grid shows copy 0 of every visible image (or the original when the recipe
keeps originals and makes no copies), and the original of a sample the recipe
draws into val or test (those rows are exported unaugmented); the detail view
shows every output row of the selected image. Both go through ``recipe.process_rows``, the function
the exporters call, so the preview and the exported arrays are bit-identical
up to the target-shape stage: tiles keep the source size (the export, and
``ImageDataset``, then resize or pad and set the channels).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..dataset import Dataset
from .normalize import to_uint8
from .pipeline import at_source_shape, process_rows
from .split_plan import held_out
from .statistics import NormStatistics
from .recipe import Recipe

__all__ = ["preview_copy", "preview_page", "preview_rows_of", "row_names", "Previewer", "Preview"]


def preview_copy(recipe: Recipe) -> int:
    """Which copy represents an image in the grid (-1 = the original)."""
    return 0 if recipe.augment.copies > 0 else -1


def preview_page(dataset: Dataset, indices: np.ndarray, recipe: Recipe) -> tuple[np.ndarray, np.ndarray]:
    """(processed values, display uint8) of global ``indices``; ``recipe`` must be resolved.

    Images of different splits are keyed by their own split and in-split
    index, as in the export.
    """
    indices = np.asarray(indices, dtype=np.int64)
    recipe = at_source_shape(recipe)
    shape = dataset.images.shape[1:]
    values = None
    copy = preview_copy(recipe)
    codes, local = dataset.locate_many(indices)
    for c, name in enumerate(dataset.split_names):
        mask = codes == c
        if not mask.any():
            continue
        copies = np.where(held_out(dataset, recipe, name, local[mask]), -1, copy)  # val/test: the original
        x, _ = process_rows(dataset, name, local[mask], copies, recipe)
        if values is None:
            values = np.empty((len(indices), *x.shape[1:]), x.dtype)
        values[mask] = x
    if values is None:
        values = np.empty((0, *shape), np.float32)
    return values, to_uint8(values, recipe.normalize)


def preview_rows_of(dataset: Dataset, index: int, recipe: Recipe, max_rows: int = 16) -> np.ndarray:
    """Display uint8 of the output rows of global ``index``: original (if kept), then copies.

    A sample drawn into val or test has one row, its original.
    """
    name, local = dataset.locate(index)
    recipe = at_source_shape(recipe)
    aug = recipe.augment
    copies = np.arange(-1 if aug.keep_original else 0, aug.copies)[:max_rows]
    if held_out(dataset, recipe, name, np.array([local]))[0]:
        copies = np.array([-1])
    x, _ = process_rows(dataset, name, np.full(len(copies), local), copies, recipe)
    return to_uint8(x, recipe.normalize)


def row_names(recipe: Recipe, max_rows: int = 16) -> str:
    """What the detail view's rows are, in export order ("original, copy 0, copy 1 …")."""
    aug = recipe.augment
    parts = (["original"] if aug.keep_original else []) + [f"copy {i}" for i in range(aug.copies)]
    return ", ".join(parts[:max_rows]) + (" …" if len(parts) > max_rows else "")


@dataclass(frozen=True, eq=False)
class Preview:
    """One computed preview: the page's processed pixels and the selected image's rows.

    Attributes
    ----------
    recipe
        The recipe as asked for (unresolved), to match against the current one.
    indices
        Global indices of the page, in tile order.
    values, display
        Processed values as exported, and uint8 for the screen.
    selected, rows
        The selected global index and its output rows as uint8 (None if none).
    """

    recipe: Recipe
    indices: np.ndarray
    values: np.ndarray
    display: np.ndarray
    selected: int | None
    rows: np.ndarray | None

    def shows(self, recipe: Recipe, indices: np.ndarray) -> bool:
        """Whether this preview is of ``recipe`` on exactly these ``indices``."""
        return self.recipe == recipe and np.array_equal(self.indices, indices)


class Previewer:
    """Computes previews of one dataset, resolving dataset-wide statistics once per setting.

    A z-score or min-max recipe needs the statistics of the whole dataset; a
    slider moving through augmentation settings must not recompute them, so
    they are cached per normalization setting.
    """

    def __init__(self, dataset: Dataset, statistics: NormStatistics | None = None) -> None:
        self.dataset = dataset
        self.statistics = statistics if statistics is not None else NormStatistics(dataset)

    def resolve(self, recipe: Recipe) -> Recipe:
        """``recipe`` with its normalization statistics filled from the dataset (cached)."""
        return self.statistics.resolve(recipe)

    def compute(self, indices: np.ndarray, selected: int | None, recipe: Recipe) -> Preview:
        """The preview of ``indices`` and of ``selected``'s rows (thread-safe enough for one worker)."""
        ready = self.resolve(recipe)
        values, display = preview_page(self.dataset, indices, ready)
        rows = preview_rows_of(self.dataset, selected, ready) if selected is not None else None
        return Preview(recipe, np.asarray(indices), values, display, selected, rows)
