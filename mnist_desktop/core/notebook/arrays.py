"""Arrays in the shape every tutorial uses: ``load_data`` like Keras, ``process`` for a recipe.

``keras.datasets.mnist.load_data()`` returns ``(x_train, y_train), (x_test,
y_test)`` as uint8 arrays; so does :func:`load_data`, from the embedded
sample, a folder or an already loaded dataset, and with a recipe it returns
the processed arrays (what an export would write) without writing a file.
"""

from __future__ import annotations

import numpy as np

from ..formats.sources import as_dataset, as_recipe
from ..processing.normalize import output_dtype
from ..processing.pipeline import apply_recipe
from ..processing.recipe import Recipe
from ..progress import Cancel, Progress
from ..reprs import array_summary, fit
from ..draw.pictures import blocks_picture

__all__ = ["Processed", "process", "load_data", "as_dataset", "as_recipe"]

KERAS_SPLITS = ("train", "test")


class Processed(dict):
    """{split: (x, y)}: the arrays a recipe makes from a dataset, as an export would write them.

    A plain dict (``processed["train"]`` is ``(x, y)``) with a short repr,
    a picture of the first images in Jupyter, and :meth:`keras`.

    Attributes
    ----------
    recipe
        The recipe, resolved on the dataset (normalization statistics filled in).
    image_shape
        (height, width) of the dataset's images, for splits left out.
    """

    def __init__(self, arrays: dict, recipe: Recipe, image_shape: tuple[int, int]) -> None:
        super().__init__(arrays)
        self.recipe = recipe
        self.image_shape = tuple(image_shape)

    def keras(self) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
        """``((x_train, y_train), (x_test, y_test))``; a split not produced is a pair of empty arrays."""
        dtype = output_dtype(self.recipe.normalize)
        return tuple(self.get(s) or _empty(self.image_shape, dtype) for s in KERAS_SPLITS)  # type: ignore[return-value]

    def __repr__(self) -> str:
        parts = ", ".join(f"{name}={array_summary(x)}" for name, (x, _) in self.items())
        return fit(f"Processed({parts or 'no splits'}; {self.recipe!r})")

    def _repr_png_(self) -> bytes:
        parts = [(name, x, y) for name, (x, y) in self.items()]
        return blocks_picture(parts, title="processed (first images)").png


def _empty(shape: tuple[int, int], dtype) -> tuple[np.ndarray, np.ndarray]:
    return np.empty((0, *shape), dtype), np.empty((0,), np.uint8)


def process(dataset, recipe, *, progress: Progress | None = None, cancel: Cancel = None) -> Processed:
    """Apply ``recipe`` to every split it selects, in memory: ``{split: (x, y)}``.

    Parameters
    ----------
    dataset
        A :class:`Dataset`, ``"sample"`` or a folder.
    recipe
        A :class:`Recipe` or the path of a recipe JSON file.
    progress, cancel
        As for :func:`apply_recipe` (rows done / total; an Event or callable).

    Returns
    -------
    Processed
        A dict of ``(x, y)`` per split, bit-identical to what ``export`` writes
        with the same recipe (same row order: excluded samples dropped, the
        original if kept, then the copies).
    """
    ds = as_dataset(dataset)
    rec = as_recipe(recipe) or Recipe()
    resolved = rec.validate().resolve(ds)
    arrays = apply_recipe(ds, resolved, progress=progress, cancel=cancel)
    return Processed(arrays, resolved, resolved.target.output_shape(ds.images.shape[1:]))


def load_data(source="sample", recipe=None, *, labels: str = "fine",
              ) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """``(x_train, y_train), (x_test, y_test)`` exactly as ``keras.datasets.mnist.load_data()`` returns them.

    Parameters
    ----------
    source
        ``"sample"`` (the embedded MNIST test set), a folder of MNIST-style
        files, or a loaded :class:`Dataset`.
    recipe
        None for the raw images (uint8, 0..255); or a :class:`Recipe` (or the
        path of a recipe JSON file) for the processed arrays (float32 unless
        the normalization is "none"), computed in memory: nothing is written.
        The recipe's ``split`` and ``excluded`` samples apply.
    labels
        ``"fine"`` or ``"coarse"`` (CIFAR-100's 20 superclasses, like Keras'
        ``cifar100.load_data(label_mode="coarse")``) when ``source`` is a path.

    Returns
    -------
    tuple
        ``(x_train, y_train), (x_test, y_test)``: images (N, H, W), labels (N,)
        uint8. A split the source does not have (the sample has no train
        split) is a pair of empty arrays shaped (0, H, W) and (0,), with the
        same dtypes, so ``len(x_train) == 0`` tells it is missing.

    Examples
    --------
    >>> (x_train, y_train), (x_test, y_test) = load_data("sample")
    >>> x_test.shape, y_test.dtype, x_train.shape
    ((10000, 28, 28), dtype('uint8'), (0, 28, 28))
    """
    ds = as_dataset(source, "source", labels=labels)
    rec = as_recipe(recipe)
    if rec is not None:
        return process(ds, rec).keras()
    shape = ds.images.shape[1:]
    out = []
    for name in KERAS_SPLITS:
        split = ds.splits.get(name)
        if split is None:
            out.append(_empty(shape, np.uint8))
        else:  # own, writable arrays like Keras' (a memory-mapped file is read-only)
            x, y = split.images, split.labels
            out.append((x if _owned(x) else np.array(x), y if _owned(y) else np.array(y)))
    return out[0], out[1]


def _owned(a: np.ndarray) -> bool:
    return type(a) is np.ndarray and a.flags.writeable
