"""Safe extraction of a downloaded tar archive (CIFAR's ``cifar-10-python.tar.gz`` ...).

A tar member may name any path and be any kind of file. Before anything is
written, every member is checked: regular files and folders only (no
symbolic or hard links, devices, FIFOs), relative names without ``..`` and
not absolute. The members are then extracted into a temporary folder beside
the destination, which is renamed into place only when all of them are out,
so a failure or a refused archive leaves nothing half-extracted.

:func:`install_archive` is what the downloader calls on a verified archive:
it also refuses top-level names the catalog does not expect, and moves the
extracted folders into the dataset's folder.
"""

from __future__ import annotations

import os
import shutil
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

from ..errors import Cancelled, DownloadError
from ..progress import Cancel, cancel_check

__all__ = ["check_members", "extract_tar", "install_archive"]


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


def extract_tar(archive: str | os.PathLike[str], dest: str | os.PathLike[str], *, cancel: Cancel = None) -> Path:
    """Extract a (gzip) tar archive into ``dest`` after checking every member; returns ``dest``.

    ``dest`` must not exist yet; the members land in a temporary folder beside
    it that is renamed to ``dest`` at the end. ``cancel`` is checked between
    members and between 1 MiB pieces of each.

    Raises
    ------
    Cancelled
        ``cancel`` was set; nothing is left at ``dest``.
    DownloadError
        Not a readable tar archive, a refused member (see :func:`check_members`),
        or a write failure; nothing is left at ``dest``.
    """
    archive, dest = Path(archive), Path(dest)
    is_cancelled = cancel_check(cancel)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    try:
        with tarfile.open(archive, "r:*") as tar:
            members = tar.getmembers()
            check_members(archive, members)
            for m in members:
                if is_cancelled():
                    raise Cancelled(f"extraction of {archive.name} cancelled; nothing partial was kept")
                target = tmp.joinpath(*PurePosixPath(m.name).parts)
                if m.isdir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                src = tar.extractfile(m)
                with src, open(target, "wb") as out:
                    _copy(src, out, is_cancelled, archive)
        os.replace(tmp, dest)
    except (tarfile.TarError, EOFError, OSError) as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise DownloadError(f"{archive}: cannot be extracted ({_reason(exc)})") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return dest


def _reason(exc: BaseException) -> str:
    """One line: tarfile's "r:*" lists every compression it tried, one per line."""
    if isinstance(exc, tarfile.ReadError):
        return "not a readable tar archive: damaged or cut short"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return " ".join(str(exc).split()) or type(exc).__name__


def _copy(src, out, is_cancelled, archive: Path) -> None:
    while piece := src.read(1 << 20):
        out.write(piece)
        if is_cancelled():
            raise Cancelled(f"extraction of {archive.name} cancelled; nothing partial was kept")


def install_archive(archive: str | os.PathLike[str], folder: str | os.PathLike[str], names: tuple[str, ...], *,
                    cancel: Cancel = None) -> list[Path]:
    """Extract ``archive`` and move its top-level ``names`` into ``folder``; returns their paths.

    The archive is extracted safely (:func:`extract_tar`) into a hidden folder
    inside ``folder``; only when every member is out, and the archive's top
    level holds nothing but ``names``, does each name replace what ``folder``
    held under it (an earlier extraction), so a refused or cancelled archive
    leaves ``folder`` as it was.

    Raises
    ------
    DownloadError
        Not a readable tar archive, a refused member, a top-level name the
        catalog does not list, or a write failure; the message names the archive.
    Cancelled
        ``cancel`` was set.
    """
    archive, folder = Path(archive), Path(folder)
    tmp = folder / f".{archive.name}.extracting"
    for left in folder.glob(f".*{archive.name}.extracting*"):  # what a killed run left (extract_tar's too)
        shutil.rmtree(left, ignore_errors=True)
    try:
        extract_tar(archive, tmp, cancel=cancel)
        found = sorted(p.name for p in tmp.iterdir())
        unexpected = [n for n in found if n not in names]
        if unexpected or not found:
            raise DownloadError(f"{archive}: holds {unexpected[0] if unexpected else 'nothing'!r} at its top level; "
                                f"expected {', '.join(names)}")
        for name in found:
            target = folder / name
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            elif target.exists() or target.is_symlink():
                target.unlink()
            os.replace(tmp / name, target)
    except OSError as exc:
        raise DownloadError(f"cannot extract {archive} into {folder}: {exc.strerror or exc}") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return [folder / n for n in names]
