"""Evaluation: metrics equal scikit-learn's, the hold-out, the rows trained on, cancel, accuracy."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from small_data import small
from mnist_desktop import EvaluationReport, Recipe, AugParams, NormParams, evaluate
from mnist_desktop.core.errors import Cancelled, DatasetError
from mnist_desktop.core.evaluate.metrics import compute_metrics
from mnist_desktop.core.evaluate.model import ModelSpec, fit, out_of_fold_proba
from mnist_desktop.core.evaluate.plan import holdout_sides, plan_rows
from mnist_desktop.core.evaluate.patch_model import PatchSpec

skm = pytest.importorskip("sklearn.metrics")

FAST = ModelSpec(n_features=200)


# ---------------------------------------------------------------------- metrics vs scikit-learn
def _predictions(seed: int):
    """6 classes: class 4 is never predicted, class 5 has no samples (but is predicted)."""
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, 5, 300)
    y_pred = np.where(rng.random(300) < 0.6, y_true, rng.integers(0, 6, 300))
    y_pred[y_pred == 4] = 0
    return y_true, y_pred


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_every_metric_equals_sklearn(seed):
    y_true, y_pred = _predictions(seed)
    labels = list(range(7))  # class 6: no samples and no predictions
    m = compute_metrics(y_true, y_pred, 7)
    # zero_division=0 is the value scikit-learn's default ("warn") returns, without the warning.
    p, r, f, s = skm.precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    assert m.accuracy == pytest.approx(skm.accuracy_score(y_true, y_pred), abs=1e-15)
    np.testing.assert_allclose(m.precision, p, rtol=0, atol=1e-15)
    np.testing.assert_allclose(m.recall, r, rtol=0, atol=1e-15)
    np.testing.assert_allclose(m.f1, f, rtol=0, atol=1e-15)
    np.testing.assert_array_equal(m.support, s)
    np.testing.assert_array_equal(m.confusion, skm.confusion_matrix(y_true, y_pred, labels=labels))
    for average, ours in (("macro", m.macro()), ("weighted", m.weighted())):
        p, r, f, _ = skm.precision_recall_fscore_support(y_true, y_pred, labels=labels, average=average,
                                                         zero_division=0)
        assert ours == pytest.approx({"precision": p, "recall": r, "f1": f}, abs=1e-15)
    assert m.precision[4] == 0 and m.recall[5] == 0 and m.f1[6] == 0


def test_report_metrics_equal_sklearn_on_its_own_predictions(sample_dataset):
    report = evaluate(small(sample_dataset), spec=FAST)
    d = report.to_dict()
    assert d["accuracy"] == pytest.approx(skm.accuracy_score(report.y_true, report.y_pred))
    sk = skm.classification_report(report.y_true, report.y_pred, labels=range(10), output_dict=True,
                                   zero_division=0)
    for i, name in enumerate(report.class_names):
        assert d["per_class"][name]["f1"] == pytest.approx(sk[str(i)]["f1-score"])
        assert d["per_class"][name]["support"] == sk[str(i)]["support"]
    assert d["macro"]["f1"] == pytest.approx(sk["macro avg"]["f1-score"])
    assert d["weighted"]["recall"] == pytest.approx(sk["weighted avg"]["recall"])


# ---------------------------------------------------------------------- which rows
def test_holdout_is_stratified_and_deterministic(sample_dataset):
    labels = sample_dataset.labels
    side = holdout_sides(labels, seed=0)
    for c in range(10):
        n = int((labels == c).sum())
        assert int(side[labels == c].sum()) == (n + 1) // 2
    np.testing.assert_array_equal(side, holdout_sides(labels, seed=0))
    other = holdout_sides(labels, seed=1)
    assert 0.3 < (other != side).mean() < 0.7


def test_holdout_does_not_depend_on_the_recipe(sample_dataset):
    plain = plan_rows(sample_dataset, Recipe())
    busy = Recipe(augment=AugParams(rotation=10, copies=3), excluded={"test": [0, 1, 2, 3, 4, 5]})
    other = plan_rows(sample_dataset, busy)
    np.testing.assert_array_equal(plain.test_indices, other.test_indices)
    assert not np.isin(plain.test_indices, plain.train_indices).any()
    assert len(plain.train_indices) + len(plain.test_indices) == len(sample_dataset)
    # Every training copy comes from a training-side sample; exclusions drop all copies of a sample.
    assert set(np.unique(other.train_indices)) == set(plain.train_indices) - {0, 1, 2, 3, 4, 5}


def test_exclusions_and_copies_change_n_train_not_the_test_set(sample_dataset):
    ds = small(sample_dataset)
    base = evaluate(ds, spec=FAST)
    fewer = evaluate(ds, Recipe(excluded={"train": [0, 5, 7], "test": [1, 2]}), spec=FAST)
    copies = evaluate(ds, Recipe(augment=AugParams(rotation=10, copies=2, keep_original=True)), spec=FAST)
    assert (base.n_train, fewer.n_train, copies.n_train) == (240, 237, 720)
    assert base.n_test == fewer.n_test == copies.n_test == 160
    np.testing.assert_array_equal(base.test_indices, ds.to_global("test", np.arange(160)))
    np.testing.assert_array_equal(base.y_true, ds.labels[base.test_indices])


def test_row_cap_is_stated(sample_dataset):
    report = evaluate(small(sample_dataset), Recipe(augment=AugParams(rotation=5, copies=3)), spec=FAST,
                      max_train_rows=500)
    assert report.n_train == 500
    assert "500 of the 720 training rows" in report.holdout


def test_nothing_to_train_on_is_a_clear_error(sample_dataset):
    ds = small(sample_dataset, 20, 20)
    with pytest.raises(DatasetError, match="no training rows"):
        evaluate(ds, Recipe(excluded={"train": list(range(20))}), spec=FAST)


def test_normalization_does_not_change_what_the_model_sees(sample_dataset):
    ds = small(sample_dataset)
    a = evaluate(ds, Recipe(normalize=NormParams("none")), spec=FAST)
    b = evaluate(ds, Recipe(normalize=NormParams("zscore")), spec=FAST)
    assert (a.y_pred == b.y_pred).mean() > 0.98


# ---------------------------------------------------------------------- cells, report, cancel
def test_cell_lists_exactly_those_samples_most_confident_first(sample_dataset):
    report = evaluate(small(sample_dataset), spec=FAST)
    total = 0
    for t in range(10):
        for p in range(10):
            idx = report.cell(t, p)
            assert len(idx) == report.metrics.confusion[t, p]
            rows = np.searchsorted(report.test_indices, idx)
            assert (report.y_true[rows] == t).all() and (report.y_pred[rows] == p).all()
            assert (np.diff(report.confidence[rows]) <= 0).all()
            total += len(idx)
    assert total == report.n_test


def test_json_keys_and_repr(sample_dataset):
    report = evaluate(small(sample_dataset), spec=FAST)
    d = report.to_dict()
    for key in ("accuracy", "per_class", "macro", "weighted", "confusion", "n_train", "n_test", "holdout",
                "seconds", "recipe"):
        assert key in d
    assert set(d["per_class"]["3"]) == {"precision", "recall", "f1", "support"}
    assert Recipe.from_dict(d["recipe"]) == report.recipe
    assert isinstance(report, EvaluationReport) and len(repr(report)) < 300
    assert report._repr_png_().startswith(b"\x89PNG")


def test_cancel_raises_promptly(sample_dataset):
    stop = threading.Event()
    calls = []

    def progress(done, total):
        calls.append(done)
        stop.set()

    with pytest.raises(Cancelled):
        evaluate(sample_dataset, progress=progress, cancel=stop, spec=FAST)
    assert calls == [1]
    with pytest.raises(Cancelled):
        out_of_fold_proba(sample_dataset.images[:500], sample_dataset.labels[:500], 10, cancel=lambda: True)


# ---------------------------------------------------------------------- model
def test_out_of_fold_never_uses_a_samples_own_label(sample_dataset):
    x, y = sample_dataset.images[:1500], sample_dataset.labels[:1500].astype(np.int64)
    proba = out_of_fold_proba(x, y, 10, 5, spec=FAST)
    assert proba.shape == (1500, 10)
    np.testing.assert_allclose(proba.sum(1), 1)
    assert (proba.argmax(1) == y).mean() > 0.85
    sure = np.flatnonzero(proba[np.arange(1500), y] > 0.9)[:20]
    wrong = y.copy()
    wrong[sure] = (y[sure] + 1) % 10
    flipped = out_of_fold_proba(x, wrong, 10, 5, spec=FAST)
    assert (flipped[sure].argmax(1) == y[sure]).all()


def test_fit_predicts_probabilities(sample_dataset):
    x, y = sample_dataset.images[:1000], sample_dataset.labels[:1000]
    model = fit(x, y, 10, spec=FAST)
    proba = model.predict_proba(sample_dataset.images[1000:1500])
    np.testing.assert_allclose(proba.sum(1), 1)
    assert (proba.argmax(1) == sample_dataset.labels[1000:1500]).mean() > 0.85
    again = fit(x, y, 10, spec=FAST).predict_proba(sample_dataset.images[1000:1500])
    np.testing.assert_array_equal(proba, again)


@pytest.mark.slow
def test_sample_holdout_accuracy(sample_dataset):
    report = evaluate(sample_dataset)
    assert report.accuracy >= 0.95
    assert report.n_train + report.n_test == len(sample_dataset)


# ---------------------------------------------------------------------- the patch baseline (--model patch)
PATCH = PatchSpec(n_filters=16)


def test_patch_model_metrics_equal_sklearn_on_its_own_predictions(sample_dataset):
    report = evaluate(small(sample_dataset), model="patch", spec=PATCH)
    d = report.to_dict()
    assert "patch features" in d["model"] and "16 5x5 filters" in d["model"]
    assert d["accuracy"] == pytest.approx(skm.accuracy_score(report.y_true, report.y_pred))
    sk = skm.classification_report(report.y_true, report.y_pred, labels=range(10), output_dict=True,
                                   zero_division=0)
    for i, name in enumerate(report.class_names):
        assert d["per_class"][name]["precision"] == pytest.approx(sk[str(i)]["precision"])
        assert d["per_class"][name]["f1"] == pytest.approx(sk[str(i)]["f1-score"])
    assert d["macro"]["f1"] == pytest.approx(sk["macro avg"]["f1-score"])
    np.testing.assert_array_equal(d["confusion"], skm.confusion_matrix(report.y_true, report.y_pred,
                                                                       labels=range(10)))
    assert report.accuracy > 0.75  # 240 training digits, 16 filters
    assert ((0 < report.confidence) & (report.confidence <= 1)).all()


def test_patch_model_cancel_and_unknown_model(sample_dataset):
    stop = threading.Event()
    with pytest.raises(Cancelled):
        evaluate(small(sample_dataset), model="patch", spec=PATCH, progress=lambda d, t: stop.set(), cancel=stop)
    with pytest.raises(ValueError, match="baseline, patch"):
        evaluate(small(sample_dataset), model="cnn")


@pytest.mark.slow
def test_patch_model_sample_holdout_accuracy(sample_dataset):
    base, patch = evaluate(sample_dataset), evaluate(sample_dataset, model="patch")
    assert patch.accuracy >= 0.983 > base.accuracy
    np.testing.assert_array_equal(patch.test_indices, base.test_indices)
