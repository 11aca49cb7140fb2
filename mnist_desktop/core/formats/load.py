"""Open a dataset: the one entry point above every reader.

:func:`load_dataset` opens the embedded sample or any path a user has (IDX
files, Keras npz, npy folder, CSV, image folders, torchvision and EMNIST
layouts); :mod:`.registry` picks the reader from what the path holds, not
from its extension. :func:`load_files` reads one explicit IDX pair;
:func:`best_source` picks full MNIST when it is downloaded, else the sample.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..dataset import Dataset
from ..paths import default_data_dir
from ..progress import Progress
from .idx_files import find_split_files, load_pair
from .registry import open_source

__all__ = ["load_dataset", "load_files", "find_split_files", "best_source"]


def load_files(image_file: str | os.PathLike[str], label_file: str | os.PathLike[str] | None, *,
               split: str = "test", class_names: tuple[str, ...] | None = None) -> Dataset:
    """Load one explicit IDX images + labels pair (labels None: unlabelled) as a one-split dataset."""
    return load_pair(Path(image_file), None if label_file is None else Path(label_file), split=split,
                     class_names=class_names)


def load_dataset(source: str | os.PathLike[str] = "sample", *, splits: tuple[str, ...] | None = None,
                 progress: Progress | None = None, labels: str = "fine") -> Dataset:
    """Load the embedded sample (``"sample"``) or any supported file or folder.

    Parameters
    ----------
    source
        ``"sample"``, or a path: a folder of IDX files (standard, torchvision
        ``MNIST/raw`` or EMNIST names), an IDX file, a Keras-style npz, a
        folder of ``x_<split>.npy`` files, a CSV file or folder of them, an
        image folder. The reader is chosen from what the path holds
        (:func:`.registry.detect`), not from its extension.
    splits
        Which splits to load when present (None: all).
    progress
        Called with (done, total) as the reader advances.
    labels
        ``"fine"`` (default: the dataset's labels) or ``"coarse"``: CIFAR-100's
        20 superclasses instead of its 100 classes (as Keras'
        ``cifar100.load_data(label_mode="coarse")``). Only CIFAR-100 has two
        label sets, so ``"coarse"`` on anything else is an error rather than
        silently the fine labels.

    Raises
    ------
    DatasetError
        Nothing readable at the path, or files that are incomplete,
        inconsistent or malformed; the message names the file.
    IdxFormatError
        A malformed IDX file.
    ValueError
        ``labels`` is neither "fine" nor "coarse".
    """
    return open_source(source, splits=splits, progress=progress, labels=labels)


def best_source(data_dir: str | os.PathLike[str] | None = None) -> str:
    """The best data at hand: full MNIST in the data folder if complete, else "sample"."""
    folder = Path(data_dir) if data_dir else default_data_dir()
    found = find_split_files(folder / "mnist")
    complete = len(found) == 2 and all(img and lab for img, lab in found.values())
    return str(folder / "mnist") if complete else "sample"
