"""Screenshots of the window telling the truth about its state (issue 23), at 1600x1000 and 800x600::

    xvfb-run -s "-screen 0 1920x1200x24" python docs/truth_screens.py docs

Writes ``relabel-<size>.png`` (a relabelled tile "7>2" in the grid, the detail view and the status
bar saying so), ``suspicious-switched-<size>.png`` (the Suspicious panel after opening other data:
no list, no neighbours of the old selection, no enabled action) and ``recipe-loaded-<size>.png``
(the status message after loading a recipe onto a dataset with three exclusions). Settings live in
a temporary folder, never the user's.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np
from PySide6.QtCore import QEventLoop, QSettings, Qt
from PySide6.QtWidgets import QApplication

from mnist_desktop import load_dataset

SIZES = ((1600, 1000), (800, 600))


def _wait(app, until, timeout_s: float = 180.0) -> None:
    import time

    end = time.monotonic() + timeout_s
    while not until():
        if time.monotonic() > end:
            raise TimeoutError("the window did not get there in time")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)


def _window(app, folder: Path, size):
    from mnist_desktop.gui.main_window import MainWindow

    w = MainWindow(QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat))
    w.resize(*size)
    w.show()
    w.reset_layout()
    _open(app, w, "sample")
    return w


def _open(app, w, source: str) -> None:
    loaded = []
    w.dataset_loaded.connect(lambda ds: loaded.append(ds))
    w.open_source(source)
    _wait(app, lambda: loaded)
    w.wait_idle()


def _analyze(app, w):
    w.docks["suspicious"].show()
    w.docks["suspicious"].raise_()
    w.quality.start()
    _wait(app, lambda: w.quality.report is not None and not w.quality.running)
    return w.quality.report


def _save(app, w, out: Path) -> None:
    for _ in range(5):
        app.processEvents()
    w.wait_idle()
    w.grab().save(str(out))
    print(out)


def relabel(app, folder: Path, size, out: Path) -> None:
    w = _window(app, folder, size)
    report = _analyze(app, w)
    rank = next(r for r, i in enumerate(report.ranked()) if report.suggested[int(i)] >= 0)
    w.quality.panel.select_rank(rank)
    w.quality.panel.relabel_button.click()
    w.grid.set_zoom(2.0)  # big tiles: the tile's "7>2" is easy to find
    w.select_global(int(report.ranked()[rank]))
    _save(app, w, out)
    w.close()


def switched(app, folder: Path, size, out: Path, other: Path) -> None:
    w = _window(app, folder, size)
    _analyze(app, w)
    w.quality.panel.select_rank(0)
    app.processEvents()
    _open(app, w, str(other))
    w.docks["suspicious"].raise_()
    _save(app, w, out)
    w.close()


def recipe_loaded(app, folder: Path, size, out: Path) -> None:
    w = _window(app, folder, size)
    w.recipe_model.exclude([10, 20, 30])
    recipe = Path(__file__).with_name("example-recipe.json")
    w.status.set_hover("")
    w.load_recipe(str(recipe))
    w.show_processed(True)
    w.wait_idle()
    w.status.showMessage(w.status.currentMessage(), 15000)  # still on screen after the preview
    _save(app, w, out)
    w.close()


def _other_data(folder: Path) -> Path:
    """An npz of 2,000 sample digits: "other data" to switch to."""
    s = load_dataset("sample").splits["test"]
    path = folder / "other.npz"
    np.savez(path, x_test=s.images[:2000], y_test=s.labels[:2000])
    return path


def main(out_dir: str) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs)
    out = Path(out_dir)
    for width, height in SIZES:
        tag = f"{width}x{height}"
        with tempfile.TemporaryDirectory() as tmp:
            relabel(app, Path(tmp), (width, height), out / f"relabel-{tag}.png")
        with tempfile.TemporaryDirectory() as tmp:
            switched(app, Path(tmp), (width, height), out / f"suspicious-switched-{tag}.png", _other_data(Path(tmp)))
        with tempfile.TemporaryDirectory() as tmp:
            recipe_loaded(app, Path(tmp), (width, height), out / f"recipe-loaded-{tag}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "docs"))
