"""Which reader opens a path: decided from what the path is and what it holds.

Files are told apart by their first bytes (zip signature -> npz, ``\\x93NUMPY``
-> npy, IDX header or gzip -> IDX, a header line of pixel columns or rows of
numbers -> CSV), never by the extension alone. Folders by the files in them,
in this order: IDX names (standard, torchvision ``<Name>/raw``, EMNIST),
``x_<split>.npy``, image CSVs, CIFAR-10/100 batches (python or binary, or the
folder holding the official ``cifar-10-batches-py`` ...), then image folders. Anything else is an error
that names the path and says what was expected.

An export's manifest (``manifest.json`` in the folder, ``<file>.manifest.json``
beside an npz) gives the class names and title back to what it wrote.
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

from ..dataset import Dataset
from ..errors import DatasetError
from ..hashing import is_gzip, markup_kind
from ..inputs import check_regular, open_input, read_small_text
from ..paths import sample_dir
from ..progress import Progress
from . import cifar, csv_files, idx_files, image_folder, npy_folder, npz

__all__ = ["detect", "open_source", "EXPECTED"]

EXPECTED = ("MNIST-style IDX files (train-images-idx3-ubyte[.gz] ..., torchvision's MNIST/raw, EMNIST), "
            "a Keras npz (x_train, y_train, ...), a folder of x_<split>.npy files, a CSV of images "
            "(label,pixel0,... or label,1x1,...), CIFAR-10/100 python or binary batches, or an image folder "
            "(<class>/*.png or <split>/<class>/*.png)")


def _head(path: Path) -> bytes:
    with open_input(path) as f:
        return f.read(1 << 16)


def _is_idx(head: bytes) -> bool:
    return len(head) >= 4 and head[:2] == b"\x00\x00" and head[2] in (0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E) \
        and 1 <= head[3] <= 4


def detect(path: str | os.PathLike[str]) -> str:
    """The format name of what ``path`` holds: idx, emnist, npz, npy, csv, cifar-python, cifar-binary or images.

    Raises
    ------
    DatasetError
        Nothing readable: the message names the path and what was expected.
    """
    p = Path(path)
    try:
        os.stat(p)
    except FileNotFoundError:
        raise DatasetError(f"{p}: no such file or folder") from None
    except OSError as exc:  # a symlink loop, no permission: say which
        raise DatasetError(f"{p}: {exc.strerror or exc}") from None
    if not p.is_dir():
        check_regular(p)  # a pipe, device or socket: refused now, never read (it could block or never end)
    if p.is_dir():
        layouts = idx_files.find_layouts(p)
        if layouts:
            return "emnist" if all(lay.emnist_set for lay in layouts) else "idx"
        if npy_folder.npy_splits(p):
            return "npy"
        if csv_files.csv_splits(p)[0]:
            return "csv"
        cif = cifar.find_cifar(p)
        if cif is not None:
            return f"cifar-{cif.encoding}"
        if image_folder.scan_image_folder(p):
            return "images"
        raise DatasetError(f"{p}: no dataset found in this folder; expected {EXPECTED}")
    head = _head(p)
    if head.startswith(npz.ZIP_MAGIC):
        return "npz"
    if head.startswith(npy_folder.NPY_MAGIC):
        return "npy"
    if _is_idx(head) or is_gzip(head):
        return "idx"
    if markup_kind(head):
        raise DatasetError(f"{p}: is a web page ({markup_kind(head)}), not data; expected {EXPECTED}")
    if head.startswith(image_folder.IMAGE_MAGICS):
        raise DatasetError(f"{p}: is a single image; open the folder that holds the images")
    if p.name.lower().endswith(".gz"):  # named as gzip but is not: say that, not "not a dataset file"
        raise DatasetError(f"{p}: not gzip data (a .gz file starts with the bytes 1f 8b; this one starts "
                           f"with {head[:2].hex(' ') or 'nothing: it is empty'})")
    if csv_files.sniff_csv(p, head) is not None:
        return "csv"
    raise DatasetError(f"{p}: not a dataset file this tool reads; expected {EXPECTED}")


#: The label sets ``labels=`` chooses from; only CIFAR-100 has "coarse".
LABEL_SETS = ("fine", "coarse")


def _open_folder(p: Path, splits, progress, labels: str) -> Dataset:
    if labels == "coarse":
        cif = cifar.find_cifar(p)
        if cif is None or cif.kind != "cifar100":
            raise _no_coarse(p, cif.title if cif else "the data in this folder")
        return cifar.load_cifar(cif, splits=splits, progress=progress, labels="coarse")
    layouts = idx_files.find_layouts(p)
    if layouts:
        if len(layouts) > 1:
            names = ", ".join(lay.title if lay.emnist_set else f"{lay.title} ({lay.folder})" for lay in layouts)
            raise DatasetError(f"{p}: holds several datasets ({names}); open one of their folders or files")
        return idx_files.load_layout(layouts[0], splits=splits, progress=progress, source=p)
    if npy_folder.npy_splits(p):
        return npy_folder.load_npy_folder(p, splits=splits, progress=progress)
    if csv_files.csv_splits(p)[0]:
        return csv_files.load_csv_folder(p, splits=splits, progress=progress)
    cif = cifar.find_cifar(p)
    if cif is not None:
        return cifar.load_cifar(cif, splits=splits, progress=progress)
    return image_folder.load_image_folder(p, splits=splits, progress=progress)


def _no_coarse(source, title: str) -> DatasetError:
    return DatasetError(f"{source}: coarse labels are CIFAR-100's 20 superclasses, and {title} has only one "
                        "set of labels; open it with the fine (default) labels")


def open_source(source: str | os.PathLike[str], *, splits: tuple[str, ...] | None = None,
                progress: Progress | None = None, labels: str = "fine") -> Dataset:
    """Open ``"sample"`` or any supported file or folder (see the module docstring).

    ``labels="coarse"`` opens CIFAR-100 with its superclasses; anything else refuses it.
    """
    if labels not in LABEL_SETS:
        raise ValueError(f"labels must be 'fine' or 'coarse', not {labels!r}")
    if labels == "coarse" and (str(source) == "sample" or not Path(source).is_dir()):
        raise _no_coarse(source, "the MNIST sample" if str(source) == "sample" else "this file")
    if str(source) == "sample":
        ds = idx_files.load_layout(idx_files.find_layouts(sample_dir())[0], splits=splits, progress=progress)
        return replace(ds, title="MNIST test set (embedded sample)", source="sample")
    p = Path(source)
    fmt = detect(p)
    manifest = _manifest_names(p)  # before the images: its parse is not added to their peak memory
    if p.is_dir():
        ds = _open_folder(p, splits, progress, labels)
    elif fmt == "npz":
        ds = npz.load_npz(p, splits=splits, progress=progress)
    elif fmt == "npy":
        ds = npy_folder.load_npy_file(p, splits=splits, progress=progress)
    elif fmt == "idx":
        ds = idx_files.load_idx_file(p, splits=splits, progress=progress)
    else:
        ds = csv_files.load_csv_file(p, splits=splits, progress=progress)
    return _with_manifest(ds, manifest)


def _no_file_entries(obj: dict):
    """Drop the manifest's per-file entries (path, bytes, sha256) as they are parsed.

    Why: only the class names and title are read here, and a PNG export's
    manifest lists every file: 60,000 entries were ~28 MB of dicts alive next
    to the images just opened (a 60,000-image grey folder peaked at 1.76x).
    """
    return None if "sha256" in obj else obj


def _manifest_names(p: Path) -> tuple[tuple[str, ...], str] | None:
    """Class names and title from the manifest of an export, when ``p`` is one (else None)."""
    man = p / "manifest.json" if p.is_dir() else p.with_name(p.name + ".manifest.json")
    try:
        doc = json.loads(read_small_text(man), object_hook=_no_file_entries)
        names = tuple(str(n) for n in doc["dataset"]["class_names"])
        return names, f"{doc['dataset']['title']} (export, {doc['format']})"
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _with_manifest(ds: Dataset, manifest: tuple[tuple[str, ...], str] | None) -> Dataset:
    """``ds`` with the class names and title of its export's manifest, when they fit its labels."""
    if manifest is None:
        return ds
    names, title = manifest
    labelled = [s for s in ds.splits.values() if s.labelled and len(s)]
    if labelled and max(int(s.labels.max()) for s in labelled) >= len(names):
        return ds
    return replace(ds, class_names=names, title=title)
