"""Streaming writers for each export format.

Each writer takes the output folder (or file object) and, per split, the
number of rows, the image shape and dtype, the labels, and an iterator of
image chunks; nothing holds more than one chunk of images, so exporting
60,000 float32 images needs a few MB beyond the dataset itself.
"""

from __future__ import annotations

import gzip
import hashlib
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

from ..draw import png as _png
from ..catalog import FILE_ROLES
from ..idx import idx_header

__all__ = ["CSV_HEADERS", "csv_header", "SplitData", "write_npz", "write_npy", "write_idx_files", "write_csv",
           "write_png"]


@dataclass
class SplitData:
    """One split to write: labels up front, images as a stream of chunks."""

    name: str
    rows: int
    image_shape: tuple[int, ...]
    dtype: np.dtype
    labels: np.ndarray
    indices: np.ndarray  # source index of each row
    copies: np.ndarray  # copy of each row (-1 = original)
    chunks: Callable[[], Iterator[np.ndarray]]  # yields image chunks in row order
    labelled: bool = True  # False: no label array/file/column is written (the split reads back unlabelled)
    layout: str = "nhwc"  # "nchw": image_shape is (C, H, W) and chunks come channels-first (PyTorch)
    source: str = ""  # the dataset split the rows come from ("" = name; a val split's is "train")
    original: np.ndarray | None = None  # each row's label in the source, before the recipe's relabelling

    @property
    def source_split(self) -> str:
        return self.source or self.name

    @property
    def channels(self) -> int:
        """1 for grey, 3 for colour, whatever the layout."""
        if len(self.image_shape) == 2:
            return 1
        return self.image_shape[0] if self.layout == "nchw" else self.image_shape[-1]


#: Extra files written by a writer beside the streamed ones: relative path -> SHA-256.
Hashes = dict[str, str]


def _npy_header(f: BinaryIO, dtype: np.dtype, shape: tuple[int, ...]) -> None:
    np.lib.format.write_array_header_1_0(
        f, {"descr": np.lib.format.dtype_to_descr(np.dtype(dtype)), "fortran_order": False, "shape": shape})


def _write_npy_stream(f: BinaryIO, dtype: np.dtype, shape: tuple[int, ...], chunks: Iterable[np.ndarray]) -> None:
    _npy_header(f, dtype, shape)
    for c in chunks:
        f.write(np.ascontiguousarray(c, dtype=dtype).data)


def write_npz(f: BinaryIO, splits: list[SplitData]) -> None:
    """Keras layout ``x_train, y_train, x_test, y_test`` (only the splits given), uncompressed."""
    with zipfile.ZipFile(f, "w", zipfile.ZIP_STORED, allowZip64=True) as zf:
        for s in splits:
            with zf.open(f"x_{s.name}.npy", "w", force_zip64=True) as e:
                _write_npy_stream(e, s.dtype, (s.rows, *s.image_shape), s.chunks())
            if s.labelled:
                with zf.open(f"y_{s.name}.npy", "w", force_zip64=True) as e:
                    _write_npy_stream(e, s.labels.dtype, s.labels.shape, [s.labels])


def write_npy(folder: Path, splits: list[SplitData]) -> Hashes:
    """``x_<split>.npy`` and ``y_<split>.npy`` per split."""
    for s in splits:
        with open(folder / f"x_{s.name}.npy", "wb") as f:
            _write_npy_stream(f, s.dtype, (s.rows, *s.image_shape), s.chunks())
        if s.labelled:
            with open(folder / f"y_{s.name}.npy", "wb") as f:
                _write_npy_stream(f, s.labels.dtype, s.labels.shape, [s.labels])
    return {}


def write_idx_files(folder: Path, splits: list[SplitData], *, compress: bool) -> Hashes:
    """Standard MNIST file names (``train-images-idx3-ubyte[.gz]``...); float32 as type 0x0D."""
    suffix = ".gz" if compress else ""
    for s in splits:
        for kind, dtype, shape, chunks in (
                ("images", s.dtype, (s.rows, *s.image_shape), s.chunks),
                ("labels", _idx_label_type(s.labels.dtype), s.labels.shape, lambda s=s: iter([s.labels]))):
            if kind == "labels" and not s.labelled:
                continue
            name = _idx_name(s.name, kind, len(shape)) + suffix
            with open(folder / name, "wb") as raw:
                f: BinaryIO = (gzip.GzipFile(filename=name[:-3], mode="wb", fileobj=raw, mtime=0, compresslevel=6)  # type: ignore[assignment]
                               if compress else raw)
                f.write(idx_header(dtype, shape))
                for c in chunks():
                    f.write(np.ascontiguousarray(c, dtype=np.dtype(dtype).newbyteorder(">")).data)
                if compress:
                    f.close()
    return {}


