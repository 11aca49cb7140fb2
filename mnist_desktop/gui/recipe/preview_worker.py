"""Live preview: the processed visible page, computed off the UI thread as sliders move.

Requests are debounced (a slider drag asks many times a second); while one
computation runs, only the newest request waits, so the preview never lags
behind by more than one computation.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from ...core.dataset import Dataset
from ...core.processing.preview import preview_page, preview_rows_of
from ...core.processing.recipe import Recipe
from ..workers import Job

DEBOUNCE_MS = 60


def compute_preview(dataset: Dataset, indices: np.ndarray, selected: int | None, recipe: Recipe,
                    resolved: dict) -> dict:
    """Everything the views need for one recipe and page (runs in a worker)."""
    key = recipe.normalize
    if key not in resolved:  # dataset-wide statistics are computed once per normalization
        resolved[key] = recipe.resolve(dataset).normalize
    from dataclasses import replace

    ready = replace(recipe, normalize=resolved[key])
    values, display = preview_page(dataset, indices, ready)
    rows = preview_rows_of(dataset, selected, ready) if selected is not None else None
    return {"recipe": recipe, "indices": indices, "values": values, "display": display,
            "selected": selected, "rows": rows}


class PreviewController(QObject):
    """Turns (dataset, visible indices, selection, recipe) into processed pixels.

    Signals
    -------
    ready(object)
        A dict with ``recipe``, ``indices``, ``values`` (as exported), ``display``
        (uint8 for the screen), ``selected`` and ``rows`` (the selected image's
        output rows as uint8).
    failed(str)
        The recipe cannot be applied; the message says why.
    """

    ready = Signal(object)
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._pending: tuple | None = None
        self._job: Job | None = None
        self._resolved: dict = {}
        self._dataset: Dataset | None = None
        self.enabled = True

    def request(self, dataset: Dataset, indices: np.ndarray, selected: int | None, recipe: Recipe) -> None:
        """Ask for a preview; the newest request wins (ignored once the window is closing)."""
        if not self.enabled:
            return
        if dataset is not self._dataset:
            self._dataset = dataset
            self._resolved = {}
        if recipe.problems():
            self.failed.emit("; ".join(map(str, recipe.problems())))
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
        dataset, indices, selected, recipe = self._pending
        self._pending = None
        self._job = Job(compute_preview, dataset, indices, selected, recipe, self._resolved,
                        progress=False, cancel=False)
        self._job.succeeded.connect(self.ready.emit)
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
