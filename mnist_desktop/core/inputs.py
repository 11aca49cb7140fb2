"""Opening what a user points the tool at: regular files only, small JSON only.

A named pipe (FIFO), a device or a socket named as an input would make a
plain ``open()`` block forever (a FIFO with no writer) or read without end
(``/dev/zero``); a multi-gigabyte "recipe" would be read whole before the JSON
parser could say it is not one. Every reader goes through these functions, so
such inputs are refused at once with one line naming the path.

:func:`open_input` opens without blocking (``O_NONBLOCK``) and checks the
opened file itself (``fstat``), so a path swapped for a pipe between a check
and the open cannot slip through.
"""

from __future__ import annotations

import os
import stat
from typing import BinaryIO

from .errors import DatasetError

__all__ = ["MAX_JSON_BYTES", "not_regular", "check_regular", "open_input", "read_small_text"]

#: Largest recipe or manifest read (bytes): a recipe of a million exclusions is ~8 MB, the
#: manifest of a 300,000-file PNG export ~50 MB.
MAX_JSON_BYTES = 64_000_000

_KINDS = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"))


def not_regular(mode: int) -> str | None:
    """What a non-regular file is in words ("a named pipe (FIFO)"), or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    return next((words for test, words in _KINDS if test(mode)), "not a regular file")


def _refuse(path: str | os.PathLike[str], kind: str, error: type[Exception]) -> Exception:
    return error(f"{path}: is {kind}, not a regular file; nothing was read from it")


def check_regular(path: str | os.PathLike[str], error: type[Exception] = DatasetError) -> os.stat_result:
    """The ``stat`` of ``path`` (symlinks followed), or ``error`` when it is a pipe, device, socket or folder."""
    st = os.stat(path)
    kind = not_regular(st.st_mode)
    if kind:
        raise _refuse(path, kind, error)
    return st


def open_input(path: str | os.PathLike[str], error: type[Exception] = DatasetError) -> BinaryIO:
    """``open(path, "rb")`` that never blocks: a pipe, device or socket raises ``error`` naming the path."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        kind = not_regular(os.fstat(fd).st_mode)
        if kind:
            raise _refuse(path, kind, error)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_small_text(path: str | os.PathLike[str], error: type[Exception] = DatasetError,
                    limit: int = MAX_JSON_BYTES, what: str = "JSON file") -> str:
    """The UTF-8 text of a regular file of at most ``limit`` bytes, refused before reading otherwise."""
    with open_input(path, error) as f:
        size = os.fstat(f.fileno()).st_size
        data = f.read(limit + 1) if size <= limit else b""
        if size > limit or len(data) > limit:
            raise error(f"{path}: is {max(size, len(data)) / 1e6:,.1f} MB; a {what} is at most "
                        f"{limit / 1e6:,.0f} MB, so this is not one")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise error(f"{path}: not a text (UTF-8) file") from None
