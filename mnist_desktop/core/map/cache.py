"""A cache of maps in the user's cache folder, so the same data opens at once.

The key is a SHA-256 over what decides the coordinates: the SHA-256 of each
split's images and labels, the map parameters, the normalization of the
recipe, and the cache format version. An entry is one ``.npy`` of float32 (N, 2);
an entry that cannot be read or has the wrong shape is ignored (and
overwritten by the next run), never an error: the map is recomputed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from ..atomic import atomic_write
from ..dataset import Dataset
from ..hashing import new_sha256
from .model import MapParams

__all__ = ["CACHE_ENV_VAR", "default_cache_dir", "cache_key", "load_cached", "store_cached"]

CACHE_ENV_VAR = "MNIST_DESKTOP_CACHE"
#: Bump when the layout algorithm changes, so old entries are not reused.
CACHE_VERSION = 1


def default_cache_dir() -> Path:
    """``$MNIST_DESKTOP_CACHE/maps`` or the platform's user cache folder + ``maps``."""
    env = os.environ.get(CACHE_ENV_VAR)
    if env:
        return Path(env).expanduser() / "maps"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("mnist-desktop", appauthor=False)) / "maps"


def _data_digest(dataset: Dataset) -> list[list[str]]:
    """[split, shape, SHA-256 of images + labels] per split.

    The arrays, not the files they came from: a dataset cut from the files
    (a subset, a format reader) must not share a key with the whole file,
    and hashing 70,000 images in memory takes about a tenth of a second.
    """
    out = []
    for name, split in dataset.splits.items():
        h = new_sha256()
        h.update(np.ascontiguousarray(split.images).data)
        h.update(np.ascontiguousarray(split.labels).data)
        out.append([name, "x".join(map(str, split.images.shape)), h.hexdigest()])
    return out


def cache_key(dataset: Dataset, params: MapParams, normalize: dict | None) -> str:
    """Hex SHA-256 naming the cache entry of this data, parameters and normalization."""
    spec = {"version": CACHE_VERSION, "data": _data_digest(dataset), "params": params.to_dict(),
            "normalize": normalize}
    h = new_sha256()
    h.update(json.dumps(spec, sort_keys=True).encode())
    return h.hexdigest()


def load_cached(folder: Path, key: str, n: int) -> np.ndarray | None:
    """The cached (n, 2) float32 coordinates, or None if absent or unusable."""
    path = Path(folder) / f"{key}.npy"
    try:
        coords = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError):
        return None
    if coords.dtype != np.float32 or coords.shape != (n, 2) or not np.isfinite(coords).all():
        return None
    return coords


def store_cached(folder: Path, key: str, coords: np.ndarray) -> bool:
    """Write an entry atomically; False (and nothing left behind) if the folder is not writable."""
    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
        with atomic_write(Path(folder) / f"{key}.npy", fsync=False) as f:
            np.save(f, np.ascontiguousarray(coords, dtype=np.float32), allow_pickle=False)
    except OSError:
        return False
    return True
