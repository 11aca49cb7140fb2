"""Atomic file replacement: a good file at a path is never left half-written.

Every writer in the project (IDX, exports, downloads, manifests) goes through
:func:`atomic_write`: it writes to a hidden temporary file in the target folder
and renames it over the target only after everything succeeded. Any exception
(disk full, permission denied, cancel) removes the temporary file and leaves
the previous file untouched.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

TEMP_SUFFIX = ".part"


def temp_path_for(path: Path) -> Path:
    """Return a fresh temporary file name beside ``path`` (created, empty)."""
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
    os.close(fd)
    return Path(name)


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str], *, fsync: bool = True) -> Iterator[BinaryIO]:
    """Open a binary file that replaces ``path`` only when the block succeeds.

    Parameters
    ----------
    path
        Final file name. Its folder must exist.
    fsync
        Flush the data to disk before the rename, so a crash cannot leave an
        empty file under the final name.
    """
    target = Path(path)
    tmp = temp_path_for(target)
    try:
        with open(tmp, "wb") as f:
            yield f
            f.flush()
            if fsync:
                os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path to write; rename it to ``path`` on success.

    For writers that insist on a file name (``np.savez``, PNG encoders).
    """
    target = Path(path)
    tmp = temp_path_for(target)
    try:
        yield tmp
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
