"""Datasets in memory: images (N, H, W) grey or (N, H, W, 3) RGB and labels per split, and the global index space.

Every format reader builds these; :func:`~.formats.load.load_dataset` opens
a source (the readers live in :mod:`.formats`, its registry picks one from
what the path holds). This module imports no reader. Images are uint8, or float32 for float exports (their
0..255 rendering is :attr:`Split.pixels`). A split without labels holds
``UNLABELLED`` (-1) for every sample (see :attr:`Split.labelled`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

import numpy as np

from .catalog import DatasetInfo
from .draw.pictures import dataset_picture
from .errors import DatasetError
from .reprs import dataset_repr, split_repr

__all__ = ["Split", "Dataset", "UNLABELLED", "MODEL_CLASS_LIMIT", "check_model_classes"]

#: Label of a sample that has none (a split read without labels, e.g. Kaggle's test.csv).
UNLABELLED = -1

#: Most classes the label models (check, evaluate) take: they hold a probability per sample and
#: class (60,000 x 1,000 float32 is 240 MB) and a class x class confusion matrix. ImageNet has 1,000.
MODEL_CLASS_LIMIT = 1000


def check_model_classes(dataset: Dataset, what: str) -> None:
    """Raise DatasetError (naming the top label) before a per-class model is built for too many classes."""
    n = len(dataset.class_names)
    if n > MODEL_CLASS_LIMIT:
        top = max((int(s.labels.max()) for s in dataset.splits.values() if s.labelled and len(s)), default=n - 1)
        raise DatasetError(f"{dataset.source}: {n:,} classes (labels up to {top:,}); {what} handles at most "
                           f"{MODEL_CLASS_LIMIT:,} classes (it keeps a score per sample and class)")


@dataclass(frozen=True)
class Split:
    """One split: images (N, H, W) grey or (N, H, W, 3) RGB, uint8 or float32, labels (N,), with their files.

    The one rule every feature relies on: a 3-D array is grey, a 4-D one has
    its 3 colour channels last (:attr:`channels`, :attr:`image_shape`,
    :attr:`is_colour` say which without looking at ``ndim``).

    Labels are uint8 (uint16 beyond 256 classes), or int16 ``UNLABELLED`` (-1)
    for every sample of a split that has no labels.
    """

    name: str
    images: np.ndarray
    labels: np.ndarray
    image_file: Path | None = None
    label_file: Path | None = None

    def __len__(self) -> int:
        return len(self.labels)

    def __repr__(self) -> str:
        return split_repr(self)

    def _repr_png_(self) -> bytes:
        """A labelled mosaic of the first images (Jupyter shows it)."""
        return dataset_picture(self).png

    @property
    def files(self) -> tuple[Path, ...]:
        return tuple(dict.fromkeys(p for p in (self.image_file, self.label_file) if p is not None))

    @property
    def channels(self) -> int:
        """1 for grey images (N, H, W), 3 for colour (N, H, W, 3)."""
        return 3 if self.images.ndim == 4 else 1

    @property
    def is_colour(self) -> bool:
        """True when the images have 3 colour channels."""
        return self.channels == 3

    @property
    def image_shape(self) -> tuple[int, ...]:
        """Shape of one image: (H, W) grey or (H, W, 3) colour."""
        return tuple(self.images.shape[1:])

    @property
    def pixels_per_image(self) -> int:
        """Values in one image (H * W * channels): the length of its flattened feature vector."""
        return int(np.prod(self.images.shape[1:], dtype=np.int64))

    @cached_property
    def labelled(self) -> bool:
        """False when the split has no labels (its labels are all ``UNLABELLED``)."""
        return not (len(self.labels) and self.labels.dtype.kind == "i" and int(self.labels.min()) < 0)

    @cached_property
    def value_range(self) -> tuple[float, float]:
        """(low, high) that :attr:`pixels` maps to 0..255: (0, 255) for uint8, (0, 1) for
        float data within 0..1 (scale exports), else the data's own min and max."""
        if self.images.dtype == np.uint8 or self.images.size == 0:
            return (0.0, 255.0)
        lo, hi = float(np.nanmin(self.images)), float(np.nanmax(self.images))
        return (0.0, 1.0) if lo >= 0 and hi <= 1 else (lo, hi if hi > lo else lo + 1)

    @cached_property
    def pixels(self) -> np.ndarray:
        """The images as uint8 0..255: the images themselves, or float data mapped from
        :attr:`value_range`. Display, processing and the quality check work on these."""
        if self.images.dtype == np.uint8:
            return self.images
        lo, hi = self.value_range
        out = np.empty(self.images.shape, np.uint8)
        for start in range(0, len(self.images), 4096):  # float temporaries one chunk at a time
            t = (self.images[start:start + 4096] - np.float32(lo)) * np.float32(255 / (hi - lo))
            np.clip(np.rint(np.nan_to_num(t), out=t), 0, 255, out=t)
            out[start:start + len(t)] = t
        return out


