"""Start the Qt application: ``run_app`` is what ``mnist-desktop gui`` calls."""

from __future__ import annotations

import gc
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..core.view.open_data import EarlyLoad


SCREENSHOT_SIZE = (1400, 900)


def run_app(source: str | None = None, recipe: str | None = None, screenshot: str | None = None,
            size: tuple[int, int] | None = None, force: bool = False, early: EarlyLoad | None = None) -> int:
    """Open the main window on ``source`` (default: the best data at hand).

    The window appears at once; the data loads in a worker. With
    ``screenshot``, render at ``size`` (default 1400x900) once the data is
    shown, save a PNG and exit 0 (works offscreen). ``size`` (width, height)
    also sets the window size of a normal start. The screenshot follows the
    output rule (:mod:`..core.output`): never over an input, over an existing
    file only when it is a picture of this tool, or with ``force``. ``early``:
    the load of ``source`` the ``gui`` command started before Qt was imported
    (its thread is joined here before returning).
    """
    try:
        return _run(source, recipe, screenshot, size, force, early)
    finally:
        if early is not None:
            early.close()


def _run(source, recipe, screenshot, size, force, early) -> int:
    if screenshot and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from ..core.formats.load import best_source

    app = _application()
    scratch = tempfile.TemporaryDirectory() if screenshot else None  # a fresh default layout
    window = _main_window(scratch)
    _size_window(window, size or (SCREENSHOT_SIZE if screenshot else None))
    if recipe and not _apply_recipe(window, recipe):
        _dispose(app, window)
        return 1
    window.show()
    _start_up_done(window)
    job = window.open_source(source or best_source(), labels=early.labels if early else "fine", early=early)
    if os.environ.get("MNIST_DESKTOP_STARTUP_PROBE"):  # benchmarks/bench_startup.py
        from PySide6.QtCore import QTimer

        window.dataset_loaded.connect(lambda _ds: QTimer.singleShot(0, lambda: _probe_quit(app)))
    if not screenshot:
        return app.exec()
    code = _save_screenshot(window, job, Path(screenshot), recipe, force)
    _dispose(app, window)
    return code


def _probe_quit(app) -> None:
    """The sample is on screen: say when (benchmarks/bench_startup.py reads it) and quit."""
    print("FIRST_RENDER", time.time(), flush=True)
    app.quit()


def _start_up_done(window) -> None:
    """The window is built: turn the cyclic GC back on without a walk over all that start-up made.

    ``gui`` (cli/gui.py) turns the GC off while Qt, pyqtgraph and the window are
    made (some collections re-walked millions of objects that live for the whole
    session). Frozen, they are not walked while the first data is shown; once
    it is on screen they are handed back (``unfreeze``: the oldest generation,
    as in any long run), so nothing made at start-up, such as the first dataset
    once replaced, escapes the collector.
    """
    gc.freeze()
    gc.enable()
    thawed = []

    def thaw(*_args) -> None:
        if not thawed:
            thawed.append(True)
            gc.unfreeze()

    window.dataset_loaded.connect(thaw)
    window.load_failed.connect(thaw)


def _application():
    from PySide6.QtWidgets import QApplication

    from .icons import app_icon

    _quiet_offscreen_warning()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("mnist-desktop")
    app.setOrganizationName("mnist-desktop")
    app.setDesktopFileName("mnist-desktop")  # resources/mnist-desktop.desktop (Wayland app id)
    app.setWindowIcon(app_icon())  # every window, and the About box
    return app


def _main_window(scratch: tempfile.TemporaryDirectory | None):
    """The main window with the user's settings, or throw-away ones in ``scratch``."""
    from PySide6.QtCore import QSettings

    from .main_window import MainWindow

    if scratch is None:
        return MainWindow(QSettings())
    return MainWindow(QSettings(str(Path(scratch.name) / "settings.ini"), QSettings.Format.IniFormat))


def _size_window(window, size: tuple[int, int] | None) -> None:
    """Give the window ``size`` (width, height), its docks arranged for that size."""
    if size is not None:
        window.resize(*size)
        window.reset_layout()


def _apply_recipe(window, recipe: str) -> bool:
    """Load ``recipe`` and show its effect; print the error and return False if it is bad."""
    if not window.load_recipe(recipe):
        print(f"error: {window.last_error}", file=sys.stderr)
        return False
    window.show_processed(True)
    window.docks["augment"].raise_()
    return True


def _save_screenshot(window, job, out: Path, recipe: str | None = None, force: bool = False) -> int:
    """Wait for the data (and the processed page), grab the window, save it; the exit code."""
    from PySide6.QtCore import QEventLoop, QTimer

    from ..core.draw.png import is_our_picture
    from ..core.errors import MnistDesktopError, describe_os_error
    from ..core.output import input_files, write_output

    loop = QEventLoop()
    outcome: list[str] = []
    window.dataset_loaded.connect(lambda _ds: (outcome.append("ok"), loop.quit()))
    window.load_failed.connect(lambda msg: (outcome.append(msg), loop.quit()))
    if job.running:
        QTimer.singleShot(60000, loop.quit)
        loop.exec()
    if outcome != ["ok"]:
        print(f"error: {outcome[0] if outcome else 'loading timed out'}", file=sys.stderr)
        return 1
    window.wait_idle()  # let the processed page arrive before the picture is taken
    inputs = [*input_files(window.dataset), *([Path(recipe)] if recipe else [])]
    try:
        write_output(out, signed_png(window.grab().toImage()), kind="screenshot", own=is_our_picture,
                     inputs=inputs, force=force)
    except MnistDesktopError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: {describe_os_error(exc)}", file=sys.stderr)
        return 1
    return 0


def signed_png(image) -> bytes:
    """PNG bytes of a QImage with the ``Software: mnist-desktop`` text (how the tool knows its own pictures)."""
    from PySide6.QtCore import QBuffer, QIODevice

    from ..core.draw.png import SOFTWARE
    from ..core.errors import MnistDesktopError

    image.setText("Software", SOFTWARE)
    buf = QBuffer()
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buf, "PNG"):
        raise MnistDesktopError("Qt could not encode the window as PNG")
    return bytes(buf.data())


def _quiet_offscreen_warning() -> None:
    """Drop the one harmless message the offscreen platform prints for every window."""
    from PySide6.QtCore import qInstallMessageHandler

    def handler(_mode, _context, message: str) -> None:
        if "does not support propagateSizeHints" not in message:
            print(message, file=sys.stderr)

    qInstallMessageHandler(handler)


def _dispose(app, window) -> None:
    """Close and delete the window (and any dialog it opened) before Python exits.

    Left to interpreter shutdown, Qt objects can be destroyed in the wrong order
    (a crash after an error message box had been opened, for example).
    """
    window.close()
    window.deleteLater()
    app.processEvents()
    app.sendPostedEvents(None, 0)  # 0 = QEvent.DeferredDelete
