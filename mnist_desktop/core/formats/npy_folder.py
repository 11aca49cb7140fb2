"""A folder of ``x_<split>.npy`` / ``y_<split>.npy`` files (what ``export --format npy`` writes).

The arrays are memory-mapped read-only: opening a 60,000-image folder
reads only the headers, and pages come in as they are looked at. A missing
``y_<split>.npy`` makes that split unlabelled. Object arrays are refused
(``allow_pickle=False``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..dataset import Dataset
from ..errors import DatasetError
from ..progress import Progress
from .common import build_dataset, make_split, order_splits

__all__ = ["NPY_MAGIC", "is_npy", "npy_splits", "load_npy_folder", "load_npy_file"]

NPY_MAGIC = b"\x93NUMPY"


def is_npy(path: Path) -> bool:
    """Whether the file starts with the .npy magic bytes."""
    try:
        with open(path, "rb") as f:
            return f.read(6) == NPY_MAGIC
    except OSError:
        return False


def npy_splits(folder: Path) -> dict[str, tuple[Path, Path | None]]:
    """{split: (x file, y file or None)} for the ``x_<split>.npy`` files of ``folder``."""
    out = {}
    for p in sorted(folder.glob("x_*.npy")):
        if p.is_file() and is_npy(p):
            y = folder / ("y_" + p.name[2:])
            out[p.stem[2:]] = (p, y if y.is_file() else None)
    return order_splits(out)


def _open(path: Path) -> np.ndarray:
    try:
        return np.load(path, mmap_mode="r", allow_pickle=False)
    except ValueError as exc:
        raise DatasetError(f"{path}: cannot be read as a numeric .npy array ({exc})") from None


def load_npy_folder(folder: Path, *, splits: tuple[str, ...] | None = None,
                    progress: Progress | None = None) -> Dataset:
    """Open the ``x_<split>.npy`` / ``y_<split>.npy`` pairs of ``folder``, memory-mapped."""
    plan = {k: v for k, v in npy_splits(folder).items() if splits is None or k in splits}
    if not plan:
        raise DatasetError(f"{folder}: no x_<split>.npy files found")
    loaded, notes = {}, []
    for i, (split, (x, y)) in enumerate(plan.items(), 1):
        loaded[split] = make_split(split, _open(x), _open(y) if y else None, x, y, notes)
        if y is None:
            notes.append(f"{split}: no y_{split}.npy; unlabelled")
        if progress:
            progress(i, len(plan))
    return build_dataset(folder.name, folder.name, loaded, folder, "npy", notes=notes)


def load_npy_file(path: Path, *, splits: tuple[str, ...] | None = None, progress: Progress | None = None) -> Dataset:
    """One .npy file: its folder's split when it is an ``x_``/``y_`` file, else unlabelled images."""
    if path.name.startswith(("x_", "y_")) and (path.parent / ("x_" + path.name[2:])).is_file():
        split = path.stem[2:]
        return load_npy_folder(path.parent, splits=(split,), progress=progress)
    arr = _open(path)
    if arr.ndim == 1:
        raise DatasetError(f"{path}: holds {len(arr):,} values (labels?) but no images")
    s = make_split("images", arr, None, path)
    return build_dataset(path.stem, path.name, {"images": s}, path, "npy", notes=["no labels: unlabelled"])
