"""Suspicious-sample detection: planted problems rank at the top, with the right reasons."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from mnist_desktop.core.dataset import Dataset, Split
from mnist_desktop.core.errors import Cancelled
from mnist_desktop.core.quality.report import REASONS, QualityParams, analyze, flagged_indices
from mnist_desktop.core.numeric.deskew import deskew
from mnist_desktop.core.quality.duplicates import exact_groups
from mnist_desktop.core.quality import ridge
from mnist_desktop.core.numeric.neighbours import fit_pca, knn_blocks, nearest

N_TRAIN, N_TEST = 2500, 1000
FLIPS = [11, 222, 1333, 2044]          # train indices whose label is changed in place
WRONG_COPIES = [105, 706]              # train images appended to test with another label
SAME_COPIES = [310, 911]               # train images appended to train with the same label
LEAK = 480                             # train image also appended to test (train/test leak)
NEAR = 1620                            # train image appended to train with slight noise


def make(images, labels, test_images, test_labels) -> Dataset:
    return Dataset("planted", "planted", {"train": Split("train", images, labels),
                                          "test": Split("test", test_images, test_labels)},
                   tuple(str(i) for i in range(10)), "planted")


@pytest.fixture(scope="module")
def planted(sample_dataset):
    """A train/test dataset from the sample with known problems, and where they are."""
    x, y = sample_dataset.images, sample_dataset.labels
    tr_x, tr_y = x[:N_TRAIN].copy(), y[:N_TRAIN].copy()
    te_x, te_y = x[N_TRAIN:N_TRAIN + N_TEST].copy(), y[N_TRAIN:N_TRAIN + N_TEST].copy()
    truth = {i: int(tr_y[i]) for i in FLIPS}
    tr_y[FLIPS] = (tr_y[FLIPS] + 3) % 10
    rng = np.random.default_rng(0)
    near = tr_x[NEAR].astype(np.int16) + rng.integers(-12, 13, (28, 28))
    tr_x = np.concatenate([tr_x, tr_x[SAME_COPIES], np.clip(near, 0, 255).astype(np.uint8)[None]])
    tr_y = np.concatenate([tr_y, tr_y[SAME_COPIES], tr_y[[NEAR]]])
    blank = np.zeros((1, 28, 28), np.uint8)
    te_x = np.concatenate([te_x, x[WRONG_COPIES], x[[LEAK]], blank])
    te_y = np.concatenate([te_y, (y[WRONG_COPIES] + 5) % 10, y[[LEAK]], [3]]).astype(np.uint8)
    ds = make(tr_x, tr_y, te_x, te_y)
    t0 = ds.offsets["test"]
    where = {
        "flips": FLIPS, "truth": truth,
        "same_copies": [N_TRAIN, N_TRAIN + 1],
        "near": N_TRAIN + 2,
        "wrong_copies": [t0 + N_TEST, t0 + N_TEST + 1],
        "leak_test": t0 + N_TEST + 2,
        "blank": t0 + N_TEST + 3,
    }
    return ds, where


@pytest.fixture(scope="module")
def report(planted):
    return analyze(planted[0])


def rank_of(report, i: int) -> int:
    return int(np.flatnonzero(report.order == i)[0])


def test_planted_problems_rank_at_the_top(planted, report):
    _, w = planted
    facts = w["same_copies"] + [w["near"]] + w["wrong_copies"] + WRONG_COPIES + [LEAK, w["blank"]]
    fact_ranks = sorted(rank_of(report, i) for i in facts)
    # Certain problems (copies, conflicts, a blank image) head the list.
    assert fact_ranks[-1] < len(facts) + 5, fact_ranks
    # A planted flip is a probability: the 3,500 samples hold real MNIST oddities that may
    # rank between them, but every flip is in the first 3 % (the first screen or two).
    flip_ranks = [rank_of(report, i) for i in w["flips"]]
    assert max(flip_ranks) < 0.03 * len(report), flip_ranks
    assert all(report.flagged[facts + w["flips"]])


def test_reasons_and_suggested_labels(planted, report):
    ds, w = planted
    for i in w["flips"]:
        assert "mislabelled" in report.reasons_of(i)
        assert report.suggested[i] == w["truth"][i] and report.confidence[i] > 0.5
    for copy, original in zip(w["wrong_copies"], WRONG_COPIES):
        # Both copies are flagged; the test one is the copy kept, the train one points to it.
        assert report.reasons_of(copy) == ["mislabelled", "label-conflict"]
        assert report.suggested[copy] == ds.labels[original]
        assert report.reasons_of(original) == ["label-conflict", "duplicate", "cross-split"]
        assert report.duplicate_of[original] == copy and report.suggested[original] == -1
    for copy, original in zip(w["same_copies"], SAME_COPIES):
        assert report.reasons_of(copy) == ["duplicate"] and report.duplicate_of[copy] == original
    # A train/test leak keeps the test copy and flags the train one.
    assert report.reasons_of(LEAK) == ["duplicate", "cross-split"]
    assert report.duplicate_of[LEAK] == w["leak_test"] and not report.flagged[w["leak_test"]]
    assert report.reasons_of(w["near"]) == ["near-duplicate"] and report.duplicate_of[w["near"]] == NEAR
    assert report.reasons_of(w["blank"]) == ["blank"] and report.suggested[w["blank"]] == -1


def test_report_arrays_and_ranking_contract(planted, report):
    ds, _ = planted
    n = len(ds)
    for name in ("split", "index", "label", "suggested", "confidence", "p_label", "score", "reasons",
                 "duplicate_of", "outlier_z", "order"):
        assert len(getattr(report, name)) == n, name
    assert sorted(report.order.tolist()) == list(range(n))
    assert report.flagged[report.order[:report.n_flagged]].all()
    assert not report.flagged[report.order[report.n_flagged:]].any()
    facts = ~(report.has_reason("mislabelled") | report.has_reason("outlier"))
    facts |= report.has_reason("label-conflict") | report.has_reason("blank")
    head = report.order[:report.n_flagged]
    fact_head = facts[head]
    assert not np.any(np.diff(fact_head.astype(int)) > 0)  # facts come first
    for part in (head[fact_head], head[~fact_head]):
        assert np.all(np.diff(report.score[part]) <= 1e-6)
    assert set(report.split) == {"train", "test"}
    assert (ds.splits["test"].images[report.index[-1]] == ds.images[-1]).all()
    row = report.row(int(report.order[0]), 1)
    assert set(row) >= {"rank", "split", "index", "label", "suggested", "score", "reasons"}
    assert ((report.score >= 0) & (report.score <= 1)).all()


@pytest.mark.slow
def test_ranking_is_deterministic(planted, report):
    again = analyze(planted[0])
    assert np.array_equal(again.order, report.order)
    assert np.array_equal(again.score, report.score) and np.array_equal(again.reasons, report.reasons)


def test_flagged_indices_contract(planted, report):
    ds, w = planted
    out = flagged_indices(ds, report=report)
    assert list(out) == ["train", "test"]
    assert all(v.dtype == np.int64 and np.all(np.diff(v) > 0) for v in out.values())
    assert sum(len(v) for v in out.values()) == report.n_flagged
    assert LEAK in out["train"] and w["blank"] - ds.offsets["test"] in out["test"]
    top = flagged_indices(ds, 5, report=report)
    assert sum(len(v) for v in top.values()) == 5
    assert all(len(v) == 0 for v in flagged_indices(ds, 0, report=report).values())


def test_flagged_indices_computes_once_per_dataset(sample_dataset, monkeypatch):
    import mnist_desktop.core.quality.report as quality

    ds = make(sample_dataset.images[:500], sample_dataset.labels[:500],
              sample_dataset.images[500:700], sample_dataset.labels[500:700])
    calls = []
    real = quality.analyze
    monkeypatch.setattr(quality, "analyze", lambda d, **kw: calls.append(d) or real(d, **kw))
    first = flagged_indices(ds)
    second = flagged_indices(ds, 3)
    assert len(calls) == 1 and list(first) == ["train", "test"]
    assert sum(len(v) for v in second.values()) == 3


def test_neighbours_for_the_review_panel(planted, report):
    _, w = planted
    nb = report.neighbours(w["same_copies"][0], k=8)
    assert len(nb) == 8 and nb[0] == SAME_COPIES[0] and w["same_copies"][0] not in nb
    with pytest.raises(IndexError):
        report.neighbours(len(report))


def test_progress_reaches_total_and_cancel_stops(sample_dataset):
    ds = make(sample_dataset.images[:600], sample_dataset.labels[:600],
              sample_dataset.images[600:800], sample_dataset.labels[600:800])
    calls: list[tuple[int, int]] = []
    analyze(ds, progress=lambda d, t: calls.append((d, t)))
    assert [d for d, _ in calls] == list(range(1, len(calls) + 1))
    assert calls[-1][0] == calls[-1][1] and len({t for _, t in calls}) == 1
    stop = threading.Event()

    def progress(done, total):
        if done == 2:
            stop.set()

    with pytest.raises(Cancelled):
        analyze(ds, progress=progress, cancel=stop)
    with pytest.raises(Cancelled):
        analyze(ds, cancel=lambda: True)


@pytest.mark.slow
def test_real_sample_flags_known_ambiguous_digits(sample_dataset):
    """On the real MNIST test set, digits people agree are wrong or ambiguous are flagged."""
    report = analyze(sample_dataset)
    top = set(report.ranked(100).tolist())
    # 3422: a "6" that is a 0; 9729: a "5" that is a 6; 1681: a "3" that is a 7; 3558: a "5" that is a 0.
    assert {3422, 9729, 1681, 3558} <= top
    assert 20 <= report.n_flagged <= 300
    assert REASONS[0] == "mislabelled"


def test_tiny_and_one_class_datasets_do_not_crash(sample_dataset):
    for n in (1, 2, 5):
        ds = make(sample_dataset.images[:n], sample_dataset.labels[:n],
                  sample_dataset.images[:0], sample_dataset.labels[:0])
        rep = analyze(ds)
        assert len(rep) == n and sorted(rep.order.tolist()) == list(range(n))
    rep = analyze(make(sample_dataset.images[:50], np.zeros(50, np.uint8),
                       sample_dataset.images[:0], sample_dataset.labels[:0]), params=QualityParams(k=5))
    assert (rep.suggested == -1).all()


def test_knn_blocks_equal_brute_force():
    rng = np.random.default_rng(1)
    z = rng.normal(size=(700, 6)).astype(np.float32)
    z[5] = z[9]  # an exact tie at distance 0
    idx = np.concatenate([b[2] for b in knn_blocks(z, 7)])
    d = ((z[:, None] - z[None]) ** 2).sum(-1)
    np.fill_diagonal(d, np.inf)
    brute = np.argsort(d, axis=1, kind="stable")[:, :7]
    assert (idx == brute).mean() > 0.999  # float rounding may swap near-equal distances
    assert idx[5, 0] == 9 and idx[9, 0] == 5
    assert np.array_equal(nearest(z, 5, 7), brute[5])


def test_knn_blocks_with_massive_ties_keep_lowest_indices():
    """Identical and blank points (thousands of equal distances): exact answer, ties to the lower index."""
    rng = np.random.default_rng(2)
    z = rng.integers(0, 3, (1500, 3)).astype(np.float32)
    z[::2] = 0  # half the points are one "blank" point
    out = list(knn_blocks(z, 6))
    idx = np.concatenate([b[2] for b in out])
    dist = np.concatenate([b[3] for b in out])
    d = ((z[:, None] - z[None]) ** 2).sum(-1)
    np.fill_diagonal(d, np.inf)
    brute = np.argsort(d, axis=1, kind="stable")[:, :6]
    assert np.array_equal(idx, brute)
    assert np.allclose(dist, np.sqrt(np.take_along_axis(d, brute, 1)))
    assert idx[0].tolist() == [2, 4, 6, 8, 10, 12]
    same = np.zeros((300, 4), np.float32)
    assert np.array_equal(np.concatenate([b[2] for b in knn_blocks(same, 3)])[:2], [[1, 2, 3], [0, 2, 3]])


def test_nearest_within_a_class(planted, report):
    _, w = planted
    i = w["flips"][0]
    truth = w["truth"][i]
    near = report.neighbours(i, k=5, label=truth)
    assert len(near) == 5 and (report.label[near] == truth).all() and i not in near
    top = report.top_classes(i, 3)
    assert top[0][0] == truth and top[0][1] >= top[1][1] >= top[2][1]
    assert abs(report.probs.sum(1) - 1).max() < 1e-4


def test_exact_groups_and_deskew():
    flat = np.array([[1, 2], [3, 4], [1, 2], [5, 6], [1, 2]], np.uint8)
    assert exact_groups(flat).tolist() == [0, -1, 0, -1, 0]
    img = np.zeros((2, 28, 28), np.uint8)
    for r in range(6, 22):  # a slanted stroke becomes (nearly) vertical and centred
        img[1, r, 8 + (r - 6) // 2] = 255
    out = deskew(img).reshape(2, 28, 28)
    assert out.dtype == np.float32 and not out[0].any()
    cols = out[1].argmax(1)[out[1].max(1) > 0.3]
    assert cols.max() - cols.min() <= 1 and abs(cols.mean() - 14) <= 1.5


@pytest.mark.parametrize("n_groups", [1, 4])
def test_few_samples_get_the_same_ridge_model_solved_in_sample_space(n_groups):
    """Fewer samples than features: the cheap sample-space solve gives the feature-space model's scores."""
    rng = np.random.default_rng(3)
    z = rng.standard_normal((60, 12)).astype(np.float32)
    labels = rng.integers(0, 4, 60)
    onehot = np.eye(4, dtype=np.float32)[labels]
    weights = rng.standard_normal((12, 200)).astype(np.float32) / np.float32(np.sqrt(12))
    members = [np.flatnonzero(np.arange(60) % n_groups == g) for g in range(n_groups)]
    ticks = []
    small = ridge._oof_in_sample_space(z, weights, onehot, members, 1e-3, lambda: ticks.append(1))
    big = ridge._oof_in_feature_space(z, weights, onehot, members, 1e-3, lambda: ticks.append(1))
    assert len(ticks) == 2 * 2 * n_groups
    np.testing.assert_allclose(small, big, atol=2e-3)
    assert np.array_equal(small.argmax(1), big.argmax(1))


def test_pca_of_fewer_rows_than_pixels_equals_the_covariance_pca(sample_dataset):
    """Fewer samples than pixels take the n x n Gram matrix: the same components as the d x d covariance."""
    x = sample_dataset.images[:300].reshape(300, -1).astype(np.float32) / 255
    pca = fit_pca(lambda: iter([x[:128], x[128:]]), len(x), 20)
    mean = x.mean(0, dtype=np.float64)
    values, vectors = np.linalg.eigh(np.cov(x.astype(np.float64), rowvar=False, bias=True))
    order = np.argsort(values)[::-1][:20]
    comps = vectors[:, order] * np.sign(vectors[np.abs(vectors[:, order]).argmax(0), order])
    np.testing.assert_allclose(pca.variance, values[order], rtol=1e-9)
    np.testing.assert_allclose(pca.components, comps, atol=1e-6)
    np.testing.assert_allclose(pca.mean, mean, atol=1e-7)
