"""Datasets in memory: uint8 images (N, H, W) and labels per split.

Loads a folder holding the standard MNIST file names (gzip or not, any subset
of train/test), the embedded sample, or an explicit images + labels pair, and
checks that they belong together.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from .catalog import CATALOG, FILE_ROLES, SPLITS, DatasetInfo, identify_by_sha256
from .errors import DatasetError
from .idx import read_idx
from .hashing import sha256_file
from .paths import default_data_dir, not_a_folder_reason, sample_dir
from .progress import Progress

__all__ = ["Split", "Dataset", "load_dataset", "load_files", "find_split_files", "best_source"]


@dataclass(frozen=True)
class Split:
    """One split: images (N, H, W) uint8 and labels (N,) uint8, with their files."""

    name: str
    images: np.ndarray
    labels: np.ndarray
    image_file: Path | None = None
    label_file: Path | None = None

    def __len__(self) -> int:
        return len(self.labels)

    def __repr__(self) -> str:
        from .notebook.reprs import split_repr
        return split_repr(self)

    def _repr_png_(self) -> bytes:
        """A labelled mosaic of the first images (Jupyter shows it)."""
        from .view.pictures import dataset_picture
        return dataset_picture(self).png

    @property
    def files(self) -> tuple[Path, ...]:
        return tuple(p for p in (self.image_file, self.label_file) if p is not None)


@dataclass(frozen=True)
class Dataset:
    """A loaded dataset: its splits in order (train before test) and class names."""

    key: str  # catalog key ("mnist", ...) or a folder name for unknown data
    title: str
    splits: dict[str, Split]
    class_names: tuple[str, ...]
    source: str  # "sample" or the folder / file it came from
    info: DatasetInfo | None = field(default=None, compare=False)

    def __len__(self) -> int:
        return sum(len(s) for s in self.splits.values())

    def __repr__(self) -> str:
        from .notebook.reprs import dataset_repr
        return dataset_repr(self)

    def _repr_png_(self) -> bytes:
        """A labelled mosaic of the first images of each split (Jupyter shows it)."""
        from .view.pictures import dataset_picture
        return dataset_picture(self).png

    @property
    def split_names(self) -> tuple[str, ...]:
        return tuple(self.splits)

    @cached_property
    def offsets(self) -> dict[str, int]:
        """Position of each split's first image in the concatenated arrays."""
        out, pos = {}, 0
        for name, split in self.splits.items():
            out[name] = pos
            pos += len(split)
        return out

    # ------------------------------------------------------------------ index space
    # A *global* index is a position in the concatenated arrays (splits in
    # order, train before test); a *local* one is (split, index in split).
    # Every conversion between the two goes through these methods.

    def split_range(self, name: str) -> range:
        """Global indices of split ``name``."""
        start = self.offsets[name]
        return range(start, start + len(self.splits[name]))

    @cached_property
    def split_codes(self) -> np.ndarray:
        """(N,) uint8: position in :attr:`split_names` of each global index's split."""
        return np.repeat(np.arange(len(self.splits), dtype=np.uint8), [len(s) for s in self.splits.values()])

    def locate(self, index: int) -> tuple[str, int]:
        """(split name, index within that split) of global ``index``."""
        if not 0 <= index < len(self):
            raise IndexError(f"image {index} is not in the dataset ({len(self):,} images)")
        name = self.split_names[int(self.split_codes[index])]
        return name, int(index) - self.offsets[name]

    def locate_many(self, indices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(split codes, indices within their split) of many global indices."""
        idx = np.asarray(indices, dtype=np.int64)
        codes = self.split_codes[idx]
        starts = np.array([self.offsets[s] for s in self.split_names], np.int64)
        return codes, idx - starts[codes]

    def to_global(self, split: str, indices):
        """Global index (or array of them) of ``indices`` within ``split``."""
        if split not in self.splits:
            raise KeyError(f"the dataset has no {split} split; it has {', '.join(self.split_names)}")
        if np.isscalar(indices):
            return self.offsets[split] + int(indices)
        return self.offsets[split] + np.asarray(indices, dtype=np.int64)

    def by_split(self, indices: np.ndarray) -> dict[str, np.ndarray]:
        """{split: indices within it} of global ``indices``, order kept, every split a key."""
        codes, local = self.locate_many(indices)
        return {name: local[codes == c] for c, name in enumerate(self.split_names)}

    def mask_of(self, per_split: Mapping[str, np.ndarray]) -> np.ndarray:
        """(N,) bool mask of the global indices named as {split: indices within it}."""
        mask = np.zeros(len(self), bool)
        for name, local in per_split.items():
            if name in self.splits and len(local):
                mask[self.to_global(name, local)] = True
        return mask

    @cached_property
    def images(self) -> np.ndarray:
        """All images, splits concatenated in order (a view when there is one split)."""
        arrays = [s.images for s in self.splits.values()]
        return arrays[0] if len(arrays) == 1 else np.concatenate(arrays)

    @cached_property
    def labels(self) -> np.ndarray:
        arrays = [s.labels for s in self.splits.values()]
        return arrays[0] if len(arrays) == 1 else np.concatenate(arrays)


def find_split_files(folder: str | os.PathLike[str]) -> dict[str, tuple[Path | None, Path | None]]:
    """Find the standard MNIST files in ``folder``: {split: (images, labels)}.

    Accepts ``train-images-idx3-ubyte`` with or without ``.gz`` and the
    ``train-images.idx3-ubyte`` spelling some archives use. Splits with
    neither file are left out.
    """
    root = Path(folder)
    found: dict[str, tuple[Path | None, Path | None]] = {}
    for split in SPLITS:
        pair = []
        for kind in ("images", "labels"):
            base = FILE_ROLES[(split, kind)]
            dotted = base.replace("-idx", ".idx")
            names = (base + ".gz", base, dotted + ".gz", dotted)
            pair.append(next((root / n for n in names if (root / n).is_file()), None))
        if pair[0] or pair[1]:
            found[split] = (pair[0], pair[1])
    return found


def load_files(image_file: str | os.PathLike[str], label_file: str | os.PathLike[str], *,
               split: str = "test", class_names: tuple[str, ...] | None = None) -> Dataset:
    """Load one explicit images + labels pair as a one-split dataset."""
    images = _load_images(Path(image_file))
    labels = _load_labels(Path(label_file))
    split_obj = _make_split(split, images, labels, Path(image_file), Path(label_file), class_names)
    info = _identify([Path(label_file)])
    names = class_names or (info.class_names if info else _default_class_names(labels))
    return Dataset(info.key if info else Path(image_file).stem, info.title if info else Path(image_file).name,
                   {split: split_obj}, names, str(image_file), info)


def load_dataset(source: str | os.PathLike[str] = "sample", *, splits: tuple[str, ...] = SPLITS,
                 progress: Progress | None = None) -> Dataset:
    """Load the embedded sample (``"sample"``) or a folder of MNIST-style files.

    Parameters
    ----------
    source
        ``"sample"`` or a folder holding any of the four standard file names.
    splits
        Which splits to load when present.
    progress
        Called with (files done, files total) after each file.

    Raises
    ------
    DatasetError
        The folder has no MNIST files, a split lacks its images or labels, or
        images and labels disagree.
    IdxFormatError
        A file is malformed.
    """
    is_sample = str(source) == "sample"
    folder = sample_dir() if is_sample else Path(source)
    if not folder.is_dir():
        raise DatasetError(not_a_folder_reason(folder))
    found = {k: v for k, v in find_split_files(folder).items() if k in splits}
    if not found:
        raise DatasetError(
            f"{folder}: no MNIST-style files found (expected names like "
            "train-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz)")
    for split, (img, lab) in found.items():
        if img is None or lab is None:
            missing = FILE_ROLES[(split, "images" if img is None else "labels")]
            raise DatasetError(f"{folder}: the {split} split has no {'images' if img is None else 'labels'} "
                               f"file ({missing}[.gz])")
    info = _identify([lab for _, lab in found.values()]) or CATALOG.get(folder.name)
    classes = info.class_names if info else MNIST_STYLE_CLASSES
    total, done = 2 * len(found), 0
    loaded: dict[str, Split] = {}
    for split, (img, lab) in found.items():
        labels = _load_labels(lab)
        done += 1
        if progress:
            progress(done, total)
        images = _load_images(img)
        done += 1
        if progress:
            progress(done, total)
        loaded[split] = _make_split(split, images, labels, img, lab, classes)
    all_labels = np.concatenate([s.labels for s in loaded.values()])
    class_names = info.class_names if info else _default_class_names(all_labels)
    if is_sample:
        title = "MNIST test set (embedded sample)"
    else:
        title = info.title if info else folder.name
    return Dataset(info.key if info else folder.name, title, loaded, class_names,
                   "sample" if is_sample else str(folder), info)


def best_source(data_dir: str | os.PathLike[str] | None = None) -> str:
    """The best data at hand: full MNIST in the data folder if complete, else "sample"."""
    folder = Path(data_dir) if data_dir else default_data_dir()
    found = find_split_files(folder / "mnist")
    complete = len(found) == 2 and all(img and lab for img, lab in found.values())
    return str(folder / "mnist") if complete else "sample"


def _load_images(path: Path) -> np.ndarray:
    images = read_idx(path)
    if images.ndim != 3 or images.dtype != np.uint8:
        raise DatasetError(
            f"{path}: expected images as a 3-dimensional ubyte array (count x height x width), "
            f"found {images.dtype} with shape {images.shape}")
    check_not_empty(path, images)
    return images


def check_not_empty(path: Path | str, images: np.ndarray) -> None:
    """Reject images of 0 pixels (an N x 0 x 0 file): nothing could be shown, checked or exported."""
    if images.ndim >= 3 and 0 in images.shape[1:]:
        raise DatasetError(f"{path}: the images have no pixels ({'x'.join(map(str, images.shape[1:]))}); "
                           "an image needs at least 1x1")


def _load_labels(path: Path) -> np.ndarray:
    labels = read_idx(path, copy=True)
    if labels.ndim != 1 or labels.dtype != np.uint8:
        raise DatasetError(
            f"{path}: expected labels as a 1-dimensional ubyte array, found {labels.dtype} "
            f"with shape {labels.shape}")
    return labels


def _make_split(name: str, images: np.ndarray, labels: np.ndarray, image_file: Path | None,
                label_file: Path | None, class_names: tuple[str, ...] | None) -> Split:
    if len(images) != len(labels):
        raise DatasetError(
            f"{image_file}: {len(images):,} images but {label_file} has {len(labels):,} labels; "
            "they do not belong together")
    if class_names is not None and len(labels) and int(labels.max()) >= len(class_names):
        bad = int(np.argmax(labels >= len(class_names)))
        raise DatasetError(
            f"{label_file}: label {int(labels[bad])} at index {bad} is out of range "
            f"(the classes of this dataset are 0..{len(class_names) - 1})")
    return Split(name, images, labels, image_file, label_file)


#: Files under the standard MNIST names (MNIST, Fashion-MNIST, KMNIST alike) hold classes 0..9.
MNIST_STYLE_CLASSES = tuple(str(i) for i in range(10))


def _identify(label_files: list[Path]) -> DatasetInfo | None:
    for path in label_files:
        hit = identify_by_sha256(sha256_file(path))
        if hit:
            return hit[0]
    return None


def _default_class_names(labels: np.ndarray) -> tuple[str, ...]:
    n = max(10, int(labels.max()) + 1 if len(labels) else 10)
    return tuple(str(i) for i in range(n))
