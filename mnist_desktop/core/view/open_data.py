"""Load a dataset for the window, and start that load before the window exists.

``load_for_view`` is the window's load job: the dataset, its key (file hashes,
cached for the exclusions) and the per-class sums the statistics show, all off
the UI thread. ``EarlyLoad`` runs it in a plain thread as soon as the ``gui``
command knows what to open, before Qt is imported: importing PySide6 and
pyqtgraph and building the window take about half a second in which the second
core sits idle, and the sample (10,000 images, gzip; zlib and numpy release the
GIL) reads meanwhile. The window's load job then waits for that result instead
of reading again, still cancellable and superseded like any load.
"""

from __future__ import annotations

import threading
from typing import Any

from ..errors import Cancelled
from ..formats.load import load_dataset, load_files
from ..processing.exclusions import dataset_key
from ..progress import raise_if_cancelled
from ..stats import ClassMeans

_POLL_S = 0.01  # how often a waiting job looks at its own cancel flag


def load_for_view(source, *, progress=None, cancel=None, files: tuple[str, str] | None = None,
                  labels: str = "fine"):
    """Load a dataset and the per-class sums the statistics panel needs (runs in a worker).

    ``cancel`` is checked between the steps and at every progress report of the
    reader, so a superseded load stops early instead of finishing unseen.
    ``labels`` picks CIFAR-100's label set ("fine" or "coarse").
    Returns ``(dataset, ClassMeans)``.
    """

    def report(done, total):
        raise_if_cancelled(cancel, "loading cancelled")
        if progress is not None:
            progress(done, total)

    ds = load_files(*files) if files else load_dataset(source, progress=report, labels=labels)
    raise_if_cancelled(cancel, "loading cancelled")
    dataset_key(ds)  # hash the files here, off the UI thread (cached for the exclusions)
    raise_if_cancelled(cancel, "loading cancelled")
    return ds, ClassMeans(ds)


class EarlyLoad:
    """``load_for_view(source)`` running in its own thread from the moment it is made.

    Use :meth:`result` once, from the job that shows the data (it hands the data
    over and keeps no reference: ``run_app`` holds this object all session);
    :meth:`close` stops and joins the thread (after use, or when the window
    never opened).
    """

    def __init__(self, source: str, *, labels: str = "fine") -> None:
        self.source, self.labels = source, labels
        self._stop = threading.Event()
        self._done = threading.Event()
        self._progress: tuple[int, int] | None = None
        self._outcome: tuple[bool, Any] = (False, None)
        self._thread = threading.Thread(target=self._run, name="mnist-desktop early load", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._outcome = (True, load_for_view(self.source, progress=self._on_progress, cancel=self._stop,
                                                labels=self.labels))
        except BaseException as exc:  # noqa: BLE001 - handed to the job that waits, raised there
            self._outcome = (False, exc)
        finally:
            self._done.set()

    def _on_progress(self, done: int, total: int) -> None:
        self._progress = (done, total)

    def result(self, *, progress=None, cancel=None):
        """Wait for the load (forwarding its progress) and return ``(dataset, ClassMeans)`` or raise its error.

        If ``cancel`` is set meanwhile, the early load is stopped too and
        :class:`Cancelled` is raised, as from a load that ran here.
        """
        last = None
        while not self._done.wait(_POLL_S):
            if cancel is not None and cancel.is_set():
                self._stop.set()
                raise Cancelled("loading cancelled")
            if progress is not None and self._progress not in (None, last):
                last = self._progress
                progress(*last)
        ok, value = self._outcome
        self._outcome = (False, RuntimeError("the early load was already taken"))  # the caller holds it now
        if not ok:
            raise value
        raise_if_cancelled(cancel, "loading cancelled")
        return value

    @property
    def running(self) -> bool:
        """Whether the loading thread is still alive."""
        return self._thread.is_alive()

    def close(self, timeout: float = 30.0) -> None:
        """Ask the load to stop and wait for its thread (a load past its last check finishes first)."""
        self._stop.set()
        self._thread.join(timeout)