def _idx_label_type(dtype: np.dtype) -> np.dtype:
    """IDX has no unsigned 16-bit type: labels of 256 or more classes are written as int32 (0x0C)."""
    return np.dtype(np.int32) if np.dtype(dtype) == np.uint16 else np.dtype(dtype)


CSV_HEADERS = ("pixel", "rowcol")


def _idx_name(split: str, kind: str, ndim: int) -> str:
    """MNIST's file names for train/test, ``val-images-idx3-ubyte`` for val, ``<split>-<kind>`` otherwise."""
    if split == "val":
        return f"val-{kind}-idx{ndim}-ubyte"
    return FILE_ROLES.get((split, kind), f"{split}-{kind}")


def csv_header(image_shape: tuple[int, ...], style: str = "pixel", labelled: bool = True) -> str:
    """The header line of a CSV export.

    ``pixel``: ``label,pixel0,...,pixel783`` (Kaggle's digit-recognizer
    competition; pixel k is row k // W, column k % W). ``rowcol``:
    ``label,1x1,1x2,...,28x28`` (the "MNIST in CSV" dataset; row x column,
    1-based, row-major). Without labels the ``label`` column is left out.
    Colour (H, W, 3), written only on request: ``label,r0,g0,b0,r1,...``
    (pixel k's red, green, blue; ``style`` does not apply).
    """
    h, w = image_shape[:2]
    if len(image_shape) == 3:
        cols = [f"{c}{k}" for k in range(h * w) for c in "rgb"]
    elif style == "pixel":
        cols = [f"pixel{k}" for k in range(h * w)]
    elif style == "rowcol":
        cols = [f"{r}x{c}" for r in range(1, h + 1) for c in range(1, w + 1)]
    else:
        raise ValueError(f"unknown CSV header {style!r}; choose {' or '.join(CSV_HEADERS)}")
    return ",".join((["label"] if labelled else []) + cols)


def write_csv(folder: Path, splits: list[SplitData], header: str = "pixel") -> Hashes:
    """``<split>.csv``: a label column (unless unlabelled) then one column per pixel.

    Integers for uint8 data; ``%.9g`` for float32, which reads back to the
    same float32 value. ``header`` is ``"pixel"`` or ``"rowcol"`` (see :func:`csv_header`).
    """
    for s in splits:
        pixels = int(np.prod(s.image_shape))
        fmt = (("%d," if s.labelled else "") + ",".join(["%d" if s.dtype == np.uint8 else "%.9g"] * pixels) + "\n")
        with open(folder / f"{s.name}.csv", "w", encoding="ascii", newline="") as f:
            f.write(csv_header(s.image_shape, header, s.labelled) + "\n")
            row = 0
            for chunk in s.chunks():
                for k in range(0, len(chunk), 128):  # Python floats take ~8x the array: small pieces
                    c = chunk[k:k + 128]
                    flat = c.reshape(len(c), -1).tolist()
                    labels = s.labels[row:row + len(c)].tolist()
                    if s.labelled:
                        f.write("".join(fmt % (lab, *px) for lab, px in zip(labels, flat)))
                    else:
                        f.write("".join(fmt % tuple(px) for px in flat))
                    row += len(c)
    return {}


def png_name(index: int, copy: int, per_image: int) -> str:
    """``<index>.png`` for an original or the only copy; ``<index>_<copy>.png`` otherwise."""
    return f"{index}.png" if per_image == 1 or copy < 0 else f"{index}_{copy}.png"


def write_png(folder: Path, splits: list[SplitData], *, to_uint8: Callable[[np.ndarray], np.ndarray],
              per_image: int) -> Hashes:
    """ImageFolder layout ``<split>/<label>/<name>.png``, 8-bit grayscale or RGB.

    An unlabelled split has no class folders: ``<split>/<name>.png``.
    """
    hashes: Hashes = {}
    for s in splits:
        (folder / s.name).mkdir(parents=True, exist_ok=True)
        for label in np.unique(s.labels) if s.labelled else ():
            (folder / s.name / str(int(label))).mkdir(parents=True, exist_ok=True)
        row = 0
        for c in s.chunks():
            blobs = _png.encode_batch(to_uint8(c))
            for k, blob in enumerate(blobs):
                r = row + k
                name = png_name(int(s.indices[r]), int(s.copies[r]), per_image)
                rel = f"{s.name}/{int(s.labels[r])}/{name}" if s.labelled else f"{s.name}/{name}"
                (folder / rel).write_bytes(blob)
                hashes[rel] = hashlib.sha256(blob).hexdigest()
            row += len(c)
    return hashes
