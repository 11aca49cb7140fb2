"""The evaluate feature: the Evaluate dock, its worker, the runs kept for comparison,
and confusion-matrix cells that filter the grid."""

from __future__ import annotations

from typing import TYPE_CHECKING


import numpy as np

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog

from ...core.errors import MnistDesktopError, describe_os_error
from ...core.output import input_files
from ...core.palette import BAD, GOOD
from ..feature import DockSpec, FeatureUi
from ..theme import css
from ..recipe.model import RecipeModel
from ..dock_job import DockJob
from ..workers import Job
from ..window_api import WindowApi

if TYPE_CHECKING:
    from ...core.evaluate.report import EvaluationReport
    from .panel import EvaluatePanel


def _evaluate(dataset, recipe, **kwargs):
    """core.evaluate.evaluate, imported in the worker on the first run: start-up does not pay for the model."""
    from ...core.evaluate.report import evaluate

    return evaluate(dataset, recipe, **kwargs)


def _recipe_summary(recipe) -> str:
    from ...core.evaluate.report import recipe_summary  # loaded by the run that made the report

    return recipe_summary(recipe)


def confidence_scores(n: int, indices: np.ndarray, confidence: np.ndarray) -> np.ndarray:
    """Per global index: the prediction's confidence for test samples, -1 for the others."""
    scores = np.full(n, -1.0, np.float32)
    scores[indices] = confidence
    return scores


SORT_KEY = "confidence"


