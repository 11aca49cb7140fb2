"""Run a core job for a dock: the one way quality, evaluate and map start, cancel and report work.

A :class:`DockJob` is a :class:`~mnist_desktop.gui.workers.LatestJob` bound to
a panel (given as a function that returns it: docks build their panel when
first shown) that offers ``set_running(bool)``, ``set_progress(done, total)`` and a
``summary`` label: it shows the progress, says "Cancelled." or "Failed: …",
shows an error once, and forgets a run whose data is no longer on screen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject

from ..core.errors import Cancelled
from .window_api import WindowApi
from .workers import Job, LatestJob

__all__ = ["DockJob"]


class DockJob(LatestJob):
    """One job at a time for one dock (signals as :class:`LatestJob`)."""

    def __init__(self, parent: QObject, window: WindowApi, panel: Callable[[], Any], error_title: str) -> None:
        super().__init__(parent, track=window.track)
        self._window, self._panel, self._error_title = window, panel, error_title
        self.progress.connect(lambda done, total: self._panel().set_progress(done, total))
        self.failed.connect(self._on_self_failed)
        self.finished.connect(self._on_self_finished)

    def run(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Job | None:
        """Start ``fn`` unless a run is going on (the panel's button then means Cancel)."""
        if self.running:
            return None
        self._panel().set_running(True)
        return self.start(fn, *args, **kwargs)

    def stop(self) -> None:
        """The user's Cancel: the run ends and the panel says "Cancelled."."""
        self.cancel(drop=False)

    def forget(self) -> None:
        """Other data is shown: the run stops and nothing it sends is shown."""
        was_running = self.running
        self.cancel(drop=True)
        if was_running:  # an idle panel shows "not running" already (and may not be built yet)
            self._panel().set_running(False)

    def _on_self_finished(self) -> None:
        self._panel().set_running(False)

    def _on_self_failed(self, exc: BaseException) -> None:
        if isinstance(exc, Cancelled):
            self._panel().summary.setText("Cancelled.")
            return
        self._panel().summary.setText(f"Failed: {exc}")
        self._window.show_error(self._error_title, str(exc))
