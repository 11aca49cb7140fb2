"""Helpers shared by the download tests: the files the mirror serves and what a folder holds."""

from __future__ import annotations

import socket
from pathlib import Path

from mnist_desktop.core.catalog import MNIST
from mnist_desktop.core.hashing import sha256_file

TEST_FILES = MNIST.files_for("test")
TEST_TOTAL = sum(f.size for f in TEST_FILES)


def refused_url() -> str:
    """A URL on 127.0.0.1 where nothing listens (connection refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/nothing/"


def leftovers(folder: Path) -> list[str]:
    """Every file in ``folder`` (hidden temp files included)."""
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def assert_verified(folder: Path, files=TEST_FILES) -> None:
    for f in files:
        assert sha256_file(folder / f.name) == f.sha256, f.name
    assert leftovers(folder) == sorted(f.name for f in files)
