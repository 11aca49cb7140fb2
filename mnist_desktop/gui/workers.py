"""Run core functions in the thread pool with progress and cancel.

Core functions take ``progress=callable(done, total)`` and
``cancel=threading.Event`` keyword arguments; :class:`Job` runs one in
``QThreadPool``, forwards progress as a Qt signal (queued to the GUI thread)
and sets the event on :meth:`Job.cancel`, so the GUI runs the very same code
as the CLI.

The runnable is our own (``_Runner``, 40 lines) rather than superqt's
``create_worker``: importing superqt loads its whole package (sliders,
combo boxes, collapsibles: ~150 ms), which start-up paid before any slider
was on screen. It does what we used of superqt's workers: plain functions and
generator functions (each value yielded as ``yielded``), and a cancelled run
reports no result.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import inspect

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


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
    finished_in_worker = Signal()  # private: the runner's last word, handled in the GUI thread

    def __init__(self, fn: Callable[..., Any], /, *args: Any, progress: bool = True, cancel: bool = True,
                 parent: QObject | None = None, **kwargs: Any) -> None:
        super().__init__(parent)
        self.cancel_event = threading.Event()
        if progress:
            kwargs["progress"] = self.progress.emit
        if cancel:
            kwargs["cancel"] = self.cancel_event
        self.running = False
        self._name = getattr(fn, "__qualname__", repr(fn))
        self._runner = _Runner(self, fn, args, kwargs)
        self.finished_in_worker.connect(self._on_worker_finished)

    #: Names of the functions of jobs started and not yet finished (for leak reports).
    active: dict[int, str] = {}

    def start(self) -> None:
        self.running = True
        Job.active[id(self)] = self._name
        # straight into the pool, not a timer tick later: a worker that starts after
        # the window's closeEvent has waited for the pool would outlive the window
        QThreadPool.globalInstance().start(self._runner)

    def cancel(self) -> None:
        """Ask the function to stop at its next check; returns at once."""
        self.cancel_event.set()

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    def _on_worker_finished(self) -> None:
        self.running = False
        Job.active.pop(id(self), None)
        self.finished.emit()


class _Runner(QRunnable):
    """The pooled body of one :class:`Job`: runs ``fn`` and emits the job's signals from the worker thread.

    The job (a QObject of the GUI thread) owns the signals, so every
    connection to the GUI thread is queued. After :meth:`Job.cancel` the
    result is not reported (the function's :class:`Cancelled` still is, as
    ``failed``), and a generator is not advanced again.
    """

    def __init__(self, job: Job, fn: Callable[..., Any], args: tuple, kwargs: dict) -> None:
        super().__init__()
        self.setAutoDelete(False)  # the job holds it; Qt must not delete what Python still references
        self._job, self._fn, self._args, self._kwargs = job, fn, args, kwargs

    def run(self) -> None:
        job = self._job
        try:
            result = self._fn(*self._args, **self._kwargs)
            if inspect.isgenerator(result):
                result = self._drain(result)
            if not job.cancelled:
                job.succeeded.emit(result)
        except Exception as exc:  # noqa: BLE001 - every failure goes to the GUI as a signal
            job.failed.emit(exc)
        finally:
            # a finished job is still held (LatestJob.current, the window's set of jobs): it must not
            # keep its inputs alive with it (a preview's Previewer holds the dataset it was made for)
            self._fn, self._args, self._kwargs = None, (), {}
        job.finished_in_worker.emit()

    def _drain(self, gen) -> Any:
        """Send each value on as ``yielded`` until the generator returns (its value) or the job is cancelled."""
        while not self._job.cancelled:
            try:
                self._job.yielded.emit(next(gen))
            except StopIteration as stop:
                return stop.value
        gen.close()
        return None


def wait_for_workers(msecs: int = 60000) -> bool:
    """Block until every pooled worker has ended (used when the window closes)."""
    return QThreadPool.globalInstance().waitForDone(msecs)


class LatestJob(QObject):
    """One purpose, one job at a time: a newer request wins.

    ``start()`` cancels the job still running for this purpose and drops its
    result: only the job started last may report. This is the one answer to
    "is this result still current?" for loading, statistics, quality, evaluate
    and map runs. Superseded jobs are kept alive until they end (the window's
    ``track``), so no worker outlives its owner unseen.

    Signals
    -------
    progress(object, object)
        (done, total) of the current job.
    yielded(object)
        Intermediate values of the current job (generator functions).
    succeeded(object)
        The current job's return value.
    failed(object)
        The current job's exception (a cancelled current job included; a superseded one never).
    finished()
        The current job ended (after succeeded or failed).
    """

    progress = Signal(object, object)
    yielded = Signal(object)
    succeeded = Signal(object)
    failed = Signal(object)
    finished = Signal()

    def __init__(self, parent: QObject | None = None, *, track: Callable[[Job], None] | None = None) -> None:
        super().__init__(parent)
        self.current: Job | None = None
        self._track = track
        self._alive: set[Job] = set()

    def start(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Job:
        """Cancel the running job (its result is dropped) and start ``fn`` in the pool."""
        self.cancel()
        job = Job(fn, *args, parent=None, **kwargs)
        self.current = job
        job.progress.connect(lambda d, t, j=job: self._relay(j, self.progress, d, t))
        job.yielded.connect(lambda v, j=job: self._relay(j, self.yielded, v))
        job.succeeded.connect(lambda v, j=job: self._relay(j, self.succeeded, v))
        job.failed.connect(lambda e, j=job: self._relay(j, self.failed, e))
        job.finished.connect(lambda j=job: self._on_job_finished(j))
        self._alive.add(job)
        if self._track is not None:
            self._track(job)
        job.start()
        return job

    def is_current(self, job: Job | None) -> bool:
        return job is not None and job is self.current

    @property
    def running(self) -> bool:
        return self.current is not None and self.current.running

    def cancel(self, *, drop: bool = True) -> None:
        """Stop the current job, if any.

        ``drop=True`` (a newer request, other data): nothing it sends is
        reported any more. ``drop=False`` (the user's Cancel): it stays current
        and reports its :class:`Cancelled` failure and ``finished``.
        """
        job = self.current
        if drop:
            self.current = None
        if job is not None and job.running:
            job.cancel()

    def _relay(self, job: Job, signal, *values: Any) -> None:
        if job is self.current:
            signal.emit(*values)

    def _on_job_finished(self, job: Job) -> None:
        self._alive.discard(job)
        if job is self.current:
            self.current = None
            self.finished.emit()
