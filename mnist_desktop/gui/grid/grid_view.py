"""The image grid: one page of tiles drawn as ONE pyqtgraph ImageItem mosaic.

The mosaic (tiles, coloured label strips, flag outlines) is built in numpy by
``core.mosaic``; this widget only shows it, draws the selection rectangle,
and turns mouse and keyboard input into signals.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QPen
from PySide6.QtWidgets import QGraphicsRectItem

from ...core.view.labels import label_strips
from ...core.view.mosaic import labeled_mosaic, tile_origin

pg.setConfigOptions(imageAxisOrder="row-major")

_KEYS = {
    Qt.Key.Key_Left: "left", Qt.Key.Key_Right: "right", Qt.Key.Key_Up: "up", Qt.Key.Key_Down: "down",
    Qt.Key.Key_PageUp: "page_up", Qt.Key.Key_PageDown: "page_down",
    Qt.Key.Key_Home: "home", Qt.Key.Key_End: "end",
}


class GridView(pg.GraphicsView):
    """Shows a page of labelled tiles; pan with the mouse, zoom with the wheel or +/-.

    Signals
    -------
    tile_clicked(int)
        Position on the page of the tile that was clicked.
    tile_hovered(int, int, int)
        (position on page, x, y) of the pixel under the mouse; position -1 off the tiles.
    key_move(str)
        A navigation key: left, right, up, down, page_up, page_down, home, end.
    """

    tile_clicked = Signal(int)
    tile_hovered = Signal(int, int, int)
    key_move = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent, background=QColor(12, 12, 14))
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.box = pg.ViewBox(lockAspect=True, invertY=True, enableMenu=False)
        self.box.setDefaultPadding(0.01)
        self.setCentralItem(self.box)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.box.addItem(self.image)
        self.selection = QGraphicsRectItem()
        pen = QPen(QColor(255, 214, 10), 2.5)
        pen.setCosmetic(True)
        self.selection.setPen(pen)
        self.selection.setZValue(10)
        self.selection.hide()
        self.box.addItem(self.selection, ignoreBounds=True)
        self.columns = 32
        self.gap = 2
        self.tile = (28, 28)
        self.strip_height = 9
        self._strips = label_strips(10, 28)
        self._count = 0
        self._mosaic_size = (0, 0)
        self.scene().sigMouseMoved.connect(self._on_scene_mouse_moved)
        self.scene().sigMouseClicked.connect(self._on_scene_mouse_clicked)

    # ------------------------------------------------------------------ content

    def set_classes(self, n_classes: int, tile: tuple[int, int]) -> None:
        """Prepare label strips for ``n_classes`` classes and tiles of ``tile`` (h, w)."""
        self.tile = tile
        self._strips = label_strips(max(n_classes, 1), tile[1])
        self.strip_height = self._strips.shape[1]

    def set_page(self, images: np.ndarray, labels: np.ndarray, flagged: np.ndarray | None = None,
                 *, columns: int | None = None, dimmed: np.ndarray | None = None) -> None:
        """Show ``images`` (n, h, w) uint8 with their labels, ``columns`` per row.

        ``flagged`` tiles get a red outline; ``dimmed`` ones (excluded from the
        export) are drawn at a quarter of their brightness.
        """
        if dimmed is not None and dimmed.any():
            images = images.copy()
            images[dimmed] //= 4
        if columns:
            self.columns = columns
        self._count = len(images)
        if not len(images):
            self.image.clear()
            self.selection.hide()
            return
        mosaic = labeled_mosaic(images, labels, self._strips, self.columns, gap=self.gap, flagged=flagged)
        first = self._mosaic_size == (0, 0)
        resized = mosaic.shape[:2] != self._mosaic_size
        self._mosaic_size = mosaic.shape[:2]
        self.image.setImage(mosaic, autoLevels=False)
        if first or resized:
            self.fit_width()

    @property
    def count(self) -> int:
        return self._count

    def cell_rect(self, position: int) -> QRectF:
        """Scene rectangle of the tile (with its label strip) at ``position``."""
        h = self.tile[0] + self.strip_height
        y, x = tile_origin(position, self.columns, (h, self.tile[1]), self.gap)
        return QRectF(x - 1, y - 1, self.tile[1] + 2, h + 2)

    def set_selected(self, position: int | None) -> None:
        """Outline the tile at ``position`` on this page (None hides the outline)."""
        if position is None or not 0 <= position < self._count:
            self.selection.hide()
            return
        rect = self.cell_rect(position)
        self.selection.setRect(rect)
        self.selection.show()
        view = self.box.viewRect()
        if not view.contains(rect):
            self.box.translateBy(x=_shift(view.left(), view.right(), rect.left(), rect.right()),
                                 y=_shift(view.top(), view.bottom(), rect.top(), rect.bottom()))

    # ------------------------------------------------------------------ zoom

    def fit_width(self) -> None:
        """Show the full width of the page, starting at its top."""
        h, w = self._mosaic_size
        if not w:
            return
        vw, vh = max(self.width(), 1), max(self.height(), 1)
        visible_h = min(h, w * vh / vw)
        self.box.setRange(QRectF(0, 0, w, visible_h), padding=0)

    def zoom(self, factor: float) -> None:
        """Zoom in (factor > 1) or out around the view's centre."""
        self.box.scaleBy(s=(1 / factor, 1 / factor))

    # ------------------------------------------------------------------ input

    def _tile_at(self, scene_pos) -> tuple[int, int, int]:
        p = self.box.mapSceneToView(scene_pos)
        x, y = int(np.floor(p.x())) - self.gap, int(np.floor(p.y())) - self.gap
        cw, ch = self.tile[1] + self.gap, self.tile[0] + self.strip_height + self.gap
        if x < 0 or y < 0:
            return -1, 0, 0
        col, px = divmod(x, cw)
        row, py = divmod(y, ch)
        pos = row * self.columns + col
        if col >= self.columns or pos >= self._count or px >= self.tile[1] or py >= self.tile[0] + self.strip_height:
            return -1, 0, 0
        return pos, px, min(py, self.tile[0] - 1)

    def _on_scene_mouse_moved(self, scene_pos) -> None:
        pos, x, y = self._tile_at(scene_pos)
        self.tile_hovered.emit(pos, x, y)

    def _on_scene_mouse_clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        pos, _, _ = self._tile_at(event.scenePos())
        if pos >= 0:
            self.setFocus()
            self.tile_clicked.emit(pos)

    def wheelEvent(self, ev) -> None:  # noqa: N802 - Qt override
        """The wheel scrolls the page; with Ctrl it zooms (around the view centre)."""
        dy = ev.angleDelta().y()
        if ev.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom(1.15 if dy > 0 else 1 / 1.15)
        else:
            view = self.box.viewRect()
            self.box.translateBy(y=-dy / 120 * view.height() * 0.15)
        ev.accept()

    def keyPressEvent(self, ev: QKeyEvent) -> None:  # noqa: N802 - Qt override
        key = ev.key()
        if key in _KEYS:
            self.key_move.emit(_KEYS[key])
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom(1.25)
        elif key == Qt.Key.Key_Minus:
            self.zoom(0.8)
        else:
            super().keyPressEvent(ev)
            return
        ev.accept()


def _shift(lo: float, hi: float, a: float, b: float) -> float:
    """How far to move a view [lo, hi] so that [a, b] is inside it."""
    if a < lo:
        return a - lo
    if b > hi:
        return b - hi
    return 0.0
