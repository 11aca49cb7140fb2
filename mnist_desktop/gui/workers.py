"""Run core functions in the thread pool with progress and cancel.

Core functions take ``progress=callable(done, total)`` and
``cancel=threading.Event`` keyword arguments; :class:`Job` wraps one in a
superqt worker, forwards progress as a Qt signal (queued to the GUI thread)
and sets the event on :meth:`Job.cancel`, so the GUI runs the very same code
as the CLI.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal
from superqt.utils import create_worker


class Job(QObject):
    """One background run of a core function.

    Signals
    -------
    progress(object, object)
        (done, total) as the function reports it.
    yielded(object)
        Each value a generator function yields (the map's intermediate layouts).
    succeeded(object)
        The function's return value.
    failed(object)
        The exception it raised (cancelled runs included).
    finished()
        Always emitted last.
    """

    progress = Signal(object, object)
    yielded = Signal(object)
    succeeded = Signal(object)
    failed = Signal(object)
    finished = Signal()

    def __init__(self, fn: Callable[..., Any], /, *args: Any, progress: bool = True, cancel: bool = True,
                 parent: QObject | None = None, **kwargs: Any) -> None:
        super().__init__(parent)
        self.cancel_event = threading.Event()
        if progress:
            kwargs["progress"] = self.progress.emit
        if cancel:
            kwargs["cancel"] = self.cancel_event
        self.running = False
        self._fn = fn
        # signals are connected before start(), as superqt asks
        self._worker = create_worker(fn, *args, _start_thread=False, _ignore_errors=True, **kwargs)
        if hasattr(self._worker, "yielded"):  # a generator function: superqt's GeneratorWorker
            self._worker.yielded.connect(self.yielded.emit)
        self._worker.returned.connect(self.succeeded.emit)
        self._worker.errored.connect(self.failed.emit)
        self._worker.finished.connect(self._on_worker_finished)

    #: Names of the functions of jobs started and not yet finished (for leak reports).
    active: dict[int, str] = {}

    def start(self) -> None:
        self.running = True
        Job.active[id(self)] = getattr(self._fn, "__qualname__", repr(self._fn))
        # Straight into the pool: superqt's worker.start() defers the start by a
        # timer tick when an event loop runs, and a worker that starts after the
        # window's closeEvent has waited for the pool would outlive the window.
        QThreadPool.globalInstance().start(self._worker)

    def cancel(self) -> None:
        """Ask the function to stop at its next check; returns at once."""
        self.cancel_event.set()
        self._worker.quit()

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    def _on_worker_finished(self) -> None:
        self.running = False
        Job.active.pop(id(self), None)
        self.finished.emit()


def wait_for_workers(msecs: int = 60000) -> bool:
    """Block until every pooled worker has ended (used when the window closes)."""
    return QThreadPool.globalInstance().waitForDone(msecs)
