"""The selected image, large, with its identity, the pixel under the mouse and its histogram."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ...core.palette import ACCENT, CANVAS, CHANNEL_COLORS, INK_DARK, NEUTRAL, RELABELLED, class_color
from ...core.stats import intensity_histogram
from ..theme import STILL_IMAGE, css, qcolor

HOVER_HINT = "Move the mouse over the image to read pixel values"
#: Narrowest the panel gets: the histogram's title and its 0..255 axis stay whole (a narrower dock scrolls).
MIN_WIDTH = 230
#: Intensity ticks of the histogram: the axis visibly ends at 255 at any width.
INTENSITY_TICKS = (0, 64, 128, 192, 255)


class _Canvas(pg.GraphicsLayoutWidget):
    """The image and histogram canvas, with a preferred size that fits a small window's dock.

    The dock's scroll area gives a panel with wrapping labels its preferred
    height; pyqtgraph's 640x480 made the panel taller than the dock at
    800x600, so the histogram's axis was scrolled out of view.
    """

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(MIN_WIDTH, 300)


class DetailView(QWidget):
    """Large view of one image.

    Signals
    -------
    pixel_hovered(int, int, int)
        (x, y, value) of the pixel under the mouse; x = -1 when off the image.
    """

    pixel_hovered = Signal(int, int, int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.title = QLabel("No image selected")
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setWordWrap(True)
        self.note = QLabel("")  # what a feature says about this image (e.g. the model's prediction)
        self.note.setTextFormat(Qt.TextFormat.RichText)
        self.note.setWordWrap(True)
        self.note.hide()
        self.pixel = QLabel(HOVER_HINT)
        self.pixel.setStyleSheet("color: palette(mid);")
        self.pixel.setWordWrap(True)
        self.canvas = _Canvas()
        self.canvas.setBackground(qcolor(CANVAS))
        self.box = self.canvas.addViewBox(row=0, col=0, **STILL_IMAGE)
        self.box.setDefaultPadding(0.02)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.box.addItem(self.image)
        self.rows_box = self.canvas.addViewBox(row=1, col=0, **STILL_IMAGE)
        self.rows_box.setDefaultPadding(0.02)
        self.rows_image = pg.ImageItem(axisOrder="row-major")
        self.rows_box.addItem(self.rows_image)
        self.rows_box.hide()
        self.hist = self.canvas.addPlot(row=2, col=0, enableMenu=False)
        self.hist.setMouseEnabled(False, False)
        self.hist.hideButtons()
        self.hist.setLabel("bottom", "intensity (non-zero pixels)")
        self.hist.setXRange(0, 256, padding=0.02)
        self.hist.getAxis("bottom").setTicks([[(v, str(v)) for v in INTENSITY_TICKS]])
        self.hist.getAxis("bottom").setStyle(hideOverlappingLabels=False)  # "0" and "255" at the ends too
        self.hist.setLabel("left", "pixels")
        self.hist_curve = self.hist.plot(stepMode="center", fillLevel=0, brush=qcolor(ACCENT, 120),
                                         pen=pg.mkPen(qcolor(ACCENT)))
        self.channel_curves: list[pg.PlotDataItem] = []  # R, G, B lines for colour images
        self.canvas.ci.layout.setRowStretchFactor(0, 3)
        self.canvas.ci.layout.setRowStretchFactor(1, 0)
        self.canvas.ci.layout.setRowStretchFactor(2, 2)
        self.rows_title = QLabel("")
        self.rows_title.setWordWrap(True)
        self.rows_title.setStyleSheet("color: palette(mid);")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.title)
        layout.addWidget(self.note)
        layout.addWidget(self.canvas, 1)
        layout.addWidget(self.rows_title)
        layout.addWidget(self.pixel)
        self._data: np.ndarray | None = None
        self._values: np.ndarray | None = None
        self._shown_key: tuple | None = None  # what show_image last drew (to skip drawing it again)
        self.canvas.setMinimumHeight(180)  # the image never disappears in a small window
        self.setMinimumWidth(MIN_WIDTH)
        self.canvas.scene().sigMouseMoved.connect(self._on_canvas_mouse_moved)

    def show_image(self, image: np.ndarray | None, *, index: int = 0, split: str = "", split_index: int = 0,
                   label: int = 0, class_name: str = "", values: np.ndarray | None = None,
                   empty_text: str = "No image selected", was: str | None = None) -> None:
        """Show ``image`` (h, w) uint8 and describe it; None clears the view and says ``empty_text``.

        ``values``: the processed values as exported (the pixel readout shows
        them); None when ``image`` is the original. ``label`` is the label the
        export writes; ``was`` names the dataset's own label when the recipe
        corrected it (None: not relabelled).
        """
        key = (index, split, split_index, label, class_name, empty_text, was)
        if key == self._shown_key and _same(image, self._data) and _same(values, self._values):
            return  # the same image, said the same way (a recipe change with the originals shown)
        self._shown_key = key
        self._data = image
        self._values = values
        self.pixel.setText(HOVER_HINT)
        if image is None:
            self.image.clear()
            self.hist_curve.setData([0, 1], [0])
            self.hist.setTitle("")
            self.hist.hide()
            self.title.setText(empty_text)
            return
        self.hist.show()
        self.image.setImage(image, levels=(0, 255))
        self.box.autoRange(padding=0.02)
        swatch = class_color(label) if label >= 0 else NEUTRAL
        name = f" &ndash; {class_name}" if class_name and class_name != str(label) and label >= 0 else ""
        kind = " &nbsp; <i>processed, as exported</i>" if values is not None else ""
        label = label if label >= 0 else "-"  # unlabelled
        relabel = (f" &nbsp; <b style='color:{css(RELABELLED)}; background-color:{css(CANVAS)}'>"
                   f"&nbsp;relabelled, was {was}&nbsp;</b>" if was is not None else "")
        self.title.setText(
            f"<b style='font-size:13pt'>#{index:,}</b> &nbsp; {split} #{split_index:,}{kind}<br>"
            f"label <span style='background-color:{css(swatch)}; color:{css(INK_DARK)}; font-size:13pt'>"
            f"&nbsp;<b>{label}</b>&nbsp;</span>{name}{relabel}")
        self._draw_histogram(image)

    def _draw_histogram(self, image: np.ndarray) -> None:
        """One filled curve for grey; for colour a line per channel in its colour, and black pixels counted."""
        edges, counts, black, pixels = intensity_histogram(image)
        colour = len(counts) == 3
        if colour and not self.channel_curves:  # made for the first colour image (start-up draws grey)
            self.channel_curves = [self.hist.plot(stepMode="center", pen=pg.mkPen(qcolor(rgb), width=1.5))
                                   for rgb in CHANNEL_COLORS]
        self.hist_curve.setVisible(not colour)
        for curve, row in zip(self.channel_curves, counts if colour else ()):
            curve.setData(edges, row)
        for curve in self.channel_curves:
            curve.setVisible(colour)
        if colour:
            key = " ".join(f"<span style='color:{css(rgb)}'>{c}</span>" for rgb, c in zip(CHANNEL_COLORS, "RGB"))
            self.hist.setTitle(f"{key} &nbsp;{black}/{pixels} pixels black", size="9pt")  # fits 230 px
            self.hist.setLabel("bottom", "intensity per channel (non-zero)")
        else:
            self.hist_curve.setData(edges, counts[0])
            self.hist.setTitle(f"{black} of {pixels} pixels are 0", size="9pt")
            self.hist.setLabel("bottom", "intensity (non-zero pixels)")

    def set_note(self, html: str) -> None:
        """A line under the title about the shown image (empty hides it)."""
        self.note.setText(html)
        self.note.setVisible(bool(html))

    def show_rows(self, rows: np.ndarray | None, description: str = "") -> None:
        """Show the processed output rows of the selected image (what the export writes) in a strip."""
        if rows is None or not len(rows):
            self.rows_box.hide()
            self.canvas.ci.layout.setRowStretchFactor(1, 0)
            self.rows_title.setText("")
            return
        from ...core.draw.mosaic import make_mosaic

        self.rows_image.setImage(make_mosaic(rows, min(len(rows), 8), gap=2, fill=40), levels=(0, 255))
        self.rows_box.show()
        self.canvas.ci.layout.setRowStretchFactor(1, 2 if len(rows) > 4 else 1)
        self.rows_box.autoRange(padding=0.02)
        self.rows_title.setText(description)

    def _on_canvas_mouse_moved(self, scene_pos) -> None:
        if self._data is None or not self.box.sceneBoundingRect().contains(scene_pos):
            self.pixel_hovered.emit(-1, 0, 0)
            return
        p = self.box.mapSceneToView(scene_pos)
        x, y = int(np.floor(p.x())), int(np.floor(p.y()))
        h, w = self._data.shape
        if 0 <= x < w and 0 <= y < h:
            value = int(self._data[y, x])
            if self._values is not None:
                self.pixel.setText(f"pixel x={x}, y={y}: {float(self._values[y, x]):.4g} processed (shown as {value})")
            else:
                self.pixel.setText(f"pixel x={x}, y={y}: {value} ({value / 255:.3f})")
            self.pixel_hovered.emit(x, y, value)
        else:
            self.pixel_hovered.emit(-1, 0, 0)


def _same(a: np.ndarray | None, b: np.ndarray | None) -> bool:
    """Whether two optional arrays hold the same values."""
    if a is None or b is None:
        return a is b
    return a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a, b)
