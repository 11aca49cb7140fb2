"""Tile labels as text at screen resolution: ONE graphics item, one paint pass.

Labels baked into the mosaic as 5x7 pixel digits were scaled down with the
images and became unreadable ("8" read as "0"). This item sits over the
mosaic and paints, in device pixels, the class name of every *visible* tile
in the strip under it: the tile positions are mapped to the screen with
numpy, and each class's text is rendered once, in its colour, into a small
image that is then stamped (an unscaled blit, far cheaper than laying text
out again) at every visible tile.
A 1,024-tile page costs one item, not 1,024. The same pass outlines flagged
tiles (suspicious samples) in red, so the mosaic itself can stay one grey image.
A relabelled tile (the recipe corrects its label) shows "old>new" in the
relabel colour, or the new name alone when the tile is too narrow for both.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPen

from ...core.view.grid_layout import GridLayout
from ...core.view.tile_text import class_tile_texts, tile_texts
from ...core.palette import FLAG, NEUTRAL, RELABELLED, class_color
from ..theme import qcolor

#: Smallest cap height of the label font, in screen pixels.
MIN_CAP_HEIGHT = 9.0
FLAG_COLOR = qcolor(FLAG)
RELABEL_COLOR = qcolor(RELABELLED)


def label_font() -> QFont:
    """The application's sans-serif font, bold, sized so capitals are at least 9 px tall."""
    font = QFont()
    font.setBold(True)
    size = 10
    while True:
        font.setPixelSize(size)
        if QFontMetricsF(font).capHeight() >= MIN_CAP_HEIGHT or size >= 24:
            return font
        size += 1


