"""MNIST-style test folders: the standard IDX file names, written from arrays or sample digits.

``write_mnist(folder, test=(x, y))`` writes ``t10k-images-idx3-ubyte.gz`` and
``t10k-labels-idx1-ubyte.gz`` (``train=`` the ``train-*`` pair); ``gz=False``
writes them uncompressed (memory-mapped when read). The fixture
``mnist_folder`` in ``tests/conftest.py`` writes into the test's ``tmp_path``
and also takes a count or a slice of the embedded sample for a split.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from mnist_desktop.core.catalog import FILE_ROLES
from mnist_desktop.core.idx import write_idx

__all__ = ["write_mnist", "sample_rows", "Split"]

#: A split's content: (images, labels); labels None writes the images file only.
Split = tuple[np.ndarray, "np.ndarray | list[int] | None"]


def write_mnist(folder: Path, *, train: Split | None = None, test: Split | None = None, gz: bool = True) -> Path:
    """Write the given splits under their standard MNIST names into ``folder`` (created if missing).

    Parameters
    ----------
    folder
        Target folder; files already there stay (write train and test separately to mix forms).
    train, test
        ``(images, labels)`` of each split to write; labels None writes only the images file.
    gz
        Gzip the files (``.gz`` names) or write them raw.

    Returns
    -------
    Path
        ``folder``.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    suffix = ".gz" if gz else ""
    for split, content in (("train", train), ("test", test)):
        if content is None:
            continue
        images, labels = content
        write_idx(folder / (FILE_ROLES[(split, "images")] + suffix), np.ascontiguousarray(images))
        if labels is not None:
            write_idx(folder / (FILE_ROLES[(split, "labels")] + suffix), np.ascontiguousarray(labels, np.uint8))
    return folder


def sample_rows(dataset, rows: int | slice) -> Split:
    """(images, labels) copies of the first ``rows`` images (or the slice ``rows``) of ``dataset``."""
    sl = slice(0, rows) if isinstance(rows, int) else rows
    return dataset.images[sl].copy(), dataset.labels[sl].copy()
