"""Render a page of 1,024 labelled tiles: the grid (mosaic + text labels) vs the pixel-label mosaic.

Target (issue 12): a 1,024-tile page with labels still <= 10 ms to build and
paint. Measured side by side in the same process, alternating:

- ``grid``: the app's GridView, one mosaic ImageItem plus ONE TileLabels item
  painting the class names as text at screen resolution;
- ``pixel labels``: the previous approach, 5x7 pixel digits baked into the
  mosaic (``labeled_mosaic`` + ``label_strips``) in one ImageItem;
- with ``--naive``, also an ImageItem and a TextItem per tile (slow: seconds);
- with ``--colour``, also the grid on 1,024 colour tiles (32 x 32 x 3, the
  sample's digits painted in random colours, as CIFAR-sized data) against
  the grey grid in the same run (issue 24 goal: <= 15 ms).

"Render" = build + set the items + paint the view (1000x800) into an image.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from _common import interleaved, median_time  # noqa: E402

import numpy as np  # noqa: E402
import pyqtgraph as pg  # noqa: E402
from PySide6.QtGui import QImage, QPainter  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from mnist_desktop import load_dataset  # noqa: E402
from mnist_desktop.core.draw.glyphs import label_strips  # noqa: E402
from mnist_desktop.core.draw.mosaic import labeled_mosaic  # noqa: E402
from mnist_desktop.gui.grid.grid_view import GridView  # noqa: E402


def paint(view) -> None:
    image = QImage(view.size(), QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    view.render(painter)
    painter.end()


class PixelLabelGrid:
    """The former grid: pixel-font labels inside the mosaic, fitted to the view's width."""

    def __init__(self) -> None:
        self.view = pg.GraphicsView()
        self.view.resize(1000, 800)
        self.box = pg.ViewBox(lockAspect=True, invertY=True)
        self.view.setCentralItem(self.box)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.box.addItem(self.image)
        self.strips = label_strips(10, 28)
        self.view.show()

    def set_page(self, images, labels) -> None:
        mosaic = labeled_mosaic(images, labels, self.strips, 32, gap=2)
        self.image.setImage(mosaic, autoLevels=False)
        h, w = mosaic.shape[:2]
        self.box.setRange(xRange=(0, w), yRange=(0, w * 0.8), padding=0)


def naive_render(box, naive, items, images, labels) -> None:
    for it in items:
        box.removeItem(it)
    items.clear()
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


def colour_pages(ds) -> list:
    """Pages of 1,024 colour tiles: sample digits padded to 32 x 32 and painted per image."""
    rng = np.random.default_rng(0)
    out = []
    for i in range(0, 4096, 1024):
        grey = np.pad(ds.images[i:i + 1024], ((0, 0), (2, 2), (2, 2)))[..., None].astype(np.float32) / 255
        fg = rng.integers(128, 256, (1024, 1, 1, 3))
        bg = rng.integers(0, 100, (1024, 1, 1, 3))
        out.append((np.rint(bg * (1 - grey) + fg * grey).astype(np.uint8), ds.labels[i:i + 1024]))
    return out


def colour_grid(app, ds, grey_grid, grey_pages, render) -> None:
    """The grid on colour pages, alternated with the grey grid."""
    cgrid = GridView()
    cgrid.resize(1000, 800)
    cgrid.set_classes(ds.class_names, (32, 32))
    cgrid.show()
    app.processEvents()
    cpages = colour_pages(ds)
    state = {"n": 0}

    def run():
        state["n"] = (state["n"] + 1) % len(cpages)
        cgrid.set_page(*cpages[state["n"]])
        paint(cgrid)

    t = interleaved({"colour": run, "grey": render("grid", grey_grid, grey_grid)}, repeat=25)
    print(f"grid on 1,024 colour tiles 32x32x3, set + paint: {t['colour'] * 1e3:7.1f} ms "
          f"(grey 28x28 in the same run {t['grey'] * 1e3:.1f} ms, ratio {t['colour'] / t['grey']:.2f})")
    cgrid.close()


def main() -> None:
    app = QApplication.instance() or QApplication([])
    ds = load_dataset("sample")
    pages = [(ds.images[i:i + 1024], ds.labels[i:i + 1024]) for i in range(0, 8192, 1024)]

    grid = GridView()
    grid.resize(1000, 800)
    grid.set_classes(ds.class_names, (28, 28))
    grid.show()
    old = PixelLabelGrid()
    app.processEvents()
    state = {"grid": 0, "old": 0}

    def render(name, target, view):
        def run():
            state[name] = (state[name] + 1) % len(pages)
            target.set_page(*pages[state[name]])
            paint(view)
        return run

    t = interleaved({"grid": render("grid", grid, grid), "old": render("old", old, old.view)}, repeat=25)
    t_build = median_time(lambda: grid.set_page(*pages[state["grid"]]), repeat=15)
    t_paint = median_time(lambda: paint(grid), repeat=15)
    labels_drawn = sum(grid.labels.painted.values())
    print(f"grid: mosaic + text labels, set + paint:      {t['grid'] * 1e3:7.1f} ms  ({grid.columns} columns,"
          f" {labels_drawn} labels painted on screen)")
    print(f"   of which building and setting the page:   {t_build * 1e3:7.1f} ms")
    print(f"   of which painting the view (1000x800):    {t_paint * 1e3:7.1f} ms")
    print(f"pixel-label mosaic (before), set + paint:    {t['old'] * 1e3:7.1f} ms")
    if "--naive" in sys.argv:
        naive = pg.GraphicsView()
        naive.resize(1000, 800)
        box = pg.ViewBox(lockAspect=True, invertY=True)
        naive.setCentralItem(box)
        naive.show()
        items: list = []
        t_naive = median_time(lambda: naive_render(box, naive, items, *pages[0]), repeat=3)
        print(f"item per tile (1,024 images + 1,024 labels): {t_naive * 1e3:7.1f} ms")
        naive.close()
    if "--colour" in sys.argv:
        colour_grid(app, ds, grid, pages, render)
    print(f"RESULT page_render_ms={t['grid'] * 1e3:.1f} pixel_label_ms={t['old'] * 1e3:.1f}"
          f" ratio={t['grid'] / t['old']:.2f}")
    grid.close()
    old.view.close()
    del app


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
