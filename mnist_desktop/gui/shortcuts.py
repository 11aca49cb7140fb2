"""Help > Keyboard shortcuts: every shortcut of the menus plus the grid's own keys, in one table.

The menu part is read from the actions themselves, so the list cannot drift
from what the keys really do.
"""

from __future__ import annotations

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHeaderView, QMenuBar, QTableWidget, QTableWidgetItem,
                               QVBoxLayout)

#: Keys handled by the grid itself (not menu actions).
GRID_KEYS = (
    ("Arrow keys", "Grid: move the selection"),
    ("PgUp / PgDn", "Grid: previous / next page"),
    ("Home / End", "Grid: first / last image"),
    ("+ / =", "Grid: zoom in (about the selected tile)"),
    ("-", "Grid: zoom out"),
    ("F", "Grid: fit the page to the window"),
    ("Ctrl + wheel", "Grid: zoom about the mouse pointer"),
    ("Wheel", "Grid: scroll; past the end of the page, the next page"),
    ("Click", "Grid: select the image"),
)


def menu_shortcuts(bar: QMenuBar) -> list[tuple[str, str]]:
    """(keys, "Menu: entry") for every action with a shortcut in the menu bar, in menu order."""
    rows = []

    def walk(menu, path):
        for action in menu.actions():
            if action.menu() is not None:
                walk(action.menu(), path + [action.text().replace("&", "")])
            elif action.shortcuts():
                keys = " or ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts())
                rows.append((keys, " > ".join(path + [action.text().replace("&", "").rstrip("…")])))

    for action in bar.actions():
        if action.menu() is not None:
            walk(action.menu(), [action.text().replace("&", "")])
    return rows


def shortcut_rows(bar: QMenuBar) -> list[tuple[str, str]]:
    """Everything the dialog lists."""
    return menu_shortcuts(bar) + list(GRID_KEYS)


class ShortcutsDialog(QDialog):
    """A table of keys and what they do."""

    def __init__(self, parent, rows: list[tuple[str, str]]) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.table = QTableWidget(len(rows), 2)
        self.table.setHorizontalHeaderLabels(["Keys", "Does"])
        for r, (keys, what) in enumerate(rows):
            self.table.setItem(r, 0, QTableWidgetItem(keys))
            self.table.setItem(r, 1, QTableWidgetItem(what))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(520, 480)
