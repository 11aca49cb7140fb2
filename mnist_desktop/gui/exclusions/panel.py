"""The Excluded dock: how many samples the export drops, which ones, and ways to take them back."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from ..theme import HELPER_STYLE

#: more rows than this are summarised (a list of 60,000 rows helps nobody)
MAX_LISTED = 5000


class ExclusionsPanel(QWidget):
    """Lists the excluded samples of the current dataset; holds no logic.

    Signals
    -------
    sample_chosen(int)
        Global index of the sample clicked in the list.
    restore_requested(object)
        Global indices to take back into the export.
    clear_requested()
        The user asked to restore every excluded sample.
    """

    sample_chosen = Signal(int)
    restore_requested = Signal(object)
    clear_requested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.summary = QLabel("No data open.")
        self.summary.setWordWrap(True)
        self.help = QLabel("Exclude the selected image with X or Delete in the grid, its right-click menu, "
                           "the tool bar, or the Suspicious panel. Excluded tiles are dimmed.")
        self.help.setWordWrap(True)
        self.help.setStyleSheet(HELPER_STYLE)
        self.list = QListWidget()
        self.list.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.restore_button = QPushButton("Restore selected")
        self.clear_button = QPushButton("Clear all…")
        self.clear_button.setToolTip("Take every excluded sample of this dataset back into the export")
        buttons = QHBoxLayout()
        buttons.addWidget(self.restore_button)
        buttons.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.help)
        self.list.itemClicked.connect(lambda item: self.sample_chosen.emit(int(item.data(Qt.ItemDataRole.UserRole))))
        self.list.itemSelectionChanged.connect(self._on_list_selection_changed)
        self.restore_button.clicked.connect(lambda: self.restore_requested.emit(self.selected_samples()))
        self.clear_button.clicked.connect(self.clear_requested.emit)
        self.show_exclusions(np.zeros(0, np.int64), [])

    def show_exclusions(self, indices: np.ndarray, names: list[str], total: int = 0) -> None:
        """List global ``indices`` with their descriptions ``names`` (same order), of ``total`` samples."""
        n = len(indices)
        self.list.clear()
        for i, name in zip(indices[:MAX_LISTED], names[:MAX_LISTED]):
            item = QListWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, int(i))
            self.list.addItem(item)
        more = f" (the first {MAX_LISTED:,} listed)" if n > MAX_LISTED else ""
        if total == 0:
            self.summary.setText("No data open.")
        elif n == 0:
            self.summary.setText("No sample of this dataset is excluded: the export writes all of them.")
        else:
            self.summary.setText(f"<b>{n:,} sample{'s' if n != 1 else ''}</b> of {total:,} excluded from the "
                                 f"export{more}. Click one to see it.")
        self.clear_button.setEnabled(n > 0)
        self.restore_button.setEnabled(False)

    def selected_samples(self) -> np.ndarray:
        return np.array([int(item.data(Qt.ItemDataRole.UserRole)) for item in self.list.selectedItems()], np.int64)

    def _on_list_selection_changed(self) -> None:
        self.restore_button.setEnabled(bool(self.list.selectedItems()))
