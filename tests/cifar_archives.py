"""CIFAR-style archives for the download tests, and catalog entries that expect exactly them.

The archives hold the official layouts (``cifar-10-batches-py/`` or
``cifar-100-python/``) written by ``colour_data`` from a coloured MNIST, plus
a ``readme.html`` of random bytes (the official archives carry one too), so
that the archive is several 64 KiB chunks long and a cancel can land mid-file.
"""

from __future__ import annotations

import hashlib
import io
import tarfile
from dataclasses import replace
from pathlib import Path

import numpy as np

from colour_data import cifar10_python, cifar100_python, coloured_mnist
from mnist_desktop.core.catalog import CATALOG, DatasetInfo

N_TRAIN, N_TEST = 50, 10
README_BYTES = 400_000


def images(sample_dataset):
    """(x_train, y_train, x_test, y_test) of the test archives."""
    x, y = coloured_mnist(sample_dataset, N_TRAIN + N_TEST, seed=3)
    return x[:N_TRAIN], y[:N_TRAIN], x[N_TRAIN:], y[N_TRAIN:]


def archive_bytes(folder: Path) -> bytes:
    """A gzip tar of ``folder`` under its own name, with a random readme.html inside it."""
    (folder / "readme.html").write_bytes(np.random.default_rng(0).bytes(README_BYTES))
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        tar.add(folder, arcname=folder.name)
    return buf.getvalue()


def cifar10_archive(root: Path, sample_dataset) -> bytes:
    x_tr, y_tr, x_te, y_te = images(sample_dataset)
    return archive_bytes(cifar10_python(root, x_tr, y_tr, x_te, y_te))


def cifar100_archive(root: Path, sample_dataset) -> bytes:
    x_tr, y_tr, x_te, y_te = images(sample_dataset)
    # fine labels 0..99 spread over the digits: digit d -> fine 10*d + (i % 10), coarse = fine // 5
    fine_tr = y_tr * 10 + np.arange(len(y_tr)) % 10
    fine_te = y_te * 10 + np.arange(len(y_te)) % 10
    return archive_bytes(cifar100_python(root, x_tr, fine_tr, x_te, fine_te))


def expecting(key: str, data: bytes, mirrors: tuple[str, ...]) -> DatasetInfo:
    """The catalog entry ``key`` with its archive's size and SHA-256 set to those of ``data``."""
    info = CATALOG[key]
    (remote,) = info.files
    return replace(info, mirrors=mirrors,
                   files=(replace(remote, size=len(data), sha256=hashlib.sha256(data).hexdigest()),))
