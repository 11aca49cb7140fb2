"""CIFAR-10 and CIFAR-100 in their official layouts, python batches and binary batches.

Python version (``cifar-10-batches-py``: ``data_batch_1..5``, ``test_batch``,
``batches.meta``; ``cifar-100-python``: ``train``, ``test``, ``meta``): pickles
of dicts holding ``data`` (N, 3072) uint8 (the R plane, then G, then B, each
32 x 32 row-major), ``labels`` (CIFAR-10) or ``fine_labels`` and
``coarse_labels`` (CIFAR-100). They are read with a *restricted* unpickler:
only dicts, lists, strings, numbers and numpy arrays are built; any other
global a pickle names (``os.system``, ...) is refused with one line naming the
file, before anything runs. ``pickle.load`` is never used.

Binary version (``cifar-10-batches-bin``: ``data_batch_1..5.bin``,
``test_batch.bin``, ``batches.meta.txt``; ``cifar-100-binary``: ``train.bin``,
``test.bin``, ``fine_label_names.txt``, ``coarse_label_names.txt``): records of
1 label byte (CIFAR-100: 2, coarse then fine) and 3072 pixel bytes. The file
is memory-mapped and turned into (N, 32, 32, 3) one chunk at a time.

CIFAR-100 opens with its 100 fine labels; ``labels="coarse"`` gives the 20
superclasses. The folder is recognised by its files (and their first bytes),
or the folder that holds one of the official folders.
"""

from __future__ import annotations

import ctypes
import functools
import pickle
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from ..dataset import Dataset
from ..errors import DatasetError
from ..progress import Progress
from .common import build_dataset, make_split

__all__ = ["CifarLayout", "find_cifar", "load_cifar", "restricted_load", "planes_to_hwc"]

SIDE, PIXELS = 32, 3072
_PICKLE_HEAD = b"\x80"  # protocol 2+ pickles start with PROTO
_OFFICIAL = ("cifar-10-batches-py", "cifar-100-python", "cifar-10-batches-bin", "cifar-100-binary")
_CHUNK = 4096


@dataclass(frozen=True)
class CifarLayout:
    """Which CIFAR files a folder holds: ``kind`` is "cifar10" or "cifar100",
    ``encoding`` "python" or "binary", ``splits`` {split: [files in order]}."""

    folder: Path
    kind: str
    encoding: str
    splits: dict[str, list[Path]]

    @property
    def title(self) -> str:
        return f"{'CIFAR-10' if self.kind == 'cifar10' else 'CIFAR-100'} ({self.encoding} batches)"


# ------------------------------------------------------------------ restricted unpickling

def _reconstruct_function():
    """numpy's array reconstructor, whatever module numpy keeps it in."""
    return np.ndarray.__reduce__(np.zeros(0))[0]


def _latin1_encode(text, encoding: str = "latin1") -> bytes:
    """What a protocol-2 pickle written by Python 3 calls to make bytes; latin-1 only."""
    if encoding not in ("latin1", "latin-1") or not isinstance(text, str):
        raise pickle.UnpicklingError("_codecs.encode is allowed only to turn text into latin-1 bytes")
    return text.encode("latin1")


_ALLOWED = {
    ("numpy.core.multiarray", "_reconstruct"): _reconstruct_function,
    ("numpy._core.multiarray", "_reconstruct"): _reconstruct_function,
    ("numpy", "ndarray"): lambda: np.ndarray,
    ("numpy", "dtype"): lambda: np.dtype,
    ("_codecs", "encode"): lambda: _latin1_encode,
}


class _Refused(pickle.UnpicklingError):
    pass


class _RestrictedUnpickler(pickle.Unpickler):
    """Builds dicts, lists, strings, numbers and numpy arrays; refuses every other global."""

    def find_class(self, module: str, name: str):
        make = _ALLOWED.get((module, name))
        if make is None:
            raise _Refused(f"{module}.{name}")
        return make()

    def persistent_load(self, pid):
        raise _Refused("a persistent id")


def restricted_load(path: Path) -> dict:
    """The dict a CIFAR python batch holds, keys as ``str``.

    Raises
    ------
    DatasetError
        The pickle names anything but numpy array reconstruction (refused
        before it runs), or is truncated or damaged, or is not a dict.
    """
    try:
        with open(path, "rb") as f:  # a buffered file, not its bytes: one batch less in memory
            obj = _RestrictedUnpickler(f, encoding="latin1").load()
    except _Refused as exc:
        raise DatasetError(f"{path}: refusing to unpickle {exc} (a CIFAR batch holds only dicts, lists and "
                           "numpy arrays; this file may be unsafe)") from None
    except OSError as exc:
        raise DatasetError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, IndexError,
            KeyError, MemoryError, UnicodeDecodeError) as exc:
        raise DatasetError(f"{path}: damaged or truncated CIFAR batch ({type(exc).__name__}: {exc})") from None
    if not isinstance(obj, dict):
        raise DatasetError(f"{path}: not a CIFAR batch (holds a {type(obj).__name__}, not a dict)")
    return {(k.decode("latin1") if isinstance(k, bytes) else str(k)): v for k, v in obj.items()}


