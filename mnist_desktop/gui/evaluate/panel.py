"""The Evaluate dock: run/cancel, headline numbers, confusion matrix, per-class table, runs compared."""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QGridLayout, QHBoxLayout, QHeaderView, QLabel, QPushButton,
                               QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget)

from ...core.palette import BAD, GOOD
from ..theme import qcolor
from .confusion import ConfusionView
from ..progress import JobProgressBar

__all__ = ["EvaluatePanel"]

#: Short headers and no time column leave the Recipe column room in a side dock (each header's tooltip
#: says it in full; a recipe cell's tooltip adds the time, the data and the model).
RUN_COLUMNS = ("#", "Recipe", "Acc.", "F1", "Rows")
RUN_TIPS = ("Run number", "The recipe evaluated (hover a cell for the time, the data and the model)",
            "Accuracy on the test images", "Macro F1 (mean of the per-class F1)", "Training rows (after augmentation)")
_NUMBER = re.compile(r"^[+\-]?[\d.,]+ ?(%|s)?$")


def _table(columns: tuple[str, ...]) -> QTableWidget:
    t = QTableWidget(0, len(columns))
    t.setHorizontalHeaderLabels(columns)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.verticalHeader().hide()
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    t.horizontalHeader().setStretchLastSection(True)
    return t


def _fill(table: QTableWidget, rows: list[tuple]) -> None:
    """Rows of cells: text, or (text, QColor) for a coloured number; numbers align right."""
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            text, color = cell if isinstance(cell, tuple) else (cell, None)
            item = QTableWidgetItem(text)
            if _NUMBER.match(text):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if color is not None:
                item.setForeground(color)
            table.setItem(r, c, item)


