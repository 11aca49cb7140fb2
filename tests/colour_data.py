"""Colour test data: a coloured MNIST made from the sample, written in CIFAR's official layouts.

Every image is a sample digit padded to 32 x 32, painted with its own
foreground and background colour (seeded), so the classes are the digits and
colour carries no label information. The writers reproduce the official files
byte layout: python batches are protocol-2 pickles of dicts with byte-string
keys (``b'data'`` uint8 (N, 3072): R plane, G plane, B plane, each row-major;
``b'labels'`` or ``b'fine_labels'``/``b'coarse_labels'`` lists; ``b'batch_label'``;
``b'filenames'``); binary batches are records of label byte(s) + 3072 bytes.
"""

from __future__ import annotations

import pickle
import struct
from pathlib import Path

import numpy as np

CIFAR10_NAMES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")


def coloured_mnist(sample_dataset, n: int, seed: int = 0, start: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(n, 32, 32, 3) uint8 coloured digits and their labels (0..9) from sample images start..start+n."""
    s = sample_dataset.splits["test"]
    grey = np.pad(np.asarray(s.images[start:start + n]), ((0, 0), (2, 2), (2, 2)))
    rng = np.random.default_rng(seed)
    fg = rng.integers(128, 256, (n, 1, 1, 3)).astype(np.float32)
    bg = rng.integers(0, 100, (n, 1, 1, 3)).astype(np.float32)
    a = grey[..., None].astype(np.float32) / 255
    x = np.rint(bg * (1 - a) + fg * a).astype(np.uint8)
    return x, np.asarray(s.labels[start:start + n], np.int64)


def to_rows(x: np.ndarray) -> np.ndarray:
    """(N, 32, 32, 3) as CIFAR rows (N, 3072): R plane, G plane, B plane."""
    return np.ascontiguousarray(x.transpose(0, 3, 1, 2).reshape(len(x), -1))


def _py2_value(v) -> bytes:
    """One value as Python 2's cPickle (protocol 2) writes it: str as (SHORT_)BINSTRING, ints, lists, arrays."""
    if isinstance(v, bytes):
        return (b"U" + bytes([len(v)]) if len(v) < 256 else b"T" + struct.pack("<I", len(v))) + v
    if isinstance(v, (int, np.integer)):
        return b"J" + struct.pack("<i", int(v))
    if isinstance(v, list):
        return b"](" + b"".join(_py2_value(x) for x in v) + b"e"
    if isinstance(v, np.ndarray):  # numpy's reduce: _reconstruct(ndarray, (0,), 'b') + (1, shape, dtype, False, str)
        dtype = b"cnumpy\ndtype\nU\x02u1K\x00K\x01\x87R(K\x03U\x01|NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00tb"
        shape = b"(" + b"".join(_py2_value(n) for n in v.shape) + b"t"
        return (b"cnumpy.core.multiarray\n_reconstruct\ncnumpy\nndarray\nK\x00\x85U\x01b\x87R"
                + b"(K\x01" + shape + dtype + b"\x89" + _py2_value(v.astype(np.uint8).tobytes()) + b"tb")
    raise TypeError(type(v))


def _dump(path: Path, doc: dict, py2: bool = False) -> None:
    """A protocol-2 pickle as Python 3 writes it or, ``py2``, as the official files are (Python 2's cPickle)."""
    if not py2:
        path.write_bytes(pickle.dumps(doc, protocol=2))
        return
    items = b"".join(_py2_value(k) + _py2_value(v) for k, v in doc.items())
    path.write_bytes(b"\x80\x02}(" + items + b"u.")


def cifar10_python(root: Path, x_train, y_train, x_test, y_test, batches: int = 5, py2: bool = False) -> Path:
    """``root/cifar-10-batches-py`` with data_batch_1..batches, test_batch, batches.meta (``py2``: see _dump)."""
    folder = root / "cifar-10-batches-py"
    folder.mkdir(parents=True, exist_ok=True)
    for b, idx in enumerate(np.array_split(np.arange(len(x_train)), batches), start=1):
        _dump(folder / f"data_batch_{b}", {b"batch_label": f"training batch {b} of {batches}".encode(),
                                           b"labels": [int(v) for v in y_train[idx]], b"data": to_rows(x_train[idx]),
                                           b"filenames": [f"img_{i}.png".encode() for i in idx]}, py2)
    _dump(folder / "test_batch", {b"batch_label": b"testing batch 1 of 1", b"labels": [int(v) for v in y_test],
                                  b"data": to_rows(x_test),
                                  b"filenames": [f"t_{i}.png".encode() for i in range(len(y_test))]}, py2)
    _dump(folder / "batches.meta", {b"num_cases_per_batch": len(x_train) // batches,
                                    b"label_names": [n.encode() for n in CIFAR10_NAMES], b"num_vis": 3072}, py2)
    return folder


def cifar100_python(root: Path, x_train, fine_train, x_test, fine_test) -> Path:
    """``root/cifar-100-python`` with train, test, meta; coarse label = fine // 5 (names c0..c19)."""
    folder = root / "cifar-100-python"
    folder.mkdir(parents=True, exist_ok=True)
    for name, x, fine in (("train", x_train, fine_train), ("test", x_test, fine_test)):
        _dump(folder / name, {b"filenames": [f"{name}_{i}.png".encode() for i in range(len(x))],
                              b"batch_label": f"{name}ing batch 1 of 1".encode(),
                              b"fine_labels": [int(v) for v in fine], b"coarse_labels": [int(v) // 5 for v in fine],
                              b"data": to_rows(x)})
    _dump(folder / "meta", {b"fine_label_names": [f"f{i}".encode() for i in range(100)],
                            b"coarse_label_names": [f"c{i}".encode() for i in range(20)]})
    return folder


def cifar10_binary(root: Path, x_train, y_train, x_test, y_test, batches: int = 5) -> Path:
    """``root/cifar-10-batches-bin``: data_batch_1..batches.bin, test_batch.bin, batches.meta.txt."""
    folder = root / "cifar-10-batches-bin"
    folder.mkdir(parents=True, exist_ok=True)
    for b, idx in enumerate(np.array_split(np.arange(len(x_train)), batches), start=1):
        (folder / f"data_batch_{b}.bin").write_bytes(binary_records(x_train[idx], [y_train[idx]]))
    (folder / "test_batch.bin").write_bytes(binary_records(x_test, [y_test]))
    (folder / "batches.meta.txt").write_text("".join(n + "\n" for n in CIFAR10_NAMES) + "\n")
    return folder


def cifar100_binary(root: Path, x_train, fine_train, x_test, fine_test) -> Path:
    """``root/cifar-100-binary``: train.bin, test.bin (coarse byte, fine byte, pixels), label name files."""
    folder = root / "cifar-100-binary"
    folder.mkdir(parents=True, exist_ok=True)
    for name, x, fine in (("train", x_train, fine_train), ("test", x_test, fine_test)):
        (folder / f"{name}.bin").write_bytes(binary_records(x, [np.asarray(fine) // 5, fine]))
    (folder / "fine_label_names.txt").write_text("".join(f"f{i}\n" for i in range(100)))
    (folder / "coarse_label_names.txt").write_text("".join(f"c{i}\n" for i in range(20)))
    return folder


def binary_records(x: np.ndarray, labels: list) -> bytes:
    """CIFAR binary records: the label bytes (in order) then 3072 pixel bytes, per image."""
    cols = [np.asarray(lab, np.uint8)[:, None] for lab in labels]
    return np.hstack(cols + [to_rows(x)]).tobytes()


def uneven_channels(x: np.ndarray) -> np.ndarray:
    """``x`` with a different value range per channel (R 0..255, G 20..173, B 50..101): per-channel
    statistics then differ from global ones."""
    out = x.astype(np.float32)
    out[..., 1] = 20 + out[..., 1] * 0.6
    out[..., 2] = 50 + out[..., 2] * 0.2
    return np.rint(out).astype(np.uint8)