class EvaluateController(QObject):
    """Runs ``core.evaluate.evaluate`` on the current recipe in a worker and keeps the runs.

    ``runs`` holds (recipe summary, EvaluationReport) pairs of the data on
    screen, oldest first; ``shown`` is the one the dock displays.
    """

    def __init__(self, window: WindowApi, model: RecipeModel) -> None:
        super().__init__(window)
        self.window = window
        self.model = model
        self._panel: EvaluatePanel | None = None  # built on first use (``panel``)
        self.runs: list[tuple[str, EvaluationReport]] = []
        self.shown: int | None = None
        self._model_name = "baseline"  # of the run in progress
        self._row_of: np.ndarray | None = None  # global index -> test row of the shown run, or -1
        self.cell: tuple[int, int] | None = None  # the (true, predicted) cell the grid shows, of the shown run
        self._cell_name = ""  # the grid's subset name while it shows that cell
        self.job = DockJob(self, window, lambda: self.panel, "Could not evaluate the recipe")
        self.job.succeeded.connect(self._on_job_succeeded)
        self.action = QAction("E&valuate recipe", window, shortcut=QKeySequence("Ctrl+Shift+E"))
        self.action.setToolTip("Train the baseline model on the recipe's training rows and measure it")
        self.action.triggered.connect(self.start)
        window.dataset_loaded.connect(self._on_window_dataset_loaded)
        window.selection_changed.connect(self._on_window_selection_changed)

    def ui(self) -> FeatureUi:
        return FeatureUi(docks=[DockSpec("evaluate", "Evaluate", build=lambda: self.panel)],
                         actions={"tools": [self.action]})

    @property
    def panel(self) -> EvaluatePanel:
        """The Evaluate dock's panel, built on first use (it starts behind the Filter tab); it starts
        as "Not evaluated yet.", which is all there is to show before a run."""
        if self._panel is None:
            from .panel import EvaluatePanel  # here, not at the top: start-up does not pay for it

            self._panel = p = EvaluatePanel()
            p.run_requested.connect(self.start)
            p.cancel_requested.connect(self.cancel)
            p.cell_clicked.connect(self._on_panel_cell_clicked)
            p.run_chosen.connect(self._on_panel_run_chosen)
            p.save_requested.connect(self._on_panel_save_requested)
            p.show_all_requested.connect(self._on_panel_show_all_requested)
        return self._panel

    @property
    def report(self) -> EvaluationReport | None:
        """The run shown in the dock."""
        return None if self.shown is None else self.runs[self.shown][1]

    # ------------------------------------------------------------------ running

    def start(self) -> Job | None:
        w = self.window
        if w.dataset is None or self.job.running:
            return None
        problems = self.model.problems
        if problems:
            w.show_error("Cannot evaluate this recipe", str(problems[0]))
            return None
        recipe = self.model.recipe
        self._model_name = self.panel.model
        return self.job.run(_evaluate, w.dataset, recipe, model=self._model_name)

    @property
    def running(self) -> bool:
        return self.job.running

    def cancel(self) -> None:
        """The user's Cancel: the run stops and says so."""
        self.job.stop()

    def _on_job_succeeded(self, report: EvaluationReport) -> None:
        model = "; patch model" if self._model_name == "patch" else ""
        self.runs.append((_recipe_summary(report.recipe) + model, report))
        self.show_run(len(self.runs) - 1)

    def _on_window_dataset_loaded(self, _dataset) -> None:
        """Forget the runs: they measured the data shown before."""
        self.job.forget()
        self.runs, self.shown = [], None
        self._row_of = None
        self.cell, self._cell_name = None, ""
        if self._panel is None:
            return  # a new panel starts blank
        self.panel.show_report(None)
        self.panel.set_runs([])
        self.panel.show_comparison(None, None)
        self.panel.summary.setText("Not evaluated yet.")
        self.panel.progress.setValue(0)

    # ------------------------------------------------------------------ showing

    def show_run(self, i: int, compare_with: int | None = None) -> None:
        """Show run ``i``; compare it with ``compare_with`` (default: the run before it)."""
        self.shown = i
        report = self.report
        self.panel.show_report(report)
        self.panel.set_runs(self.runs)
        self.panel.select_runs([i] if compare_with is None else [compare_with, i])
        other = compare_with if compare_with is not None else (i - 1 if i > 0 else None)
        pair = sorted((other, i)) if other is not None else None
        if pair is None:
            self.panel.show_comparison(None, None)
        else:
            self.panel.show_comparison((pair[0], self.runs[pair[0]][1]), (pair[1], self.runs[pair[1]][1]))
        w = self.window
        self._row_of = np.full(len(w.dataset), -1, np.int64)
        self._row_of[report.test_indices] = np.arange(report.n_test)
        if w.browser is not None and w.browser.selected is not None:
            self._on_window_selection_changed(w.browser.selected)
        w.add_sort_key(SORT_KEY, "Prediction confidence (Evaluate)",
                       confidence_scores(len(w.dataset), report.test_indices, report.confidence))
        if self._showing_cell():
            self.show_cell(*self.cell)  # the grid follows the run shown: never run 1's cell under run 2's matrix
        else:
            self._forget_cell()

    def _on_window_selection_changed(self, index: int) -> None:
        """Tell in the detail view what the shown run predicted for the selected test image."""
        if self.cell is not None and not self._showing_cell():
            self._forget_cell()  # the grid shows something else now (Show all, a lasso on the map)
        report, detail = self.report, self.window.detail
        row = -1 if report is None or self._row_of is None or index < 0 else int(self._row_of[index])
        if row < 0:
            detail.set_note("")
            return
        pred, true = int(report.y_pred[row]), int(report.y_true[row])
        color = css(GOOD if pred == true else BAD)
        detail.set_note(f"run {self.shown + 1} predicts <b style='color:{color}; font-size:12pt'>"
                        f"{report.class_names[pred]}</b> at {report.confidence[row]:.0%} confidence"
                        + ("" if pred == true else " (wrong)"))

    def _on_panel_run_chosen(self, row: int) -> None:
        selected = self.panel.selected_runs()
        other = selected[0] if len(selected) >= 2 else None
        self.show_run(row, compare_with=other)

    def _on_panel_cell_clicked(self, true: int, predicted: int) -> None:
        self.show_cell(true, predicted)

    def show_cell(self, true: int, predicted: int) -> None:
        """Show the shown run's test images of one matrix cell in the grid, most confident first; outline the cell."""
        report, w = self.report, self.window
        if report is None or w.browser is None:
            return
        names = report.class_names
        indices = report.cell(true, predicted)
        self.cell = (true, predicted)
        self._cell_name = f"run {self.shown + 1}: true {names[true]}, predicted {names[predicted]}"
        self.panel.matrix.set_selected(self.cell)
        w.show_subset(indices, self._cell_name, sort_key=SORT_KEY)

    def _showing_cell(self) -> bool:
        b = self.window.browser
        return self.cell is not None and b is not None and b.subset is not None and b.subset_name == self._cell_name

    def _forget_cell(self) -> None:
        self.cell, self._cell_name = None, ""
        self.panel.matrix.set_selected(None)

    def _on_panel_show_all_requested(self) -> None:
        self._forget_cell()
        self.window.show_subset(None)

    def _on_panel_save_requested(self) -> None:
        if self.report is None:
            return
        path, _ = QFileDialog.getSaveFileName(self.panel, "Save evaluation report", "evaluation.json",
                                              "JSON (*.json)")
        if path:
            self.save_report(path)

    def save_report(self, path: str) -> bool:
        """Write the shown run's JSON report by the output rule; False (after telling the user) on failure.

        The save dialog already asked before replacing a file, so an existing
        file is replaced, but never an input of the data on screen or an
        export's manifest.
        """
        from ...core.evaluate.report_file import save_report  # not at start-up: the evaluate package loads late

        try:
            save_report(self.report.to_dict(), path, force=True, inputs=input_files(self.window.dataset),
                        force_hint="")
        except MnistDesktopError as exc:
            self.window.show_error("Could not save the report", str(exc))
            return False
        except OSError as exc:
            self.window.show_error("Could not save the report", describe_os_error(exc))
            return False
        return True

    def shutdown(self) -> None:
        self.cancel()
