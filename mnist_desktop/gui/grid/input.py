"""Mouse wheel, keys and pointer of the grid: what they mean, as signals and scrolling.

A mixin of :class:`~.grid_view.GridView` (kept apart so the view's geometry
and its input each stay one screen long). It relies on the view's
``grid_layout``, ``scroll_to``, ``zoom``, ``fit_page`` and signals.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QCursor, QKeyEvent

WHEEL_ROWS = 2  # rows scrolled per wheel notch
_KEYS = {
    Qt.Key.Key_Left: "left", Qt.Key.Key_Right: "right", Qt.Key.Key_Up: "up", Qt.Key.Key_Down: "down",
    Qt.Key.Key_PageUp: "page_up", Qt.Key.Key_PageDown: "page_down",
    Qt.Key.Key_Home: "home", Qt.Key.Key_End: "end",
}


class GridInput:
    """Pointer, wheel and keyboard handling for the grid view."""

    def _tile_at(self, scene_pos) -> tuple[int, int, int]:
        p = self.box.mapSceneToView(scene_pos)
        return self.grid_layout.tile_at(p.x(), p.y())

    def rehover(self) -> None:
        """Tell again what is under the mouse (the page or the scroll position changed under it)."""
        local = self.viewport().mapFromGlobal(QCursor.pos())
        if self.viewport().rect().contains(local):
            pos, x, y = self._tile_at(self.mapToScene(local))
            self.tile_hovered.emit(pos, x, y)

    def _on_scene_mouse_moved(self, scene_pos) -> None:
        pos, x, y = self._tile_at(scene_pos)
        self.tile_hovered.emit(pos, x, y)

    def _on_scene_mouse_clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        pos, _, _ = self._tile_at(event.scenePos())
        if pos >= 0:
            self.setFocus()
            self.tile_clicked.emit(pos)

    def leaveEvent(self, ev) -> None:  # noqa: N802 - Qt override
        super().leaveEvent(ev)
        self.tile_hovered.emit(-1, 0, 0)  # the hover text must not outlive the pointer's visit

    def wheelEvent(self, ev) -> None:  # noqa: N802 - Qt override
        """The wheel scrolls (and, pushed past an end, turns the page); with Ctrl it zooms about the cursor."""
        dy = ev.angleDelta().y()
        ev.accept()
        if not dy:
            return
        if ev.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom(1.15 ** (dy / 120), ev.position())
            return
        before = self._top
        self.scroll_to(self._top - dy / 120 * WHEEL_ROWS * self.grid_layout.row_pitch)
        if self._top != before:
            self._wheel_push = 0
            self.rehover()
            return
        self._wheel_push += dy  # already at an end: a further notch turns the page
        if abs(self._wheel_push) >= 120:
            self._wheel_push = 0
            self.page_edge.emit(-1 if dy > 0 else 1)

    def keyPressEvent(self, ev: QKeyEvent) -> None:  # noqa: N802 - Qt override
        key = ev.key()
        if key in _KEYS:
            self.key_move.emit(_KEYS[key])
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom(1.25)
        elif key == Qt.Key.Key_Minus:
            self.zoom(0.8)
        elif key == Qt.Key.Key_F:
            self.fit_page()
        else:
            super().keyPressEvent(ev)
            return
        ev.accept()
