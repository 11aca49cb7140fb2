"""The quality feature: the Suspicious dock, its worker, the "suspicion" sort order,
flag outlines in the grid, and exclusions written into the recipe."""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox

from ...core.errors import Cancelled
from ...core.quality.report import analyze
from ..feature import DockSpec, FeatureUi
from ..recipe.model import RecipeModel
from ..workers import Job
from .panel import SuspiciousPanel

SORT_KEY = "suspicion"


class QualityController(QObject):
    """Runs ``core.quality.analyze`` in a worker and lets the user review and exclude samples."""

    def __init__(self, window, model: RecipeModel) -> None:
        super().__init__(window)
        self.window = window
        self.model = model
        self.panel = SuspiciousPanel()
        self.report = None
        self.job: Job | None = None
        self._t0 = 0.0
        self._excluded = model.recipe.excluded
        self.panel.analyze_requested.connect(self.start)
        self.panel.cancel_requested.connect(self.cancel)
        self.panel.sample_chosen.connect(self._on_panel_sample_chosen)
        self.panel.exclude_requested.connect(self._on_panel_exclude_requested)
        model.changed.connect(self._on_model_changed)
        window.dataset_loaded.connect(self._on_window_dataset_loaded)

    def ui(self) -> FeatureUi:
        return FeatureUi(docks=[DockSpec("suspicious", "Suspicious", self.panel)])

    # ------------------------------------------------------------------ running

    def _on_window_dataset_loaded(self, _dataset) -> None:
        """Forget the report: it belongs to the data shown before."""
        self.cancel()
        self.report = None
        self.panel.table.setRowCount(0)
        n = self.model.recipe.excluded_count()
        self.panel.summary.setText("Not computed yet." + (
            f" {n:,} sample{'s' if n != 1 else ''} of this dataset {'are' if n != 1 else 'is'} excluded from "
            "earlier work: see the Excluded panel." if n else ""))
        self.panel.progress.setValue(0)

    def start(self) -> Job | None:
        w = self.window
        if w.dataset is None or (self.job is not None and self.job.running):
            return None
        self.panel.set_running(True)
        self._t0 = time.perf_counter()
        self.job = Job(analyze, w.dataset)
        self.job.progress.connect(self.panel.set_progress)
        self.job.succeeded.connect(self._on_job_succeeded)
        self.job.failed.connect(self._on_job_failed)
        self.job.finished.connect(lambda: self.panel.set_running(False))
        self.job.start()
        return self.job

    def cancel(self) -> None:
        if self.job is not None and self.job.running:
            self.job.cancel()

    def _on_job_succeeded(self, report) -> None:
        w = self.window
        if len(report) != len(w.dataset):
            return  # computed for data that is no longer shown
        self.report = report
        self.panel.show_report(report, w.dataset.class_names, self._excluded_mask(), time.perf_counter() - self._t0)
        w.add_sort_key(SORT_KEY, "Suspicion (most suspicious first)", report.rank_score)
        w.set_flagged(report.flagged)

    def _on_job_failed(self, exc: BaseException) -> None:
        if isinstance(exc, Cancelled):
            self.panel.summary.setText("Cancelled.")
            return
        self.panel.summary.setText(f"Failed: {exc}")
        self.window.show_error("Could not rank the samples", str(exc))

    def _excluded_mask(self) -> np.ndarray:
        return self.model.recipe.excluded_mask(self.window.dataset)

    # ------------------------------------------------------------------ slots

    def _on_panel_sample_chosen(self, index: int) -> None:
        w, r = self.window, self.report
        w.select_global(index)
        near = r.neighbours(index, k=8)
        ds = w.dataset
        sug = int(r.suggested[index])
        label = int(r.label[index])
        text = (f"Nearest neighbours of {r.split[index]} #{int(r.index[index]):,} (label "
                f"{ds.class_names[label]}" + (f", suggested {ds.class_names[sug]} at {r.confidence[index]:.0%}"
                                              if sug >= 0 else "") + f"): {', '.join(r.reasons_of(index))}")
        self.panel.show_neighbours(ds.pixels[near], ds.labels[near], text)

    def _on_panel_exclude_requested(self, indices: np.ndarray, exclude: bool) -> None:
        n = len(indices)
        if n > 1 and not self.confirm(
                f"{'Exclude' if exclude else 'Restore'} {n:,} samples?",
                f"{'Drop' if exclude else 'Take back'} {n:,} samples {'from' if exclude else 'into'} the export? "
                "Edit > Undo reverses it."):
            return
        self.model.end_merge()
        self.model.exclude(indices, exclude)

    def confirm(self, title: str, text: str) -> bool:
        """Ask before a bulk change (tests replace this method)."""
        return QMessageBox.question(self.window, title, text) == QMessageBox.StandardButton.Yes

    def _on_model_changed(self, recipe) -> None:
        if recipe.excluded == self._excluded:
            return
        self._excluded = recipe.excluded
        if self.report is not None and self.window.dataset is not None:
            self.panel.show_excluded(self._excluded_mask())

    def shutdown(self) -> None:
        self.cancel()
