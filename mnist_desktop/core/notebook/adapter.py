"""A map-style dataset (``__len__`` / ``__getitem__``) that PyTorch's DataLoader takes as is.

No framework is imported: a DataLoader only needs ``len(ds)`` and ``ds[i]``
(and uses ``__getitems__`` for a whole batch when it exists). Items are
numpy arrays and Python ints, which the default collate turns into tensors.
With a recipe, each row is processed on demand by the very function the
export uses, so row ``i`` equals row ``i`` of the exported split.
"""

from __future__ import annotations

import numpy as np

from ..errors import DatasetError
from ..processing.pipeline import process_rows
from ..processing.recipe import Recipe
from ..processing.split_plan import output_split_names, split_rows
from .arrays import as_dataset, as_recipe
from ..reprs import fit

__all__ = ["ImageDataset"]


class ImageDataset:
    """One split of a dataset as ``(image, label)`` items, for ``torch.utils.data.DataLoader``.

    Parameters
    ----------
    dataset
        A :class:`Dataset`, ``"sample"`` or a folder of MNIST-style files.
    split
        "train" or "test" (any split the dataset has), or "val" when the
        recipe draws one (``sampling.val_fraction``).
    recipe
        None: items are the raw uint8 images (H, W). A :class:`Recipe` (or
        the path of a recipe file): items are the processed rows in export
        order (excluded samples dropped, originals if kept, then the copies;
        val/test drawn and train balanced as ``recipe.sampling`` says; the
        target size and channels applied per batch), float32 unless the
        normalization is "none".
    transform, target_transform
        Optional callables applied to each image / label (torchvision style),
        e.g. ``lambda x: x[None]`` for a (1, H, W) channel axis.

    Examples
    --------
    >>> from torch.utils.data import DataLoader                    # doctest: +SKIP
    >>> ds = ImageDataset("sample", "test", recipe=Recipe())       # doctest: +SKIP
    >>> loader = DataLoader(ds, batch_size=64, shuffle=True)       # doctest: +SKIP
    >>> x, y = next(iter(loader))                                  # doctest: +SKIP
    >>> x.shape, x.dtype, y.dtype                                  # doctest: +SKIP
    (torch.Size([64, 28, 28]), torch.float32, torch.int64)
    """

    def __init__(self, dataset="sample", split: str = "train", recipe=None, transform=None,
                 target_transform=None) -> None:
        self.dataset = as_dataset(dataset)
        rec = as_recipe(recipe)
        self.recipe: Recipe | None = None if rec is None else rec.validate().resolve(self.dataset)
        names = self.dataset.split_names if self.recipe is None else output_split_names(self.dataset, self.recipe)
        if split not in names:
            raise DatasetError(f"{self.dataset.source}: the dataset has no {split} split; "
                               f"it has {', '.join(names) or 'none'}")
        self.split = split
        self.transform, self.target_transform = transform, target_transform
        if self.recipe is None:
            self._source = split
            self._index, self._copy = np.arange(len(self.dataset.splits[split])), None
        else:
            rows = split_rows(self.dataset, self.recipe, split)
            self._source, self._index, self._copy = rows.source, rows.indices, rows.copies

    def __len__(self) -> int:
        return len(self._index)

    def _rows(self, items) -> np.ndarray:
        rows = np.asarray(items, dtype=np.int64).reshape(-1)
        n = len(self)
        if len(rows) and (rows.min() < -n or rows.max() >= n):
            bad = rows[(rows < -n) | (rows >= n)][0]
            raise IndexError(f"item {bad} is out of range: this {self.split} split has {n:,} items")
        return rows % n if n else rows

    def __getitems__(self, items) -> list[tuple]:
        """Many items at once, processed as one batch (DataLoader calls this when it exists)."""
        rows = self._rows(items)
        s = self.dataset.splits[self._source]
        if self.recipe is None:
            x, y = s.images[self._index[rows]], s.labels[self._index[rows]]
        else:
            x, y = process_rows(self.dataset, self._source, self._index[rows], self._copy[rows], self.recipe)
        return [self._item(xi, int(yi)) for xi, yi in zip(x, y)]

    def __getitem__(self, i: int) -> tuple:
        if not isinstance(i, (int, np.integer)):
            raise TypeError(f"an item index must be an integer, got {type(i).__name__}")
        return self.__getitems__([i])[0]

    def __iter__(self):
        for start in range(0, len(self), 256):
            yield from self.__getitems__(range(start, min(start + 256, len(self))))

    def _item(self, x: np.ndarray, y: int) -> tuple:
        x = np.array(x)  # own memory: a DataLoader worker may keep it after the batch
        return (x if self.transform is None else self.transform(x),
                y if self.target_transform is None else self.target_transform(y))

    def __repr__(self) -> str:
        shape = self.dataset.splits[self._source].images.shape[1:]
        if self.recipe is not None:
            shape = self.recipe.target.output_shape(shape)
        kind = "uint8" if self.recipe is None else "processed"
        text = (f"ImageDataset({self.dataset.key!r}, split={self.split!r}, {len(self):,} items of "
                f"{'x'.join(map(str, shape))} {kind}")
        if self.recipe is not None:
            text += f", recipe={self.recipe!r}"
        return fit(text + ")")
