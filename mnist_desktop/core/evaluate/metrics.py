"""Classification metrics, defined exactly as scikit-learn defines them.

Users compare these numbers with what their own training scripts print
(usually through ``sklearn.metrics``), so every definition follows it, and
the tests check each number against scikit-learn on the same predictions:

- accuracy: fraction of correct predictions (``accuracy_score``);
- confusion matrix: rows are true classes, columns predicted classes
  (``confusion_matrix(y_true, y_pred, labels=range(n_classes))``);
- per class: precision = tp / (tp + fp), recall = tp / (tp + fn),
  F1 = 2 tp / (2 tp + fp + fn), support = number of true samples
  (``precision_recall_fscore_support(..., labels=range(n_classes))``);
- zero division (a class never predicted: precision; a class with no
  samples: recall; neither: F1) gives 0, which is scikit-learn's default
  (``zero_division="warn"`` returns 0 and warns; we do not warn);
- macro average: unweighted mean over all ``n_classes`` classes, including
  classes absent from the test data (as scikit-learn does when ``labels`` is
  given); weighted average: mean weighted by support.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Metrics", "compute_metrics", "confusion_matrix"]


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int) -> np.ndarray:
    """(n_classes, n_classes) int64 counts: row = true class, column = predicted class."""
    t = np.asarray(y_true, np.int64)
    p = np.asarray(y_pred, np.int64)
    return np.bincount(t * n_classes + p, minlength=n_classes * n_classes).reshape(n_classes, n_classes)


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den with 0 where den == 0 (scikit-learn's default zero_division)."""
    num, den = np.asarray(num, np.float64), np.asarray(den, np.float64)
    return np.divide(num, den, out=np.zeros_like(num), where=den > 0)


@dataclass(frozen=True, eq=False)
class Metrics:
    """Accuracy, per-class precision/recall/F1/support, averages and the confusion matrix.

    Per-class arrays have one entry per class 0..n_classes-1.
    """

    accuracy: float
    precision: np.ndarray
    recall: np.ndarray
    f1: np.ndarray
    support: np.ndarray
    confusion: np.ndarray

    @property
    def n_classes(self) -> int:
        return len(self.support)

    def macro(self) -> dict[str, float]:
        """Unweighted means over all classes (scikit-learn ``average="macro"``)."""
        return {k: float(np.mean(getattr(self, k))) if self.n_classes else 0.0 for k in ("precision", "recall", "f1")}

    def weighted(self) -> dict[str, float]:
        """Means weighted by support (scikit-learn ``average="weighted"``); 0 without samples."""
        total = self.support.sum()
        return {k: float(np.dot(getattr(self, k), self.support) / total) if total else 0.0
                for k in ("precision", "recall", "f1")}


def compute_metrics(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int) -> Metrics:
    """All metrics of predictions ``y_pred`` against labels ``y_true`` (both in 0..n_classes-1)."""
    cm = confusion_matrix(y_true, y_pred, n_classes)
    tp = np.diag(cm)
    predicted, support = cm.sum(0), cm.sum(1)
    n = int(cm.sum())
    return Metrics(accuracy=float(tp.sum() / n) if n else 0.0,
                   precision=_ratio(tp, predicted), recall=_ratio(tp, support),
                   f1=_ratio(2 * tp, predicted + support), support=support, confusion=cm)
