"""Status bar: dataset, selection, hovered pixel, and progress of background work."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStatusBar

from ..core.dataset import Dataset
from .elided_label import ElidedLabel
from .progress import JobProgressBar


#: How long a message stays before the fields come back (ms).
MESSAGE_MS = 8000


class StatusBar(QStatusBar):
    """Dataset, selection and hover fields; messages; a progress bar shown while something loads.

    The fields are normal (not permanent) widgets: a message takes the whole
    bar while it shows, then the fields come back. A permanent field with a
    stretch would leave the message no room to be painted.
    """

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.dataset_label = ElidedLabel("No data")
        self.selection_label = ElidedLabel("")
        self.hover_label = ElidedLabel("", align=Qt.AlignmentFlag.AlignRight)
        self.progress = JobProgressBar()
        self.progress.setMaximumWidth(200)
        self.progress.hide()
        self.addWidget(self.dataset_label, 3)  # fields share the width and elide, never overlap
        self.addWidget(self.selection_label, 3)
        self.addWidget(self.hover_label, 4)
        self.addPermanentWidget(self.progress)

    def showMessage(self, message: str, timeout: int = MESSAGE_MS) -> None:  # noqa: N802 - Qt override
        """Show ``message`` for ``timeout`` ms (never for ever: the fields must come back)."""
        super().showMessage(message, timeout)

    def set_dataset(self, ds: Dataset) -> None:
        parts = ", ".join(f"{name} {len(s):,}" for name, s in ds.splits.items())
        self.dataset_label.setText(f"{ds.title} ({parts})")

    def set_selection(self, text: str | None) -> None:
        self.selection_label.setText(f"Selected: {text}" if text else "")

    def set_hover(self, text: str) -> None:
        self.hover_label.setText(text)

    def show_busy(self, message: str) -> None:
        super().showMessage(message)  # until show_idle: loading has no fixed length
        self.progress.setRange(0, 0)
        self.progress.show()

    def set_progress(self, done, total) -> None:
        self.progress.setRange(0, JobProgressBar.STEPS)  # show_busy makes it a busy indicator (0, 0)
        self.progress.set_progress(done, total)

    def show_idle(self) -> None:
        self.clearMessage()
        self.progress.hide()
