"""Download dialog: pick a dataset and splits, watch bytes and rate, cancel for real.

It runs ``core.download.download`` (the function the CLI runs) in a
:class:`~mnist_desktop.gui.workers.Job`; cancel sets the job's event, which the
core checks between 64 KiB chunks.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QButtonGroup, QComboBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QPlainTextEdit, QRadioButton, QVBoxLayout, QWidget)

from ..core.catalog import CATALOG
from ..core.download.downloader import dataset_dir, download
from ..core.errors import Cancelled
from ..core.paths import default_data_dir
from ..core.units import Rate, format_bytes
from .job_dialog import JobDialog
from .workers import Job


class DownloadDialog(JobDialog):
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
        super().__init__("Download a dataset", "Download", "Cancel download", parent)
        self.setMinimumWidth(560)
        self.data_dir = Path(data_dir) if data_dir else default_data_dir()

        self.dataset_combo = QComboBox()
        for key, info in CATALOG.items():
            self.dataset_combo.addItem(info.title, key)
        self.licence = QLabel()
        self.licence.setWordWrap(True)
        self.licence.setStyleSheet("color: palette(window-text); font-size: 9pt;")
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

        self.rate_label = QLabel("Ready.")
        self.log = QPlainTextEdit()
        self.log.setReadOnly(True)
        self.log.setMinimumHeight(120)
        self.inputs = [self.dataset_combo, self.mirror_edit, *self.split_buttons.values()]

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.rate_label)
        layout.addWidget(self.log, 1)
        layout.addWidget(self.buttons)
        self.dataset_combo.currentIndexChanged.connect(self._on_dataset_combo_changed)
        self.note.connect(self.log.appendPlainText)
        self._on_dataset_combo_changed()
        self._rate = Rate()

    # ------------------------------------------------------------------ choices

    @property
    def dataset_key(self) -> str:
        return self.dataset_combo.currentData()

    @property
    def split(self) -> str:
        return next(s for s, b in self.split_buttons.items() if b.isChecked())

    def _on_dataset_combo_changed(self, *_) -> None:
        info = CATALOG[self.dataset_key]
        size = f"{sum(f.size for f in info.files) / 1e6:.1f} MB"
        if info.is_archive:  # CIFAR: one archive of both splits, extracted after it is verified
            self.split_buttons["all"].setChecked(True)
            size += " (one archive of both splits, extracted after it is verified)"
        else:
            size += " in all"
        for key, button in self.split_buttons.items():
            button.setEnabled(not info.is_archive or key == "all")
        self.licence.setText(f"{info.licence}. {size}.")
        self.folder_label.setText(str(dataset_dir(info, self.data_dir)))

    def set_running(self, running: bool) -> None:
        """Lock the inputs while running; afterwards a CIFAR archive's splits stay locked to "all"."""
        super().set_running(running)
        if not running:
            self._on_dataset_combo_changed()

    # ------------------------------------------------------------------ running

    def start(self) -> None:
        """Start the download in a worker; the dialog stays responsive."""
        if self.running:
            return
        mirrors = self.mirror_edit.text().split() or None
        self.log.clear()
        self._rate = Rate()
        job = Job(download, self.dataset_key, self.split, self.data_dir, mirrors=mirrors, notify=self.note.emit)
        job.progress.connect(self._on_job_progress)
        job.succeeded.connect(self._on_job_succeeded)
        job.failed.connect(self._on_job_failed)
        self.rate_label.setText("Connecting…")
        self.run_job(job)

    def cancel(self) -> None:
        """Stop the running download; nothing partial is kept."""
        if self.running:
            self.rate_label.setText("Cancelling…")
        super().cancel()

    def _on_job_progress(self, done: int, total: int) -> None:
        rate, left = self._rate.describe(done, total)
        self.rate_label.setText(f"{format_bytes(done)} of {format_bytes(total)} · {rate}"
                                + (f" · about {left:.0f} s left" if done < total else ""))

    def _on_job_succeeded(self, paths) -> None:
        self.outcome = "done"
        self.progress.setValue(1000)
        extracted = " and extracted" if CATALOG[self.dataset_key].is_archive else ""
        self.rate_label.setText(f"Done: {len(paths)} file{'s' if len(paths) != 1 else ''} verified "
                                f"(SHA-256){extracted}.")
        self.downloaded.emit(str(Path(paths[0]).parent) if paths else str(dataset_dir(self.dataset_key,
                                                                                          self.data_dir)))

    def _on_job_failed(self, exc: BaseException) -> None:
        if isinstance(exc, Cancelled):
            self.outcome = "cancelled"
            self.rate_label.setText("Cancelled. Nothing partial was kept.")
            return
        self.outcome = str(exc)
        self.rate_label.setText("The download failed; see the details below.")
        self.log.appendPlainText(str(exc))
