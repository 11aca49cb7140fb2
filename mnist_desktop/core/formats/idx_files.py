"""IDX files: the standard MNIST names, torchvision's ``<Name>/raw/`` folders and EMNIST.

Where each layout keeps its files:

- a folder with ``train-images-idx3-ubyte[.gz]`` ... ``t10k-labels-idx1-ubyte[.gz]``
  (also the dotted ``train-images.idx3-ubyte`` spelling), any subset of splits;
- torchvision's root: ``MNIST/raw/``, ``FashionMNIST/raw/``, ``KMNIST/raw/``,
  ``EMNIST/raw/`` (the folder itself, its ``raw/``, or the root above it);
- EMNIST: ``emnist-<set>-<train|test>-<images|labels>-idx?-ubyte[.gz]``. EMNIST
  stores each image transposed (column by column), so the reader shows the
  transpose (a view, no copy); class names come from the set's
  ``emnist-<set>-mapping.txt`` when present, else from the published tables;
- one IDX file: its partner (images <-> labels) by name, or an images file on
  its own as an unlabelled split.
"""

from __future__ import annotations

import json
import re
import string
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..catalog import CATALOG, FILE_ROLES, SPLITS, DatasetInfo, identify_by_sha256
from ..dataset import Dataset
from ..errors import DatasetError
from ..hashing import sha256_file
from ..idx import read_idx
from ..inputs import read_small_text
from ..progress import Progress
from .common import build_dataset, make_split, split_name_of

__all__ = ["find_split_files", "find_layouts", "IdxLayout", "load_layout", "load_pair", "load_idx_file",
           "emnist_class_names", "EMNIST_PATTERN"]

EMNIST_PATTERN = re.compile(r"^emnist-(?P<set>[a-z]+)-(?P<split>train|test)-(?P<kind>images|labels)"
                            r"-idx[13]-ubyte(\.gz)?$")
#: torchvision folder name -> catalog key
_TORCHVISION = {"MNIST": "mnist", "FashionMNIST": "fashion-mnist", "KMNIST": "kmnist", "EMNIST": None}
_LOWER_BALANCED = "abdefghnqrt"  # the lower-case letters EMNIST balanced/bymerge keep apart


@dataclass
class IdxLayout:
    """One set of IDX files found in a folder."""

    folder: Path
    pairs: dict[str, tuple[Path | None, Path | None]]
    emnist_set: str | None = None
    hint: str | None = None  # catalog key suggested by a folder name (torchvision)
    notes: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        if self.emnist_set:
            return f"EMNIST {self.emnist_set}"
        info = CATALOG.get(self.hint or "")
        return info.title if info else self.folder.name


def find_split_files(folder) -> dict[str, tuple[Path | None, Path | None]]:
    """Find the standard MNIST files in ``folder``: {split: (images, labels)}.

    Accepts ``train-images-idx3-ubyte`` with or without ``.gz`` and the
    ``train-images.idx3-ubyte`` spelling some archives use, and the
    ``val-images-idx3-ubyte`` an export with a val split writes. Splits with
    neither file are left out.
    """
    root = Path(folder)
    found: dict[str, tuple[Path | None, Path | None]] = {}
    for split in (SPLITS[0], "val", *SPLITS[1:]):
        pair = []
        for kind in ("images", "labels"):
            bases = ([FILE_ROLES[(split, kind)]] if split != "val"  # val: as this tool's export writes it
                     else [f"val-{kind}-idx{n}-ubyte" for n in ((1,) if kind == "labels" else (3, 4))])
            names = [b for base in bases for b in (base + ".gz", base, base.replace("-idx", ".idx") + ".gz",
                                                   base.replace("-idx", ".idx"))]
            pair.append(next((root / n for n in names if (root / n).is_file()), None))
        if pair[0] or pair[1]:
            found[split] = (pair[0], pair[1])
    return found


def _emnist_sets(folder: Path) -> dict[str, dict[str, list[Path | None]]]:
    sets: dict[str, dict[str, list[Path | None]]] = {}
    for p in sorted(folder.iterdir()) if folder.is_dir() else ():
        m = EMNIST_PATTERN.match(p.name)
        if m and p.is_file():
            pair = sets.setdefault(m["set"], {}).setdefault(m["split"], [None, None])
            k = 0 if m["kind"] == "images" else 1
            if pair[k] is None or p.name.endswith(".gz"):  # prefer the .gz when both are there
                pair[k] = p
    return {s: {sp: sets[s][sp] for sp in SPLITS if sp in sets[s]} for s in sets}


