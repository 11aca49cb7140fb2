"""The Map dock's widgets: buttons, colour choice, class toggles, the plot, the hover tip.

No logic beyond presenting: the controller decides what to draw and what a
click or a lasso does.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QPointF, Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QComboBox, QFrame, QGridLayout, QHBoxLayout, QLabel,
                               QPushButton, QScrollArea, QToolButton, QVBoxLayout, QWidget)

from ...core.palette import BORDER, FOREGROUND, PLOT
from ..theme import css
from .plot import MapPlot
from ..grid.filter_panel import TOGGLE_LIMIT
from ..progress import JobProgressBar

COLOR_MODES = (("label", "Label"), ("split", "Split"), ("suspicion", "Suspicion score"))
MODES = (("pan", "Pan", "Drag to pan, wheel to zoom (Shift + drag draws a lasso)"),
         ("lasso", "Lasso", "Drag a freehand outline: the grid shows the images inside"),
         ("rect", "Rectangle", "Drag a rectangle: the grid shows the images inside"))
#: The legend's check boxes fill at most this width (a side dock at 800x600 is about 270 px wide).
LEGEND_WIDTH = 250
#: Legend rows shown at once; more classes scroll.
LEGEND_ROWS = 4


class MapPanel(QWidget):
    """Shows the map; every user request leaves as a signal.

    Signals
    -------
    compute_requested()
        Compute (or recompute) the map.
    stop_requested()
        Stop the running optimisation (the layout so far stays).
    color_mode_changed(str)
        "label", "split" or "suspicion".
    classes_changed(object)
        The set of class numbers to show.
    clear_requested()
        Show every image in the grid again.
    shown()
        The panel came on screen (its dock was raised or floated).
    """

    compute_requested = Signal()
    stop_requested = Signal()
    color_mode_changed = Signal(str)
    classes_changed = Signal(object)
    clear_requested = Signal()
    shown = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.run_button = QPushButton("Compute map")
        self.run_button.setToolTip("Lay out every image in 2-D: similar images close together")
        self.stop_button = QPushButton("Stop")
        self.stop_button.setToolTip("Stop the optimisation; the layout so far stays")
        self.stop_button.setEnabled(False)
        self.progress = JobProgressBar(text=False)
        self.progress.setMaximumHeight(10)
        self.status = QLabel("Not computed yet.")
        self.status.setWordWrap(True)  # a long message wraps instead of widening the dock
        self.color_combo = QComboBox()
        for key, text in COLOR_MODES:
            self.color_combo.addItem(text, key)
        self.mode_group = QButtonGroup(self)
        self.mode_buttons: dict[str, QToolButton] = {}
        for key, text, tip in MODES:
            b = QToolButton()
            b.setText(text)
            b.setToolTip(tip)
            b.setCheckable(True)
            b.setChecked(key == "pan")
            self.mode_group.addButton(b)
            self.mode_buttons[key] = b
            b.toggled.connect(lambda on, k=key: on and self._on_mode_chosen(k))
        self.clear_button = QPushButton("Show all")
        self.clear_button.setToolTip("Clear the map selection: the grid shows every image again")
        self.clear_button.setEnabled(False)
        legend = QWidget()
        self.legend = QGridLayout(legend)
        self.legend.setContentsMargins(0, 0, 0, 0)
        self.legend.setSpacing(2)
        self.legend_area = QScrollArea()  # many classes (CIFAR-100) scroll down, never sideways
        self.legend_area.setFrameShape(QFrame.Shape.NoFrame)
        self.legend_area.setWidgetResizable(True)
        self.legend_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.legend_area.setWidget(legend)
        self.class_boxes: list[QCheckBox] = []
        self.color_key = QLabel()
        self.color_key.setWordWrap(True)
        self.color_key.hide()
        self.plot = MapPlot()
        self.tip = _HoverTip(self.plot)
        self._build_layout()
        self.run_button.clicked.connect(self.compute_requested)
        self.stop_button.clicked.connect(self.stop_requested)
        self.clear_button.clicked.connect(self.clear_requested)
        self.color_combo.currentIndexChanged.connect(
            lambda _i: self.color_mode_changed.emit(self.color_combo.currentData()))

    def _build_layout(self) -> None:
        """Rows no wider than a side dock (about 270 px): the legend and "Show all" are always in view."""
        top = QHBoxLayout()
        top.addWidget(self.run_button)
        top.addWidget(self.stop_button)
        top.addStretch(1)
        colour = QHBoxLayout()
        colour.addWidget(QLabel("Colour by"))
        colour.addWidget(self.color_combo)
        colour.addStretch(1)
        tools = QHBoxLayout()
        for b in self.mode_buttons.values():
            tools.addWidget(b)
        tools.addStretch(1)
        show_all = QHBoxLayout()
        show_all.addWidget(self.clear_button)
        show_all.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(self.progress)
        layout.addLayout(colour)
        layout.addLayout(tools)
        layout.addWidget(self.legend_area)
        layout.addWidget(self.color_key)
        layout.addLayout(show_all)
        layout.addWidget(self.plot, 1)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.shown.emit()

    # ------------------------------------------------------------------ presenting

    @property
    def mode(self) -> str:
        return self.plot.box.mode

    def set_mode(self, mode: str) -> None:
        self.mode_buttons[mode].setChecked(True)

    def _on_mode_chosen(self, mode: str) -> None:
        self.plot.box.mode = mode

    def set_running(self, running: bool) -> None:
        self.run_button.setEnabled(not running)
        self.stop_button.setEnabled(running)

    def set_progress(self, done: int, total: int) -> None:
        self.progress.set_progress(done, total)

    def set_classes(self, names: tuple[str, ...], colors: np.ndarray) -> None:
        """One check box per class, in its colour, all checked (a new dataset).

        As many columns as fit in :data:`LEGEND_WIDTH` (5 for digits, 2 for
        Fashion-MNIST's names); beyond :data:`LEGEND_ROWS` rows the legend scrolls.
        """
        for b in self.class_boxes:
            self.legend.removeWidget(b)
            b.deleteLater()
        self.class_boxes = []
        self._n_classes = len(names)
        if len(names) > TOGGLE_LIMIT:  # thousands of boxes: minutes of layout, and useless
            return
        for i, name in enumerate(names):
            box = QCheckBox(f"● {name}")
            rgb = tuple(int(v) for v in colors[i % len(colors)])
            box.setStyleSheet(f"QCheckBox {{ color: {css(rgb)}; font-weight: bold; }}")  # before measuring
            box.setChecked(True)
            box.setToolTip(f"Show or hide class {name} on the map")
            box.toggled.connect(self._on_box_toggled)
            self.class_boxes.append(box)
        widest = max((b.sizeHint().width() for b in self.class_boxes), default=1)
        cols = max(1, min(5, (LEGEND_WIDTH + 2) // (widest + 2)))
        for i, box in enumerate(self.class_boxes):
            self.legend.addWidget(box, i // cols, i % cols)
        rows = -(-len(names) // cols)
        row_height = max((b.sizeHint().height() for b in self.class_boxes), default=0) + 2
        self.legend_area.setFixedHeight(min(rows, LEGEND_ROWS) * row_height)
        scrolls = rows > LEGEND_ROWS
        self.legend_area.setVerticalScrollBarPolicy(
            Qt.ScrollBarPolicy.ScrollBarAlwaysOn if scrolls else Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        bar = self.legend_area.verticalScrollBar().sizeHint().width() if scrolls else 0
        self.legend_area.setMinimumWidth(cols * (widest + 2) + bar)  # never cut at the right

    def set_color_key(self, html: str) -> None:
        """What the colours mean when they are not the classes' (split, score); empty hides it."""
        self.color_key.setText(html)
        self.color_key.setVisible(bool(html))

    def shown_classes(self) -> set[int]:
        if not self.class_boxes:
            return set(range(getattr(self, "_n_classes", 0)))
        return {i for i, b in enumerate(self.class_boxes) if b.isChecked()}

    def set_class_shown(self, label: int, on: bool) -> None:
        if label < len(self.class_boxes):
            self.class_boxes[label].setChecked(on)

    def _on_box_toggled(self, _on: bool) -> None:
        self.classes_changed.emit(self.shown_classes())

    def set_subset_info(self, text: str) -> None:
        """Say what the grid is filtered to; empty when it shows everything."""
        self.clear_button.setEnabled(bool(text))
        self.clear_button.setText(f"Show all ({text})" if text else "Show all")


class _HoverTip(QFrame):
    """A small frame over the plot with the hovered image and its label."""

    SCALE = 3

    def __init__(self, plot: MapPlot) -> None:
        super().__init__(plot)
        self.setStyleSheet(f"QFrame {{ background: {css(PLOT, 230)}; border: 1px solid {css(BORDER)}; }}"
                           f"QLabel {{ border: none; color: {css(FOREGROUND)}; }}")
        self.image = QLabel()
        self.text = QLabel()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.image, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.text)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.hide()

    def show_image(self, image: np.ndarray | None, text: str = "", at: QPointF | None = None) -> None:
        if image is None:
            self.hide()
            return
        img = np.ascontiguousarray(image, np.uint8)
        h, w = img.shape
        qimg = QImage(img.data, w, h, w, QImage.Format.Format_Grayscale8).copy()
        self.image.setPixmap(QPixmap.fromImage(qimg).scaled(w * self.SCALE, h * self.SCALE))
        self.text.setText(text)
        self.adjustSize()
        if at is not None:
            self.move(self._place(at))
        self.show()
        self.raise_()

    def _place(self, at: QPointF) -> QPoint:
        """Beside the pointer, on the side where the whole card fits inside the plot."""
        area = self.parentWidget().rect()
        x, y = int(at.x()) + 14, int(at.y()) + 14
        if x + self.width() > area.width():
            x = int(at.x()) - 14 - self.width()
        if y + self.height() > area.height():
            y = int(at.y()) - 14 - self.height()
        x = min(max(0, x), max(0, area.width() - self.width()))
        y = min(max(0, y), max(0, area.height() - self.height()))
        return QPoint(x, y)
