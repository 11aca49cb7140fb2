"""Thorough mode of the label check: a stronger ensemble ranks plausible label errors higher."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from mnist_desktop.core.dataset import Dataset, Split
from mnist_desktop.core.errors import Cancelled
from mnist_desktop.core.quality.pipeline import plan
from mnist_desktop.core.quality.report import QualityParams, analyze

N, FLIPS = 2000, 20


def one_split(images: np.ndarray, labels: np.ndarray) -> Dataset:
    return Dataset("planted", "planted", {"test": Split("test", images, labels)},
                   tuple(str(i) for i in range(10)), "planted")


def plausible_flips(images: np.ndarray, labels: np.ndarray, n_flips: int, seed: int = 0) -> np.ndarray:
    """Indices of ambiguous images (by raw-pixel nearest neighbours, a model that shares nothing with
    the check) and, for each, the class of its nearest image of another class: a realistic error."""
    x = images.reshape(len(images), -1).astype(np.float32) / 255
    sq = (x * x).sum(1)
    d = sq[:, None] - 2 * x @ x.T + sq[None]
    np.fill_diagonal(d, np.inf)
    same = np.where(labels[None] == labels[:, None], d, np.inf).min(1)
    other = np.where(labels[None] != labels[:, None], d, np.inf)
    ambiguity = same / other.min(1)
    pool = np.argsort(-ambiguity, kind="stable")[:len(x) // 5]
    flips = np.sort(np.random.default_rng(seed).choice(pool, n_flips, replace=False))
    return flips, labels[other[flips].argmin(1)]


@pytest.fixture(scope="module")
def planted(sample_dataset):
    x, y = sample_dataset.images[:N], sample_dataset.labels[:N].copy()
    flips, to = plausible_flips(x, y.astype(np.intp), FLIPS)
    y[flips] = to
    return one_split(x, y), flips


def ranks(report, indices) -> np.ndarray:
    where = np.empty(len(report.order), np.int64)
    where[report.order] = np.arange(len(report.order))
    return where[indices]


@pytest.mark.slow
def test_thorough_ranks_plausible_flips_higher_than_the_default(planted):
    ds, flips = planted
    default = ranks(analyze(ds), flips)
    thorough = ranks(analyze(ds, params=QualityParams(thorough=True)), flips)
    print("default", sorted(default.tolist()), "thorough", sorted(thorough.tolist()))
    assert (thorough < 2 * FLIPS).sum() > (default < 2 * FLIPS).sum()
    assert np.median(thorough) < np.median(default)


def test_thorough_progress_reaches_its_total_and_cancel_stops_inside_the_patch_models(sample_dataset):
    ds = one_split(sample_dataset.images[:300], sample_dataset.labels[:300])
    params = QualityParams(thorough=True, patch_filters=8)
    calls: list[tuple[int, int]] = []
    report = analyze(ds, params=params, progress=lambda d, t: calls.append((d, t)))
    assert [d for d, _ in calls] == list(range(1, len(calls) + 1))
    assert calls[-1][0] == calls[-1][1] and len({t for _, t in calls}) == 1
    assert report.params.thorough and report.probs.shape == (300, 10)
    stages = plan(300, 5, thorough=True)
    assert stages["patch"] > 0 and calls[-1][1] == sum(stages.values()) > sum(plan(300, 5).values())
    start = sum(list(stages.values())[:list(stages).index("patch")])
    stop, seen = threading.Event(), []

    def progress(done, total):
        seen.append(done)
        if done == start + 1:  # the first chunk of the first patch model is done
            stop.set()

    with pytest.raises(Cancelled):
        analyze(ds, params=params, progress=progress, cancel=stop)
    assert seen[-1] == start + 1


def test_pool_is_the_normalised_geometric_mean_and_a_zero_does_not_veto():
    from mnist_desktop.core.quality.thorough import FLOOR, pool

    a = np.array([[0.7, 0.2, 0.1], [0.5, 0.5, 0.0]])
    b = np.array([[0.1, 0.6, 0.3], [0.2, 0.8, 0.0]])
    out = pool([a, b])
    expected = np.sqrt(np.maximum(a, FLOOR) * np.maximum(b, FLOOR))
    np.testing.assert_allclose(out, expected / expected.sum(1, keepdims=True), rtol=1e-12)
    np.testing.assert_allclose(pool([a, a]), np.maximum(a, FLOOR) / np.maximum(a, FLOOR).sum(1, keepdims=True))
    # a class one member rules out (0) keeps a small probability when the others find it likely
    c = np.array([[0.0, 0.5, 0.5]])
    d = np.array([[0.98, 0.01, 0.01]])
    assert 0 < pool([c, d])[0, 0] < 0.1
