"""Fixtures of the core download tests: a misbehaving mirror on 127.0.0.1 and a tiny catalog."""

from __future__ import annotations

import hashlib

import pytest

from download_support import TEST_FILES
from http_mirror import MirrorServer
from mnist_desktop.core.catalog import MNIST, DatasetInfo, RemoteFile
from mnist_files import sample_rows, write_mnist


@pytest.fixture(scope="session")
def tiny_train(tmp_path_factory, sample_dataset) -> dict[str, bytes]:
    """Small train files (first 300 test images, as gzip IDX) the test catalog describes."""
    folder = write_mnist(tmp_path_factory.mktemp("tiny"), train=sample_rows(sample_dataset, 300))
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


@pytest.fixture(scope="session")
def sample_files(sample_dir) -> dict[str, bytes]:
    return {f.name: (sample_dir / f.name).read_bytes() for f in TEST_FILES}


@pytest.fixture
def server(sample_files, tiny_train):
    srv = MirrorServer({**sample_files, **tiny_train}).start()
    yield srv
    srv.stop()


@pytest.fixture
def tiny_catalog(tiny_train, server) -> DatasetInfo:
    """A dataset whose train files are the tiny ones above and test files the real ones."""
    train = tuple(RemoteFile(name, "train", "images" if "images" in name else "labels", len(data),
                             hashlib.sha256(data).hexdigest()) for name, data in tiny_train.items())
    return DatasetInfo(key="tiny", title="tiny MNIST", files=train + TEST_FILES, mirrors=(server.url("good"),),
                       class_names=MNIST.class_names, licence=MNIST.licence, homepage=MNIST.homepage)
