"""HTTP details of fetching one file from one mirror: status and header checks,
body sniffing, chunked reading with exact size limits, readable reasons for
network errors, and aborting a blocked read on cancel.

Everything here raises :class:`MirrorFailed` for what a mirror did wrong, so
:mod:`.download` can move on to the next mirror.

A per-read timeout alone never ends a trickle (1 byte every 5 s resets it
forever), so :func:`read_chunks` also measures the rate over windows of
``timeout`` seconds and gives up on a mirror that delivers less than
:data:`MIN_RATE` bytes per second while the file is incomplete.

:func:`_socket_of` reads private attributes of urllib3's response to reach
the socket (there is no public way to interrupt a blocked read from another
thread); ``tests/faults/test_download_faults.py`` fails if a urllib3 or
requests upgrade moves them.
"""

from __future__ import annotations

import contextlib
import http.client
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator

import requests
import urllib3

from ..catalog import RemoteFile
from ..hashing import is_gzip, markup_kind

#: Bytes read (and hashed, written, reported) per step; cancel is checked between steps.
CHUNK_SIZE = 64 * 1024
#: Bytes per second below which a mirror counts as stalled (measured over ``timeout`` seconds).
MIN_RATE = 1024


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
                timeout: float, *, min_rate: float = MIN_RATE) -> Iterator[bytes]:
    """The raw body (no transfer decoding) as it arrives; network errors become MirrorFailed.

    ``received[0]`` counts the bytes so far. Reading stops with a failure as
    soon as the body exceeds the expected size (a huge wrong file is not
    downloaded in full) or when fewer than ``min_rate`` bytes per second
    arrived over the last ``timeout`` seconds (a trickle never ends otherwise).
    """
    raw = response.raw
    read1 = getattr(raw, "read1", None)  # returns what has arrived instead of waiting for a full chunk
    pieces = iter(lambda: read1(CHUNK_SIZE, decode_content=False), b"") if read1 else \
        raw.stream(CHUNK_SIZE, decode_content=False)
    window_start, window_bytes = time.monotonic(), 0
    try:
        for chunk in pieces:
            received[0] += len(chunk)
            if received[0] > remote.size:
                raise MirrorFailed(f"wrong size: more than the {remote.size:,} bytes of {remote.name}")
            window_bytes += len(chunk)
            elapsed = time.monotonic() - window_start
            if elapsed >= timeout:
                if window_bytes < min_rate * elapsed and received[0] < remote.size:
                    raise MirrorFailed(
                        f"stalled: {window_bytes:,} bytes in the last {elapsed:.3g} s after {received[0]:,} of "
                        f"{remote.size:,} bytes (less than {min_rate:,.0f} bytes/s)")
                window_start, window_bytes = time.monotonic(), 0
            yield chunk
    except (requests.RequestException, urllib3.exceptions.HTTPError, http.client.HTTPException) as exc:
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
    """One readable reason for a failed request (no nested exception reprs)."""
    bad = _find_in_chain(exc, http.client.BadStatusLine)
    if bad is not None:
        if isinstance(bad, http.client.RemoteDisconnected):
            return "the server closed the connection without answering"
        line = str(bad.args[0] if bad.args else "").strip()[:60]
        return f"the reply is not HTTP (it starts with {line!r}): is this the right host and port?"
    if _is_timeout(exc):
        return f"no answer within {timeout:g} s (timed out)"
    if isinstance(exc, requests.exceptions.SSLError):
        return f"TLS/SSL error ({_short(exc)})"
    if isinstance(exc, requests.exceptions.TooManyRedirects):
        return "too many redirects"
    if isinstance(exc, requests.ConnectionError):
        return f"could not connect ({_short(exc)})"
    return _short(exc)


def _find_in_chain(exc: BaseException, kind: type) -> BaseException | None:
    """The first exception of ``kind`` among ``exc``, its args, reasons and causes."""
    todo, seen = [exc], set()
    while todo:
        e = todo.pop()
        if id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, kind):
            return e
        todo += [a for a in (*e.args, getattr(e, "reason", None), e.__cause__, e.__context__)
                 if isinstance(a, BaseException)]
    return None


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
