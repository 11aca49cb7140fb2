"""What every reader shares: turning arrays into checked splits and datasets.

Readers differ in how they find and decode files; the rules for what a
split may hold live here once, so every format rejects the same things with
the same words (naming the file):

- images are (N, H, W) grey or (N, H, W, 3) RGB, any H x W above zero,
  stored as uint8 (0..255) or as float32 (float exports open as float data;
  the GUI, the quality check and the processing work on their 0..255
  rendering, :attr:`Split.pixels`); a channel axis of 1 is dropped; RGB whose
  channels are all equal is grey and kept as (N, H, W); RGBA loses its alpha
  and channels-first (N, 3, H, W) is turned to channels-last, each with a note;
- labels are whole numbers 0..K-1 with K at most :data:`MAX_CLASSES`
  (100,000), kept as uint8, uint16 beyond 256 classes, int32 beyond 65,536:
  a type that holds every label exactly (a larger label is refused, naming
  the file, the label and its index, before anything sized by the class
  count is allocated); a split without labels holds ``UNLABELLED`` (-1) for every
  sample, in an int16 array, so index arithmetic stays the same everywhere.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np

from ..dataset import UNLABELLED, Dataset, Split
from ..errors import DatasetError

__all__ = ["UNLABELLED", "MAX_CLASSES", "check_class_count", "label_dtype", "check_finite",
           "as_images", "grey_if_equal", "as_labels", "unlabelled", "make_split",
           "build_dataset", "default_class_names", "split_name_of", "order_splits", "natural_key"]

#: Names that say which split a file or folder holds (others keep their own name).
_SPLIT_WORDS = {"train": "train", "training": "train", "test": "test", "t10k": "test", "testing": "test",
                "val": "val", "valid": "val", "validation": "val"}


#: Most classes a dataset may have (labels 0..99,999): ImageNet-21k has 21,841. Beyond it the
#: per-class tables (counts, names, charts) would dwarf the data, and such labels are IDs, not classes.
MAX_CLASSES = 100_000


def check_class_count(top: int, where: str | Path, index: int | None = None) -> None:
    """Raise DatasetError when label ``top`` is beyond :data:`MAX_CLASSES` (naming it, its file and index)."""
    if top >= MAX_CLASSES:
        at = f" at index {index}" if index is not None else ""
        raise DatasetError(f"{where}: label {top}{at} is beyond the {MAX_CLASSES:,} classes this tool handles "
                           f"(labels 0..{MAX_CLASSES - 1:,}); are these IDs rather than class labels?")


def label_dtype(top: int) -> np.dtype:
    """The smallest type that holds labels 0..``top`` exactly: uint8, uint16 or int32."""
    return np.dtype(np.uint8 if top < 256 else np.uint16 if top < 65536 else np.int32)


def check_finite(arr: np.ndarray, where: str | Path, chunk: int = 4096) -> None:
    """Raise DatasetError naming ``where`` and the count when float images hold NaN or infinite values.

    Counted a chunk of images at a time (a memory-mapped file is not loaded
    whole), with numpy's warnings off: none reaches the terminal.
    """
    if arr.dtype.kind != "f":
        return
    bad = 0
    with np.errstate(all="ignore"):
        for start in range(0, len(arr), chunk):
            part = arr[start:start + chunk]
            bad += part.size - int(np.count_nonzero(np.isfinite(part)))
    if bad:
        raise DatasetError(f"{where}: {bad:,} pixel values are NaN or infinite (of {arr.size:,}); "
                           "the images must hold finite numbers")


def as_images(arr: np.ndarray, where: str | Path, notes: list[str] | None = None) -> np.ndarray:
    """Check and, where lossless, convert an array to (N, H, W) or (N, H, W, 3) uint8 or float32 images.

    Raises
    ------
    DatasetError
        Channel counts other than 1, 3 or 4, not 3-D or 4-D, empty (0 x 0)
        images, non-numeric data, integer values outside 0..255.
    """
    if arr.dtype.kind not in "uifb":
        raise DatasetError(f"{where}: expected numeric images, found {arr.dtype}")
    if arr.ndim == 4:
        arr = _channels_last(arr, where, notes)
    if arr.ndim == 2 and arr.shape[1] > 1 and math.isqrt(arr.shape[1]) ** 2 == arr.shape[1]:
        side = math.isqrt(arr.shape[1])
        arr = arr.reshape(len(arr), side, side)
        if notes is not None:
            notes.append(f"{Path(where).name}: flat rows of {side * side} values shown as {side} x {side} images")
    if arr.ndim not in (3, 4):
        raise DatasetError(f"{where}: expected images as a 3-dimensional array (count x height x width) "
                           f"or 4-dimensional with 3 colour channels last, found shape {arr.shape}")
    if arr.shape[1] == 0 or arr.shape[2] == 0:
        raise DatasetError(f"{where}: the images have no pixels ({arr.shape[1]}x{arr.shape[2]}); "
                           "an image needs at least 1x1")
    if arr.dtype.kind == "f":
        check_finite(arr, where)
    if arr.dtype == np.uint8 or arr.dtype == np.float32:
        return arr
    if arr.dtype.kind == "f":
        with np.errstate(over="ignore"):
            out = arr.astype(np.float32)
        check_finite(out, where)  # float64 beyond float32's range turns infinite
        return out
    if arr.size and (int(arr.min()) < 0 or int(arr.max()) > 255):
        raise DatasetError(f"{where}: integer pixel values must lie in 0..255, found "
                           f"{int(arr.min())}..{int(arr.max())}")
    return arr.astype(np.uint8)


def _channels_last(arr: np.ndarray, where: str | Path, notes: list[str] | None) -> np.ndarray:
    """A 4-D array as (N, H, W, 3), or (N, H, W) when it has one channel or equal RGB channels."""
    name = Path(str(where)).name
    if arr.shape[-1] == 1:
        return arr[..., 0]
    if arr.shape[1] == 1:
        return arr[:, 0]
    if arr.shape[-1] not in (3, 4) and arr.shape[1] in (3, 4):
        arr = np.moveaxis(arr, 1, -1)
        if notes is not None:
            notes.append(f"{name}: channels-first (N, C, H, W) images read as (N, H, W, C)")
    if arr.shape[-1] == 4:
        arr = arr[..., :3]
        if notes is not None:
            notes.append(f"{name}: RGBA images; the alpha channel is dropped")
    if arr.shape[-1] != 3:
        raise DatasetError(f"{where}: expected 1 or 3 colour channels (last axis), found shape {arr.shape}")
    grey = grey_if_equal(arr)
    if grey is not None:
        if notes is not None:
            notes.append(f"{name}: colour images with equal channels; read as grayscale")
        return grey
    return arr if arr.flags.c_contiguous else np.ascontiguousarray(arr)


def grey_if_equal(arr: np.ndarray, chunk: int | None = None) -> np.ndarray | None:
    """(N, H, W) of RGB images (N, H, W, 3) whose three channels are equal everywhere, else None.

    Compared a chunk of images at a time, so a memory-mapped file is not
    loaded whole to find that it is real colour (it stops at the first chunk
    that differs). The default chunk holds about 256k pixels: each
    comparison makes a temporary of one byte per pixel, and at 4,096 CIFAR
    images (4 MB) that was 14 % of a 10,000-image folder's peak memory.
    """
    if chunk is None:
        chunk = max(1, (1 << 18) // max(1, arr.shape[1] * arr.shape[2]))
    for start in range(0, len(arr), chunk):
        part = arr[start:start + chunk]
        if not (np.array_equal(part[..., 0], part[..., 1]) and np.array_equal(part[..., 1], part[..., 2])):
            return None
    return np.ascontiguousarray(arr[..., 0])


def as_labels(arr: np.ndarray, count: int, where: str | Path, image_where: str | Path | None = None) -> np.ndarray:
    """Check labels (whole numbers >= 0, one per image) and store them as uint8 (uint16 if needed)."""
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise DatasetError(f"{where}: expected labels as a 1-dimensional array, found shape {arr.shape}")
    if arr.dtype.kind == "f" and arr.size and not np.isfinite(arr).all():
        raise DatasetError(f"{where}: {arr.size - int(np.count_nonzero(np.isfinite(arr))):,} labels are NaN or "
                           "infinite; labels must be whole numbers")
    if arr.dtype.kind == "f" and arr.size and not np.array_equal(arr, np.round(arr)):
        raise DatasetError(f"{where}: labels must be whole numbers, found {arr.dtype} with fractions")
    if arr.dtype.kind not in "uifb":
        raise DatasetError(f"{where}: expected integer labels, found {arr.dtype}")
    if len(arr) != count:
        if image_where is not None and str(image_where) != str(where):
            raise DatasetError(f"{image_where}: {count:,} images but {where} has {len(arr):,} labels; "
                               "they do not belong together")
        raise DatasetError(f"{where}: {len(arr):,} labels for {count:,} images; they do not belong together")
    if arr.size and arr.min() < 0:
        bad = int(np.argmax(arr < 0))
        raise DatasetError(f"{where}: label {arr[bad]} at index {bad} is negative")
    top = int(arr.max()) if arr.size else 0
    if top >= MAX_CLASSES:
        check_class_count(top, where, int(np.argmax(arr >= MAX_CLASSES)))
    return arr.astype(label_dtype(top), copy=False)


def unlabelled(count: int) -> np.ndarray:
    """Labels of a split that has none: ``UNLABELLED`` (-1) for each sample."""
    return np.full(count, UNLABELLED, np.int16)


def make_split(name: str, images: np.ndarray, labels: np.ndarray | None, image_file: Path | None = None,
               label_file: Path | None = None, notes: list[str] | None = None) -> Split:
    """A checked split; ``labels=None`` makes it unlabelled."""
    where = image_file or name
    images = as_images(images, where, notes)
    labels = unlabelled(len(images)) if labels is None else as_labels(labels, len(images), label_file or where, where)
    return Split(name, images, labels, image_file, label_file)


def default_class_names(splits: dict[str, Split]) -> tuple[str, ...]:
    """"0".."K-1" for the largest label seen (at least 10, as MNIST-style sets have)."""
    tops = [int(s.labels.max()) for s in splits.values() if s.labelled and len(s)]
    for s in splits.values():
        if s.labelled and len(s):
            check_class_count(int(s.labels.max()), s.label_file or s.image_file or s.name)
    return tuple(str(i) for i in range(max([10] + [t + 1 for t in tops])))


def build_dataset(key: str, title: str, splits: dict[str, Split], source: str | Path, fmt: str, *,
                  class_names: tuple[str, ...] | None = None, notes: list[str] | None = None,
                  info=None) -> Dataset:
    """Put checked splits together; labels beyond ``class_names`` are an error naming the file."""
    if not splits:
        raise DatasetError(f"{source}: no images found")
    if class_names and len(class_names) > MAX_CLASSES:
        raise DatasetError(f"{source}: {len(class_names):,} class names; this tool handles at most {MAX_CLASSES:,}")
    names = tuple(class_names) if class_names else default_class_names(splits)
    for s in splits.values():
        if s.labelled and len(s) and int(s.labels.max()) >= len(names):
            bad = int(np.argmax(s.labels >= len(names)))
            raise DatasetError(f"{s.label_file or s.image_file or source}: label {int(s.labels[bad])} at index "
                               f"{bad} is out of range (the classes of this dataset are 0..{len(names) - 1})")
    shapes = {s.images.shape[1:] for s in splits.values()}
    if len(shapes) > 1:
        raise DatasetError(f"{source}: the splits have different image sizes "
                           f"({', '.join(f'{n}: {s.images.shape[1]}x{s.images.shape[2]}' for n, s in splits.items())})")
    return Dataset(key, title, dict(splits), names, str(source), info, fmt, tuple(notes or ()))


def split_name_of(stem: str, default: str | None = None) -> str:
    """"train" / "test" / "val" when a file or folder name says so (``mnist_train``, ``t10k``), else the stem."""
    words = re.split(r"[^a-z0-9]+", stem.lower())
    for w in words:
        if w in _SPLIT_WORDS:
            return _SPLIT_WORDS[w]
    return default if default is not None else stem


def order_splits(found: dict) -> dict:
    """The same mapping with train first, then val and other names, then test."""
    rank = {"train": 0, "val": 1, "test": 3}
    return dict(sorted(found.items(), key=lambda kv: rank.get(kv[0], 2)))


def natural_key(name: str) -> tuple:
    """Sort key that puts ``2.png`` before ``10.png``."""
    return tuple(int(t) if t.isdigit() else t for t in re.split(r"(\d+)", name))
