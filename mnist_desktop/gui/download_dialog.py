"""Download dialog: pick a dataset and splits, watch bytes and rate, cancel for real.

It runs ``core.download.download`` (the function the CLI runs) in a
:class:`~mnist_desktop.gui.workers.Job`; cancel sets the job's event, which the
core checks between 64 KiB chunks.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QButtonGroup, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout,
                               QLabel, QLineEdit, QPlainTextEdit, QProgressBar, QRadioButton, QVBoxLayout,
                               QWidget)

from ..core.catalog import CATALOG
from ..core.download import dataset_dir, download
from ..core.errors import DownloadCancelled
from ..core.paths import default_data_dir
from ..core.units import format_bytes
from .workers import Job, wait_for_workers


class DownloadDialog(QDialog):
    """Fetch and verify a dataset into the data folder.

    Signals
    -------
    downloaded(str)
        Folder of the dataset once every file of the chosen splits is verified.
    note(str)
        One line from the download (file verified, mirror failed and why...);
        emitted from the worker thread, shown in the log.
    """

    downloaded = Signal(str)
    note = Signal(str)

    def __init__(self, parent: QWidget | None = None, data_dir: str | Path | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Download a dataset")
        self.setMinimumWidth(560)
        self.data_dir = Path(data_dir) if data_dir else default_data_dir()
        self.job: Job | None = None
        self.outcome = ""  # "done", "cancelled" or the error message (read by tests)

        self.dataset_combo = QComboBox()
        for key, info in CATALOG.items():
            self.dataset_combo.addItem(info.title, key)
        self.licence = QLabel()
        self.licence.setWordWrap(True)
        self.licence.setStyleSheet("color: palette(mid);")
        self.split_buttons = {s: QRadioButton(t) for s, t in
                              (("all", "Train and test"), ("train", "Train only"), ("test", "Test only"))}
        self.split_buttons["all"].setChecked(True)
        group = QButtonGroup(self)
        split_row = QHBoxLayout()
        for b in self.split_buttons.values():
            group.addButton(b)
            split_row.addWidget(b)
        split_row.addStretch(1)
        self.mirror_edit = QLineEdit()
        self.mirror_edit.setPlaceholderText("optional: base URLs to use instead of the built-in mirrors")
        self.folder_label = QLabel()
        self.folder_label.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Dataset", self.dataset_combo)
        form.addRow("", self.licence)
        form.addRow("Splits", split_row)
        form.addRow("Mirrors", self.mirror_edit)
        form.addRow("Saved in", self.folder_label)

        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setFormat("%p%")
        self.rate_label = QLabel("Ready.")
        self.log = QPlainTextEdit()
        self.log.setReadOnly(True)
        self.log.setMinimumHeight(120)
        self.buttons = QDialogButtonBox()
        self.start_button = self.buttons.addButton("Download", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton("Cancel download", QDialogButtonBox.ButtonRole.RejectRole)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.cancel_button.setEnabled(False)
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.close)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.rate_label)
        layout.addWidget(self.log, 1)
        layout.addWidget(self.buttons)
        self.dataset_combo.currentIndexChanged.connect(self._on_dataset_combo_changed)
        self.note.connect(self.log.appendPlainText)
        self._on_dataset_combo_changed()
        self._t0 = 0.0

    # ------------------------------------------------------------------ choices

    @property
    def dataset_key(self) -> str:
        return self.dataset_combo.currentData()

    @property
    def split(self) -> str:
        return next(s for s, b in self.split_buttons.items() if b.isChecked())

    def _on_dataset_combo_changed(self, *_) -> None:
        info = CATALOG[self.dataset_key]
        self.licence.setText(f"{info.licence}. {sum(f.size for f in info.files) / 1e6:.1f} MB in all.")
        self.folder_label.setText(str(dataset_dir(info, self.data_dir)))

    # ------------------------------------------------------------------ running

    def start(self) -> None:
        """Start the download in a worker; the dialog stays responsive."""
        if self.job is not None and self.job.running:
            return
        mirrors = self.mirror_edit.text().split() or None
        self.outcome = ""
        self.log.clear()
        self._t0 = time.monotonic()
        self.job = Job(download, self.dataset_key, self.split, self.data_dir, mirrors=mirrors,
                       notify=self.note.emit)
        self.job.progress.connect(self._on_job_progress)
        self.job.succeeded.connect(self._on_job_succeeded)
        self.job.failed.connect(self._on_job_failed)
        self.job.finished.connect(self._on_job_finished)
        self._set_running(True)
        self.rate_label.setText("Connecting…")
        self.job.start()

    def cancel(self) -> None:
        """Stop the running download; nothing partial is kept."""
        if self.job is not None and self.job.running:
            self.rate_label.setText("Cancelling…")
            self.job.cancel()

    def _set_running(self, running: bool) -> None:
        self.start_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.dataset_combo.setEnabled(not running)
        self.mirror_edit.setEnabled(not running)
        for b in self.split_buttons.values():
            b.setEnabled(not running)

    def _on_job_progress(self, done: int, total: int) -> None:
        self.progress.setValue(int(1000 * done / total) if total else 0)
        elapsed = max(time.monotonic() - self._t0, 1e-6)
        rate = done / elapsed
        left = (total - done) / rate if rate > 0 else 0
        self.rate_label.setText(f"{format_bytes(done)} of {format_bytes(total)} · {format_bytes(rate)}/s"
                                + (f" · about {left:.0f} s left" if done < total else ""))

    def _on_job_succeeded(self, paths) -> None:
        self.outcome = "done"
        self.progress.setValue(1000)
        self.rate_label.setText(f"Done: {len(paths)} files verified (SHA-256).")
        self.downloaded.emit(str(Path(paths[0]).parent) if paths else str(dataset_dir(self.dataset_key,
                                                                                          self.data_dir)))

    def _on_job_failed(self, exc: BaseException) -> None:
        if isinstance(exc, DownloadCancelled):
            self.outcome = "cancelled"
            self.rate_label.setText("Cancelled. Nothing partial was kept.")
            return
        self.outcome = str(exc)
        self.rate_label.setText("The download failed; see the details below.")
        self.log.appendPlainText(str(exc))

    def _on_job_finished(self) -> None:
        self._set_running(False)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        """Closing cancels a running download and waits for the worker to stop."""
        self.cancel_and_wait()
        super().closeEvent(event)

    def cancel_and_wait(self, msecs: int = 30000) -> None:
        if self.job is not None and self.job.running:
            self.job.cancel()
            wait_for_workers(msecs)
