"""File digests and content sniffing shared by loading, download and export.

One SHA-256 loop and one "what are these first bytes" test, so the reader of
an IDX file and the downloader reject an HTML page with the same words.
"""

from __future__ import annotations

import hashlib
import os

__all__ = ["GZIP_MAGIC", "sha256_file", "new_sha256", "is_gzip", "markup_kind"]

GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1 << 20


def new_sha256():
    """A fresh incremental SHA-256 (for data hashed while it streams)."""
    return hashlib.sha256()


def sha256_file(path: str | os.PathLike[str], chunk: int = _CHUNK) -> str:
    """Hex SHA-256 of a file, read in chunks (never the whole file in memory)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def is_gzip(head: bytes) -> bool:
    """Whether bytes start with the gzip magic number (never trust the extension)."""
    return head.startswith(GZIP_MAGIC)


def markup_kind(head: bytes) -> str | None:
    """"html" or "xml" when the first bytes are a web page or an XML document, else None.

    Servers answer missing or forbidden files with such pages, often with a
    200 status and the data file's name, so both readers check for them.
    """
    text = head[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or (
            text.startswith(b"<") and (b"<html" in text or b"<title" in text)):
        return "html"
    if text.startswith((b"<?xml", b"<error")):
        return "xml"
    return None
