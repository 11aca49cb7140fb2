"""The confusion matrix as a clickable heat map, counts drawn as text at screen resolution."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPoint, QPointF, Signal
from PySide6.QtGui import QFont, QPen
from PySide6.QtWidgets import QGraphicsRectItem

from ...core.palette import FOREGROUND, HIGHLIGHT, PLOT, cell_ink, confusion_colors
from ..theme import qcolor

__all__ = ["ConfusionView"]


class ConfusionView(pg.GraphicsLayoutWidget):
    """Rows are true classes, columns predicted classes.

    Signals
    -------
    cell_clicked(int, int)
        (true class, predicted class) of the cell the user clicked.
    """

    cell_clicked = Signal(int, int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setBackground(qcolor(PLOT))
        self.plot = self.addPlot()
        self.plot.invertY(True)
        self.plot.setAspectLocked(True)
        self.plot.setMouseEnabled(False, False)
        self.plot.hideButtons()
        self.plot.setMenuEnabled(False)
        self.plot.setLabel("left", "true class")
        self.plot.setLabel("bottom", "predicted class")
        self.image = pg.ImageItem(axisOrder="row-major")
        self.plot.addItem(self.image)
        self._texts: list[pg.TextItem] = []
        self._n = 0
        self.selected: tuple[int, int] | None = None  # the cell whose images the grid shows
        self._outline = QGraphicsRectItem(0, 0, 1, 1)
        pen = QPen(qcolor(HIGHLIGHT), 3)
        pen.setCosmetic(True)  # 3 screen pixels whatever the matrix's scale
        self._outline.setPen(pen)
        self._outline.setZValue(10)
        self._outline.hide()
        self.plot.addItem(self._outline)
        self.empty_text = pg.TextItem("No evaluation yet: “Evaluate recipe”\ndraws the confusion matrix here",
                                      color=qcolor(FOREGROUND), anchor=(0.5, 0.5))
        self.plot.addItem(self.empty_text)
        self.set_matrix(None)
        self.setMinimumHeight(300)
        self.setMaximumHeight(360)  # about square in a side dock; the tables get the rest
        self.setToolTip("Click a cell to show those test samples in the grid, most confident first")
        self.scene().sigMouseClicked.connect(self._on_scene_clicked)

    def set_matrix(self, cm: np.ndarray | None, class_names: tuple[str, ...] = ()) -> None:
        """Show counts ``cm`` (None clears)."""
        for t in self._texts:
            self.plot.removeItem(t)
        self._texts = []
        empty = cm is None
        for side in ("left", "bottom"):  # no axes around nothing (pyqtgraph's default -400..400 "(x0.001)")
            self.plot.showAxis(side, not empty)
        self.empty_text.setVisible(empty)
        if empty:
            self.image.clear()
            self._n = 0
            self.set_selected(None)
            self.empty_text.setPos(0.5, 0.5)
            self.plot.setRange(xRange=(0, 1), yRange=(0, 1), padding=0)
            return
        n = self._n = len(cm)
        colors = confusion_colors(cm)  # the evaluation's PNG draws the same (EvaluationReport._repr_png_)
        self.image.setImage(colors, levels=None)
        self.image.setRect(0, 0, n, n)
        font = QFont()
        font.setPointSizeF(8 if n <= 10 else 6)
        for r in range(n):
            for c in range(n):
                ink = qcolor(cell_ink(colors[r, c], cm[r, c]))
                t = pg.TextItem(f"{int(cm[r, c]):,}", color=ink, anchor=(0.5, 0.5))
                t.setFont(font)
                t.setPos(c + 0.5, r + 0.5)
                self.plot.addItem(t)
                self._texts.append(t)
        short = all(len(s) <= 3 for s in class_names)
        ticks = [[(i + 0.5, class_names[i] if short and i < len(class_names) else str(i)) for i in range(n)]]
        self.plot.getAxis("bottom").setTicks(ticks)
        self.plot.getAxis("left").setTicks(ticks)
        self.plot.setRange(xRange=(0, n), yRange=(0, n), padding=0.01)

    def set_selected(self, cell: tuple[int, int] | None) -> None:
        """Outline the (true, predicted) cell shown in the grid (None: no cell)."""
        self.selected = cell if cell is not None and max(cell) < self._n else None
        if self.selected is None:
            self._outline.hide()
            return
        r, c = self.selected
        self._outline.setRect(c, r, 1, 1)
        self._outline.show()

    def cell_at(self, scene_pos: QPointF) -> tuple[int, int] | None:
        """(row, column) under a scene position, or None outside the matrix."""
        p = self.plot.vb.mapSceneToView(scene_pos)
        r, c = int(np.floor(p.y())), int(np.floor(p.x()))
        return (r, c) if 0 <= r < self._n and 0 <= c < self._n else None

    def cell_center(self, row: int, col: int) -> QPoint:
        """Widget coordinates of a cell's centre (where a click lands on it)."""
        scene = self.plot.vb.mapViewToScene(QPointF(col + 0.5, row + 0.5))
        return self.mapFromScene(scene)

    def _on_scene_clicked(self, event) -> None:
        cell = self.cell_at(event.scenePos())
        if cell is not None:
            self.cell_clicked.emit(*cell)
