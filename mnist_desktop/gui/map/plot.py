"""The map's plot: ONE pixel-mode scatter of every point, plus a few marks.

70,000 points stay smooth because they are one ``ScatterPlotItem`` in pixel
mode with a handful of shared brushes (pyqtgraph draws them as fragments of
one cached atlas), not 70,000 items. Flag, exclusion and selection marks are
three small overlay scatters. The points item caches its drawing in device
coordinates, so panning moves a cached picture (4x less CPU per frame at
70,000 points) and only zooming or new data redraws it. Hit testing (hover, click, lasso) is done here
in numpy with :mod:`core.map.select`, not with pyqtgraph's per-point search.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QSize, Qt, Signal
from PySide6.QtWidgets import QGraphicsItem

from ...core.map.select import nearest_point, points_in_polygon, points_in_rect
from ...core.palette import EXCLUDED, FLAG, HIGHLIGHT, LASSO, PLOT
from ..theme import qcolor
#: Pick radius of hover and click, in screen pixels.
PICK_PIXELS = 6


class SelectViewBox(pg.ViewBox):
    """Pans and zooms; in "lasso" or "rect" mode, or with Shift held, a left drag draws a shape.

    Signals
    -------
    shape_drawn(str, object)
        ("lasso", (M, 2) polygon) or ("rect", (2, 2) corners), in data coordinates.
    """

    shape_drawn = Signal(str, object)

    def __init__(self) -> None:
        super().__init__()
        self.mode = "pan"
        self._path: list[tuple[float, float]] = []
        self.outline = pg.PlotCurveItem(pen=pg.mkPen(qcolor(LASSO), width=1, style=Qt.PenStyle.DashLine))
        self.addItem(self.outline, ignoreBounds=True)

    def mouseDragEvent(self, ev, axis=None) -> None:  # noqa: N802 - pyqtgraph override
        shift = bool(ev.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        mode = self.mode if self.mode != "pan" else ("lasso" if shift else "pan")
        if ev.button() != Qt.MouseButton.LeftButton or mode == "pan":
            super().mouseDragEvent(ev, axis)
            return
        ev.accept()
        if ev.isStart():
            start = self.mapSceneToView(ev.buttonDownScenePos())
            self._path = [(start.x(), start.y())]
        p = self.mapSceneToView(ev.scenePos())
        self._path.append((p.x(), p.y()))
        pts = np.array(self._path)
        shape = pts if mode == "lasso" else np.array([pts[0], pts[-1]])
        outline = _closed(shape) if mode == "lasso" else _rect_outline(shape)
        self.outline.setData(outline[:, 0], outline[:, 1])
        if ev.isFinish():
            self.outline.setData([], [])
            self._path = []
            self.shape_drawn.emit(mode, shape)


def _closed(poly: np.ndarray) -> np.ndarray:
    return np.vstack([poly, poly[:1]])


def _rect_outline(corners: np.ndarray) -> np.ndarray:
    (x0, y0), (x1, y1) = corners
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]])


class MapPlot(pg.PlotWidget):
    """Points coloured per global index, with hover, click and lasso / rectangle selection.

    Signals
    -------
    point_hovered(int, object)
        Global index under the mouse (-1: none) and the mouse position in widget pixels (QPointF).
    point_clicked(int)
        Global index clicked.
    selected(object, str)
        Global indices inside a drawn lasso or rectangle, and "lasso" or "rect".
    """

    point_hovered = Signal(int, object)
    point_clicked = Signal(int)
    selected = Signal(object, str)

    def __init__(self, parent=None) -> None:
        self.box = SelectViewBox()
        super().__init__(parent, viewBox=self.box, background=qcolor(PLOT))
        self.hideAxis("left")
        self.hideAxis("bottom")
        self.setAspectLocked(True)
        self.setMenuEnabled(False)
        self.points = pg.ScatterPlotItem(pxMode=True, size=4, pen=None, symbol="o")
        self.points.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.flag_marks = pg.ScatterPlotItem(pxMode=True, size=9, pen=pg.mkPen(qcolor(FLAG), width=1.2),
                                             brush=None, symbol="o")
        self.excluded_marks = pg.ScatterPlotItem(pxMode=True, size=8, pen=pg.mkPen(qcolor(EXCLUDED), width=1.5),
                                                 brush=None, symbol="x")
        self.selection_mark = pg.ScatterPlotItem(pxMode=True, size=16, pen=pg.mkPen(qcolor(HIGHLIGHT), width=2),
                                                 brush=None, symbol="o")
        for item in (self.points, self.flag_marks, self.excluded_marks, self.selection_mark):
            self.addItem(item)
        self.coords = np.zeros((0, 2), np.float32)
        self.shown = np.zeros(0, np.int64)  # global indices drawn, in drawing order
        self._brushes: np.ndarray = np.zeros(0, object)
        self._flagged = self._excluded = None
        self._selected: int | None = None
        self._fitted = True  # the whole map is in view and nobody zoomed or panned since: keep it so
        self.box.sigRangeChangedManually.connect(self._on_box_range_changed_manually)
        self.box.shape_drawn.connect(self._on_box_shape_drawn)
        self.scene().sigMouseMoved.connect(self._on_scene_mouse_moved)
        self.scene().sigMouseClicked.connect(self._on_scene_mouse_clicked)

    # ------------------------------------------------------------------ drawing

    def show_points(self, coords: np.ndarray, shown: np.ndarray, brushes: np.ndarray, *,
                    fit: bool = False) -> None:
        """Draw ``coords[shown]`` in that order with ``brushes[shown]`` (QBrush per global index)."""
        self.coords, self.shown, self._brushes = coords, np.asarray(shown, np.int64), brushes
        self.points.setData(pos=coords[self.shown], brush=list(brushes[self.shown]))
        self._draw_marks()
        if fit:
            self.fit()

    def fit(self) -> None:
        """The whole map in view; it stays whole when the plot is resized, until the user zooms or pans."""
        self._fitted = True
        if len(self.shown):
            self.box.autoRange(padding=0.04)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        # a dock moved to another column cut the map at its edges (getattr: Qt resizes during __init__)
        if getattr(self, "_fitted", False) and len(self.shown):
            self.box.autoRange(padding=0.04)

    def _on_box_range_changed_manually(self, *_) -> None:
        self._fitted = False

    def set_marks(self, flagged: np.ndarray | None, excluded: np.ndarray | None) -> None:
        """Ring the flagged samples, cross the excluded ones (boolean masks per global index)."""
        self._flagged, self._excluded = flagged, excluded
        self._draw_marks()

    def set_selected(self, index: int | None) -> None:
        self._selected = index
        self._draw_marks()

    def _draw_marks(self) -> None:
        visible = np.zeros(len(self.coords), bool)
        visible[self.shown] = True
        for item, mask in ((self.flag_marks, self._flagged), (self.excluded_marks, self._excluded)):
            keep = visible & mask if mask is not None and len(mask) == len(visible) else np.zeros(0, bool)
            item.setData(pos=self.coords[keep] if len(keep) else np.zeros((0, 2)))
        sel = self._selected
        on = sel is not None and 0 <= sel < len(self.coords)
        self.selection_mark.setData(pos=self.coords[[sel]] if on else np.zeros((0, 2)))

    # ------------------------------------------------------------------ picking

    def point_at(self, scene_pos: QPointF, radius: float = PICK_PIXELS) -> int:
        """Global index of the drawn point within ``radius`` pixels of a scene position, else -1."""
        if not len(self.shown):
            return -1
        p = self.box.mapSceneToView(scene_pos)
        px = self.box.viewPixelSize()
        i = nearest_point(self.coords[self.shown], (p.x(), p.y()), px, radius)
        return int(self.shown[i]) if i >= 0 else -1

    def indices_in(self, kind: str, shape: np.ndarray) -> np.ndarray:
        """Global indices of the drawn points inside a lasso polygon or a rectangle, ascending."""
        pts = self.coords[self.shown]
        inside = points_in_polygon(pts, shape) if kind == "lasso" else points_in_rect(pts, shape[0], shape[1])
        return np.sort(self.shown[inside])

    def _on_box_shape_drawn(self, kind: str, shape: np.ndarray) -> None:
        self.selected.emit(self.indices_in(kind, shape), kind)

    def _on_scene_mouse_moved(self, scene_pos: QPointF) -> None:
        index = self.point_at(scene_pos)
        self.point_hovered.emit(index, self.mapFromScene(scene_pos))

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """Modest: the dock's scroll area sizes a panel with wrapping labels by its preferred height, and
        pyqtgraph's 640x480 made the Map panel taller than an 800x600 window (the map cut at the bottom)."""
        return QSize(260, 220)

    def leaveEvent(self, event) -> None:  # noqa: N802 - Qt override
        """The pointer left the plot: nothing is hovered any more (the hover card goes)."""
        super().leaveEvent(event)
        self.point_hovered.emit(-1, QPointF())

    def _on_scene_mouse_clicked(self, ev) -> None:
        if ev.button() != Qt.MouseButton.LeftButton or ev.double():
            return  # (the scatter itself may have accepted the click: its own pick is not used)
        index = self.point_at(ev.scenePos(), PICK_PIXELS + 2)
        if index >= 0:
            ev.accept()
            self.point_clicked.emit(index)
