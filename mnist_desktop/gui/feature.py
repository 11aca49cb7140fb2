"""What a feature controller hands the main window: its docks and its actions.

In the manner of Qt's ``application.py`` example, the window creates the
menus and tool bar and places the docks; each feature (recipe, quality,
evaluate, map ...) builds its own widgets and actions and describes where
they go. No controller adds a dock or a menu entry itself, and none depends on
another having been built first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

__all__ = ["DockSpec", "FeatureUi", "LEFT", "RIGHT", "BOTTOM"]

LEFT = Qt.DockWidgetArea.LeftDockWidgetArea
RIGHT = Qt.DockWidgetArea.RightDockWidgetArea
BOTTOM = Qt.DockWidgetArea.BottomDockWidgetArea


@dataclass
class DockSpec:
    """A dock to place: docks with the same ``area`` are tabbed together, in order.

    Attributes
    ----------
    key
        Stable name (``window.docks[key]``; also the saved-state object name).
    title
        Title bar text.
    widget
        The panel, or None when ``build`` makes it.
    area
        Where it goes by default.
    stack
        True: tab it with the area's other stacked docks; False: its own
        section of the area (split, not tabbed).
    build
        Makes the panel when the dock is first shown (plots, tables): the
        window holds an empty placeholder until then, so start-up does not pay
        for docks behind other tabs. Called once; may return the same panel a
        controller already built.
    """

    key: str
    title: str
    widget: QWidget | None = None
    area: Qt.DockWidgetArea = LEFT
    stack: bool = True
    build: Callable[[], QWidget] | None = None

    def panel(self) -> QWidget:
        """The panel, made now if it is built lazily (``build``)."""
        if self.widget is None and self.build is not None:
            self.widget = self.build()
        return self.widget


@dataclass
class FeatureUi:
    """Everything a feature adds to the window.

    ``actions`` maps a menu name ("file", "edit", "view", "tools", "toolbar")
    to the actions to add there, in order. ``commands`` names what the window
    may ask of the feature for its own public methods (``load_recipe``,
    ``open_paths``, ``show_processed`` ...): the window calls nothing else.
    ``busy`` tells whether work the screen waits for is pending (``wait_idle``).
    """

    docks: list[DockSpec] = field(default_factory=list)
    actions: dict[str, list[QAction]] = field(default_factory=dict)
    commands: dict[str, Any] = field(default_factory=dict)
    busy: Callable[[], bool] | None = None
