"""Shared fixtures. Tests never touch the network nor ../shared."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from mnist_files import sample_rows, write_mnist

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# A shell starts background jobs with SIGINT ignored, and an ignored signal stays
# ignored across exec: the CLI children of the Ctrl-C tests would never see it.
# A handled signal is reset to the default on exec, so the children get Python's own.
signal.signal(signal.SIGINT, signal.default_int_handler)

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    """The embedded sample shipped in resources/ (real MNIST test set)."""
    from mnist_desktop.core.paths import sample_dir

    return sample_dir()


@pytest.fixture(scope="session")
def sample_dataset():
    from mnist_desktop import load_dataset

    return load_dataset("sample")


@pytest.fixture
def mnist_folder(tmp_path, sample_dataset):
    """Factory: ``mnist_folder(name, train=..., test=..., gz=True)`` writes an MNIST-style folder in tmp_path.

    A split is ``(images, labels)``, or a count or slice of the embedded
    sample's digits (``test=600``, ``train=slice(0, 1200)``); see ``tests/mnist_files.py``.
    """
    def make(name: str = "mnist", *, train=None, test=None, gz: bool = True) -> Path:
        def rows(split):
            return sample_rows(sample_dataset, split) if isinstance(split, (int, slice)) else split
        return write_mnist(tmp_path / name, train=rows(train), test=rows(test), gz=gz)

    return make


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory, monkeypatch):
    """Each test gets its own empty data and cache folders, never the user's."""
    monkeypatch.setenv("MNIST_DESKTOP_DATA", str(tmp_path_factory.mktemp("data")))
    monkeypatch.setenv("MNIST_DESKTOP_CACHE", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch):
    """A proxy from the environment must not intercept requests to 127.0.0.1 (here or in children)."""
    for var in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
