"""Decoding the files of an image folder into one array (the reading half of :mod:`.image_folder`).

Why its own module: the folder reader decides *which* files make a split;
this one decides how they become pixels, and it is where the memory of
opening a folder goes. The rules:

- One array per split, allocated once from the first file's size, every
  file decoded straight into its row (no list of per-file arrays, no stack,
  no dtype change), so opening costs the arrays plus a few small buffers.
- Simple 8-bit grey or RGB PNGs (what the export writes) take the project's
  own fast path in :mod:`..draw.png`; everything else goes through Pillow
  (JPEG, palette, 16-bit, interlaced: a real decoder), imported only here.
- A split is read as grey (N, H, W) until a file holds real colour; then the
  grey array is dropped *before* the (N, H, W, 3) one is made, and the split
  is read again as RGB: a peak of the larger array, not of both.
- Many small files are read on a few threads, a batch of files each, in
  order: progress (which may raise ``Cancelled``) is reported between
  batches, and the first bad file in row order is the one an error names.
"""

from __future__ import annotations

import io
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ..draw.png import decode_simple
from ..errors import DatasetError

__all__ = ["read_split"]

_THREADS = min(8, (os.cpu_count() or 2) * 2)
_BATCH = 256


class _NeedColour(Exception):
    """A colour file in a split read as grey so far: read it again as RGB."""


def _equal_channels(rgb: np.ndarray) -> bool:
    return np.array_equal(rgb[..., 0], rgb[..., 1]) and np.array_equal(rgb[..., 1], rgb[..., 2])


def _pillow(path: str, data: bytes, colour: bool) -> tuple[np.ndarray, str]:
    """What Pillow makes of ``data``: (H, W) grey or (H, W, 3) RGB, and whether alpha/palette was converted."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as im:
            im.load()
            mode = im.mode
            if mode in ("I;16", "I;16B", "I", "F"):
                raise DatasetError(f"{path}: {mode} (16-bit or float) images are not supported; "
                                   "save them as 8-bit grayscale or RGB")
            if mode in ("L", "1") and not colour:
                return np.asarray(im.convert("L")), ""
            return np.asarray(im.convert("RGB")), ("alpha" if mode in ("RGBA", "LA", "P", "PA") else "")
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise DatasetError(f"{path}: cannot be decoded as an image ({exc})") from None


def decode(path: str, colour: bool = False) -> tuple[np.ndarray, str]:
    """(H, W) uint8 of one file, or (H, W, 3) when it is real colour or ``colour`` is asked,
    and how it was converted: "" (not), "equal" (equal RGB channels read as grey), "alpha"
    (RGBA, LA or palette turned to RGB). Raises _NeedColour for real colour when not ``colour``."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as exc:
        raise DatasetError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    img = decode_simple(data)  # what our export writes: ~10x faster than Pillow
    how = ""
    if img is None:
        img, how = _pillow(path, data, colour)
    if img.ndim == 2:
        return (np.repeat(img[..., None], 3, axis=2) if colour else img), how
    if colour:
        return img, how
    if _equal_channels(img):
        return img[..., 0], how or "equal"
    raise _NeedColour


def _read_files(files: list[str], tick, colour: bool = False) -> tuple[np.ndarray, dict[str, int]]:
    """Decode ``files`` on a few threads into one (N, H, W) or (N, H, W, 3) array, and how many
    files were converted, by kind (see :func:`decode`). Raises _NeedColour when a grey read meets colour."""
    if not files:
        return np.zeros((0, 1, 1), np.uint8), {}
    first, _ = decode(files[0], colour)
    out = np.empty((len(files), *first.shape), np.uint8)
    h, w = first.shape[:2]
    del first
    counts = {"equal": 0, "alpha": 0}

    def work(start: int) -> dict[str, int]:
        conv = {"equal": 0, "alpha": 0}
        for i in range(start, min(start + _BATCH, len(files))):
            img, how = decode(files[i], colour)
            if img.shape[:2] != (h, w):
                raise DatasetError(f"{files[i]}: {img.shape[1]}x{img.shape[0]} pixels, but "
                                   f"{os.path.basename(files[0])} and the images before it are {w}x{h}; "
                                   "all images must be one size")
            out[i] = img
            if how:
                conv[how] += 1
        return conv

    with ThreadPoolExecutor(_THREADS) as pool:
        futures = [pool.submit(work, s) for s in range(0, len(files), _BATCH)]
        try:
            for fut, start in zip(futures, range(0, len(files), _BATCH)):
                for k, v in fut.result().items():  # in order: the first odd file is the one named
                    counts[k] += v
                tick(min(_BATCH, len(files) - start))
        except BaseException:
            for fut in futures:
                fut.cancel()
            # A failed future holds the exception, whose traceback holds this frame and so the futures:
            # a cycle that would keep ``out`` alive (beside the RGB array of a re-read) until the next gc.
            futures = fut = None  # noqa: F841
            raise
    return out, counts


def read_split(files: list[str], tick, state: dict) -> tuple[np.ndarray, dict[str, int]]:
    """Read one split as grey, or again as RGB when a file in it is real colour.

    The retry runs after the ``except`` block: inside it, the exception's
    traceback would still hold the grey array while the colour one is made.
    """
    done = state["done"]
    try:
        return _read_files(files, tick)
    except _NeedColour:
        pass
    state["done"] = done
    return _read_files(files, tick, colour=True)
