"""A label that shortens its text with an ellipsis instead of pushing its neighbours away.

Status bar fields and counts sit side by side; at 800 px they ran into each
other. This label may shrink to almost nothing, elides what does not fit and
shows the whole text in its tooltip.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QLabel, QSizePolicy


class ElidedLabel(QLabel):
    """Plain-text label elided at the right (or the left with ``elide=Qt.TextElideMode.ElideLeft``)."""

    def __init__(self, text: str = "", parent=None, *, elide=Qt.TextElideMode.ElideRight,
                 align=Qt.AlignmentFlag.AlignLeft) -> None:
        super().__init__(text, parent)
        self._elide = elide
        self.setAlignment(align | Qt.AlignmentFlag.AlignVCenter)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(20)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt override
        super().setText(text)
        self.setToolTip(text)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(20, super().minimumSizeHint().height())

    def shown_text(self) -> str:
        """The text as drawn at the current width."""
        return self.fontMetrics().elidedText(self.text(), self._elide, max(self.contentsRect().width(), 0))

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(self.contentsRect(), int(self.alignment()), self.shown_text())