def find_layouts(folder: Path) -> list[IdxLayout]:
    """Every IDX file set in ``folder``, its ``raw/``, or torchvision's ``<Name>/raw/`` below it."""
    out: list[IdxLayout] = []
    for base in (folder, folder / "raw"):
        hint = base.parent.name if base.name == "raw" else base.name
        key = _TORCHVISION.get(hint, hint if hint in CATALOG and not CATALOG[hint].is_archive else None)
        std = find_split_files(base) if base.is_dir() else {}
        if std:
            out.append(IdxLayout(base, std, None, key))
        for name, pairs in _emnist_sets(base).items():
            out.append(IdxLayout(base, {k: (v[0], v[1]) for k, v in pairs.items()}, name))
        if out:
            return out
    for sub in sorted(p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else ():
        if sub.name in _TORCHVISION and (sub / "raw").is_dir():
            out += find_layouts(sub / "raw")
    return out


def emnist_class_names(emnist_set: str, folder: Path | None = None) -> tuple[str, ...]:
    """Class names of an EMNIST set, from its mapping file when present."""
    mapping = folder / f"emnist-{emnist_set}-mapping.txt" if folder else None
    if mapping is not None and mapping.is_file():
        rows = [line.split() for line in mapping.read_text(encoding="ascii").splitlines() if line.strip()]
        names = {int(r[0]): "/".join(dict.fromkeys(chr(int(c)) for c in r[1:])) for r in rows}
        return tuple(names.get(i, "N/A") for i in range(max(names) + 1))
    digits, upper = tuple(string.digits), tuple(string.ascii_uppercase)
    if emnist_set in ("digits", "mnist"):
        return digits
    if emnist_set == "letters":  # labels 1..26; 0 is unused
        return ("N/A",) + tuple(f"{u}/{u.lower()}" for u in upper)
    if emnist_set in ("balanced", "bymerge"):
        return digits + upper + tuple(_LOWER_BALANCED)
    if emnist_set == "byclass":
        return digits + upper + tuple(string.ascii_lowercase)
    return ()


def load_layout(layout: IdxLayout, *, splits: tuple[str, ...] | None = None,
                progress: Progress | None = None, source: str | None = None) -> Dataset:
    """Load one IDX file set (all its splits, or those named in ``splits``)."""
    found = {k: v for k, v in layout.pairs.items() if splits is None or k in splits}
    if not found:
        raise DatasetError(f"{layout.folder}: none of the splits {', '.join(splits or ())} is there")
    for split, (img, lab) in found.items():
        if img is None:
            raise DatasetError(f"{layout.folder}: the {split} split has no images file "
                               f"({_expected_name(layout, split, 'images')})")
        if lab is None and split not in _unlabelled_in_manifest(layout.folder):
            raise DatasetError(f"{layout.folder}: the {split} split has no labels file "
                               f"({_expected_name(layout, split, 'labels')})")
    info = _identify([lab for _, lab in found.values() if lab]) or CATALOG.get(layout.hint or "")
    if layout.emnist_set:
        names = emnist_class_names(layout.emnist_set, layout.folder) or None
    else:  # the standard names hold classes 0..9, unless an export's manifest says otherwise
        names = info.class_names if info else (_manifest_class_names(layout.folder) or MNIST_STYLE_CLASSES)
    total, done, loaded = 2 * len(found), 0, {}
    for split, (img, lab) in found.items():
        labels = _read(lab, 1) if lab else None
        done += 1
        if progress:
            progress(done, total)
        images = _read(img, 3, transpose=bool(layout.emnist_set))  # or (N, H, W, 3): an export of colour data
        done += 1
        if progress:
            progress(done, total)
        loaded[split] = make_split(split, images, labels, img, lab, layout.notes)
    if layout.emnist_set:
        layout.notes.append("EMNIST images are stored transposed; shown upright")
    elif names is MNIST_STYLE_CLASSES:
        names = _more_classes(names, loaded, layout.notes)
    key = f"emnist-{layout.emnist_set}" if layout.emnist_set else (info.key if info else layout.folder.name)
    return build_dataset(key, info.title if info and not layout.emnist_set else layout.title, loaded,
                         source or layout.folder, "emnist" if layout.emnist_set else "idx",
                         class_names=names, notes=layout.notes, info=None if layout.emnist_set else info)


def load_pair(image_file: Path, label_file: Path | None, *, split: str = "test",
              class_names: tuple[str, ...] | None = None, transpose: bool = False) -> Dataset:
    """One explicit images (+ labels) pair as a one-split dataset; no labels makes it unlabelled."""
    images = _read(image_file, 3, transpose=transpose)
    labels = _read(label_file, 1) if label_file else None
    s = make_split(split, images, labels, image_file, label_file)
    info = _identify([label_file]) if label_file else None
    return build_dataset(info.key if info else image_file.stem, info.title if info else image_file.name,
                         {split: s}, image_file, "idx", class_names=class_names or (info.class_names if info else None),
                         info=info)


def load_idx_file(path: Path, *, splits: tuple[str, ...] | None = None, progress: Progress | None = None) -> Dataset:
    """An IDX file given on its own: the split it belongs to, with its partner when there is one."""
    m = EMNIST_PATTERN.match(path.name)
    for layout in find_layouts(path.parent):
        for split, pair in layout.pairs.items():
            if path in pair:
                layout.pairs = {split: pair}
                return load_layout(layout, progress=progress, source=path)
    arr = read_idx(path)
    if arr.ndim == 1:
        raise DatasetError(f"{path}: holds {len(arr):,} labels but no images; open the images file "
                           "(or the folder holding both)")
    split = split_name_of(path.name.split(".")[0], "images")
    s = make_split(split, arr.transpose(0, 2, 1) if m and arr.ndim == 3 else arr, None, path)
    return build_dataset(path.stem, path.name, {split: s}, path, "idx", notes=["no labels file: unlabelled"])


def _read(path: Path, ndim: int, *, transpose: bool = False) -> np.ndarray:
    arr = read_idx(path, copy=ndim == 1)
    if arr.ndim != ndim and not (ndim == 3 and arr.ndim == 4 and arr.shape[-1] == 3 and not transpose):
        what = "images as a 3-dimensional array (count x height x width)" if ndim == 3 else \
            "labels as a 1-dimensional array"
        raise DatasetError(f"{path}: expected {what}, found {arr.dtype} with shape {arr.shape}")
    return arr.transpose(0, 2, 1) if transpose else arr


#: Files under the standard MNIST names (MNIST, Fashion-MNIST, KMNIST alike) hold classes 0..9.
MNIST_STYLE_CLASSES = tuple(str(i) for i in range(10))


def _more_classes(names: tuple[str, ...], loaded: dict, notes: list[str]) -> tuple[str, ...]:
    """Classes 0..K-1 (with a note) when labels under the MNIST file names go beyond 9 and every
    class 0..K-1 occurs (an EMNIST-balanced-style set); stray large labels stay an error."""
    labelled = [s.labels for s in loaded.values() if s.labelled and len(s)]
    top = max((int(lab.max()) for lab in labelled), default=0)
    if top < len(names):
        return names
    seen = sum(np.bincount(lab, minlength=top + 1) for lab in labelled)
    if not seen.all():
        return names  # gaps: damaged labels, reported by build_dataset naming the file
    notes.append(f"labels go up to {top}, more than the 10 classes MNIST's file names suggest "
                 f"(an EMNIST-style set?); classes 0..{top} are named by number")
    return tuple(str(i) for i in range(top + 1))


def _manifest_class_names(folder: Path) -> tuple[str, ...] | None:
    """The class names an export in ``folder`` recorded (it may write more than ten classes)."""
    try:
        names = json.loads(read_small_text(folder / "manifest.json"))["dataset"]["class_names"]
        return tuple(str(n) for n in names) or None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _unlabelled_in_manifest(folder: Path) -> set[str]:
    """Splits an export in ``folder`` wrote without labels (a missing labels file is then expected)."""
    try:
        counts = json.loads(read_small_text(folder / "manifest.json"))["counts"]
        return {k for k, v in counts.items() if v.get("labelled") is False}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return set()


def _expected_name(layout: IdxLayout, split: str, kind: str) -> str:
    if layout.emnist_set:
        return f"emnist-{layout.emnist_set}-{split}-{kind}-idx{3 if kind == 'images' else 1}-ubyte[.gz]"
    return FILE_ROLES[(split, kind)] + "[.gz]"


def _identify(label_files: list[Path]) -> DatasetInfo | None:
    for path in label_files:
        hit = identify_by_sha256(sha256_file(path))
        if hit:
            return hit[0]
    return None
