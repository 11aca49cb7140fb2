"""``md.show`` for a notebook: like :func:`..draw.pictures.show`, and it also takes "sample" or a path."""

from __future__ import annotations

import os

import numpy as np

from ..draw.pictures import Picture
from ..draw.pictures import show as _show
from ..formats.sources import SOURCES, as_dataset

__all__ = ["show"]


def show(data, indices=None, **options) -> Picture:
    """A labelled mosaic of chosen images (see :func:`mnist_desktop.core.draw.pictures.show`).

    ``data`` is what every public function takes (a Dataset, ``"sample"``, a
    path), or a ``Split``, or an image array (N, H, W); ``indices`` are global
    indices of a dataset, indices within a split or an array, or a boolean mask.
    """
    if isinstance(data, (str, os.PathLike)):
        data = as_dataset(data, "data")
    elif not (hasattr(data, "splits") or hasattr(data, "images")) and np.ndim(data) == 0:
        raise TypeError(f"data must be {SOURCES}, a Split or an image array; got {type(data).__name__}")
    return _show(data, indices, **options)
