"""Tile labels as text at screen resolution: ONE graphics item, one paint pass.

Labels baked into the mosaic as 5x7 pixel digits were scaled down with the
images and became unreadable ("8" read as "0"). This item sits over the
mosaic and paints, in device pixels, the class name of every *visible* tile
in the strip under it: the tile positions are mapped to the screen with
numpy, and each class's text is a cached ``QStaticText`` drawn in its colour.
A 1,024-tile page costs one item, not 1,024.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen, QStaticText

from ...core.view.grid_layout import GridLayout
from ...core.view.labels import class_color

#: Smallest cap height of the label font, in screen pixels.
MIN_CAP_HEIGHT = 9.0


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
        self._texts: list[list[tuple[float, QStaticText]]] = []
        self._colors: list[QColor] = []
        self._layout: GridLayout | None = None
        self._labels = np.zeros(0, np.int64)
        self._rect = QRectF()
        self.painted: dict[str, int] = {}  # text -> how many tiles showed it in the last paint

    # ------------------------------------------------------------------ content

    def set_names(self, names: list[str]) -> None:
        """Class names; each gets its colour and its texts (full, then shortened with an ellipsis)."""
        self._colors = [QColor(*class_color(i)) for i in range(len(names))]
        self._texts = [self._variants(str(name)) for name in names]

    def _variants(self, name: str) -> list[tuple[float, QStaticText]]:
        """(width, text) from the full name down to its first letter plus an ellipsis, widest first."""
        out = []
        for text in [name] + [name[:k] + "…" for k in range(len(name) - 1, 0, -1)]:
            static = QStaticText(text)
            static.setTextFormat(Qt.TextFormat.PlainText)
            static.prepare(font=self.font)
            out.append((self._metrics.horizontalAdvance(text), static))
        return out

    @property
    def min_width(self) -> float:
        """Screen width of the narrowest label text (below it, labels are hidden)."""
        return min((v[-1][0] for v in self._texts), default=0.0)

    def text_for(self, label: int, width: float) -> str | None:
        """The text shown for class ``label`` in a tile ``width`` screen pixels wide (None: hidden)."""
        for w, static in self._texts[label]:
            if w <= width:
                return static.text()
        return None

    def set_tiles(self, layout: GridLayout, labels: np.ndarray) -> None:
        """The page's geometry and each tile's class."""
        self.prepareGeometryChange()
        self._layout = layout
        self._labels = np.asarray(labels, np.int64)
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
        if lay is None or lay.strip == 0 or not len(self._labels) or not self._texts:
            return
        t = p.transform()
        sx, sy, dx, dy = t.m11(), t.m22(), t.dx(), t.dy()
        x, y = self._anchors()
        x, y = x * sx + dx, y * sy + dy
        device = p.device()
        visible = (y > -self.strip_px) & (y < device.height()) & (x > -lay.tile[1] * sx) & (x < device.width() + lay.tile[1] * sx)
        idx = np.flatnonzero(visible)
        if not len(idx):
            return
        tile_w = lay.tile[1] * sx
        strip_h = lay.strip * sy
        p.save()
        p.resetTransform()
        p.setFont(self.font)
        labels = self._labels[idx]
        for label in np.unique(labels):
            fit = [(w, s) for w, s in self._texts[int(label) % len(self._texts)] if w <= tile_w + 1]
            if not fit:
                continue
            width, static = fit[0]
            p.setPen(QPen(self._colors[int(label) % len(self._colors)]))
            left = np.rint(x[idx[labels == label]] - width / 2)
            top = np.rint(y[idx[labels == label]] + (strip_h - self.text_height) / 2)
            for lx, ty in zip(left.tolist(), top.tolist()):
                p.drawStaticText(QPointF(lx, ty), static)
            self.painted[static.text()] = len(left)
        p.restore()