class EvaluatePanel(QWidget):
    """Presents evaluation runs; holds no logic.

    Signals
    -------
    run_requested()
        Evaluate the current recipe.
    cancel_requested()
        Stop the running evaluation.
    cell_clicked(int, int)
        (true, predicted) cell of the shown run's confusion matrix.
    run_chosen(int)
        Row of the runs table now shown.
    save_requested()
        Save the shown run's report as JSON.
    show_all_requested()
        Show every image in the grid again (after a cell filtered it).
    """

    run_requested = Signal()
    cancel_requested = Signal()
    cell_clicked = Signal(int, int)
    run_chosen = Signal(int)
    save_requested = Signal()
    show_all_requested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.run_button = QPushButton("Evaluate recipe")
        self.run_button.setToolTip("Train the baseline model on the recipe's training rows and test it")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.save_button = QPushButton("Save report of the shown run…")
        self.save_button.setEnabled(False)
        self.progress = JobProgressBar()
        self.patch_box = QCheckBox("Patch model")
        self.patch_box.setToolTip("Measure with the stronger patch-feature model (98.9 % on the sample's hold-out "
                                  "against 97.2 %; about 5x as long) instead of the fast baseline")
        self.summary = QLabel("Not evaluated yet.")
        self.summary.setWordWrap(True)
        self.headline = {k: QLabel("–") for k in ("accuracy", "precision", "recall", "f1")}
        big = QFont()
        big.setPointSize(18)
        big.setBold(True)
        self.headline["accuracy"].setFont(big)
        mid = QFont()
        mid.setPointSize(12)
        for k in ("precision", "recall", "f1"):
            self.headline[k].setFont(mid)
        numbers = QGridLayout()  # accuracy on a row of its own: four numbers side by side overflow a narrow dock
        numbers.addWidget(self.headline["accuracy"], 0, 0, Qt.AlignmentFlag.AlignBottom)
        numbers.addWidget(QLabel("accuracy"), 0, 1, 1, 2, Qt.AlignmentFlag.AlignBottom)
        for col, (key, title) in enumerate((("precision", "macro P"), ("recall", "macro R"), ("f1", "macro F1"))):
            numbers.addWidget(self.headline[key], 1, col, Qt.AlignmentFlag.AlignBottom)
            numbers.addWidget(QLabel(title), 2, col)
        self.matrix = ConfusionView()
        self.matrix_hint = QLabel("Click a cell to see its test images in the grid.")
        self.matrix_hint.setWordWrap(True)
        self.show_all_button = QPushButton("Show all images")
        hint = QHBoxLayout()
        hint.addWidget(self.matrix_hint, 1)
        hint.addWidget(self.show_all_button)
        self.per_class = _table(("Class", "Precision", "Recall", "F1", "Support"))
        self.runs = _table(RUN_COLUMNS)
        for col, tip in enumerate(RUN_TIPS):
            self.runs.horizontalHeaderItem(col).setToolTip(tip)
        self.runs.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.runs.horizontalHeader().setStretchLastSection(False)
        self.runs.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.runs.setWordWrap(True)  # the whole recipe, over several lines if need be (rows fit it)
        self.runs.viewport().installEventFilter(self)  # a narrower Recipe column wraps onto more lines
        self.compare_title = QLabel("Two runs are compared here: select them in the table above.")
        self.compare_title.setWordWrap(True)
        self.compare = _table(("Class", "F1 A", "F1 B", "B − A"))
        runs_tab = QWidget()
        rl = QVBoxLayout(runs_tab)
        rl.setContentsMargins(0, 0, 0, 0)
        self.runs.setMaximumHeight(200)
        rl.addWidget(self.runs, 1)
        rl.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignRight)
        rl.addWidget(self.compare_title)
        rl.addWidget(self.compare, 3)
        self.tabs = QTabWidget()
        self.tabs.setMinimumHeight(260)
        self.tabs.addTab(self.per_class, "Per class")
        self.tabs.addTab(runs_tab, "Runs")
        top = QHBoxLayout()
        for b, stretch in ((self.run_button, 1), (self.cancel_button, 0)):
            top.addWidget(b, stretch)
        layout = QVBoxLayout(self)  # the window puts every dock's panel in a scroll area
        mode = QHBoxLayout()  # the model choice beside the progress bar: the first row stays narrow
        mode.addWidget(self.patch_box)
        mode.addWidget(self.progress, 1)
        layout.addLayout(top)
        layout.addLayout(mode)
        layout.addLayout(numbers)
        layout.addWidget(self.summary)
        layout.addWidget(self.matrix, 3)
        layout.addLayout(hint)
        layout.addWidget(self.tabs, 2)
        self.run_button.clicked.connect(self.run_requested.emit)
        self.cancel_button.clicked.connect(self.cancel_requested.emit)
        self.save_button.clicked.connect(self.save_requested.emit)
        self.matrix.cell_clicked.connect(self.cell_clicked.emit)
        self.show_all_button.clicked.connect(self.show_all_requested.emit)
        self.runs.itemSelectionChanged.connect(self._on_runs_selection_changed)

    @property
    def model(self) -> str:
        """The model the user chose: ``"patch"`` or ``"baseline"`` (core.evaluate's names)."""
        return "patch" if self.patch_box.isChecked() else "baseline"

    def set_running(self, running: bool) -> None:
        self.run_button.setEnabled(not running)
        self.patch_box.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        if running:
            self.progress.setValue(0)
            self.summary.setText(f"Training the {'patch model' if self.model == 'patch' else 'baseline'} on the "
                                 "recipe's rows…")

    def set_progress(self, done: int, total: int) -> None:
        self.progress.set_progress(done, total)

    def show_report(self, report) -> None:
        """Headline numbers, matrix and per-class table of one EvaluationReport (None clears)."""
        self.save_button.setEnabled(report is not None)
        if report is None:
            for label in self.headline.values():
                label.setText("–")
            self.matrix.set_matrix(None)
            self.per_class.setRowCount(0)
            return
        m, macro = report.metrics, report.metrics.macro()
        self.headline["accuracy"].setText(f"{m.accuracy:.2%}")
        for k in ("precision", "recall", "f1"):
            self.headline[k].setText(f"{macro[k]:.3f}")
        tested = "val" if report.holdout.startswith("train -> val") else "test"
        self.summary.setText(f"{report.n_train:,} training rows → {report.n_test:,} {tested} images, "
                             f"{report.seconds:.1f} s (hover for how)")
        self.summary.setToolTip(f"{report.holdout}.\nModel: {report.model}.")
        self.matrix.set_matrix(m.confusion, report.class_names)
        _fill(self.per_class, [(name, f"{m.precision[i]:.3f}", f"{m.recall[i]:.3f}", f"{m.f1[i]:.3f}",
                                f"{int(m.support[i]):,}") for i, name in enumerate(report.class_names)])

    def set_runs(self, runs: list) -> None:
        """Fill the runs table (``runs``: (recipe summary, report) pairs, oldest first)."""
        self.runs.blockSignals(True)
        _fill(self.runs, [(str(i + 1), summary, f"{r.accuracy:.2%}", f"{r.metrics.macro()['f1']:.4f}",
                           f"{r.n_train:,}") for i, (summary, r) in enumerate(runs)])
        for i, (summary, r) in enumerate(runs):
            self.runs.item(i, 1).setToolTip(f"{summary}\n{r.seconds:.1f} s · data: {r.source}\n{r.holdout}\n"
                                            f"model: {r.model}")
        self.runs.resizeRowsToContents()
        self.runs.blockSignals(False)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        """The runs table's viewport was resized: fit the rows to the recipe's new line count, once laid out."""
        if watched is self.runs.viewport() and event.type() == QEvent.Type.Resize:
            QTimer.singleShot(0, self.runs, self.runs.resizeRowsToContents)  # (not after the table is gone)
        return super().eventFilter(watched, event)

    def select_runs(self, rows: list[int]) -> None:
        """Select these rows of the runs table (without emitting run_chosen)."""
        self.runs.blockSignals(True)
        self.runs.clearSelection()
        mode = self.runs.selectionMode()
        self.runs.setSelectionMode(QAbstractItemView.SelectionMode.MultiSelection)
        for r in rows:
            self.runs.selectRow(r)
        self.runs.setSelectionMode(mode)
        self.runs.blockSignals(False)

    def show_comparison(self, a: tuple[int, object] | None, b: tuple[int, object] | None) -> None:
        """Per-class F1 of runs a and b side by side, with the difference."""
        if a is None or b is None:
            self.compare.setRowCount(0)
            self.compare_title.setText("Two runs are compared here: select them in the table above.")
            return
        (ia, ra), (ib, rb) = a, b
        d = rb.accuracy - ra.accuracy
        self.compare_title.setText(f"A = run {ia + 1} ({ra.accuracy:.2%}), B = run {ib + 1} ({rb.accuracy:.2%}): "
                                   f"accuracy {d:+.2%}")
        rows = []
        for i, name in enumerate(ra.class_names):
            fa, fb = float(ra.metrics.f1[i]), float(rb.metrics.f1[i])
            color = qcolor(GOOD) if fb > fa else qcolor(BAD) if fb < fa else None
            rows.append((name, f"{fa:.3f}", f"{fb:.3f}", (f"{fb - fa:+.3f}", color)))
        _fill(self.compare, rows)

    def selected_runs(self) -> list[int]:
        """Rows selected in the runs table, in order."""
        return sorted({i.row() for i in self.runs.selectedIndexes()})

    def _on_runs_selection_changed(self) -> None:
        rows = self.selected_runs()
        if len(rows) == 1:
            self.run_chosen.emit(rows[0])
        elif len(rows) >= 2:
            self.run_chosen.emit(rows[-1])

