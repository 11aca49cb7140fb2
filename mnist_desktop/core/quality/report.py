"""Suspicious samples: likely mislabelled, duplicated, blank or odd images.

No trained network is needed. Images are deskewed, reduced to 50 PCA
components, and every sample gets its k nearest neighbours (exact, in
chunks: never an N x N matrix). A random-feature ridge classifier, fitted
once per held-out fold (``ridge``; with train and test present, test is
judged by models that saw all of train and vice versa), gives each sample
class probabilities from a model that never saw it; labels are ranked in
the manner of confident learning (per-class thresholds, normalized margin;
``label_models``), which gives the suggested label and its confidence. Thorough mode
(``QualityParams(thorough=True)``, ``check --thorough``) pools that model
with two out-of-fold patch-feature models (``thorough``): more of the real
label errors rank high, at about 6x the time (geometric mean of the calibrated members).
Exact duplicates come from the raw bytes, near duplicates from
the neighbour pairs confirmed on pixels, blank images from the ink amount,
outliers from the distance to the neighbours and to every class model.

API for the CLI, the GUI "Suspicious" panel and ``export --exclude-flagged``::

    report = analyze(dataset, progress=cb, cancel=event)   # QualityReport
    report.order[:100]            # global indices, most suspicious first
    report.rows(top=100)          # JSON-able dicts, one per ranked sample
    report.neighbours(i, k=8)     # global indices of i's nearest neighbours
    flagged_indices(dataset)      # {split: sorted indices within that split}

Progress and cancel: ``progress(done, total)`` is called after every step
(a block of images or a fold; ``total`` is fixed from the start and ``done``
ends equal to it). ``cancel`` is a ``threading.Event`` (anything with
``is_set()``) or a callable returning True to stop; it is checked between
steps and stops the run with :class:`~.errors.Cancelled`. Both are called
from the thread that runs ``analyze``; a GUI worker relays them as signals.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np

from .pipeline import REASONS, QualityParams, Samples, run_analysis
from ..progress import Cancel, Progress
from ..numeric.neighbours import nearest
from ..dataset import Dataset, check_model_classes
from ..errors import MnistDesktopError
from ..formats.sources import as_dataset
from .display import quality_picture, quality_repr

__all__ = ["REASONS", "QualityParams", "QualityReport", "analyze",
           "flagged_indices"]


@dataclass(frozen=True, eq=False)
class QualityReport:
    """Per-sample results of :func:`analyze`; arrays are indexed by global index.

    The global index is the position in ``dataset.images`` (splits
    concatenated in order); ``split`` and ``index`` locate it in its split.

    Attributes
    ----------
    split, index, label
        Split name (str array), index within the split, given label.
    suggested
        The label the models prefer, or -1 where they agree with the given one.
    confidence
        Model probability of ``suggested`` (of the given label where -1).
    p_label
        Model probability of the given label (cross-validated).
    score
        Combined suspicion in [0, 1]: ``1 - prod(1 - s_reason)``.
    reasons
        Bit mask over :data:`REASONS` of the flags raised.
    duplicate_of
        For duplicates, the global index of the copy that is kept, else -1.
    outlier_z
        Robust z-score of the distance to neighbours and classes.
    order
        All global indices in rank order: flagged first (the flagged samples
        are exactly ``order[:n_flagged]``), among them certain problems
        (label conflicts, blanks, duplicates) before probable ones
        (mislabelled, outlier); then by decreasing score; ties by index.
    probs
        (N, n_classes) float32 held-out class probabilities (what the panel shows).
    features
        (N, 50) float32 deskewed PCA coordinates, kept for :meth:`neighbours`.
    """

    split: np.ndarray
    index: np.ndarray
    label: np.ndarray
    suggested: np.ndarray
    confidence: np.ndarray
    p_label: np.ndarray
    score: np.ndarray
    reasons: np.ndarray
    duplicate_of: np.ndarray
    outlier_z: np.ndarray
    order: np.ndarray
    probs: np.ndarray
    features: np.ndarray
    split_names: tuple[str, ...]
    class_names: tuple[str, ...]
    params: QualityParams

    def __len__(self) -> int:
        return len(self.label)

    def __repr__(self) -> str:
        return quality_repr(self)

    def _repr_png_(self) -> bytes | None:
        """The most suspicious images with given > suggested labels (when the dataset is known)."""
        return quality_picture(self).png if "_dataset" in self.__dict__ else None

    @property
    def flagged(self) -> np.ndarray:
        """Boolean mask: the samples with at least one reason."""
        return self.reasons != 0

    @property
    def n_flagged(self) -> int:
        return int(np.count_nonzero(self.reasons))

    @property
    def rank_score(self) -> np.ndarray:
        """(N,) float: higher for samples earlier in :attr:`order` (a sort key for the grid)."""
        score = np.zeros(len(self.order))
        score[self.order] = np.arange(len(self.order), 0, -1)
        return score

    def reasons_of(self, i: int) -> list[str]:
        """Names of the reasons raised for global index ``i``."""
        bits = int(self.reasons[i])
        return [name for b, name in enumerate(REASONS) if bits >> b & 1]

    def has_reason(self, name: str) -> np.ndarray:
        """Boolean mask of the samples flagged for reason ``name``."""
        return (self.reasons >> REASONS.index(name) & 1).astype(bool)

    def ranked(self, top: int | None = None) -> np.ndarray:
        """Global indices in rank order: the flagged ones, or the first ``top``."""
        return self.order[: self.n_flagged if top is None else max(0, top)]

    def flagged_indices(self, top: int | None = None) -> dict[str, np.ndarray]:
        """{split: sorted indices within the split} of :meth:`ranked` (every split present)."""
        chosen = self.ranked(top)
        return {name: np.sort(self.index[chosen][self.split[chosen] == name]) for name in self.split_names}

    def neighbours(self, i: int, k: int = 8, label: int | None = None) -> np.ndarray:
        """Global indices of the ``k`` samples nearest to ``i`` (deskewed PCA space).

        Nearest first, ties by index, ``i`` itself excluded; only samples
        labelled ``label`` when given (the panel shows the nearest of the
        given and of the suggested class side by side). Cheap (one pass over
        the features), so the GUI can call it on every selection.
        """
        if not 0 <= i < len(self):
            raise IndexError(f"sample {i} is out of range (0..{len(self) - 1})")
        return nearest(self.features, i, k, None if label is None else self.label == label)

    def top_classes(self, i: int, n: int = 3) -> list[tuple[int, float]]:
        """The ``n`` most probable classes of sample ``i`` and their held-out probabilities."""
        order = np.lexsort((np.arange(self.probs.shape[1]), -self.probs[i]))[:n]
        return [(int(c), float(self.probs[i, c])) for c in order]

    def row(self, i: int, rank: int | None = None) -> dict:
        """One sample as JSON-able data (what ``check --json`` prints)."""
        sug = int(self.suggested[i])
        dup = int(self.duplicate_of[i])
        out = {"rank": rank, "global_index": int(i), "split": str(self.split[i]), "index": int(self.index[i]),
               "label": int(self.label[i]), "suggested": sug if sug >= 0 else None,
               "confidence": round(float(self.confidence[i]), 4),
               "p_label": round(float(self.p_label[i]), 4), "score": round(float(self.score[i]), 4),
               "reasons": self.reasons_of(i), "duplicate_of": None}
        if dup >= 0:
            out["duplicate_of"] = {"split": str(self.split[dup]), "index": int(self.index[dup]),
                                   "global_index": dup, "label": int(self.label[dup])}
        return out

    def rows(self, top: int | None = None) -> list[dict]:
        """:meth:`row` for each of :meth:`ranked`, with ranks from 1."""
        return [self.row(int(i), r) for r, i in enumerate(self.ranked(top), 1)]


def analyze(dataset: Dataset, *, params: QualityParams | None = None, progress: Progress | None = None,
            cancel: Cancel = None) -> QualityReport:
    """Score every sample of ``dataset`` and rank the suspicious ones.

    Parameters
    ----------
    dataset
        Any loaded dataset; all splits are analysed together so duplicates
        across train and test are found and every label is judged against
        all other samples.
    params
        Thresholds and model sizes; the defaults suit MNIST-like data.
    progress
        ``progress(done, total)`` after each step (see the module docstring).
    cancel
        ``threading.Event`` or callable; checked between steps.

    Returns
    -------
    QualityReport
        Deterministic: the same input gives the same ranking.

    Raises
    ------
    Cancelled
        ``cancel`` was set.
    MnistDesktopError
        The dataset is empty.
    """
    dataset = as_dataset(dataset)  # "sample" or a path, as load_data takes
    if len(dataset) == 0:
        raise MnistDesktopError(f"{dataset.source}: the dataset is empty; nothing to check")
    if dataset.unlabelled_splits:
        raise MnistDesktopError(f"{dataset.source}: the {', '.join(dataset.unlabelled_splits)} split has no labels; "
                                "the checks judge images against their labels, so they need labelled data "
                                "(the check command skips unlabelled splits; "
                                "in Python, analyse dataset.labelled_only())")
    check_model_classes(dataset, "the check")
    split_names = dataset.split_names
    codes = dataset.split_codes.astype(np.intp)
    # The copy of a duplicate that is kept: the test one first, so that a
    # train/test leak removes the train copy and the test set stays comparable.
    keep_priority = (np.array(split_names) != "test")[codes].astype(np.int64)
    samples = Samples(dataset.pixels, dataset.labels, len(dataset.class_names), codes, keep_priority)
    res = run_analysis(samples, params or QualityParams(), progress=progress, cancel=cancel)
    _, local = dataset.locate_many(np.arange(len(dataset)))
    report = QualityReport(
        split=np.array(split_names)[codes], index=local,
        label=dataset.labels.copy(), split_names=split_names, class_names=dataset.class_names,
        params=params or QualityParams(), **res)
    object.__setattr__(report, "_dataset", dataset)  # for pictures of the report (_repr_png_)
    return report


#: The last report computed by flagged_indices, keyed by a weak reference to its dataset.
_CACHE: dict[int, tuple[weakref.ref, QualityReport]] = {}


def flagged_indices(dataset: Dataset, top: int | None = None, *,
                    report: QualityReport | None = None) -> dict[str, np.ndarray]:
    """{split: sorted int64 indices within the split} of the samples to drop.

    The flagged samples, or the first ``top`` of the ranking when ``top`` is
    given. Every split of ``dataset`` is a key (possibly with an empty
    array). Pass ``report`` to reuse an analysis; otherwise the last report
    computed here for this very dataset object is reused, or one is computed.
    """
    dataset = as_dataset(dataset)
    if report is None:
        hit = _CACHE.get(id(dataset))
        if hit is not None and hit[0]() is dataset:
            report = hit[1]
        else:
            report = analyze(dataset)
            _CACHE.clear()
            _CACHE[id(dataset)] = (weakref.ref(dataset), report)
    return {k: v.astype(np.int64) for k, v in report.flagged_indices(top).items()}

