"""Base for dialogs that run one background Job: progress bar, Start / Cancel / Close.

Closing the dialog cancels a running job and waits for its worker, so no
thread outlives the dialog and nothing partial is left behind.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QWidget

from .progress import JobProgressBar
from .workers import Job, wait_for_workers


class JobDialog(QDialog):
    """Subclasses build their inputs, list them in ``inputs`` and call :meth:`run_job` from ``start``."""

    def __init__(self, title: str, start_text: str, cancel_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.job: Job | None = None
        self.outcome = ""  # "done", "cancelled" or the error message (read by tests)
        self.inputs: list[QWidget] = []  # disabled while a job runs
        self.progress = JobProgressBar()
        self.buttons = QDialogButtonBox()
        self.start_button = self.buttons.addButton(start_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(cancel_text, QDialogButtonBox.ButtonRole.RejectRole)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.cancel_button.setEnabled(False)
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.close)

    @property
    def running(self) -> bool:
        return self.job is not None and self.job.running

    def start(self) -> None:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def run_job(self, job: Job) -> None:
        """Start ``job`` with its progress shown; inputs are locked until it ends."""
        self.outcome = ""
        self.job = job
        job.progress.connect(self.set_progress)
        job.finished.connect(lambda: self.set_running(False))
        self.set_running(True)
        job.start()

    def set_progress(self, done: int, total: int) -> None:
        self.progress.set_progress(done, total)

    def set_running(self, running: bool) -> None:
        self.start_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        for w in self.inputs:
            w.setEnabled(not running)

    def cancel(self) -> None:
        """Ask the running job to stop; it ends at its next check."""
        if self.running:
            self.job.cancel()

    def cancel_and_wait(self, msecs: int = 30000) -> None:
        if self.running:
            self.job.cancel()
            wait_for_workers(msecs)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.cancel_and_wait()
        super().closeEvent(event)
