"""Dock arrangement that survives small windows: default, compact, reset, and a checked restore.

At 800x600 the side docks crushed the grid and each other; back at full size
they stayed 75 px wide. So the window has two arrangements: *wide* (tabs on
the left, detail over statistics on the right) and *compact* (every dock a
tab in one column on the right), chosen by the window's size and re-applied,
with default sizes, whenever the size crosses between them. View > Reset
layout applies the arrangement for the current size. A saved state is used
only when it was saved on a screen of the same size and the window fits.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QRect, QSettings, Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QFrame, QMainWindow, QScrollArea, QTabBar, QTabWidget, QWidget

from .feature import RIGHT, DockSpec

#: Below this window width or height, docks are tabbed in one column.
COMPACT_SIZE = (1150, 720)
DOCK_MIN_WIDTH = 200
DOCK_MIN_HEIGHT = 120


def scrollable(panel: QWidget) -> QScrollArea:
    """``panel`` in a frameless scroll area: the dock may be narrower or shorter than the panel wants."""
    area = QScrollArea()
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidgetResizable(True)
    area.setWidget(panel)
    return area


class DockLayout:
    """Places a window's docks and keeps their arrangement sensible for its size."""

    def __init__(self, window: QMainWindow, specs: list[DockSpec], docks: dict[str, QDockWidget]) -> None:
        self.window = window
        self.specs = specs
        self.docks = docks
        self.compact: bool | None = None
        for dock in docks.values():  # a dock dragged onto another makes a new tab bar
            dock.dockLocationChanged.connect(lambda _area: QTimer.singleShot(0, self.whole_tab_titles))

    def whole_tab_titles(self) -> None:
        """Dock tabs say their whole title ("Statistics", not "Sta…"); when they do not fit, the bar scrolls.

        Qt elides the titles of tabbed docks to fit the bar: at 800x600 nine
        tabs read "F…", "Au…". Whole titles with the bar's scroll arrows stay
        readable, and raising a dock (View menu, Ctrl+number) scrolls it into view.
        """
        for bar in self.window.findChildren(QTabBar):
            if bar.parent() is self.window:  # the docks' bars, not a panel's own tabs
                bar.setElideMode(Qt.TextElideMode.ElideNone)
                bar.setUsesScrollButtons(True)

    @staticmethod
    def is_compact(width: int, height: int) -> bool:
        return width < COMPACT_SIZE[0] or height < COMPACT_SIZE[1]

    def apply(self, compact: bool, *, show_all: bool = True) -> None:
        """Put every dock back in its place for a wide or a compact window, at default sizes.

        ``show_all=False`` keeps the docks the user closed closed.
        """
        w = self.window
        self.compact = compact
        docks = [self.docks[s.key] for s in self.specs]
        closed = [] if show_all else [d for d in docks if not d.toggleViewAction().isChecked()]
        for dock in docks:
            dock.setMinimumSize(DOCK_MIN_WIDTH, DOCK_MIN_HEIGHT)
            dock.setFloating(False)
            w.removeDockWidget(dock)
        w.setTabPosition(RIGHT, QTabWidget.TabPosition.East if compact else QTabWidget.TabPosition.South)
        # Six or more tabbed docks on the left: tabs down the side keep every title whole.
        w.setTabPosition(Qt.DockWidgetArea.LeftDockWidgetArea, QTabWidget.TabPosition.West)
        if compact:
            order = sorted(self.specs, key=lambda s: (s.area != RIGHT or s.stack, 0))  # detail first
            for spec in order:
                w.addDockWidget(RIGHT, self.docks[spec.key])
            first = self.docks[order[0].key]
            for spec in order[1:]:
                w.tabifyDockWidget(first, self.docks[spec.key])
            for dock in docks:
                dock.show()
            first.raise_()
            w.resizeDocks([first], [max(DOCK_MIN_WIDTH, min(360, int(w.width() * 0.38)))], Qt.Orientation.Horizontal)
            for dock in closed:
                dock.hide()
            self.whole_tab_titles()
            return
        groups: dict = {}
        for spec in self.specs:
            dock = self.docks[spec.key]
            w.addDockWidget(spec.area, dock)
            dock.show()
            if spec.stack and spec.area in groups:
                w.tabifyDockWidget(groups[spec.area][0], dock)
            if spec.stack:
                groups.setdefault(spec.area, []).append(dock)
        for group in groups.values():
            group[0].raise_()
        self._default_sizes()
        for dock in closed:
            dock.hide()
        self.whole_tab_titles()

    def _default_sizes(self) -> None:
        w = self.window
        left_specs = [s for s in self.specs if s.area != RIGHT]
        left = [self.docks[s.key] for s in left_specs][:1]
        right = [self.docks[s.key] for s in self.specs if s.area == RIGHT and not s.stack]
        if left and right:  # wide enough for the widest left panel (no sideways scrolling), within reason
            widest = max(s.widget.minimumSizeHint().width() for s in left_specs if s.widget is not None) + 24
            w.resizeDocks([left[0], right[0]], [min(max(340, widest), 420), 340], Qt.Orientation.Horizontal)
        if len(right) >= 2:
            h = max(w.height() - 150, 2 * DOCK_MIN_HEIGHT)
            w.resizeDocks(right[:2], [int(h * 0.6), int(h * 0.4)], Qt.Orientation.Vertical)

    def reset(self) -> None:
        """View > Reset layout: the default arrangement for the current size."""
        self.apply(self.is_compact(self.window.width(), self.window.height()))

    def follow_size(self) -> None:
        """Re-arrange when the window crossed between wide and compact."""
        compact = self.is_compact(self.window.width(), self.window.height())
        if compact != self.compact:
            self.apply(compact, show_all=False)


def screen_key(window: QMainWindow) -> str:
    """The available size of the window's screen, to tell whether a saved layout was made for it."""
    screen = window.screen()
    r = screen.availableGeometry() if screen is not None else QRect(0, 0, 0, 0)
    return f"{r.width()}x{r.height()}"


def restore_window(window: QMainWindow, settings: QSettings, default_size: tuple[int, int]) -> bool:
    """Restore geometry and dock state saved for this screen; False (default size) when none is valid."""
    geometry, state = settings.value("window/geometry"), settings.value("window/state")
    same_screen = settings.value("window/screen") == screen_key(window)
    if not (same_screen and isinstance(geometry, QByteArray) and window.restoreGeometry(geometry)):
        _default_geometry(window, default_size)
        return False
    screen = window.screen()
    if screen is not None and not screen.availableGeometry().contains(window.frameGeometry().center()):
        _default_geometry(window, default_size)
        return False
    return isinstance(state, QByteArray) and window.restoreState(state)


def _default_geometry(window: QMainWindow, size: tuple[int, int]) -> None:
    """``size``, or the screen's available area when it is smaller (an 800x600 screen), placed on it."""
    screen = window.screen()
    if screen is None:
        window.resize(*size)
        return
    area = screen.availableGeometry()
    window.resize(min(size[0], area.width()), min(size[1], area.height()))
    window.move(area.topLeft())


def save_window(window: QMainWindow, settings: QSettings) -> None:
    settings.setValue("window/geometry", window.saveGeometry())
    settings.setValue("window/state", window.saveState())
    settings.setValue("window/screen", screen_key(window))
