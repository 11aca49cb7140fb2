"""Render a page of 1,024 labelled tiles: one mosaic ImageItem vs one item per tile.

Target (issue 5): <= 10 ms for the mosaic including labels. The baseline is the
naive approach measured in the same process: an ImageItem and a TextItem per
tile. "Render" = build + set the items + paint the view into an image.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from _common import median_time  # noqa: E402

import numpy as np  # noqa: E402
import pyqtgraph as pg  # noqa: E402
from PySide6.QtGui import QImage, QPainter  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from mnist_desktop import load_dataset  # noqa: E402
from mnist_desktop.gui.grid.grid_view import GridView  # noqa: E402


def paint(view) -> None:
    image = QImage(view.size(), QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    view.render(painter)
    painter.end()


def main() -> None:
    app = QApplication.instance() or QApplication([])
    ds = load_dataset("sample")
    pages = [(ds.images[i:i + 1024], ds.labels[i:i + 1024]) for i in range(0, 8192, 1024)]

    grid = GridView()
    grid.resize(1000, 800)
    grid.show()
    grid.set_page(*pages[0], columns=32)
    app.processEvents()
    state = {"i": 0}

    def mosaic_render():
        state["i"] = (state["i"] + 1) % len(pages)
        grid.set_page(*pages[state["i"]], columns=32)
        paint(grid)

    def mosaic_build_only():
        grid.set_page(*pages[state["i"]], columns=32)

    naive = pg.GraphicsView()
    naive.resize(1000, 800)
    box = pg.ViewBox(lockAspect=True, invertY=True)
    naive.setCentralItem(box)
    naive.show()
    items: list = []

    def naive_render():
        for it in items:
            box.removeItem(it)
        items.clear()
        images, labels = pages[state["i"]]
        for i, (img, lab) in enumerate(zip(images, labels)):
            r, c = divmod(i, 32)
            im = pg.ImageItem(img, axisOrder="row-major", levels=(0, 255))
            im.setPos(c * 30, r * 39)
            txt = pg.TextItem(str(int(lab)), anchor=(0.5, 0))
            txt.setPos(c * 30 + 14, r * 39 + 28)
            box.addItem(im)
            box.addItem(txt)
            items.extend((im, txt))
        paint(naive)

    t_mosaic = median_time(mosaic_render, repeat=15)
    t_build = median_time(mosaic_build_only, repeat=15)
    t_paint = median_time(lambda: paint(grid), repeat=15)
    t_naive = median_time(naive_render, repeat=3)
    print(f"mosaic page (1,024 tiles + labels), set + paint: {t_mosaic * 1e3:7.1f} ms")
    print(f"   of which building and setting the mosaic:     {t_build * 1e3:7.1f} ms")
    print(f"   of which painting the view (1000x800):        {t_paint * 1e3:7.1f} ms")
    print(f"item per tile (1,024 images + 1,024 labels):     {t_naive * 1e3:7.1f} ms")
    print(f"RESULT page_render_ms={t_mosaic * 1e3:.1f} speedup_vs_items={t_naive / t_mosaic:.0f}x")
    grid.close()
    naive.close()
    del app


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
