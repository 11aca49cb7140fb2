"""The quality feature: the Suspicious dock, its worker, the "suspicion" sort order,
flag outlines in the grid, and exclusions and corrected labels written into the recipe
(each one undoable step of the recipe model: Edit > Undo).

The panel is built when its dock is first shown (``panel``): it starts behind
the Filter tab, and its trust note imports the quality models.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject

from ..feature import DockSpec, FeatureUi
from ..recipe.model import RecipeModel
from ..dock_job import DockJob
from ..workers import Job
from ..progress import confirm
from ..window_api import WindowApi

if TYPE_CHECKING:
    from .panel import SuspiciousPanel


def _analyze(dataset, thorough: bool = False, **kwargs):
    """core.quality.analyze, imported in the worker on the first run: start-up does not pay for it."""
    from ...core.quality.report import QualityParams, analyze

    return analyze(dataset, params=QualityParams(thorough=thorough), **kwargs)


def _trust_note(dataset) -> tuple[str, str]:
    """(the panel's few lines, the full note for its tooltip) on how far to trust the ranking."""
    from ...core.quality.trust import trust_note

    return trust_note(dataset, short=True), trust_note(dataset)


SORT_KEY = "suspicion"


class QualityController(QObject):
    """Runs ``core.quality.analyze`` in a worker and lets the user review and exclude samples."""

    def __init__(self, window: WindowApi, model: RecipeModel) -> None:
        super().__init__(window)
        self.window = window
        self.model = model
        self._panel: SuspiciousPanel | None = None
        self.report = None
        self._not_computed = "Not computed yet."  # what the panel says before a run
        self.job = DockJob(self, window, lambda: self.panel, "Could not rank the samples")
        self.job.succeeded.connect(self._on_job_succeeded)
        self._t0 = 0.0
        self._excluded = model.recipe.excluded
        self._relabelled = model.recipe.relabelled
        model.changed.connect(self._on_model_changed)
        window.dataset_loaded.connect(self._on_window_dataset_loaded)

    def ui(self) -> FeatureUi:
        return FeatureUi(docks=[DockSpec("suspicious", "Suspicious", build=lambda: self.panel)])

    @property
    def panel(self) -> SuspiciousPanel:
        """The Suspicious dock's panel, built on first use and told about the data on screen."""
        if self._panel is None:
            from .panel import SuspiciousPanel  # here, not at the top: start-up does not pay for it

            self._panel = p = SuspiciousPanel()
            p.analyze_requested.connect(self.start)
            p.cancel_requested.connect(self.cancel)
            p.sample_chosen.connect(self._on_panel_sample_chosen)
            p.exclude_requested.connect(self._on_panel_exclude_requested)
            p.relabel_requested.connect(self._on_panel_relabel_requested)
            if self.window.dataset is not None:
                self._show_dataset(self.window.dataset)
        return self._panel

    def _show_dataset(self, dataset) -> None:
        self.panel.show_trust(*_trust_note(dataset))
        self.panel.clear(self._not_computed)

    # ------------------------------------------------------------------ running

    def _on_window_dataset_loaded(self, dataset) -> None:
        """Forget the report: it belongs to the data shown before."""
        self.job.forget()  # its result, if it comes, is of the previous data: never shown
        self.report = None
        self._excluded, self._relabelled = self.model.recipe.excluded, self.model.recipe.relabelled
        n = self.model.recipe.excluded_count()
        self._not_computed = "Not computed yet." + (
            f" {n:,} sample{'s' if n != 1 else ''} of this dataset {'are' if n != 1 else 'is'} excluded from "
            "earlier work: see the Excluded panel." if n else "")
        if self._panel is not None:
            self._show_dataset(dataset)

    def start(self) -> Job | None:
        w = self.window
        if w.dataset is None or self.job.running:
            return None
        self._t0 = time.perf_counter()
        return self.job.run(_analyze, w.dataset, thorough=self.panel.thorough)

    @property
    def running(self) -> bool:
        return self.job.running

    def cancel(self) -> None:
        """The user's Cancel: the job stops and says so."""
        self.job.stop()

    def _on_job_succeeded(self, report) -> None:
        w = self.window
        self.report = report
        elapsed = time.perf_counter() - self._t0
        self.panel.show_report(report, w.dataset.class_names, w.excluded_mask(), elapsed)
        self.panel.show_relabelled(self._new_labels())
        w.add_sort_key(SORT_KEY, "Suspicion (most suspicious first)", report.rank_score)
        w.set_flagged(report.flagged)

    # ------------------------------------------------------------------ slots

    def _new_labels(self) -> dict[int, str]:
        """{global index: corrected class name} of the recipe's relabelled samples."""
        ds = self.window.dataset
        out = {}
        for split, fixes in self.model.recipe.relabelled:
            if split in ds.splits:
                for i, y in fixes:
                    if i < len(ds.splits[split]) and y < len(ds.class_names):
                        out[int(ds.to_global(split, i))] = ds.class_names[y]
        return out

    def _on_panel_sample_chosen(self, index: int) -> None:
        w, r = self.window, self.report
        if r is None:
            return
        w.select_global(index)
        ds = w.dataset
        sug = int(r.suggested[index])
        label = int(r.label[index])
        text = (f"Nearest neighbours of {r.split[index]} #{int(r.index[index]):,} (label "
                f"{ds.class_names[label]}" + (f", suggested {ds.class_names[sug]} at {r.confidence[index]:.0%}"
                                              if sug >= 0 else "") + f"): {', '.join(r.reasons_of(index))}")
        probs = "Model (never saw this label): " + ", ".join(
            f"{ds.class_names[c]} {p:.0%}" for c, p in r.top_classes(index, 3))
        other = sug if sug >= 0 else r.top_classes(index, 2)[-1][0]
        given, near = r.neighbours(index, k=6, label=label), r.neighbours(index, k=6, label=other)
        pixels = ds.pixels
        self.panel.show_evidence(text, probs,
                                 (f"Nearest {ds.class_names[label]}s (given)", pixels[given], ds.labels[given]),
                                 (f"Nearest {ds.class_names[other]}s" + (" (suggested)" if sug >= 0 else ""),
                                  pixels[near], ds.labels[near]))

    def _on_panel_relabel_requested(self, indices: np.ndarray, relabel: bool) -> None:
        """Give the chosen samples their suggested label (those without one are left), or their own back."""
        r, ds, recipe = self.report, self.window.dataset, self.model.recipe
        if r is None or ds is None or len(r) != len(ds):
            return  # no report of the data on screen (the buttons are off then too)
        for i in np.asarray(indices, np.int64).tolist():
            split, local = ds.locate(i)
            if not relabel:
                recipe = recipe.with_label(split, local, None)
            elif r.suggested[i] >= 0:
                recipe = recipe.with_label(split, local, int(r.suggested[i]))
        self.model.end_merge()
        self.model.set(recipe, f"{'Relabel' if relabel else 'Restore the label of'} {len(indices):,} "
                               f"sample{'s' if len(indices) != 1 else ''}")

    def _on_panel_exclude_requested(self, indices: np.ndarray, exclude: bool) -> None:
        if self.window.dataset is None:
            return
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
        return confirm(self.window, title, text)

    def _on_model_changed(self, recipe) -> None:
        if recipe.excluded == self._excluded and recipe.relabelled == self._relabelled:
            return
        self._excluded, self._relabelled = recipe.excluded, recipe.relabelled
        if self.report is not None and self.window.dataset is not None:
            self.panel.show_excluded(self.window.excluded_mask())
            self.panel.show_relabelled(self._new_labels())

    def shutdown(self) -> None:
        self.cancel()