class TileLabels(pg.GraphicsObject):
    """Paints the class name of each visible tile, centred in its label strip."""

    def __init__(self) -> None:
        super().__init__()
        self.font = label_font()
        metrics = QFontMetricsF(self.font)
        self.text_height = metrics.height()
        self.strip_px = int(np.ceil(self.text_height)) + 2
        self._metrics = metrics
        self._names: list[str] = []
        self._texts: dict[int, list[tuple[float, str]]] = {}  # filled on first use: 100,000 classes are fine
        self._stamps: dict[tuple[object, str, float], QImage] = {}
        self._colors: dict[int, QColor] = {}
        self._min_width = 0.0
        self._layout: GridLayout | None = None
        self._labels = np.zeros(0, np.int64)
        self._new = np.zeros(0, np.int64)  # corrected label per tile, -1: its own
        self._flagged = np.zeros(0, bool)
        self._rect = QRectF()
        self.painted: dict[str, int] = {}  # text -> how many tiles showed it in the last paint

    # ------------------------------------------------------------------ content

    def set_names(self, names: list[str]) -> None:
        """Class names; each gets its colour and its texts (full, then shortened with an ellipsis).

        A last entry, "-" in grey, is what an unlabelled tile (label -1) shows:
        labels index these lists modulo their length. Texts and colours are
        made when a tile first shows the class (a dataset may have 100,000).
        """
        self._names = [str(name) for name in names] + ["-"]
        self._colors, self._texts, self._stamps = {}, {}, {}
        self._class_texts = class_tile_texts(self._names)  # None for many classes: made one by one
        shortest = {n if len(n) < 2 else n[0] + "…" for n in self._names}  # a name's narrowest variant
        self._min_width = min((self._metrics.horizontalAdvance(t) for t in shortest), default=0.0)

    def _color(self, label: int) -> QColor:
        label %= len(self._names)
        if label not in self._colors:
            last = label == len(self._names) - 1
            self._colors[label] = qcolor(NEUTRAL if last else class_color(label))
        return self._colors[label]

    def _variants_of(self, label: int) -> list[tuple[float, str]]:
        label %= len(self._names)
        if label not in self._texts:
            texts = (self._class_texts[label] if self._class_texts is not None
                     else tile_texts(self._names[label]))
            self._texts[label] = [(self._metrics.horizontalAdvance(t), t) for t in texts]
        return self._texts[label]

    def _stamp(self, label: int, text: str, ratio: float, relabelled: bool = False) -> QImage:
        """``text`` in class ``label``'s colour (or the relabel colour) on a transparent image,
        at ``ratio`` device pixels a pixel."""
        key = ("relabelled" if relabelled else label, text, ratio)
        if key not in self._stamps:
            font = QFont(self.font)
            font.setPixelSize(round(self.font.pixelSize() * ratio))
            metrics = QFontMetricsF(font)
            image = QImage(int(np.ceil(metrics.horizontalAdvance(text))) + 2, int(np.ceil(metrics.height())) + 1,
                           QImage.Format.Format_ARGB32_Premultiplied)
            image.fill(Qt.GlobalColor.transparent)
            p = QPainter(image)
            p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
            p.setFont(font)
            p.setPen(RELABEL_COLOR if relabelled else self._color(label))
            p.drawText(QPointF(1, metrics.ascent()), text)
            p.end()
            self._stamps[key] = image
        return self._stamps[key]

    @property
    def min_width(self) -> float:
        """Screen width of the narrowest label text (below it, labels are hidden)."""
        return self._min_width

    def text_for(self, label: int, width: float) -> str | None:
        """The text shown for class ``label`` in a tile ``width`` screen pixels wide (None: hidden)."""
        for w, text in self._variants_of(label):
            if w <= width:
                return text
        return None

    def relabel_text_for(self, label: int, new: int, width: float) -> str | None:
        """The text of a tile whose ``label`` the recipe corrects to ``new``: "5>6", else the new name alone."""
        names = self._names
        full = f"{names[label % len(names)]}>{names[new % len(names)]}"
        if self._metrics.horizontalAdvance(full) <= width:
            return full
        return self.text_for(new, width)

    def set_tiles(self, layout: GridLayout, labels: np.ndarray, flagged: np.ndarray | None = None,
                  new_labels: np.ndarray | None = None) -> None:
        """The page's geometry, each tile's class, which tiles to outline (boolean per tile) and
        the corrected label of each tile (``new_labels``; -1 or equal to ``labels``: not relabelled)."""
        self.prepareGeometryChange()
        self._layout = layout
        self._labels = np.asarray(labels, np.int64)
        new = np.full(len(self._labels), -1, np.int64) if new_labels is None else np.asarray(new_labels, np.int64)
        self._new = np.where(new == self._labels, -1, new)
        self._flagged = np.zeros(len(self._labels), bool) if flagged is None else np.asarray(flagged, bool)
        h, w = layout.mosaic_size
        self._rect = QRectF(0, 0, w, h)
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt override
        return self._rect

    # ------------------------------------------------------------------ painting

    def _anchors(self) -> tuple[np.ndarray, np.ndarray]:
        """Mosaic (x centre, y top) of every tile's label strip."""
        lay = self._layout
        n = len(self._labels)
        rows, cols = np.divmod(np.arange(n), lay.columns)
        x = lay.gap + cols * (lay.tile[1] + lay.gap) + lay.tile[1] / 2
        y = lay.gap + rows * (lay.cell[0] + lay.gap) + lay.tile[0]
        return x, y

    def paint(self, p: QPainter, *args) -> None:
        self.painted = {}
        lay = self._layout
        if lay is None or not len(self._labels):
            return
        t = p.transform()
        sx, sy, dx, dy = t.m11(), t.m22(), t.dx(), t.dy()
        x, y = self._anchors()
        x, y = x * sx + dx, y * sy + dy
        device = p.device()
        tile_w, tile_h = lay.tile[1] * sx, lay.tile[0] * sy
        visible = (y > -self.strip_px) & (y - tile_h < device.height()) & (x > -tile_w) & (x < device.width() + tile_w)
        idx = np.flatnonzero(visible)
        if not len(idx):
            return
        p.save()
        p.resetTransform()
        flagged = idx[self._flagged[idx]]
        if len(flagged):
            self._outline(p, x[flagged] - tile_w / 2, y[flagged] - tile_h, tile_w, tile_h + lay.strip * sy)
        if lay.strip and self._names:
            self._draw_texts(p, idx, x, y, tile_w, lay.strip * sy, p.device().devicePixelRatioF())
        p.restore()

    def _outline(self, p: QPainter, left, top, width: float, height: float) -> None:
        pen = QPen(FLAG_COLOR, 2)
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        for lx, ty in zip(left.tolist(), top.tolist()):
            p.drawRect(QRectF(lx - 1, ty - 1, width + 2, height + 2))

    def _draw_texts(self, p: QPainter, idx, x, y, tile_w: float, strip_h: float, ratio: float) -> None:
        labels, new = self._labels[idx], self._new[idx]
        width = (tile_w + 1) / ratio
        pairs = np.unique(np.stack([labels, new], 1), axis=0)
        for label, target in pairs.tolist():
            relabelled = target >= 0
            text = self.relabel_text_for(label, target, width) if relabelled else self.text_for(label, width)
            if text is None:
                continue
            stamp = self._stamp(label, text, ratio, relabelled)
            these = idx[(labels == label) & (new == target)]
            left = np.rint(x[these] - stamp.width() / 2)
            top = np.rint(y[these] + (strip_h - stamp.height()) / 2)
            for lx, ty in zip(left.tolist(), top.tolist()):
                p.drawImage(QPointF(lx, ty), stamp)
            self.painted[text] = self.painted.get(text, 0) + len(left)
