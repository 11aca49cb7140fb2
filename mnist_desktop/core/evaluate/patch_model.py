"""The second baseline of ``evaluate --model patch``: patch features of deskewed pixels, ridge head.

Why a second one: a recipe that helps a weak model may not help a strong
one (and augmentation in particular helps a model that can use it), so
recipes can be compared on a stronger model too. This is the model of
:mod:`~mnist_desktop.core.numeric.patches` (Coates & Ng 2011: filters cut
from whitened 5x5 patches, ReLU, 4x4 average pooling, ridge regression
onto one-hot labels, trained on +-1 px shifted copies and scored with the
average over the same shifts), on images prepared as the default baseline
prepares them (rescaled to 0..1 from a probe of the training rows,
deskewed), so every normalization a recipe offers gives the same picture.

Measured (benchmarks/bench_evaluate.py): about 98.8 % on the sample's
half/half hold-out against 97.2 % for the default baseline, at about 5x
its time. Rows are streamed in chunks (one Gram matrix of 2,049 x 2,049,
never N x N), and cancel is checked after every 256 images.

The interface is the default baseline's (:class:`~.model.Accumulator`:
``add`` then ``finish_probe``; the model's ``predict_proba``), so
:func:`~.report.evaluate` runs either.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..numeric.patches import SHIFTS, PatchFilters, PatchRidge, learn_filters, patch_features, patch_scores
from .model import _prepare, fit_temperature, softmax

__all__ = ["PatchSpec", "PatchModel", "PatchAccumulator"]


@dataclass(frozen=True)
class PatchSpec:
    """Hyper-parameters of the patch baseline (the defaults are what was measured).

    Attributes
    ----------
    n_filters
        Filters K; the model has K * grid^2 features, time grows as their square.
    size
        Filter side in pixels.
    grid
        Pooling grid per image side.
    ridge
        Ridge penalty relative to the mean diagonal of the Gram matrix.
    probe_rows
        Rows used to set the rescaling, learn the filters and fit the temperature.
    deskew
        Deskew images before the features (off only for non-digit data).
    """

    n_filters: int = 128
    size: int = 5
    grid: int = 4
    ridge: float = 1e-3
    probe_rows: int = 2048
    deskew: bool = True

    def describe(self) -> str:
        """One line for reports."""
        return (f"ridge regression (penalty {self.ridge:g}) on {self.n_filters * self.grid ** 2:,} patch features "
                f"({self.n_filters} {self.size}x{self.size} filters from whitened patches, ReLU, "
                f"{self.grid}x{self.grid} pooling) of {'deskewed ' if self.deskew else ''}pixels, trained on "
                f"+-1 px shifts and averaged over them, numpy")


def _images(x: np.ndarray, lo: float, hi: float, spec: PatchSpec) -> np.ndarray:
    """Processed rows (n, h, w) -> (n, h, w) float32 on 0..1 as the default baseline sees them."""
    x = np.asarray(x)
    return _prepare(x, lo, hi, spec.deskew).reshape(x.shape[:3])


@dataclass(frozen=True, eq=False)
class PatchModel:
    """A fitted patch baseline; :meth:`predict_proba` takes rows processed like the training rows."""

    spec: PatchSpec
    n_classes: int
    lo: float
    hi: float
    filters: PatchFilters
    weights: np.ndarray  # (K * grid^2 + 1, n_classes) float32
    temperature: float = 1.0

    def scores(self, x: np.ndarray) -> np.ndarray:
        """(n, n_classes) ridge outputs, averaged over the training shifts."""
        return patch_scores(_images(x, self.lo, self.hi, self.spec), self.filters, self.weights,
                            grid=self.spec.grid)

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        """(n, n_classes) float64 class probabilities, rows summing to 1."""
        return softmax(self.scores(x).astype(np.float64) / self.temperature)

    def predict(self, x: np.ndarray) -> np.ndarray:
        """(n,) predicted class of each image."""
        return np.argmax(self.scores(x), axis=1)


class PatchAccumulator:
    """Fits a :class:`PatchModel` from rows streamed in chunks, as :class:`~.model.Accumulator` does.

    Parameters
    ----------
    probe
        A few thousand training images spread over the training set: they set
        the rescaling and the filters (unsupervised).
    n_classes
        Labels are 0..n_classes-1.
    seed
        Seed of the patches the filters are cut from.
    check
        Called after every 256 images (the caller's cancel check).
    """

    def __init__(self, probe: np.ndarray, n_classes: int, *, seed: int = 0, spec: PatchSpec = PatchSpec(),
                 check: Callable[[], None] = lambda: None) -> None:
        self.spec, self.n_classes, self.check = spec, int(n_classes), check
        probe = np.asarray(probe)
        self.lo, self.hi = (float(probe.min()), float(probe.max())) if len(probe) else (0.0, 1.0)
        self.filters = learn_filters(_images(probe, self.lo, self.hi, spec), spec.n_filters, spec.size, seed=seed)
        self.head = PatchRidge(self.filters, n_classes, grid=spec.grid, lam=spec.ridge)
        self.rows = 0

    def add(self, x: np.ndarray, y: np.ndarray) -> None:
        """Add training images x (n, h, w) with labels y (n,): every shift of each."""
        self.head.add(_images(x, self.lo, self.hi, self.spec), y, self.check)
        self.rows += len(x)

    def finish_probe(self, probe: np.ndarray, probe_y: np.ndarray) -> PatchModel:
        """The fitted model, its temperature from approximate leave-one-out scores of the probe rows.

        Removing image i takes its shifted copies out of the fit; treated as
        one row ``sqrt(S) * f_i`` (``f_i`` the mean of its S shifted feature
        rows), the Sherman-Morrison update gives
        ``s_loo = s - lev / (1 - lev) * (y - s)`` with ``lev = S f_i^T A^-1 f_i``.
        """
        w = self.head.solve()
        if not len(probe_y):
            return self._model(w)
        x = _images(probe, self.lo, self.hi, self.spec)
        f = np.concatenate([np.concatenate([feats.mean(0), np.ones((len(rows), 1), np.float32)], 1)
                            for rows, feats in patch_features(x, self.filters, grid=self.spec.grid,
                                                              shifts=SHIFTS)]).astype(np.float64)
        gram = self.head.gram.astype(np.float64)
        gram[np.diag_indices_from(gram)] += self.spec.ridge * max(float(np.trace(gram)) / len(gram), 1e-12)
        lev = len(SHIFTS) * np.einsum("ij,ji->i", f, np.linalg.solve(gram, f.T))
        s = f @ w
        onehot = np.eye(self.n_classes)[np.asarray(probe_y, np.intp)]
        loo = s - (lev / np.maximum(1 - lev, 1e-6))[:, None] * (onehot - s)
        return self._model(w, fit_temperature(loo, probe_y))

    def _model(self, w: np.ndarray, temperature: float = 1.0) -> PatchModel:
        return PatchModel(self.spec, self.n_classes, self.lo, self.hi, self.filters, w, temperature)
