"""The central area: the grid and its scroll bar, with a page navigation bar under it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget

from ..elided_label import ElidedLabel
from .grid_view import GridView


class GridPage(QWidget):
    """Grid plus previous/next buttons, a page number box and the shown count.

    Signals
    -------
    page_requested(int)
        Zero-based page the user asked for.
    """

    page_requested = Signal(int)

    def __init__(self, parent=None, zoom: float = 1.0) -> None:
        super().__init__(parent)
        self.grid = GridView(zoom=zoom)
        self.prev_button = QPushButton("◀ Previous")
        self.prev_button.setToolTip("Previous page (PgUp)")
        self.next_button = QPushButton("Next ▶")
        self.next_button.setToolTip("Next page (PgDn)")
        self.page_box = QSpinBox()
        self.page_box.setMinimum(1)
        self.page_box.setKeyboardTracking(False)
        self.page_total = QLabel("of 1")
        self.shown = ElidedLabel("", align=Qt.AlignmentFlag.AlignRight)
        bar = QHBoxLayout()
        bar.addWidget(self.prev_button)
        bar.addWidget(QLabel("Page"))
        bar.addWidget(self.page_box)
        bar.addWidget(self.page_total)
        bar.addWidget(self.next_button)
        bar.addWidget(self.shown, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 4)
        layout.setSpacing(2)
        # the state note ("Processed (as exported)") is a strip above the grid: over the grid it hid tiles
        self.grid.badge.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.grid.badge)
        view = QHBoxLayout()
        view.setSpacing(0)
        view.addWidget(self.grid, 1)
        view.addWidget(self.grid.scrollbar)  # the grid drives it: it scrolls within the page
        layout.addLayout(view, 1)
        layout.addLayout(bar)
        self._page = 0
        self.prev_button.clicked.connect(lambda: self.page_requested.emit(self._page - 1))
        self.next_button.clicked.connect(lambda: self.page_requested.emit(self._page + 1))
        self.page_box.valueChanged.connect(self._on_page_box_changed)

    def set_page_info(self, page: int, pages: int, shown: int, total: int, excluded: int = 0) -> None:
        self._page = page
        self.page_box.blockSignals(True)
        self.page_box.setMaximum(pages)
        self.page_box.setValue(page + 1)
        self.page_box.blockSignals(False)
        self.page_total.setText(f"of {pages:,}")
        self.prev_button.setEnabled(page > 0)
        self.next_button.setEnabled(page < pages - 1)
        self.shown.setText(f"{shown:,} of {total:,} images shown"
                           + (f" ({excluded:,} excluded)" if excluded else ""))

    def _on_page_box_changed(self, value: int) -> None:
        if value - 1 != self._page:
            self.page_requested.emit(value - 1)