# ------------------------------------------------------------------ finding the files

def _is_pickle(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(1) == _PICKLE_HEAD
    except OSError:
        return False


def _layout_in(folder: Path) -> CifarLayout | None:
    batches = [folder / f"data_batch_{i}" for i in range(1, 6)]
    if (folder / "batches.meta").is_file() and _is_pickle(folder / "batches.meta"):
        splits = {"train": [b for b in batches if b.is_file()], "test": [folder / "test_batch"]}
        return CifarLayout(folder, "cifar10", "python", _present(splits))
    if (folder / "meta").is_file() and _is_pickle(folder / "meta") \
            and ((folder / "train").is_file() or (folder / "test").is_file()):
        return CifarLayout(folder, "cifar100", "python", _present({"train": [folder / "train"],
                                                                    "test": [folder / "test"]}))
    if (folder / "batches.meta.txt").is_file():
        splits = {"train": [b.with_name(b.name + ".bin") for b in batches], "test": [folder / "test_batch.bin"]}
        return CifarLayout(folder, "cifar10", "binary", _present(splits))
    if (folder / "fine_label_names.txt").is_file():
        return CifarLayout(folder, "cifar100", "binary", _present({"train": [folder / "train.bin"],
                                                                    "test": [folder / "test.bin"]}))
    return None


def _present(splits: dict[str, list[Path]]) -> dict[str, list[Path]]:
    return {k: [p for p in v if p.is_file()] for k, v in splits.items() if any(p.is_file() for p in v)}


def find_cifar(folder: Path) -> CifarLayout | None:
    """The CIFAR layout in ``folder`` (or in the one official CIFAR folder inside it), or None."""
    found = _layout_in(folder)
    if found is not None:
        return found if found.splits else None
    inner = [_layout_in(folder / name) for name in _OFFICIAL if (folder / name).is_dir()]
    inner = [lay for lay in inner if lay is not None and lay.splits]
    return inner[0] if len(inner) == 1 else None


# ------------------------------------------------------------------ reading

def planes_to_hwc(rows: np.ndarray, out: np.ndarray) -> None:
    """Rows of 3072 bytes (R plane, G plane, B plane) into ``out`` (N, 32, 32, 3), a chunk at a time."""
    for start in range(0, len(rows), _CHUNK):
        part = np.asarray(rows[start:start + _CHUNK]).reshape(-1, 3, SIDE, SIDE)
        out[start:start + len(part)] = part.transpose(0, 2, 3, 1)


def _python_batch(path: Path, label_key: str) -> tuple[np.ndarray, np.ndarray]:
    doc = restricted_load(path)
    data, labels = doc.get("data"), doc.get(label_key)
    if not isinstance(data, np.ndarray) or labels is None:
        raise DatasetError(f"{path}: not a CIFAR batch (expected keys data and {label_key}; "
                           f"found {', '.join(sorted(doc)) or 'none'})")
    if data.ndim != 2 or data.shape[1] != PIXELS:
        raise DatasetError(f"{path}: data has shape {data.shape}; a CIFAR batch holds rows of {PIXELS} bytes")
    labels = np.asarray(labels)
    if labels.shape != (len(data),):
        raise DatasetError(f"{path}: {len(data):,} images but {labels.size:,} labels; the batch is damaged")
    return data, labels


def _binary_batch(path: Path, label_bytes: int, label_index: int) -> tuple[np.ndarray, np.ndarray]:
    record = label_bytes + PIXELS
    size = path.stat().st_size
    if size == 0 or size % record:
        raise DatasetError(f"{path}: {size:,} bytes is not a whole number of {record}-byte CIFAR records; "
                           "the file is truncated or damaged")
    rows = np.memmap(path, np.uint8, mode="r", shape=(size // record, record))
    return rows[:, label_bytes:], np.asarray(rows[:, label_index])


@functools.lru_cache(maxsize=1)
def _malloc_trim():
    try:
        fn = ctypes.CDLL(None).malloc_trim
    except (AttributeError, OSError):  # not glibc (macOS, Windows, musl): nothing to do
        return None
    fn.argtypes, fn.restype = [ctypes.c_size_t], ctypes.c_int
    return fn


def _release_freed_memory() -> None:
    """Hand freed heap pages back to the system after a python batch (glibc's ``malloc_trim``; elsewhere nothing).

    Why: unpickling a batch written by Python 3 makes a 30 MB text and then its
    30 MB of bytes. Once the first such block is freed, glibc raises its mmap
    threshold and serves the next ones from the heap, which it keeps after they
    are freed: ~30 MB stayed resident beside the images, and the last batch
    opened at 1.36x the arrays instead of 1.19x.
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def _read_split(layout: CifarLayout, files: list[Path], label_key: str, tick) -> tuple[np.ndarray, np.ndarray]:
    """(N, 32, 32, 3) uint8 and labels of the batches of one split, one batch in memory at a time."""
    images, labels, pos = np.empty((0, SIDE, SIDE, 3), np.uint8), [], 0
    for k, path in enumerate(files):
        if layout.encoding == "python":
            data, labs = _python_batch(path, label_key)
        else:
            data, labs = _binary_batch(path, 1 if layout.kind == "cifar10" else 2,
                                       1 if label_key == "fine_labels" else 0)
        if pos + len(data) > len(images):  # sized from the first batch (official batches are equal)
            grown = np.empty((pos + len(data) * (len(files) - k), SIDE, SIDE, 3), np.uint8)
            grown[:pos] = images[:pos]
            images = grown
        planes_to_hwc(data, images[pos:pos + len(data)])
        labels.append(np.asarray(labs, np.int64))
        pos += len(data)
        del data, labs
        if layout.encoding == "python":
            _release_freed_memory()
        tick(len(labels[-1]))
    return (images[:pos] if pos < len(images) else images), np.concatenate(labels)


def _class_names(layout: CifarLayout, labels: str) -> tuple[str, ...]:
    f = layout.folder
    key = {"cifar10": "label_names", "fine": "fine_label_names", "coarse": "coarse_label_names"}[
        "cifar10" if layout.kind == "cifar10" else labels]
    if layout.encoding == "python":
        meta = f / ("batches.meta" if layout.kind == "cifar10" else "meta")
        names = restricted_load(meta).get(key)
        if not isinstance(names, list):
            raise DatasetError(f"{meta}: has no {key}; the CIFAR meta file is damaged")
        return tuple(n.decode("latin1") if isinstance(n, bytes) else str(n) for n in names)
    meta = f / ("batches.meta.txt" if layout.kind == "cifar10" else f"{key}.txt")
    try:
        return tuple(line.strip() for line in meta.read_text(encoding="latin1").splitlines() if line.strip())
    except OSError as exc:
        raise DatasetError(f"{meta}: cannot be read ({exc.strerror or exc})") from None


def load_cifar(layout: CifarLayout, *, splits: tuple[str, ...] | None = None, labels: str = "fine",
               progress: Progress | None = None) -> Dataset:
    """Open a CIFAR layout found by :func:`find_cifar` as (N, 32, 32, 3) uint8 splits.

    ``labels`` ("fine" or "coarse") picks CIFAR-100's label set; CIFAR-10 has one.
    """
    if labels not in ("fine", "coarse"):
        raise ValueError(f"labels must be 'fine' or 'coarse', not {labels!r}")
    label_key = "labels" if layout.kind == "cifar10" else f"{labels}_labels"
    chosen = {k: v for k, v in layout.splits.items() if splits is None or k in splits}
    state = {"done": 0}
    expected = sum(len(v) for v in chosen.values()) * 10000  # official batch size; exact after reading

    def tick(n: int) -> None:
        state["done"] += n
        if progress:
            progress(min(state["done"], expected), expected)

    notes, loaded = [], {}
    for name, files in chosen.items():
        images, labs = _read_split(layout, files, label_key, tick)
        loaded[name] = make_split(name, images, labs, files[0] if len(files) == 1 else layout.folder)
    if progress:
        progress(expected, expected)
    if layout.kind == "cifar10" and "train" in chosen and len(chosen["train"]) < 5:
        notes.append(f"{len(chosen['train'])} of the 5 CIFAR-10 training batches found")
    if layout.kind == "cifar100":
        notes.append(f"CIFAR-100 {labels} labels ({'100 classes' if labels == 'fine' else '20 superclasses'})")
    ds = build_dataset(layout.kind, layout.title, loaded, layout.folder, f"cifar-{layout.encoding}",
                       class_names=_class_names(layout, labels), notes=notes)
    return replace(ds, label_set=labels) if layout.kind == "cifar100" else ds
