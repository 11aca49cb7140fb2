"""Exclusions belong to one dataset: the key that names it, and their stored form.

Excluded samples are indices within splits, so they mean something only for
the data they were chosen on. The GUI stores them under :func:`dataset_key`
(SHA-256 of the dataset's files, or of its arrays when it has no files) and
brings them back only when the same data is opened again.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..dataset import Dataset
from ..hashing import new_sha256, sha256_file

__all__ = ["dataset_key", "exclusions_to_json", "exclusions_from_json"]


@lru_cache(maxsize=64)
def _file_digest(path: str, size: int, mtime_ns: int) -> str:
    return sha256_file(path)


def file_digest(path: str | os.PathLike[str]) -> str:
    """SHA-256 of a file, cached while its size and modification time stay the same."""
    st = Path(path).stat()
    return _file_digest(str(path), st.st_size, st.st_mtime_ns)


def dataset_key(dataset: Dataset) -> str:
    """A hex key naming the dataset's content: the same files give the same key wherever they lie.

    Built from each split's name and the SHA-256 of its image and label
    files (cached), or of its arrays when a split was not read from files.
    """
    h = new_sha256()
    for name, split in dataset.splits.items():
        h.update(name.encode("utf-8") + b"\0")
        if split.image_file is not None and split.label_file is not None:
            for p in (split.image_file, split.label_file):
                h.update(file_digest(p).encode("ascii"))
        else:
            h.update(repr(split.images.shape).encode("ascii"))
            h.update(split.images.tobytes())
            h.update(split.labels.tobytes())
    return h.hexdigest()


def exclusions_to_json(excluded: Any) -> str:
    """A recipe's ``excluded`` (pairs of split and indices) as JSON text."""
    return json.dumps({k: list(v) for k, v in excluded})


def exclusions_from_json(text: str) -> dict[str, list[int]]:
    """The stored form back as {split: indices}; anything unreadable gives no exclusions."""
    try:
        data = json.loads(text)
    except (TypeError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): [int(i) for i in v if isinstance(i, int) and i >= 0]
            for k, v in data.items() if isinstance(v, list)}
