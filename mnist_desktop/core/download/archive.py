"""Safe extraction of a downloaded tar archive (CIFAR's ``cifar-10-python.tar.gz`` ...).

A tar member may name any path and be any kind of file. Before anything is
written, every member is checked: regular files and folders only (no
symbolic or hard links, devices, FIFOs), relative names without ``..`` and
not absolute. The members are then extracted into a temporary folder beside
the destination, which is renamed into place only when all of them are out,
so a failure or a refused archive leaves nothing half-extracted.
"""

from __future__ import annotations

import os
import shutil
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

from ..errors import DownloadError

__all__ = ["check_members", "extract_tar"]


def check_members(archive: Path, members: list[tarfile.TarInfo]) -> None:
    """Refuse the archive (one line naming it and the member) unless every member is safe.

    Raises
    ------
    DownloadError
        An absolute name, a ``..`` part, a link, a device or any other
        special file.
    """
    for m in members:
        name = PurePosixPath(m.name)
        if name.is_absolute() or m.name.startswith(("/", "\\")) or (len(m.name) > 1 and m.name[1] == ":"):
            raise DownloadError(f"{archive}: refusing to extract {m.name!r}: an absolute path")
        if ".." in name.parts:
            raise DownloadError(f"{archive}: refusing to extract {m.name!r}: it points outside the folder (..)")
        if m.issym() or m.islnk():
            raise DownloadError(f"{archive}: refusing to extract {m.name!r}: a link ({m.linkname!r})")
        if not (m.isfile() or m.isdir()):
            raise DownloadError(f"{archive}: refusing to extract {m.name!r}: not a regular file or folder")


def extract_tar(archive: str | os.PathLike[str], dest: str | os.PathLike[str]) -> Path:
    """Extract a (gzip) tar archive into ``dest`` after checking every member; returns ``dest``.

    ``dest`` must not exist yet; the members land in a temporary folder beside
    it that is renamed to ``dest`` at the end.

    Raises
    ------
    DownloadError
        Not a readable tar archive, a refused member (see :func:`check_members`),
        or a write failure; nothing is left at ``dest``.
    """
    archive, dest = Path(archive), Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    try:
        with tarfile.open(archive, "r:*") as tar:
            members = tar.getmembers()
            check_members(archive, members)
            for m in members:
                target = tmp.joinpath(*PurePosixPath(m.name).parts)
                if m.isdir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                src = tar.extractfile(m)
                with src, open(target, "wb") as out:
                    shutil.copyfileobj(src, out, 1 << 20)
        os.replace(tmp, dest)
    except (tarfile.TarError, EOFError, OSError) as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise DownloadError(f"{archive}: cannot be extracted ({exc})") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return dest
