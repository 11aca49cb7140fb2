"""Atomic file replacement: a good file at a path is never left half-written.

Every writer in the project (IDX, exports, downloads, manifests) goes through
:func:`atomic_write` or :func:`temp_path_for`: it writes to a hidden
temporary ``.<name>.XXXXXXXX.part`` in the target folder and renames it over
the target only after everything succeeded. Any exception (disk full,
permission denied, cancel, a signal turned into an exception) removes the
temporary file and leaves the previous file untouched; errors name the
target, never the temporary. The temporary is created with mode ``0666``
filtered by the umask, so what is renamed into place has the permissions a
plain new file of the user gets.

What an exception cannot clean (SIGKILL, power loss) is cleaned by the next
run for the same target: :func:`target_lock` makes it the only writer, then
:func:`remove_leftovers` removes the temporaries of earlier runs (a running
writer holds the lock, so its files are never touched). Folders are swapped
with :func:`exchange` (one atomic ``renameat2(RENAME_EXCHANGE)`` on Linux);
where that is missing, :func:`restore_moved_aside` puts back an earlier
export that a killed two-rename swap left hidden.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no advisory locks, no cleanup of others' leftovers
    fcntl = None  # type: ignore[assignment]

TEMP_SUFFIX = ".part"
OLD_SUFFIX = ".old.part"
#: Set to "rename" to use the two-rename folder swap even where renameat2 exists (fault tests).
SWAP_ENV = "MNIST_DESKTOP_SWAP"

__all__ = ["TEMP_SUFFIX", "temp_path_for", "temp_dir_for", "atomic_write", "target_lock",
           "leftovers_of", "remove_leftovers", "restore_moved_aside", "exchange", "name_the_target"]


def name_the_target(exc: OSError, tmp: Path, target: Path) -> OSError:
    """The same error with the temporary path (or no path) replaced by ``target``.

    ``ENOSPC`` from a write carries no file name, and a failed ``mkstemp``
    names the hidden temporary; the user should read the path they asked for.
    """
    name = exc.filename
    t = str(tmp)
    if name is None:
        new = str(target)
    elif str(name) == t or str(name).startswith(t + os.sep):
        new = str(target) + str(name)[len(t):]
    else:
        return exc
    if not exc.errno:
        return exc
    return OSError(exc.errno, exc.strerror or os.strerror(exc.errno), new)


def temp_path_for(path: Path) -> Path:
    """Return a fresh temporary file name beside ``path`` (created, empty).

    Created with mode ``0666`` filtered by the umask (not ``mkstemp``'s
    ``0600``), so the file renamed into place has the permissions any new
    file of the user gets, like an export.
    """
    path = Path(path)
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    for _ in range(tempfile.TMP_MAX):
        name = path.parent / f".{path.name}.{_random_part()}{TEMP_SUFFIX}"
        try:
            fd = os.open(name, flags, 0o666)
        except FileExistsError:
            continue
        except OSError as exc:
            raise name_the_target(exc, name, path) from None
        os.close(fd)
        return name
    raise name_the_target(FileExistsError(errno.EEXIST, "no free temporary name", str(path)), path, path)


def _random_part() -> str:
    """8 characters of [a-z0-9_], like ``mkstemp``'s (what :func:`leftovers_of` matches)."""
    return "".join(secrets.choice("abcdefghijklmnopqrstuvwxyz0123456789_") for _ in range(8))


def temp_dir_for(path: Path, suffix: str = TEMP_SUFFIX) -> Path:
    """Return a fresh hidden temporary folder beside ``path`` (created, empty)."""
    path = Path(path)
    try:
        return Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=suffix, dir=path.parent))
    except OSError as exc:
        raise name_the_target(exc, Path(exc.filename or ""), path) from None


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
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise name_the_target(exc, tmp, target) from None
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


# ---------------------------------------------------------------------- one writer per target
@contextlib.contextmanager
def target_lock(target: Path, busy: Callable[[], Exception]) -> Iterator[None]:
    """Hold an exclusive lock on ``target`` (``fcntl.flock`` on ``.<name>.lock`` beside it).

    Raises ``busy()`` at once when another process holds it. The lock file is
    removed on release; a stale one (after SIGKILL) is simply reused.
    """
    if fcntl is None:  # pragma: no cover
        yield
        return
    lock = target.with_name(f".{target.name}.lock")
    while True:
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise name_the_target(exc, lock, target) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise busy() from None
        try:  # the previous holder may have removed the file between our open and flock
            if os.path.samestat(os.fstat(fd), os.stat(lock)):
                break
        except FileNotFoundError:
            pass
        os.close(fd)
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(lock)
        os.close(fd)


def _leftover_pattern(name: str) -> re.Pattern[str]:
    # tempfile's random part: 8 characters of [a-z0-9_]; no dot, so "out" never matches "out.npz"'s files
    return re.compile(rf"\.{re.escape(name)}\.[a-z0-9_]{{8}}(?:\.old)?\.part")


def leftovers_of(target: Path) -> list[Path]:
    """Temporaries of earlier runs for ``target`` (files or folders), oldest first."""
    pattern = _leftover_pattern(target.name)
    try:
        found = [p for p in target.parent.iterdir() if pattern.fullmatch(p.name)]
    except OSError:
        return []
    return sorted(found, key=lambda p: p.lstat().st_mtime)


def remove_leftovers(target: Path) -> int:
    """Remove what interrupted runs left for ``target``; return how many. Hold :func:`target_lock`."""
    removed = 0
    for p in leftovers_of(target):
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                p.unlink()
        removed += not p.exists()
    return removed


def restore_moved_aside(target: Path) -> Path | None:
    """Put back an earlier folder a killed two-rename swap left as ``.<name>.XXXXXXXX.old.part``.

    Only when ``target`` is missing; returns the folder restored (now at
    ``target``) or None. Hold :func:`target_lock`.
    """
    if os.path.lexists(target):
        return None
    olds = [p for p in leftovers_of(target) if p.name.endswith(OLD_SUFFIX) and p.is_dir()]
    if not olds:
        return None
    os.replace(olds[-1], target)
    return target


# ---------------------------------------------------------------------- atomic folder exchange
@functools.lru_cache(maxsize=1)
def _renameat2():
    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    return fn


def exchange(a: Path, b: Path) -> bool:
    """Swap paths ``a`` and ``b`` in one atomic step; False where the system cannot.

    Linux ``renameat2(..., RENAME_EXCHANGE)`` (glibc 2.28+, most local file
    systems). A False return changed nothing: the caller falls back to two
    renames.
    """
    fn = None if os.environ.get(SWAP_ENV) == "rename" else _renameat2()
    if fn is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    if fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))
