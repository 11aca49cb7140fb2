"""Live preview: the processed visible page, computed off the UI thread as sliders move.

Requests are debounced (a slider drag asks many times a second); while one
computation runs, only the newest request waits, so the preview never lags
behind by more than one computation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from ...core.dataset import Dataset
from ...core.processing.preview import Preview, Previewer
from ...core.processing.statistics import NormStatistics
from ...core.processing.problem_words import describe_problem
from ...core.processing.recipe import Recipe
from ..workers import Job

DEBOUNCE_MS = 60


class PreviewWorker(QObject):
    """Turns (dataset, visible indices, selection, recipe) into processed pixels off the UI thread.

    Signals
    -------
    ready(object, object)
        A :class:`~mnist_desktop.core.processing.preview.Preview`, and what
        :attr:`extra` made of it in the worker (None without ``extra``).
    failed(str)
        The recipe cannot be applied; the message says why.
    """

    ready = Signal(object, object)
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._pending: tuple | None = None
        self._job: Job | None = None
        self._previewer: Previewer | None = None
        self.statistics: NormStatistics | None = None  # the feature's cache for the dataset on screen
        self.enabled = True
        #: ``extra(dataset, preview)``, run in the worker after each preview (the ink histograms):
        #: what the screen needs of a 1,024-tile page besides its pixels, kept off the UI thread.
        self.extra: Callable[[Dataset, Preview], Any] | None = None

    def request(self, dataset: Dataset, indices: np.ndarray, selected: int | None, recipe: Recipe) -> None:
        """Ask for a preview; the newest request wins (ignored once the window is closing)."""
        if not self.enabled:
            return
        if self._previewer is None or dataset is not self._previewer.dataset:
            stats = self.statistics if self.statistics is not None and self.statistics.dataset is dataset else None
            self._previewer = Previewer(dataset, stats)
        if recipe.problems():
            self.failed.emit("; ".join(map(describe_problem, recipe.problems())))
            return
        self._pending = (dataset, np.asarray(indices).copy(), selected, recipe)
        self._timer.start()

    @property
    def busy(self) -> bool:
        return self._timer.isActive() or self._pending is not None or (self._job is not None and self._job.running)

    def _on_timer_timeout(self) -> None:
        if not self.enabled:
            return
        if self._job is not None and self._job.running or self._pending is None:
            return
        _dataset, indices, selected, recipe = self._pending
        self._pending = None
        self._job = Job(_compute, self._previewer, self.extra, indices, selected, recipe, progress=False, cancel=False)
        self._job.succeeded.connect(lambda result: self.ready.emit(*result))
        self._job.failed.connect(lambda exc: self.failed.emit(str(exc)))
        self._job.finished.connect(self._on_job_finished)
        self._job.start()

    def _on_job_finished(self) -> None:
        if self._pending is not None:
            self._timer.start(0)

    def cancel(self) -> None:
        """Drop waiting requests and accept no new ones (the window is closing)."""
        self.enabled = False
        self._timer.stop()
        self._pending = None


def _compute(previewer: Previewer, extra, indices: np.ndarray, selected: int | None, recipe: Recipe) -> tuple:
    """(preview, ``extra`` of it): both in the worker thread."""
    preview = previewer.compute(indices, selected, recipe)
    return preview, (extra(previewer.dataset, preview) if extra is not None else None)
