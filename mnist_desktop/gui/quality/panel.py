"""The ranked list of suspicious samples, with neighbours and exclude/restore buttons."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QGridLayout, QHBoxLayout, QHeaderView, QLabel,
                               QPushButton, QSizePolicy, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from ...core.draw.glyphs import label_strips
from ...core.draw.mosaic import labeled_mosaic
from ...core.palette import CANVAS, HIGHLIGHT
from ..theme import css, qcolor
from ..progress import JobProgressBar

COLUMNS = ("Image", "Label", "Why", "✕", "New")
#: the column that says whether a sample is excluded, and the one with its corrected label
EXCLUDED_COLUMN, NEW_COLUMN = 3, 4
#: the reasons in words (the report's names are for scripts)
WORDS = {"mislabelled": "mislabelled", "label-conflict": "two labels", "duplicate": "duplicate",
         "near-duplicate": "near duplicate", "cross-split": "in train and test", "blank": "blank",
         "outlier": "unusual"}


#: Height of the neighbour strips before any are shown, and their largest magnification.
NEIGHBOURS_MIN_HEIGHT = 84
NEIGHBOURS_MAX_SCALE = 3.0


class SuspiciousPanel(QWidget):
    """Shows a QualityReport; holds no logic beyond presenting it.

    Signals
    -------
    analyze_requested()
        The user asked to (re)compute the ranking (:attr:`thorough` says in which mode).
    cancel_requested()
        The user asked to stop the computation.
    sample_chosen(int)
        Global index of the sample picked in the list.
    exclude_requested(object, bool)
        (global indices, True to exclude / False to restore).
    relabel_requested(object, bool)
        (global indices, True to give them their suggested label / False to
        restore their own); key R relabels the selection.
    """

    analyze_requested = Signal()
    cancel_requested = Signal()
    sample_chosen = Signal(int)
    exclude_requested = Signal(object, bool)
    relabel_requested = Signal(object, bool)

    MAX_ROWS = 2000

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.run_button = QPushButton("Find suspicious samples")
        self.run_button.setToolTip("Rank likely mislabelled, duplicated, blank and odd images (no model needed)")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.thorough_box = QCheckBox("Thorough")
        self.thorough_box.setToolTip("Judge the labels with an ensemble of patch-feature models as well: finds more "
                                     "real label errors, takes about 10x as long (~1 min for 10,000 images)")
        self.progress = JobProgressBar()
        self.summary = QLabel("Not computed yet.")
        self.summary.setWordWrap(True)
        self.trust = QLabel("")  # how far to trust the ranking on this data (colour); hidden when empty
        self.trust.setWordWrap(True)
        self.trust.setStyleSheet(f"QLabel {{ border-left: 3px solid {css(HIGHLIGHT)}; padding-left: 6px; }}")
        self.trust.hide()
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        # may shrink to a few rows: a small window keeps the evidence and the buttons in view
        self.table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        self.table.setMinimumHeight(72)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(24)
        self.table.horizontalHeaderItem(EXCLUDED_COLUMN).setToolTip("✕: excluded from the export")
        self.table.horizontalHeaderItem(1).setToolTip("The label → the label similar images suggest (how sure)")
        self.table.horizontalHeaderItem(2).setToolTip("The reasons; most suspicious first (hover a row for more)")
        evidence = self._build_evidence()
        self.exclude_button = QPushButton("Exclude")
        self.exclude_button.setToolTip("Drop the selected samples from the export (X)")
        self.restore_button = QPushButton("Restore")
        self.restore_button.setToolTip("Take the selected samples back into the export")
        self.exclude_all_button = QPushButton("Exclude all flagged…")
        self.exclude_all_button.setToolTip("Drop every flagged sample from the export (asks first; undoable)")
        buttons = QGridLayout()  # two rows: fits a narrow dock
        buttons.addWidget(self.exclude_button, 0, 0)
        buttons.addWidget(self.restore_button, 0, 1)
        buttons.addWidget(self.exclude_all_button, 1, 0, 1, 2)
        self.relabel_button = QPushButton("Relabel (R)")
        self.relabel_button.setToolTip("Give the selected samples their suggested label in the recipe: every "
                                       "export writes it (Edit > Undo reverses it)")
        self.unrelabel_button = QPushButton("Own label")
        self.unrelabel_button.setToolTip("Give the selected samples their own label back")
        buttons.addWidget(self.relabel_button, 2, 0)
        buttons.addWidget(self.unrelabel_button, 2, 1)
        for b in (self.relabel_button, self.unrelabel_button):
            b.setEnabled(False)
        for b in (self.exclude_button, self.restore_button, self.exclude_all_button):
            b.setEnabled(False)
        top = QHBoxLayout()
        top.addWidget(self.run_button, 1)
        top.addWidget(self.cancel_button)
        mode = QHBoxLayout()  # the mode beside the progress bar: the first row stays narrow
        mode.addWidget(self.thorough_box)
        mode.addWidget(self.progress, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(mode)
        layout.addWidget(self.summary)
        layout.addWidget(self.trust)
        layout.addWidget(self.table, 1)
        layout.addLayout(evidence)
        layout.addLayout(buttons)
        self._rows: np.ndarray = np.zeros(0, np.int64)
        self.run_button.clicked.connect(self.analyze_requested.emit)
        self.cancel_button.clicked.connect(self.cancel_requested.emit)
        self.table.itemSelectionChanged.connect(self._on_table_selection_changed)
        self.exclude_button.clicked.connect(lambda: self.exclude_requested.emit(self.selected_samples(), True))
        self.restore_button.clicked.connect(lambda: self.exclude_requested.emit(self.selected_samples(), False))
        self.exclude_all_button.clicked.connect(lambda: self.exclude_requested.emit(self._rows.copy(), True))
        self.relabel_button.clicked.connect(lambda: self.relabel_requested.emit(self.selected_samples(), True))
        self.unrelabel_button.clicked.connect(lambda: self.relabel_requested.emit(self.selected_samples(), False))
        key = QShortcut(QKeySequence("R"), self.table, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        key.activated.connect(self.relabel_button.click)

    def _build_evidence(self) -> QVBoxLayout:
        """The "why" area: title, probabilities, neighbours of the given and the suggested class."""
        self.neighbours_title = QLabel("")
        self.neighbours_title.setWordWrap(True)
        self.probabilities = QLabel("")
        self.probabilities.setWordWrap(True)
        self.given_title, self.suggested_title = QLabel(""), QLabel("")
        for title in (self.given_title, self.suggested_title):
            title.setWordWrap(True)
        titles = QHBoxLayout()
        titles.addWidget(self.given_title, 1)
        titles.addWidget(self.suggested_title, 1)
        self.neighbours = pg.GraphicsLayoutWidget()
        self.neighbours.setBackground(qcolor(CANVAS))
        self.neighbours.setFixedHeight(NEIGHBOURS_MIN_HEIGHT)
        self._mosaic_size = (0, 0)  # (height, width) of the larger strip drawn, to size the view
        self.neighbours_image, self._neighbours_box = self._strip(0)
        self.suggested_image, self._suggested_box = self._strip(1)
        box = QVBoxLayout()
        box.addWidget(self.neighbours_title)
        box.addWidget(self.probabilities)
        box.addLayout(titles)
        box.addWidget(self.neighbours)
        return box

    def _strip(self, column: int) -> tuple[pg.ImageItem, pg.ViewBox]:
        box = self.neighbours.addViewBox(row=0, col=column, lockAspect=True, invertY=True, enableMouse=False)
        image = pg.ImageItem(axisOrder="row-major")
        box.addItem(image)
        return image, box

    def show_trust(self, text: str, details: str = "") -> None:
        """The note on how far to trust the ranking of the data shown (empty: none, the label is hidden)."""
        self.trust.setText(text)
        self.trust.setToolTip(details or text)
        self.trust.setVisible(bool(text))

    @property
    def thorough(self) -> bool:
        """The user's choice of mode: the thorough ensemble or the fast default."""
        return self.thorough_box.isChecked()

    def set_running(self, running: bool) -> None:
        self.run_button.setEnabled(not running)
        self.thorough_box.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        if running:
            self.progress.setValue(0)
            self.summary.setText("Computing… (deskew, PCA, neighbours, cross-validated class models"
                                 + (", two patch-feature models: about a minute)" if self.thorough else ")"))

    def set_progress(self, done: int, total: int) -> None:
        self.progress.set_progress(done, total)

    def show_report(self, report, class_names: tuple[str, ...], excluded: np.ndarray, seconds: float) -> None:
        """Fill the list with the flagged samples of ``report`` in rank order."""
        self._rows = report.ranked()[: self.MAX_ROWS]
        shown = "" if len(self._rows) == report.n_flagged else f" (the first {len(self._rows):,} listed)"
        mode = "thorough" if report.params.thorough else "fast"
        self.summary.setText(f"{report.n_flagged:,} of {len(report):,} samples flagged{shown}, "
                             f"in {seconds:.1f} s ({mode} mode). Pick one to review it.")
        self.table.setRowCount(len(self._rows))
        for r, i in enumerate(self._rows):
            i = int(i)
            sug = int(report.suggested[i])
            where = f"#{int(report.index[i]):,}" if len(report.split_names) == 1 else \
                f"{report.split[i]} #{int(report.index[i]):,}"
            reasons = report.reasons_of(i)
            label = class_names[int(report.label[i])]
            cells = (where, f"{label} → {class_names[sug]} ({report.confidence[i]:.0%})" if sug >= 0 else label,
                     ", ".join(WORDS.get(x, x) for x in reasons), "")
            tip = (f"rank {r + 1}, suspicion {report.score[i]:.2f}: {report.split[i]} #{int(report.index[i]):,}: "
                   f"{', '.join(WORDS.get(x, x) for x in reasons)}"
                   + (f"; suggested label {class_names[sug]} ({report.confidence[i]:.0%})" if sug >= 0 else ""))
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(tip)
                self.table.setItem(r, c, item)
        self.show_excluded(excluded)
        self.progress.set_done()
        for b in (self.exclude_button, self.restore_button, self.exclude_all_button, self.relabel_button,
                  self.unrelabel_button):
            b.setEnabled(len(self._rows) > 0)

    def clear(self, summary: str) -> None:
        """Back to "not computed" for new data: no rows, no evidence of an old selection, no enabled action."""
        self.table.setRowCount(0)
        self._rows = np.zeros(0, np.int64)
        self.summary.setText(summary)
        self.progress.setValue(0)
        for label in (self.neighbours_title, self.probabilities, self.given_title, self.suggested_title):
            label.setText("")
        self.neighbours_image.clear()
        self.suggested_image.clear()
        for b in (self.exclude_button, self.restore_button, self.exclude_all_button, self.relabel_button,
                  self.unrelabel_button):
            b.setEnabled(False)

    def show_excluded(self, excluded: np.ndarray) -> None:
        """Tick the Excluded column for the listed samples that ``excluded`` (bool per global index) marks."""
        for r, i in enumerate(self._rows):
            item = self.table.item(r, EXCLUDED_COLUMN)
            if item is not None:
                item.setText("✕" if excluded[int(i)] else "")

    def show_relabelled(self, new_labels: dict[int, str]) -> None:
        """Show the corrected label of the listed samples that have one ({global index: class name})."""
        for r, i in enumerate(self._rows):
            item = self.table.item(r, NEW_COLUMN)
            if item is None:
                item = QTableWidgetItem("")
                self.table.setItem(r, NEW_COLUMN, item)
            item.setText(new_labels.get(int(i), ""))

    def selected_samples(self) -> np.ndarray:
        rows = sorted({ix.row() for ix in self.table.selectionModel().selectedRows()})
        return self._rows[rows] if rows else np.zeros(0, np.int64)

    def select_rank(self, rank: int) -> None:
        """Select the list row of rank ``rank`` (0-based)."""
        self.table.selectRow(rank)

    def show_neighbours(self, images: np.ndarray, labels: np.ndarray, text: str) -> None:
        """A strip of the chosen sample's nearest neighbours, each with its label."""
        self.show_evidence(text, "", ("", images, labels), ("", images[:0], labels[:0]))

    def show_evidence(self, text: str, probabilities: str, given: tuple, suggested: tuple) -> None:
        """Why a sample is suspicious: the model's probabilities, and side by side the
        nearest samples of its given class and of the suggested class.

        ``given`` and ``suggested`` are (title, images, labels).
        """
        self.neighbours_title.setText(text)
        self.probabilities.setText(probabilities)
        self._mosaic_size = (0, 0)
        places = ((self.given_title, self.neighbours_image, self._neighbours_box),
                  (self.suggested_title, self.suggested_image, self._suggested_box))
        for (title, images, labels), (label, item, box) in zip((given, suggested), places):
            label.setText(title)
            if not len(images):
                item.clear()
                continue
            strips = label_strips(int(max(labels.max(), 9)) + 1, images.shape[2])
            mosaic = labeled_mosaic(images, labels, strips, max(1, -(-len(images) // 2)))
            item.setImage(mosaic)
            self._mosaic_size = (max(self._mosaic_size[0], mosaic.shape[0]), max(self._mosaic_size[1], mosaic.shape[1]))
            box.autoRange(padding=0.02)
        self._fit_neighbours()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._fit_neighbours()

    def _fit_neighbours(self) -> None:
        """As tall as the two strips need to fill their width: tiles about 50 px, labels readable.

        A fixed 84 px drew the 28 px digits at 22 px with 6 px labels.
        """
        h, w = self._mosaic_size
        if not (h and w):
            return
        scale = min(max(self.neighbours.width() / 2 - 12, 1) / w, NEIGHBOURS_MAX_SCALE)
        # + the view boxes' 2 % padding and the layout's margins, so the width, not the height, limits
        self.neighbours.setFixedHeight(max(NEIGHBOURS_MIN_HEIGHT, int(h * scale * 1.06) + 24))

    def _on_table_selection_changed(self) -> None:
        chosen = self.selected_samples()
        if len(chosen) == 1:
            self.sample_chosen.emit(int(chosen[0]))
