"""Class distribution of what the grid shows, and the mean image of each class."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ...core.palette import CANVAS, CHANNEL_COLORS, class_color
from ...core.draw.mosaic import make_mosaic
from ..theme import STILL_IMAGE, css, qcolor


class StatsPanel(QWidget):
    """A bar per class (counts under the current filter), a strip of class means, and the export's
    split sizes after the recipe's sampling (val split, balance) when it has one."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.canvas = pg.GraphicsLayoutWidget()
        self.canvas.setBackground(qcolor(CANVAS))
        self.plot = self.canvas.addPlot(row=0, col=0, enableMenu=False)
        self.plot.setMouseEnabled(False, False)
        self.plot.hideButtons()
        self.plot.setTitle("Images per class (current filter)", size="9pt")
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.8)
        self.plot.addItem(self.bars)
        self.means_box = self.canvas.addViewBox(row=1, col=0, **STILL_IMAGE)
        self.means = pg.ImageItem(axisOrder="row-major")
        self.means_box.addItem(self.means)
        self.canvas.ci.layout.setRowStretchFactor(0, 3)
        self.canvas.ci.layout.setRowStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.canvas)
        self.channels = QLabel()  # colour data: mean and std per channel of the splits shown
        # short lines, no word wrap: a wrapping label makes the scroll area size the panel by its
        # preferred height, and the chart and the means strip then scroll out of a small dock
        self.channels.setTextFormat(Qt.TextFormat.RichText)
        self.channels.hide()
        layout.addWidget(self.channels)
        self.sampling = QLabel()
        self.sampling.setWordWrap(True)
        self.sampling.hide()
        layout.addWidget(self.sampling)
        self.counts: np.ndarray = np.zeros(0, int)

    def show_channels(self, stats: dict | None, splits: str = "") -> None:
        """Mean and std per channel on 0..1 (``stats`` in 0..255 units, from ClassMeans); None hides the line."""
        self.channels.setVisible(stats is not None)
        if stats is None:
            self.channels.setText("")
            return
        def row(values):
            return " ".join(f"<span style='color:{css(rgb)}'>{c}</span> {v / 255:.4f}"
                            for rgb, c, v in zip(CHANNEL_COLORS, "RGB", values))
        self.channels.setText(f"Per channel ({splits}), on 0..1:<br>mean {row(stats['mean'])}<br>"
                              f"std&nbsp;&nbsp;&nbsp; {row(stats['std'])}")

    def show_sampling(self, text: str | None) -> None:
        """One line on the exported splits after sampling and balance (hidden when None)."""
        self.sampling.setText(text or "")
        self.sampling.setVisible(bool(text))

    def show_counts(self, counts: np.ndarray, class_names: tuple[str, ...], excluded: int = 0) -> None:
        """Bars for ``counts`` per class, coloured like the grid's labels; ``excluded`` of them are dropped."""
        key = (np.asarray(counts).tobytes(), tuple(class_names), excluded)
        if key == getattr(self, "_counts_key", None):
            return  # the same bars (a recipe change that moves no sample): no rebuild of brushes and axes
        self._counts_key = key
        self.counts = np.asarray(counts)
        x = np.arange(len(counts))
        shown = x if len(x) <= 1000 else np.flatnonzero(self.counts)  # 100,000 classes: the bars that exist
        self.bars.setOpts(x=shown, height=self.counts[shown], width=0.8,
                          brushes=[pg.mkBrush(*class_color(i)) for i in shown],
                          pens=[pg.mkPen(*class_color(i)) for i in shown])
        step = max(1, -(-len(x) // (16 if len(x) < 1000 else 5)))  # ~16 tick labels; 5 of 4-6 digits
        short = all(len(n) <= 3 for n in class_names)
        ticks = [(i, class_names[i] if short and i < len(class_names) else str(i)) for i in x[::step]]
        self.plot.getAxis("bottom").setTicks([ticks])
        self.plot.setXRange(-0.6, len(counts) - 0.4, padding=0)
        self.plot.setYRange(0, max(1, int(self.counts.max(initial=0))) * 1.08, padding=0)
        dropped = f" ({excluded:,} excluded)" if excluded else ""
        self.plot.setTitle(f"Images per class: {int(self.counts.sum()):,} shown{dropped}", size="9pt")

    def show_means(self, means: np.ndarray) -> None:
        """Show the per-class mean images (n_classes, h, w) float in 0..255, in rows of up to 12."""
        last = getattr(self, "_means_shown", None)
        if last is not None and last.shape == means.shape and np.array_equal(last, means):
            return  # unchanged: no new strip, no re-fit
        self._means_shown = np.array(means)
        cols = len(means) if len(means) <= 12 else 12  # many classes (EMNIST's 47): rows of 12
        strip = make_mosaic(np.clip(means, 0, 255).astype(np.uint8), cols, gap=2)
        self.means.setImage(strip, levels=(0, 255))
        self.means_box.autoRange(padding=0.02)
