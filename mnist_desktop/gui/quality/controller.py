"""Wires the data-quality review into the main window: the Suspicious dock, its worker,
the "suspicion" sort order, flag outlines in the grid, and exclusions in the recipe."""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QObject, Qt

from ...core.errors import Cancelled
from ...core.quality.report import analyze
from .panel import SuspiciousPanel
from ..workers import Job

SORT_KEY = "suspicion"


class ReviewController(QObject):
    """Runs ``core.quality.analyze`` in a worker and lets the user review and exclude samples."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.panel = SuspiciousPanel()
        window.docks["suspicious"] = window._add_dock("Suspicious", self.panel, Qt.DockWidgetArea.LeftDockWidgetArea)
        window.tabifyDockWidget(window.docks["augment"], window.docks["suspicious"])
        window.docks["filter"].raise_()
        self.report = None
        self.rank_score: np.ndarray | None = None
        self.job: Job | None = None
        self._t0 = 0.0
        self._excluded = window.processing.model.recipe.excluded
        self.panel.analyze_requested.connect(self.start)
        self.panel.cancel_requested.connect(self.cancel)
        self.panel.sample_chosen.connect(self._on_panel_sample_chosen)
        self.panel.exclude_requested.connect(self._on_panel_exclude_requested)
        window.processing.model.changed.connect(self._on_recipe_changed)

    # ------------------------------------------------------------------ running

    def reset(self) -> None:
        """Forget the report (a new dataset was opened)."""
        self.cancel()
        self.report = None
        self.rank_score = None
        self.panel.table.setRowCount(0)
        self.panel.summary.setText("Not computed yet.")
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
        score = np.zeros(len(report))
        score[report.order] = np.arange(len(report), 0, -1)  # rank order: flagged first
        self.rank_score = score
        self.panel.show_report(report, w.dataset.class_names, self.excluded_mask(), time.perf_counter() - self._t0)
        w.filter_panel.add_sort_key(SORT_KEY, "Suspicion (most suspicious first)")
        w.refresh()

    def _on_job_failed(self, exc: BaseException) -> None:
        if isinstance(exc, Cancelled):
            self.panel.summary.setText("Cancelled.")
            return
        self.panel.summary.setText(f"Failed: {exc}")
        self.window.show_error("Could not rank the samples", str(exc))

    # ------------------------------------------------------------------ marks for the grid

    def excluded_mask(self) -> np.ndarray:
        """Boolean per global index: excluded by the recipe."""
        w = self.window
        mask = np.zeros(len(w.dataset), bool)
        for split, idx in w.processing.model.recipe.excluded:
            if split in w.dataset.splits:
                mask[np.asarray(idx, np.int64) + w.dataset.offsets[split]] = True
        return mask

    def flagged_mask(self, indices: np.ndarray) -> np.ndarray | None:
        return None if self.report is None else self.report.flagged[indices]

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
        self.panel.show_neighbours(ds.images[near], ds.labels[near], text)

    def _on_panel_exclude_requested(self, indices: np.ndarray, exclude: bool) -> None:
        w = self.window
        if not len(indices):
            return
        model = w.processing.model
        recipe = model.recipe
        for split, start in w.dataset.offsets.items():
            n = len(w.dataset.splits[split])
            local = indices[(indices >= start) & (indices < start + n)] - start
            if not len(local):
                continue
            current = set(recipe.excluded_indices(split).tolist())
            current = current | set(local.tolist()) if exclude else current - set(local.tolist())
            recipe = recipe.with_excluded(split, sorted(current))
        model.set(recipe)

    def _on_recipe_changed(self, recipe) -> None:
        if recipe.excluded == self._excluded:
            return
        self._excluded = recipe.excluded
        if self.report is not None:
            self.panel.show_excluded(self.excluded_mask())
        self.window.refresh()
