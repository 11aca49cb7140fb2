"""The main window (minimal for now: one page of the dataset as a mosaic)."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtWidgets import QMainWindow

from ..core.dataset import Dataset
from ..core.mosaic import make_mosaic

pg.setConfigOptions(imageAxisOrder="row-major")


class MainWindow(QMainWindow):
    """Shows the first 1,024 images of a dataset."""

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("mnist-desktop")
        self._view = pg.GraphicsLayoutWidget()
        self._box = self._view.addViewBox(lockAspect=True, invertY=True)
        self._image = pg.ImageItem()
        self._box.addItem(self._image)
        self.setCentralWidget(self._view)

    def set_dataset(self, ds: Dataset) -> None:
        self.setWindowTitle(f"mnist-desktop - {ds.title}")
        self._image.setImage(make_mosaic(ds.images[:1024], 32), levels=(0, 255))
        self.statusBar().showMessage(f"{ds.title}: {len(ds):,} images")
