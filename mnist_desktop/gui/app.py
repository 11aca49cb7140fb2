"""Start the Qt application: ``run_app`` is what ``mnist-desktop gui`` calls."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def run_app(source: str | None = None, recipe: str | None = None, screenshot: str | None = None) -> int:
    """Open the main window on ``source`` (default: the best data at hand).

    With ``screenshot``, render offscreen at 1400x900, save a PNG and exit 0.
    """
    if screenshot and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from ..core.dataset import best_source, load_dataset
    from .main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("mnist-desktop")
    app.setOrganizationName("mnist-desktop")
    window = MainWindow()
    window.resize(1400, 900)
    window.set_dataset(load_dataset(source or best_source()))
    if screenshot:
        window.show()
        app.processEvents()
        out = Path(screenshot)
        if not window.grab().save(str(out)):
            print(f"error: {out}: could not write the screenshot", file=sys.stderr)
            return 1
        return 0
    window.show()
    return app.exec()