@dataclass(frozen=True)
class Dataset:
    """A loaded dataset: its splits in order (train before test) and class names."""

    key: str  # catalog key ("mnist", ...) or a folder name for unknown data
    title: str
    splits: dict[str, Split]
    class_names: tuple[str, ...]
    source: str  # "sample" or the folder / file it came from
    info: DatasetInfo | None = field(default=None, compare=False)
    format: str = "idx"  # what the registry recognised: "idx", "npz", "npy", "csv", "images", ...
    notes: tuple[str, ...] = ()  # what a user should know about how it was read
    #: Which of its label sets was read, for data that has more than one (CIFAR-100: "fine" or
    #: "coarse", see ``load_dataset(labels=)``); None: the data has one set of labels.
    label_set: str | None = None

    def labelled_only(self) -> Dataset:
        """The same dataset without its unlabelled splits (for label-based analysis)."""
        keep = {k: s for k, s in self.splits.items() if s.labelled}
        return self if len(keep) == len(self.splits) else replace(self, splits=keep)

    @property
    def unlabelled_splits(self) -> tuple[str, ...]:
        return tuple(k for k, s in self.splits.items() if not s.labelled)

    def __len__(self) -> int:
        return sum(len(s) for s in self.splits.values())

    def __repr__(self) -> str:
        return dataset_repr(self)

    def _repr_png_(self) -> bytes:
        """A labelled mosaic of the first images of each split (Jupyter shows it)."""
        return dataset_picture(self).png

    @property
    def split_names(self) -> tuple[str, ...]:
        return tuple(self.splits)

    @property
    def channels(self) -> int:
        """1 for grey, 3 for colour (every split has the same image shape)."""
        return next(iter(self.splits.values())).channels

    @property
    def is_colour(self) -> bool:
        """True when the images have 3 colour channels."""
        return self.channels == 3

    @property
    def image_shape(self) -> tuple[int, ...]:
        """Shape of one image: (H, W) grey or (H, W, 3) colour."""
        return next(iter(self.splits.values())).image_shape

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
    def pixels(self) -> np.ndarray:
        """:attr:`images` as uint8 0..255 (see :attr:`Split.pixels`)."""
        arrays = [s.pixels for s in self.splits.values()]
        return arrays[0] if len(arrays) == 1 else np.concatenate(arrays)

    @cached_property
    def labels(self) -> np.ndarray:
        """All labels, splits concatenated (int16 with ``UNLABELLED`` when a split has none)."""
        arrays = [s.labels for s in self.splits.values()]
        return arrays[0] if len(arrays) == 1 else np.concatenate(arrays)

    def label_text(self, label: int) -> str:
        """The class name of ``label``, or "-" for an unlabelled sample."""
        return self.class_names[label] if 0 <= label < len(self.class_names) else "-"
