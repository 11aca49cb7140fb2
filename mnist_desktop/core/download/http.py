"""HTTP details of fetching one file from one mirror: status and header checks,
body sniffing, chunked reading with exact size limits, readable reasons for
network errors, and aborting a blocked read on cancel.

Everything here raises :class:`MirrorFailed` for what a mirror did wrong, so
:mod:`.download` can move on to the next mirror.
"""

from __future__ import annotations

import contextlib
import re
import socket
import threading
from collections.abc import Callable, Iterator

import requests
import urllib3

from ..catalog import RemoteFile
from ..hashing import is_gzip, markup_kind

#: Bytes read (and hashed, written, reported) per step; cancel is checked between steps.
CHUNK_SIZE = 64 * 1024


class MirrorFailed(Exception):
    """One mirror did not deliver the right bytes; try the next one."""


@contextlib.contextmanager
def abort_read_on_cancel(response: requests.Response, is_cancelled: Callable[[], bool]):
    """Shut the socket down as soon as cancel is set, so a read blocked on a silent
    server returns at once instead of after ``timeout`` (a GUI's Cancel and window
    close must not hang). The read then fails, and the caller sees the cancel."""
    finished = threading.Event()

    def watch() -> None:
        while not finished.wait(0.05):
            if is_cancelled():
                sock = _socket_of(response)
                if sock is not None:
                    with contextlib.suppress(OSError):
                        sock.shutdown(socket.SHUT_RDWR)
                return

    watcher = threading.Thread(target=watch, name="download-cancel-watch", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        finished.set()
        watcher.join()


def _socket_of(response: requests.Response) -> socket.socket | None:
    """The socket a streamed response reads from (urllib3 1.x and 2.x keep it in different places)."""
    sock = getattr(getattr(response.raw, "_connection", None), "sock", None)
    if sock is None:
        fp = getattr(getattr(response.raw, "_fp", None), "fp", None)
        sock = getattr(getattr(fp, "raw", None), "_sock", None)
    return sock if isinstance(sock, socket.socket) else None


def check_response(response: requests.Response, remote: RemoteFile) -> None:
    """Reject a response by its status line and headers, before reading the body."""
    code = response.status_code
    if not 200 <= code < 300:
        hint = " (the server asks for a password)" if code == 401 else ""
        raise MirrorFailed(f"HTTP {code} {response.reason or ''}".rstrip() + hint)
    ctype = response.headers.get("Content-Type", "").lower()
    if "text/html" in ctype:
        raise MirrorFailed(f"served an HTML page (Content-Type {ctype}) instead of {remote.name}")
    length = response.headers.get("Content-Length")
    if length is not None and length.isdigit() and int(length) != remote.size:
        raise MirrorFailed(f"wrong size: the server announces {int(length):,} bytes, "
                            f"{remote.name} has {remote.size:,}")


def check_start(first: bytes, remote: RemoteFile) -> None:
    """Reject a body by its first bytes: empty, an HTML page, or not gzip."""
    if not first:
        raise MirrorFailed("empty response")
    if remote.name.endswith(".gz") and not is_gzip(first):
        kind = markup_kind(first)
        if kind:
            page = "an HTML page" if kind == "html" else "an XML document"
            raise MirrorFailed(f"served {page} instead of the gzip file {remote.name}")
        raise MirrorFailed(f"not a gzip file (starts with {first[:8]!r}), expected {remote.name}")


def check_complete(received: int, sha256: str, remote: RemoteFile) -> None:
    if received != remote.size:
        raise MirrorFailed(f"wrong size: received {received:,} bytes, {remote.name} has {remote.size:,}")
    if sha256 != remote.sha256:
        raise MirrorFailed(f"SHA-256 mismatch: got {sha256}, expected {remote.sha256} "
                            "(wrong or corrupt file under the right name)")


def read_chunks(response: requests.Response, remote: RemoteFile, received: list[int],
                 timeout: float) -> Iterator[bytes]:
    """The raw body (no transfer decoding) in chunks; network errors become MirrorFailed.

    ``received[0]`` counts the bytes so far. Reading stops with a failure as
    soon as the body exceeds the expected size, so a huge wrong file is not
    downloaded in full.
    """
    try:
        for chunk in response.raw.stream(CHUNK_SIZE, decode_content=False):
            received[0] += len(chunk)
            if received[0] > remote.size:
                raise MirrorFailed(f"wrong size: more than the {remote.size:,} bytes of {remote.name}")
            yield chunk
    except (requests.RequestException, urllib3.exceptions.HTTPError) as exc:
        if _is_timeout(exc):
            raise MirrorFailed(f"no data for {timeout:g} s after {received[0]:,} of "
                                f"{remote.size:,} bytes (timed out)") from None
        detail = _short(exc)
        detail = "" if "IncompleteRead" in detail or "Connection broken" in detail else f": {detail}"
        raise MirrorFailed(f"connection closed after {received[0]:,} of {remote.size:,} bytes "
                            f"(body cut short{detail})") from None


def next_chunk(chunks: Iterator[bytes]) -> bytes:
    return next(chunks, b"")


def network_reason(exc: BaseException, timeout: float) -> str:
    if _is_timeout(exc):
        return f"no answer within {timeout:g} s (timed out)"
    if isinstance(exc, requests.exceptions.SSLError):
        return f"TLS/SSL error ({_short(exc)})"
    if isinstance(exc, requests.exceptions.TooManyRedirects):
        return "too many redirects"
    if isinstance(exc, requests.ConnectionError):
        return f"could not connect ({_short(exc)})"
    return _short(exc)


def _is_timeout(exc: BaseException) -> bool:
    timeouts = (requests.Timeout, urllib3.exceptions.TimeoutError)
    seen: BaseException | None = exc
    for _ in range(6):
        if seen is None or isinstance(seen, urllib3.exceptions.NewConnectionError):
            return False  # urllib3 files "connection refused" under ConnectTimeoutError
        if isinstance(seen, timeouts):
            return True
        seen = getattr(seen, "reason", None) or (seen.args[0] if seen.args and isinstance(
            seen.args[0], BaseException) else None)
    return False


def _short(exc: BaseException) -> str:
    """The innermost useful words of a requests/urllib3 error, without object reprs."""
    inner: BaseException = exc
    for _ in range(6):
        nxt = getattr(inner, "reason", None)
        if not isinstance(nxt, BaseException) and inner.args and isinstance(inner.args[0], BaseException):
            nxt = inner.args[0]
        if not isinstance(nxt, BaseException):
            break
        inner = nxt
    text = str(inner) or type(inner).__name__
    text = re.sub(r"<[^>]* object at 0x[0-9a-fA-F]+>:?\s*", "", text)
    match = re.search(r"\[Errno -?\d+\]\s*([^)'\"]+)", text)
    if match:
        text = match.group(1)
    return text.strip().rstrip(".") or type(inner).__name__
