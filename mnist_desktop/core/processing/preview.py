"""What the GUI shows as "processed": exactly the rows the export writes, as pixels.

The grid shows copy 0 of every visible image (or the original when the recipe
keeps originals and makes no copies); the detail view shows every output row
of the selected image. Both go through ``recipe.process_rows``, the function
the exporters call, so the preview and the exported arrays are bit-identical.
"""

from __future__ import annotations

import numpy as np

from ..dataset import Dataset
from .normalize import to_uint8
from .recipe import Recipe, process_rows

__all__ = ["preview_copy", "preview_page", "preview_rows_of"]


def preview_copy(recipe: Recipe) -> int:
    """Which copy represents an image in the grid (-1 = the original)."""
    return 0 if recipe.augment.copies > 0 else -1


def preview_page(dataset: Dataset, indices: np.ndarray, recipe: Recipe) -> tuple[np.ndarray, np.ndarray]:
    """(processed values, display uint8) of global ``indices``; ``recipe`` must be resolved.

    Images of different splits are keyed by their own split and in-split
    index, as in the export.
    """
    indices = np.asarray(indices, dtype=np.int64)
    h, w = dataset.images.shape[1:3]
    values = None
    copy = preview_copy(recipe)
    codes, local = dataset.locate_many(indices)
    for c, name in enumerate(dataset.split_names):
        mask = codes == c
        if not mask.any():
            continue
        x, _ = process_rows(dataset, name, local[mask], copy, recipe)
        if values is None:
            values = np.empty((len(indices), h, w), x.dtype)
        values[mask] = x
    if values is None:
        values = np.empty((0, h, w), np.float32)
    return values, to_uint8(values, recipe.normalize)


def preview_rows_of(dataset: Dataset, index: int, recipe: Recipe, max_rows: int = 16) -> np.ndarray:
    """Display uint8 of the output rows of global ``index``: original (if kept), then copies."""
    name, local = dataset.locate(index)
    aug = recipe.augment
    copies = np.arange(-1 if aug.keep_original else 0, aug.copies)[:max_rows]
    x, _ = process_rows(dataset, name, np.full(len(copies), local), copies, recipe)
    return to_uint8(x, recipe.normalize)
