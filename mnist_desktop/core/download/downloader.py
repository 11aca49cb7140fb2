"""Fetch dataset files from their mirrors, verify every byte, store them atomically.

Mirrors fail in many ways that look like success: yann.lecun.com answers 403
or asks for a password, file hosts serve an HTML page or a truncated body under
the right name. So a file is accepted only when its size and SHA-256 match the
catalog, and only then renamed into place. Any failure of one mirror moves on
to the next; when all fail, one :class:`DownloadError` lists every URL with
its reason.

This module is pure (requests, no Qt): the CLI drives :func:`download` with a
text progress bar and the GUI runs the very same function in a worker thread,
passing a ``threading.Event`` as ``cancel``.

Why not pooch: ``pooch.retrieve`` gives hash check and temp file + move, but
its downloaders offer no cancel hook (only raising from inside a fake tqdm
bar), cannot tell "an HTML page" or "cut after N bytes" apart from a hash
mismatch, always skip a verified file (no ``--force``), re-read the file to
hash it and log to stderr on their own. Streaming with requests straight into
:func:`~mnist_desktop.core.atomic.atomic_write` gives all of that in a few
lines, hashing as the bytes arrive.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import requests
import urllib3

from ..._version import __version__
from .http import (CHUNK_SIZE, MirrorFailed, abort_read_on_cancel, check_complete, check_response, check_start,
                     network_reason, next_chunk, read_chunks)
from .archive import install_archive
from ..atomic import atomic_write, remove_leftovers, target_lock
from ..catalog import DatasetInfo, RemoteFile, get_dataset
from ..errors import Cancelled, DownloadError, TargetBusyError
from ..hashing import new_sha256, sha256_file
from ..paths import default_data_dir
from ..progress import Cancel, Progress, cancel_check
from ..testhook import pause_point

__all__ = ["download", "dataset_dir", "missing_files", "DownloadError", "Cancelled",
           "DEFAULT_TIMEOUT", "CHUNK_SIZE"]

#: Seconds to wait for a connection and for each read of the body.
DEFAULT_TIMEOUT = 30.0

_USER_AGENT = f"mnist-desktop/{__version__} python-requests/{requests.__version__}"


Notify = Callable[[str], None]


def dataset_dir(dataset: str | DatasetInfo = "mnist", data_dir: str | os.PathLike[str] | None = None) -> Path:
    """The folder a dataset is stored in: ``<data_dir>/<dataset key>``.

    ``data_dir`` defaults to :func:`~mnist_desktop.core.paths.default_data_dir`
    (``$MNIST_DESKTOP_DATA`` or the platform's user data folder).
    """
    info = dataset if isinstance(dataset, DatasetInfo) else get_dataset(dataset)
    return Path(data_dir if data_dir is not None else default_data_dir()).expanduser() / info.key


def missing_files(dataset: str | DatasetInfo = "mnist", split: str = "all",
                  data_dir: str | os.PathLike[str] | None = None) -> list[RemoteFile]:
    """The files of ``split`` that are absent or fail their SHA-256 check.

    Lets the GUI decide whether to offer a download without starting one.
    Reads (hashes) every present file, so it takes a moment for the train set.
    """
    info = dataset if isinstance(dataset, DatasetInfo) else get_dataset(dataset)
    folder = dataset_dir(info, data_dir)
    return [f for f in info.files_for(split) if not _is_verified(folder / f.name, f)]


def download(dataset: str | DatasetInfo = "mnist", split: str = "all",
             data_dir: str | os.PathLike[str] | None = None, *,
             mirrors: list[str] | tuple[str, ...] | None = None, force: bool = False,
             progress: Progress | None = None, cancel: Cancel = None,
             notify: Notify | None = None, timeout: float = DEFAULT_TIMEOUT) -> list[Path]:
    """Download and verify the files of one dataset split into the data folder.

    Files are fetched one after the other into ``<data_dir>/<dataset>/<name>.gz``.
    Each is streamed into a hidden temporary file beside its final name while
    its SHA-256 is computed, and renamed into place only when size and hash
    match the catalog, so a final name only ever holds a verified file.
    An archive (CIFAR's ``cifar-10-python.tar.gz``, both splits in one file,
    so ``split`` makes no difference) is then extracted safely beside itself
    (``<data_dir>/cifar-10/cifar-10-batches-py/``), where
    :func:`~mnist_desktop.core.formats.load.load_dataset` opens it; it is
    extracted again when it was downloaded again or its folder is missing.

    Parameters
    ----------
    dataset
        Catalog key (``"mnist"``, ``"fashion-mnist"``, ``"kmnist"``) or a
        :class:`~mnist_desktop.core.catalog.DatasetInfo` (tests use their own).
    split
        ``"train"``, ``"test"`` or ``"all"``.
    data_dir
        Data folder; default ``$MNIST_DESKTOP_DATA`` or the user data folder.
        Created when missing.
    mirrors
        Base URLs (http or https) to use instead of the catalog's, in this
        order. A missing trailing ``/`` is added. Every file tries the mirrors
        in this order.
    force
        Download even files already present and verified. A verified file is
        replaced only once its new copy is verified too.
    progress
        Called as ``progress(bytes_done, bytes_total)`` from the calling thread:
        once at the start, then after every chunk. ``bytes_total`` is the size of
        all files of the split; files already present and verified count as
        done. When a mirror fails mid-file, ``bytes_done`` goes back to where
        that file started before the next mirror is tried.
    cancel
        A ``threading.Event`` (or anything with ``is_set()``) or a callable
        returning true to stop. Checked before each request and between
        chunks, so it takes effect within one chunk (64 KiB) or, while a
        server is silent, within ``timeout`` seconds; also between the 1 MiB
        pieces of an archive's extraction (the verified archive stays).
    notify
        Called with one human-readable line per event worth telling the user:
        a file already present, a corrupt file replaced, a mirror failing and
        why, a file verified.
    timeout
        Seconds to wait for a connection and for each read of the body; a
        mirror that stays silent longer counts as failed, and so does one
        that delivers less than :data:`.http.MIN_RATE` bytes per second over
        any ``timeout`` seconds before the file is complete (a trickle).

    Returns
    -------
    list of pathlib.Path
        The verified files of the split, in catalog order (for CIFAR: the archive).

    Raises
    ------
    Cancelled
        ``cancel`` was set. No partial or temporary file is left; files fully
        verified before the cancel stay.
    DownloadError
        Every mirror failed for one file (the message lists each URL with its
        reason, one per indented line; ``.attempts`` holds the pairs), or the
        data folder cannot be created or written (disk full, no permission);
        the message names the path. A file already present with the wrong
        hash is kept until a verified copy replaces it, so a failed download
        never loses it (the message says it is still there). A verified
        archive that cannot be extracted safely is deleted; the message names
        its URL and file.
    TargetBusyError
        Another process is downloading the same file into the same folder.
    ValueError
        Unknown dataset or split, or a mirror that is not an http(s) URL.
    """
    info = dataset if isinstance(dataset, DatasetInfo) else get_dataset(dataset)
    files = info.files_for(split)
    bases = _normalise_mirrors(mirrors if mirrors is not None else info.mirrors)
    say = notify or (lambda _msg: None)
    is_cancelled = cancel_check(cancel)
    folder = dataset_dir(info, data_dir)
    _make_folder(folder)

    total = sum(f.size for f in files)
    done = 0
    todo: list[RemoteFile] = []
    verified: set[str] = set()  # present and verified (replaced only with --force): what a failure keeps
    for remote in files:
        target = folder / remote.name
        if target.exists():
            if _is_verified(target, remote):
                verified.add(remote.name)
            if remote.name not in verified:
                # Kept: it is replaced only by a verified copy, so a failed download loses nothing.
                say(f"{target}: wrong size or SHA-256; downloading it again (the present file is kept "
                    "until a verified copy replaces it)")
            elif not force:
                say(f"{target}: already present, SHA-256 verified")
                done += remote.size
                continue
        todo.append(remote)

    report = progress or (lambda _d, _t: None)
    report(done, total)
    with requests.Session() as session:
        session.headers.update({"User-Agent": _USER_AGENT, "Accept-Encoding": "identity"})
        for remote in files:
            if remote not in todo and not remote.is_archive:
                continue  # present and verified
            target = folder / remote.name
            with target_lock(target, lambda t=target: TargetBusyError(
                    f"{t}: another download of this file is running; wait for it to finish")):
                url = None
                if remote in todo:
                    if remove_leftovers(target):
                        say(f"{target}: removed the partial download of an interrupted run")
                    done, url = _fetch_one(session, remote, target, bases, done, total,
                                           report, is_cancelled, say, timeout, remote.name in verified)
                if remote.is_archive:
                    _extract(remote, target, url, cancel, say)
    return [folder / f.name for f in files]


def _extract(remote: RemoteFile, archive: Path, url: str | None, cancel: Cancel, say: Notify) -> None:
    """Extract a verified archive into its folder unless a fresh download found it already extracted.

    An archive whose contents are refused (a link, a name outside the folder,
    an unexpected top-level name) or cannot be read is deleted, so nothing
    unusable stays behind; a cancelled extraction keeps the verified archive
    (the next run extracts it without downloading it again).
    """
    folder = archive.parent
    if url is None and all((folder / name).is_dir() for name in remote.extracts_to):
        return
    say(f"{archive}: extracting {', '.join(remote.extracts_to)} into {folder}")
    try:
        install_archive(archive, folder, remote.extracts_to, cancel=cancel)
    except DownloadError as exc:
        with contextlib.suppress(OSError):
            archive.unlink()
        source = f"{url}: " if url else ""
        raise DownloadError(f"{source}{exc}; the archive was deleted") from None
    say(f"{folder / remote.extracts_to[0]}: extracted")


def _fetch_one(session: requests.Session, remote: RemoteFile, target: Path, bases: list[str],
               done: int, total: int, report: Progress, is_cancelled: Callable[[], bool],
               say: Notify, timeout: float, was_verified: bool = False) -> tuple[int, str]:
    """Try each mirror for one file; return the new ``bytes_done`` and the URL that delivered it.

    ``was_verified``: the file already there passed its SHA-256 check (a
    ``--force`` download); a failure then says it is kept, intact and verified.
    """
    attempts: list[tuple[str, str]] = []
    for base in bases:
        if is_cancelled():
            raise Cancelled(f"download cancelled before {remote.name}")
        url = base + remote.name
        try:
            _stream_to(session, url, remote, target, done, total, report, is_cancelled, timeout)
        except MirrorFailed as exc:
            if is_cancelled():  # the read failed because cancel shut the connection
                raise Cancelled(f"download of {remote.name} cancelled; nothing partial was kept") from None
            attempts.append((url, str(exc)))
            report(done, total)
            say(f"{url}: {exc}" + ("; trying the next mirror" if base != bases[-1] else ""))
            continue
        say(f"{target}: downloaded from {url}, SHA-256 verified")
        return done + remote.size, url
    lines = "\n".join(f"  {url}: {reason}" for url, reason in attempts)
    kept = "" if not target.exists() else (
        f" ({target} is kept: the earlier file, whose SHA-256 was verified)" if was_verified
        else f" ({target} is still the earlier file, which failed its SHA-256 check)")
    raise DownloadError(
        f"could not download {remote.name} from any of {len(attempts)} mirror"
        f"{'s' if len(attempts) != 1 else ''}{kept}:\n{lines}", tuple(attempts))


def _stream_to(session: requests.Session, url: str, remote: RemoteFile, target: Path, done: int,
               total: int, report: Progress, is_cancelled: Callable[[], bool], timeout: float) -> None:
    """Fetch ``url`` into ``target`` if it delivers exactly ``remote``'s bytes.

    Raises MirrorFailed for anything the mirror did wrong, DownloadError for
    local write problems and Cancelled on cancel.
    """
    try:
        response = session.get(url, stream=True, timeout=(timeout, timeout))
    except (requests.RequestException, urllib3.exceptions.HTTPError) as exc:
        raise MirrorFailed(network_reason(exc, timeout)) from None
    with response, abort_read_on_cancel(response, is_cancelled):
        check_response(response, remote)
        received = [0]
        chunks = read_chunks(response, remote, received, timeout)
        try:
            first = next_chunk(chunks)
            while first and len(first) < 512 and received[0] < remote.size:  # enough bytes to sniff
                more = next_chunk(chunks)
                if not more:
                    break
                first += more
            check_start(first, remote)
            _write_verified(target, first, chunks, received, remote, done, total, report, is_cancelled)
        finally:
            chunks.close()


def _write_verified(target: Path, first: bytes, chunks: Iterator[bytes], received: list[int],
                    remote: RemoteFile, done: int, total: int, report: Progress,
                    is_cancelled: Callable[[], bool]) -> None:
    """Write and hash the body into a temp file; rename it to ``target`` only if it verifies."""
    digest = new_sha256()
    try:
        with atomic_write(target) as out:
            chunk = first
            while chunk:
                digest.update(chunk)
                out.write(chunk)
                report(done + received[0], total)
                if chunk is first:
                    pause_point("download.writing")
                if received[0] < remote.size and is_cancelled():  # a complete file is still verified
                    raise Cancelled(f"download of {remote.name} cancelled; nothing partial was kept")
                chunk = next_chunk(chunks)
            check_complete(received[0], digest.hexdigest(), remote)
    except OSError as exc:
        raise DownloadError(f"cannot write {target}: {exc.strerror or exc}") from None


def _normalise_mirrors(mirrors: list[str] | tuple[str, ...]) -> list[str]:
    bases = []
    for url in mirrors:
        if not re.match(r"^https?://[^/\s]+", url or ""):
            raise DownloadError(f"mirror {url!r} is not an http:// or https:// URL")
        bases.append(url if url.endswith("/") else url + "/")
    if not bases:
        raise DownloadError("no mirror to download from")
    return bases



def _is_verified(path: Path, remote: RemoteFile) -> bool:
    """Whether ``path`` holds exactly ``remote``'s bytes (size first: cheap)."""
    try:
        if path.stat().st_size != remote.size:
            return False
        return sha256_file(path) == remote.sha256
    except OSError:
        return False


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        where = exc.filename or folder
        raise DownloadError(f"cannot create the data folder {where}: {exc.strerror or exc}") from None
    if not os.access(folder, os.W_OK):
        raise DownloadError(f"cannot write to the data folder {folder}: permission denied")
