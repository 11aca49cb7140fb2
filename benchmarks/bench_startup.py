"""Start-up: launch to the first complete render of the sample, against a minimal window.

Target (issue 22): at most 1.3x a minimal pyqtgraph window that shows one mosaic
of the same data. Both are whole processes (interpreter start included), run
alternately; each prints the time when its first zero timer after showing the
data fires, then quits (the app under MNIST_DESKTOP_STARTUP_PROBE=1). The
ratio is of launch to that first render; ``with_exit`` adds each process's
teardown (Python's last collection over all it made, Qt's clean-up), which a
user waits for on closing, not on starting.

Both start with compiled modules, as every start but the first does (Python
writes ``__pycache__`` on the first; pip and PyInstaller compile at install):
the package is compiled once before measuring, since a machine that sets
PYTHONDONTWRITEBYTECODE (this one does) would otherwise measure the compiler
on every start. ``--no-compile`` measures that case too.
"""

from __future__ import annotations

import compileall
import os
import statistics
import subprocess
import sys
import time

MINIMAL = r"""
import sys
import time
import pyqtgraph as pg
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from mnist_desktop import read_idx
from mnist_desktop.core.draw.mosaic import make_mosaic
from mnist_desktop.core.paths import sample_dir
app = QApplication([])
pg.setConfigOptions(imageAxisOrder="row-major")
w = pg.GraphicsLayoutWidget()
box = w.addViewBox(lockAspect=True, invertY=True)
item = pg.ImageItem()
box.addItem(item)
w.resize(1400, 900)
w.show()
images = read_idx(sample_dir() / "t10k-images-idx3-ubyte.gz")
item.setImage(make_mosaic(images[:1024], 32), levels=(0, 255))
QTimer.singleShot(0, lambda: (print("FIRST_RENDER", time.time(), flush=True), app.quit()))
app.exec()
"""


def run(cmd: list[str]) -> tuple[float, float]:
    """(launch to first render, launch to exit) of one process, in seconds.

    The first render is the time the process prints (``FIRST_RENDER <time>``,
    the app does it under MNIST_DESKTOP_STARTUP_PROBE=1) when the event loop
    gets to its first zero timer after the data is on screen; both processes
    then quit, so the second number adds their teardown.
    """
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", MNIST_DESKTOP_STARTUP_PROBE="1")
    t0 = time.time()
    out = subprocess.run(cmd, check=True, env=env, capture_output=True, text=True).stdout
    end = time.time()
    shown = float(next(line.split()[1] for line in out.splitlines() if line.startswith("FIRST_RENDER")))
    return shown - t0, end - t0


def main(repeat: int = 7) -> None:
    if "--no-compile" not in sys.argv:
        package = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "mnist_desktop")
        compileall.compile_dir(package, quiet=1)
    minimal = [sys.executable, "-c", MINIMAL]
    app = [sys.executable, "-m", "mnist_desktop", "gui", "--source", "sample"]
    run(minimal), run(app)  # warm the file cache
    t_min, t_app = [], []
    for _ in range(repeat):
        t_min.append(run(minimal))
        t_app.append(run(app))
    m, a = (statistics.median(t[0] for t in t_min), statistics.median(t[0] for t in t_app))
    m_exit, a_exit = (statistics.median(t[1] for t in t_min), statistics.median(t[1] for t in t_app))
    print(f"minimal pyqtgraph window with one mosaic: {m * 1e3:7.0f} ms to first render, "
          f"{m_exit * 1e3:5.0f} ms to exit (median of {repeat})")
    print(f"mnist-desktop with the sample:            {a * 1e3:7.0f} ms to first render, "
          f"{a_exit * 1e3:5.0f} ms to exit")
    print(f"RESULT startup_ratio={a / m:.2f} with_exit={a_exit / m_exit:.2f}")

if __name__ == "__main__":
    main()
