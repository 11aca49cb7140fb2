"""Fixtures of the fault tests: paused CLI children (killed at teardown), a copy of the sample."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fault_support import Paused
from mnist_files import sample_rows, write_mnist


@pytest.fixture
def paused():
    """``paused(args, point)`` starts a child stopped at ``point``; all are killed at teardown."""
    started: list[Paused] = []

    def start(args: list[str], point: str, env: dict[str, str] | None = None) -> Paused:
        p = Paused(args, point, env)
        started.append(p)
        return p

    yield start
    for p in started:
        p.close()


@pytest.fixture
def source_dir(tmp_path, sample_dir) -> Path:
    """A writable copy of the sample (real MNIST test files) in its own folder."""
    folder = tmp_path / "src"
    folder.mkdir()
    for p in sample_dir.iterdir():
        if p.name.startswith("t10k-"):
            shutil.copy(p, folder / p.name)
    return folder


@pytest.fixture(scope="session")
def small_source(tmp_path_factory, sample_dataset) -> Path:
    """300 real MNIST images as an MNIST-style folder: children that export it start and finish fast."""
    return write_mnist(tmp_path_factory.mktemp("small"), test=sample_rows(sample_dataset, 300))


@pytest.fixture
def server(sample_dir):
    """The misbehaving mirror of tests/http_mirror.py serving the real MNIST test files."""
    from download_support import TEST_FILES
    from http_mirror import MirrorServer

    srv = MirrorServer({f.name: (sample_dir / f.name).read_bytes() for f in TEST_FILES}).start()
    yield srv
    srv.stop()
