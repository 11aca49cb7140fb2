"""The one progress bar of the app (docks, dialogs, status bar) and the one yes/no question."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QProgressBar, QWidget

__all__ = ["JobProgressBar", "confirm"]


class JobProgressBar(QProgressBar):
    """A bar that shows ``(done, total)`` as a core function reports it (0..1000 for smooth steps)."""

    STEPS = 1000

    def __init__(self, parent: QWidget | None = None, *, text: bool = True) -> None:
        super().__init__(parent)
        self.setRange(0, self.STEPS)
        self.setFormat("%p%")
        self.setTextVisible(text)

    def set_progress(self, done: float, total: float) -> None:
        """Show ``done`` of ``total`` (nothing when the total is unknown)."""
        self.setValue(int(self.STEPS * min(done, total) / total) if total else 0)

    def set_done(self) -> None:
        self.setValue(self.STEPS)


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    """Ask a yes/no question before a bulk change; True for Yes."""
    return QMessageBox.question(parent, title, text) == QMessageBox.StandardButton.Yes
