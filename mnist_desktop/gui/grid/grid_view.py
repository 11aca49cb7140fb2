"""The image grid: one page of tiles as ONE pyqtgraph ImageItem mosaic, fitted to the window.

The mosaic (grey tiles over blank label strips) is built in numpy by
``core.draw.mosaic.make_mosaic``; where the tiles go is ``core.view.grid_layout``: the
columns follow the viewport width at the chosen zoom, the mosaic fills the
width exactly, and the page scrolls vertically inside bounds, with a real
scroll bar (mouse and keys: ``input.py``). The labels (and the outlines of flagged tiles) are painted at
screen resolution by one :class:`~.labels_item.TileLabels` item. This widget turns mouse and keyboard
input into signals and never looks at the dataset itself.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QPen
from PySide6.QtWidgets import QGraphicsRectItem, QLabel, QScrollBar

from ...core.view.grid_layout import ZOOM_DEFAULT, GridLayout, clamp_zoom, fit_layout, zoom_to_fit
from ...core.draw.mosaic import make_mosaic
from .input import GridInput
from .labels_item import TileLabels
from ...core.palette import CANVAS, FOREGROUND, HIGHLIGHT, PLOT
from ..theme import css, qcolor

BACKGROUND = CANVAS[0]  # a grey level: the mosaic is one grey image, colour comes from the labels item
STRIP = 34
class GridView(GridInput, pg.GraphicsView):
    """Shows a page of labelled tiles that fills the viewport width; scroll, zoom with Ctrl+wheel or +/-.

    Signals
    -------
    tile_clicked(int)
        Position on the page of the tile that was clicked.
    tile_hovered(int, int, int)
        (position on page, x, y) of the pixel under the mouse; position -1 off the tiles.
    key_move(str)
        A navigation key: left, right, up, down, page_up, page_down, home, end.
    columns_changed(int)
        The number of tiles per row changed (window resized or zoomed).
    page_edge(int)
        The wheel pushed past the bottom (+1) or the top (-1) of the page.
    zoom_changed(float)
        The chosen zoom (screen pixels per image pixel) changed.
    """

    tile_clicked = Signal(int)
    tile_hovered = Signal(int, int, int)
    key_move = Signal(str)
    columns_changed = Signal(int)
    page_edge = Signal(int)
    zoom_changed = Signal(float)

    def __init__(self, parent=None, zoom: float = ZOOM_DEFAULT) -> None:
        super().__init__(parent, background=qcolor(CANVAS))
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(240, 160)
        self.box = pg.ViewBox(lockAspect=False, invertY=True, enableMenu=False)
        self.box.setMouseEnabled(False, False)
        self.box.disableAutoRange()
        self.setCentralItem(self.box)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.box.addItem(self.image)
        self.labels = TileLabels()
        self.labels.setZValue(5)
        self.box.addItem(self.labels, ignoreBounds=True)
        self.selection = _selection_item()
        self.box.addItem(self.selection, ignoreBounds=True)
        self.scrollbar = QScrollBar(Qt.Orientation.Vertical)
        self.scrollbar.valueChanged.connect(self._on_scrollbar_value_changed)
        self.message = _overlay_label(self, f"font-size: 15px; color: {css(FOREGROUND)};")
        self.badge = _overlay_label(self, f"background: {css(PLOT, 220)}; color: {css(HIGHLIGHT)}; padding: 3px 8px;"
                                          " border-radius: 4px;")
        self.gap = 2
        self.tile = (28, 28)
        self.zoom_level = zoom
        self.grid_layout: GridLayout = fit_layout(0, 1, zoom, self.tile, gap=self.gap)
        self._top = 0.0
        self._wheel_push = 0
        self._page: tuple = (np.zeros((0, 28, 28), np.uint8), np.zeros(0, np.int64), None)
        self._new_labels: np.ndarray | None = None
        self._drawn = False  # the page on screen is _page as drawn for the current classes
        self._selected: int | None = None
        self.scene().sigMouseMoved.connect(self._on_scene_mouse_moved)
        self.scene().sigMouseClicked.connect(self._on_scene_mouse_clicked)

    # ------------------------------------------------------------------ content

    def set_classes(self, names: list[str], tile: tuple[int, int]) -> None:
        """Class names (drawn under the tiles) and the image size (h, w)."""
        self.tile = tuple(tile)
        self.labels.set_names([str(n) for n in names])
        self._drawn = False

    def set_page(self, images: np.ndarray, labels: np.ndarray, flagged: np.ndarray | None = None,
                 *, dimmed: np.ndarray | None = None, new_labels: np.ndarray | None = None) -> None:
        """Show ``images`` (n, h, w) uint8 with their labels.

        ``flagged`` tiles get a red outline; ``dimmed`` ones (excluded from the
        export) are drawn at a quarter of their brightness; ``new_labels``
        (the recipe's corrected label per tile) label a relabelled tile "5>6".
        """
        if dimmed is not None and dimmed.any():
            images = images.copy()
            images[dimmed] //= 4
        page = (images, np.asarray(labels), flagged)
        if self._drawn and all(map(_same, (*page, new_labels), (*self._page, self._new_labels))):
            return  # the same tiles (a recipe change with the originals shown): a repaint of 1,024 tiles saved
        self._page = page
        self._new_labels = new_labels
        self._drawn = True
        self._relayout(force=True)
        self.rehover()

    @property
    def count(self) -> int:
        return len(self._page[0])

    @property
    def columns(self) -> int:
        return self.grid_layout.columns

    @property
    def strip_height(self) -> int:
        """Height of the label strip under each tile, in mosaic pixels (0: labels hidden)."""
        return self.grid_layout.strip

    def set_message(self, text: str) -> None:
        """A message in the middle of the grid (empty page); "" hides it."""
        self.message.setText(text)
        self.message.setVisible(bool(text))
        self._place_overlays()

    def set_badge(self, text: str) -> None:
        """A short state note ("Computing processed images…") above the grid (GridPage); "" hides it."""
        self.badge.setText(text)
        self.badge.setVisible(bool(text))
        self._place_overlays()

    def cell_rect(self, position: int) -> QRectF:
        """Mosaic rectangle of the tile (with its label strip) at ``position``, plus a 1 px margin."""
        y, x = self.grid_layout.origin(position)
        h, w = self.grid_layout.cell
        return QRectF(x - 1, y - 1, w + 2, h + 2)

    def set_selected(self, position: int | None) -> None:
        """Outline the tile at ``position`` on this page and scroll it into view (None hides it)."""
        if position is None or not 0 <= position < self.count:
            self._selected = None
            self.selection.hide()
            return
        self._selected = position
        self.selection.setRect(self.cell_rect(position))
        self.selection.show()
        self.ensure_visible(position)

    def ensure_visible(self, position: int) -> None:
        """Scroll as little as needed to show the whole tile at ``position``."""
        lay = self.grid_layout
        y, _ = lay.origin(position)
        s, vh = lay.scale, self.viewport().height()
        top, bottom = (y - lay.gap) * s, (y + lay.cell[0] + lay.gap) * s
        if top < self._top:
            self.scroll_to(top)
        elif bottom > self._top + vh:
            self.scroll_to(bottom - vh)

    # ------------------------------------------------------------------ layout, scrolling and zoom

    def _relayout(self, *, force: bool = False, anchor: tuple[int, float, float] | None = None) -> None:
        """Recompute the layout for the viewport; rebuild the mosaic when the tiles move.

        ``anchor`` = (tile, fraction of its cell height, viewport y): keep that
        point of that tile at that height (zoom about the cursor, resize).
        """
        old = self.grid_layout
        lay = fit_layout(self.count, self.viewport().width(), self.zoom_level, self.tile, gap=self.gap,
                         strip_px=self.labels.strip_px, label_min_px=self.labels.min_width)
        self.grid_layout = lay
        if force or (lay.columns, lay.strip, lay.count) != (old.columns, old.strip, old.count):
            self._build_mosaic()
        if anchor is not None and 0 <= anchor[0] < max(lay.count, 1):
            y, _ = lay.origin(anchor[0])
            self._top = (y + anchor[1] * (lay.cell[0] + lay.gap)) * lay.scale - anchor[2]
        self.scroll_to(self._top)
        if self._selected is not None:
            self.selection.setRect(self.cell_rect(self._selected))
        if lay.columns != old.columns:
            self.columns_changed.emit(lay.columns)

    def _build_mosaic(self) -> None:
        images, labels, flagged = self._page
        lay = self.grid_layout
        self.labels.set_tiles(lay, labels, flagged, self._new_labels)
        if not self.count:
            self.image.clear()
            self.selection.hide()
            return
        th = self.tile[0]
        cells = np.empty((len(images), th + lay.strip, self.tile[1], *images.shape[3:]), np.uint8)  # RGB kept
        cells[:, :th] = images
        cells[:, th:] = STRIP
        self.image.setImage(make_mosaic(cells, lay.columns, gap=self.gap, fill=BACKGROUND), levels=(0, 255))

    def tile_pixels(self, position: int) -> np.ndarray:
        """The image pixels of tile ``position`` as drawn in the mosaic (h, w) uint8."""
        y, x = self.grid_layout.origin(position)
        return self.image.image[y:y + self.tile[0], x:x + self.tile[1]]

    def scroll_to(self, top: float) -> None:
        """Scroll so that screen row ``top`` of the page is at the viewport's top (clamped to the page)."""
        vh = self.viewport().height()
        lay = self.grid_layout
        self._top = lay.clamp_top(top, vh)
        h, w = lay.mosaic_size
        self.box.setRange(xRange=(0, w), yRange=(self._top / lay.scale, (self._top + vh) / lay.scale), padding=0)
        bar = self.scrollbar
        bar.blockSignals(True)
        bar.setRange(0, int(np.ceil(lay.max_top(vh))))
        bar.setPageStep(max(vh, 1))
        bar.setSingleStep(max(int(lay.row_pitch), 1))
        bar.setValue(int(round(self._top)))
        bar.blockSignals(False)
        bar.setEnabled(bar.maximum() > 0)

    @property
    def top(self) -> float:
        """Screen pixels scrolled from the page's top."""
        return self._top

    def visible_rows(self) -> tuple[float, float]:
        """(top, bottom) of the viewport in mosaic pixels."""
        s = self.grid_layout.scale
        return self._top / s, (self._top + self.viewport().height()) / s

    def set_zoom(self, zoom: float, anchor_point: QPointF | None = None) -> None:
        """Show tiles at ``zoom`` screen pixels per image pixel (clamped), keeping a point still.

        ``anchor_point`` (viewport coordinates, e.g. the cursor) stays over
        the same tile; without it the selected tile stays in place, or the top row.
        """
        zoom = clamp_zoom(zoom, self.viewport().width(), self.tile[1], self.gap)
        anchor = self._anchor(anchor_point)
        if zoom == self.zoom_level:
            return
        self.zoom_level = zoom
        self._relayout(anchor=anchor)
        self.rehover()
        self.zoom_changed.emit(zoom)

    def zoom(self, factor: float, anchor_point: QPointF | None = None) -> None:
        """Zoom in (factor > 1) or out about ``anchor_point`` (see :meth:`set_zoom`)."""
        self.set_zoom(self.zoom_level * factor, anchor_point)

    def reset_zoom(self) -> None:
        """Back to one screen pixel per image pixel (Ctrl+0)."""
        self.set_zoom(ZOOM_DEFAULT)

    def fit_page(self) -> None:
        """The largest tiles at which the whole page fits the viewport."""
        vp = self.viewport()
        self.set_zoom(zoom_to_fit(self.count, (vp.width(), vp.height()), self.tile, gap=self.gap,
                                  strip_px=self.labels.strip_px, label_min_px=self.labels.min_width))
        self.scroll_to(0)

    def _anchor(self, point: QPointF | None) -> tuple[int, float, float]:
        """(tile, fraction of its cell, viewport y) to hold still while the layout changes."""
        lay = self.grid_layout
        s = lay.scale
        if point is None and self._selected is not None:
            rect = self.cell_rect(self._selected)
            vy = rect.top() * s - self._top
            if 0 <= vy < self.viewport().height():
                return self._selected, 0.0, vy
        if point is None:
            point = QPointF(0, 0)
        mx, my = point.x() / s, (point.y() + self._top) / s
        row = int(max(my - lay.gap, 0) // (lay.cell[0] + lay.gap))
        col = min(int(max(mx - lay.gap, 0) // (lay.tile[1] + lay.gap)), lay.columns - 1)
        frac = (my - lay.gap - row * (lay.cell[0] + lay.gap)) / (lay.cell[0] + lay.gap)
        return min(row * lay.columns + col, max(lay.count - 1, 0)), frac, point.y()

    def resizeEvent(self, ev) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(ev)
        if hasattr(self, "grid_layout"):
            self._relayout(anchor=self._anchor(None))
            self._place_overlays()

    def _place_overlays(self) -> None:
        vp = self.viewport().geometry()
        self.message.adjustSize()
        self.message.move(vp.center() - self.message.rect().center())
        if self.badge.parentWidget() is self:  # a grid on its own; GridPage puts it in a strip above
            self.badge.adjustSize()
            self.badge.move(vp.right() - self.badge.width() - 8, vp.top() + 8)

    def _on_scrollbar_value_changed(self, value: int) -> None:
        self.scroll_to(value)
        self.rehover()


def _selection_item() -> QGraphicsRectItem:
    item = QGraphicsRectItem()
    pen = QPen(qcolor(HIGHLIGHT), 2.5)
    pen.setCosmetic(True)
    item.setPen(pen)
    item.setZValue(10)
    item.hide()
    return item


def _overlay_label(parent, style: str) -> QLabel:
    label = QLabel(parent)
    label.setStyleSheet(style)
    label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.hide()
    return label


def _same(a: np.ndarray | None, b: np.ndarray | None) -> bool:
    """Whether two optional arrays hold the same values (cheap next to redrawing a page)."""
    if a is None or b is None:
        return a is b
    return a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a, b)
