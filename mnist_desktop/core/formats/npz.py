"""Keras-style npz files (``~/.keras/datasets/mnist.npz``, ``export --format npz``).

Keys: ``x_<split>`` / ``y_<split>`` for any split names (Keras has
``x_train, y_train, x_test, y_test``; any subset), or one array pair
``x``/``y`` or ``images``/``labels``. An ``x`` without its ``y`` is an
unlabelled split. Arrays are read with ``allow_pickle=False``: an object
array is refused, never unpickled.

Memory: members stored without compression (what the export writes, and
``np.savez``) are memory-mapped straight from the zip file, so opening costs
almost nothing; compressed members (``np.savez_compressed``) are inflated
once into their array.
"""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import numpy as np

from ..dataset import Dataset
from ..errors import DatasetError
from ..progress import Progress
from .common import build_dataset, make_split, order_splits

__all__ = ["ZIP_MAGIC", "split_keys", "load_npz"]

ZIP_MAGIC = b"PK\x03\x04"
_PAIRS = (("x", "y"), ("images", "labels"))


def split_keys(keys: list[str], where: Path) -> dict[str, tuple[str, str | None]]:
    """{split: (images key, labels key or None)} from the array names of an npz."""
    keys_set = set(keys)
    out: dict[str, tuple[str, str | None]] = {}
    for k in keys:
        if k.startswith("x_") and len(k) > 2:
            split = k[2:]
            out[split] = (k, f"y_{split}" if f"y_{split}" in keys_set else None)
    if not out:
        for xk, yk in _PAIRS:
            if xk in keys_set:
                out["train"] = (xk, yk if yk in keys_set else None)
                break
    if not out:
        raise DatasetError(f"{where}: no image arrays found (expected keys x_train/y_train, x_test/y_test, "
                           f"x/y or images/labels; found {', '.join(sorted(keys)) or 'none'})")
    return order_splits(out)


def _read_member(zf: zipfile.ZipFile, path: Path, key: str) -> np.ndarray:
    info = zf.getinfo(key + ".npy")
    with zf.open(info) as f:
        try:
            version = np.lib.format.read_magic(f)
            read_header = {(1, 0): np.lib.format.read_array_header_1_0,
                           (2, 0): np.lib.format.read_array_header_2_0}.get(version)
            if read_header is None:
                raise ValueError(f"npy format version {version[0]}.{version[1]} is not supported")
            shape, fortran, dtype = read_header(f)
        except ValueError as exc:
            raise DatasetError(f"{path}: array {key} is not a valid .npy member ({exc})") from None
        if dtype.hasobject:
            raise DatasetError(f"{path}: array {key} holds Python objects; refusing to unpickle it "
                               "(only numeric arrays are read)")
        header_len = f.tell()
    if info.compress_type == zipfile.ZIP_STORED and not fortran:
        with open(path, "rb") as raw:
            raw.seek(info.header_offset)
            local = raw.read(30)
            name_len, extra_len = struct.unpack("<HH", local[26:30])
        offset = info.header_offset + 30 + name_len + extra_len + header_len
        count = int(np.prod(shape)) * dtype.itemsize
        if offset + count > path.stat().st_size or local[:4] != ZIP_MAGIC:
            raise DatasetError(f"{path}: array {key} is cut short")
        if count == 0:
            return np.zeros(shape, dtype)
        return np.memmap(path, dtype=dtype, mode="r", offset=offset, shape=shape)
    with zf.open(info) as f:
        try:
            return np.lib.format.read_array(f, allow_pickle=False)
        except (ValueError, OSError, zipfile.BadZipFile, EOFError) as exc:
            raise DatasetError(f"{path}: array {key} cannot be read ({exc})") from None


def load_npz(path: Path, *, splits: tuple[str, ...] | None = None, progress: Progress | None = None) -> Dataset:
    """Open an npz file; see the module docstring for the keys it understands."""
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise DatasetError(f"{path}: not a readable npz (zip) file ({exc})") from None
    with zf:
        keys = [n[:-4] for n in zf.namelist() if n.endswith(".npy")]
        plan = {k: v for k, v in split_keys(keys, path).items() if splits is None or k in splits}
        loaded, notes, done = {}, [], 0
        for split, (xk, yk) in plan.items():
            x = _read_member(zf, path, xk)
            y = _read_member(zf, path, yk) if yk else None
            loaded[split] = make_split(split, x, y, path, path if yk else None, notes)
            if yk is None:
                notes.append(f"{split}: no {('y_' + split) if xk.startswith('x_') else 'labels'} array; unlabelled")
            done += 1
            if progress:
                progress(done, len(plan))
    return build_dataset(path.stem, path.name, loaded, path, "npz", notes=notes)
