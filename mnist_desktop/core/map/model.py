"""The result of the map: 2-D coordinates of every image, and how to write them.

A :class:`Map` is indexed like the dataset's global index space (all splits,
train before test), so the GUI can colour, select and filter with the same
indices as the grid. Writers follow the output rule of :mod:`core.output`:
atomic (a failed write never leaves a half-written file), never over an
input, and over an existing file only when it is an earlier map (its CSV
header or npy fields say so) or with force.
"""

from __future__ import annotations

import io
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..output import write_output
from ..dataset import Dataset
from ..errors import ExportError

__all__ = ["MapParams", "Map", "MAP_FORMATS"]

#: First line of a map CSV.
CSV_HEADER = "index,split,label,x,y\n"
#: Fields of a map npy (structured array).
NPY_FIELDS = ("index", "split", "label", "x", "y")

#: File suffixes :meth:`Map.save` understands.
MAP_FORMATS = (".csv", ".npy")


@dataclass(frozen=True)
class MapParams:
    """Settings of the map; the defaults suit MNIST-like data (about 0.95 10-NN agreement).

    Attributes
    ----------
    neighbours
        k of the neighbour graph (UMAP's ``n_neighbors``): larger keeps more
        global structure, smaller splits classes into finer islands.
    n_components
        PCA components the neighbours are searched in.
    epochs
        Optimisation epochs; more is slower and a little tidier.
    min_dist
        How tightly points of one island may pack.
    negative
        Negative (repulsive) samples per attractive one.
    seed
        Seed of every random choice: the same seed gives the same map.
    """

    neighbours: int = 15
    n_components: int = 50
    epochs: int = 200
    min_dist: float = 0.1
    negative: int = 5
    seed: int = 0

    def __post_init__(self) -> None:
        for name, lo in (("neighbours", 2), ("n_components", 2), ("epochs", 1), ("negative", 0), ("seed", 0)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < lo:
                raise ValueError(f"map {name} must be a whole number >= {lo}, got {value!r}")
        if not 0 <= self.min_dist < 1:
            raise ValueError(f"map min_dist must be between 0 and 1, got {self.min_dist!r}")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, eq=False)
class Map:
    """2-D coordinates of every image of a dataset.

    Attributes
    ----------
    coords
        (N, 2) float32, row ``g`` for global index ``g``.
    labels
        (N,) labels as the dataset has them (``UNLABELLED`` -1 in a split without labels).
    split_codes
        (N,) uint8: position in ``split_names`` of each image's split.
    split_names, class_names
        As in the dataset.
    params
        The settings that produced the map.
    """

    coords: np.ndarray
    labels: np.ndarray
    split_codes: np.ndarray
    split_names: tuple[str, ...]
    class_names: tuple[str, ...]
    params: MapParams

    @classmethod
    def from_coords(cls, dataset: Dataset, coords: np.ndarray, params: MapParams) -> Map:
        """A map of ``dataset`` from coordinates in its global index order."""
        coords = np.ascontiguousarray(coords, dtype=np.float32)
        if coords.shape != (len(dataset), 2):
            raise ValueError(f"need ({len(dataset)}, 2) coordinates, got {coords.shape}")
        return cls(coords, np.asarray(dataset.labels), dataset.split_codes, dataset.split_names,
                   dataset.class_names, params)

    def __len__(self) -> int:
        return len(self.coords)

    def __repr__(self) -> str:
        return (f"Map({len(self):,} points, splits {'+'.join(self.split_names)}, "
                f"{self.params.epochs} epochs, seed {self.params.seed})")

    def local_indices(self) -> np.ndarray:
        """(N,) index of each point within its own split."""
        counts = np.bincount(self.split_codes, minlength=len(self.split_names))
        starts = np.r_[0, np.cumsum(counts)[:-1]]
        return np.arange(len(self)) - starts[self.split_codes]

    def records(self) -> np.ndarray:
        """Structured array (index, split, label, x, y), one row per image in global order.

        ``index`` is the position within the image's split, as in the split's files.
        """
        width = max((len(s) for s in self.split_names), default=1)
        out = np.empty(len(self), [("index", "<i8"), ("split", f"<U{width}"), ("label", self.labels.dtype.str),
                                   ("x", "<f4"), ("y", "<f4")])
        out["index"] = self.local_indices()
        out["split"] = np.asarray(self.split_names)[self.split_codes] if len(self) else ""
        out["label"] = self.labels
        out["x"], out["y"] = self.coords[:, 0], self.coords[:, 1]
        return out

    def to_csv(self, path: str | os.PathLike[str], *, force: bool = False, inputs: tuple = (),
               force_hint: str = "force=True") -> None:
        """Write ``index,split,label,x,y`` with a header line, by the output rule."""
        rec = self.records()
        buf = io.StringIO()
        buf.write(CSV_HEADER)
        names = np.asarray(self.split_names)
        for i, code, label, x, y in zip(rec["index"].tolist(), self.split_codes.tolist(), rec["label"].tolist(),
                                        rec["x"].tolist(), rec["y"].tolist()):
            buf.write(f"{i},{names[code]},{label},{x:.6g},{y:.6g}\n")
        write_output(path, buf.getvalue().encode("ascii"), kind="map", own=is_map_file, inputs=inputs,
                     force=force, force_hint=force_hint)

    def to_npy(self, path: str | os.PathLike[str], *, force: bool = False, inputs: tuple = (),
               force_hint: str = "force=True") -> None:
        """Write :meth:`records` as a structured ``.npy`` (loads without pickle), by the output rule."""
        write_output(path, lambda f: np.save(f, self.records(), allow_pickle=False), kind="map", own=is_map_file,
                     inputs=inputs, force=force, force_hint=force_hint)

    def save(self, path: str | os.PathLike[str], *, force: bool = False, inputs: tuple = (),
             force_hint: str = "force=True") -> None:
        """Write by suffix: ``.csv`` or ``.npy``; ExportError for anything else.

        Output rule (:mod:`core.output`): an existing file is replaced only
        when it is an earlier map (:func:`is_map_file`) or with ``force``;
        never one of ``inputs``.
        """
        suffix = Path(path).suffix.lower()
        if suffix == ".csv":
            self.to_csv(path, force=force, inputs=inputs, force_hint=force_hint)
        elif suffix == ".npy":
            self.to_npy(path, force=force, inputs=inputs, force_hint=force_hint)
        else:
            raise ExportError(f"{path}: the map is written as .csv or .npy, not {suffix or 'a file without suffix'}")


def is_map_file(path: Path) -> bool:
    """Whether ``path`` is a map this tool wrote: a CSV starting with :data:`CSV_HEADER`, or an npy
    whose structured fields are :data:`NPY_FIELDS` (only the header is read)."""
    with open(path, "rb") as f:
        if Path(path).suffix.lower() == ".csv":
            return f.read(len(CSV_HEADER)) == CSV_HEADER.encode("ascii")
        version = np.lib.format.read_magic(f)
        read = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        _, _, dtype = read(f)
    return dtype.names == NPY_FIELDS
