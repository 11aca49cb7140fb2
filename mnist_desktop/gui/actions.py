"""The window's own actions, its menus and tool bar, in the manner of Qt's application example.

Features bring their actions in a :class:`~.feature.FeatureUi`; the menus are
built here once, in a fixed order, from the window's actions and theirs.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QMessageBox, QStyle

from .. import __version__
from .feature import FeatureUi

PAGE_SIZES = (256, 512, 1024, 2048)
#: View > Tile size: (menu text, screen pixels per image pixel).
TILE_SIZES = (("Small (1×)", 1.0), ("Medium (1.5×)", 1.5), ("Large (2×)", 2.0), ("Extra large (3×)", 3.0))


@dataclass
class Menus:
    """The menu bar's menus, for features and tests that look an entry up."""

    file: QMenu
    edit: QMenu
    view: QMenu
    tools: QMenu
    help: QMenu


def make_action(parent, text: str, slot, shortcut=None, tip: str = "", icon=None) -> QAction:
    """One QAction: text, slot, optional shortcut (or a list of them), tool tip and standard icon."""
    a = QAction(text, parent)
    if isinstance(shortcut, list):  # several keys for one action (Ctrl++ and Ctrl+=)
        a.setShortcuts([QKeySequence(s) for s in shortcut])
    elif shortcut:
        a.setShortcut(QKeySequence(shortcut))
    if tip:
        a.setStatusTip(tip)
        a.setToolTip(tip)
    if icon is not None:
        a.setIcon(parent.style().standardIcon(icon))
    a.triggered.connect(slot)
    return a


def create_actions(w: QMainWindow) -> dict[str, QAction]:
    """The window's own actions, keyed by name."""
    def act(*args):
        return make_action(w, *args)

    return {
        "quit": act("&Quit", w.close, QKeySequence.StandardKey.Quit, "Quit mnist-desktop"),
        "zoom_in": act("Zoom &in", lambda: w.grid.zoom(1.25), ["Ctrl++", "Ctrl+="], "Bigger tiles (+)"),
        "zoom_out": act("Zoom &out", lambda: w.grid.zoom(0.8), ["Ctrl+-"], "Smaller tiles (−)"),
        "zoom_reset": act("&Actual size", w.grid.reset_zoom, "Ctrl+0", "One screen pixel per image pixel"),
        "fit": act("&Fit page to window", w.grid.fit_page, None, "(F) The largest tiles at which the whole page fits"),
        "reset_layout": act("&Reset layout", w.reset_layout, None, "Put every panel back in its default place"),
        "shortcuts": act("&Keyboard shortcuts", lambda: show_shortcuts(w), "F1", "List every keyboard shortcut"),
        "prev_page": act("Previous page", lambda: w.move_selection("page_up"), None,
                         "Previous page (PgUp)", QStyle.StandardPixmap.SP_ArrowBack),
        "next_page": act("Next page", lambda: w.move_selection("page_down"), None,
                         "Next page (PgDn)", QStyle.StandardPixmap.SP_ArrowForward),
        "about": act("&About mnist-desktop", lambda: show_about(w), None, "Version and licences"),
    }


def _add_feature_actions(menu: QMenu, name: str, features: list[FeatureUi]) -> None:
    for ui in features:
        for action in ui.actions.get(name, ()):
            menu.addAction(action)


def create_menus(w: QMainWindow, actions: dict[str, QAction], features: list[FeatureUi]) -> Menus:
    """File, Edit, View, Tools, Help: the window's entries and the features', in feature order."""
    bar = w.menuBar()
    file_menu = bar.addMenu("&File")
    _add_feature_actions(file_menu, "file", features)
    file_menu.addSeparator()
    file_menu.addAction(actions["quit"])

    edit = bar.addMenu("&Edit")
    _add_feature_actions(edit, "edit", features)

    view = bar.addMenu("&View")
    _add_feature_actions(view, "view", features)
    view.addSeparator()
    for name in ("zoom_in", "zoom_out", "zoom_reset", "fit"):
        view.addAction(actions[name])
    view.addSeparator()
    sizes = _choice_menu(w, view.addMenu("&Tile size"), [z for _, z in TILE_SIZES], w.grid.zoom_level,
                         w.grid.set_zoom, [t for t, _ in TILE_SIZES])
    w.grid.zoom_changed.connect(lambda zoom: _check_value(sizes, zoom))  # Ctrl+wheel zooms between sizes
    _choice_menu(w, view.addMenu("Tiles per &page"), PAGE_SIZES, w.page_size, w.set_page_size)
    view.addSeparator()
    panels = view.addMenu("Pa&nels")
    for dock in w.docks.values():
        panels.addAction(dock.toggleViewAction())
    panels.aboutToShow.connect(lambda: _refresh_panels(panels, w))
    view.addAction(actions["reset_layout"])

    tools = bar.addMenu("&Tools")
    _add_feature_actions(tools, "tools", features)
    help_menu = bar.addMenu("&Help")
    help_menu.addAction(actions["shortcuts"])
    help_menu.addAction(actions["about"])
    for menu in (edit, tools):  # shown once a feature puts something there
        menu.menuAction().setVisible(not menu.isEmpty())
    return Menus(file_menu, edit, view, tools, help_menu)


def _refresh_panels(menu: QMenu, w) -> None:
    """List every dock (features may have added some after the menus were built)."""
    menu.clear()
    for dock in w.docks.values():
        menu.addAction(dock.toggleViewAction())


def _choice_menu(w, menu, values, current, setter, texts=None) -> QActionGroup:
    group = QActionGroup(w)
    group.setExclusionPolicy(QActionGroup.ExclusionPolicy.ExclusiveOptional)
    for i, value in enumerate(values):
        a = QAction(texts[i] if texts else f"{value:,}", w, checkable=True)
        a.setData(value)
        a.setChecked(value == current)
        a.triggered.connect(lambda _=False, v=value: setter(v))
        group.addAction(a)
        menu.addAction(a)
    return group


def _check_value(group: QActionGroup, value) -> None:
    """Check the entry equal to ``value``, or none when it lies between entries."""
    for a in group.actions():
        a.setChecked(abs(a.data() - value) < 1e-9)


def create_tool_bar(w: QMainWindow, actions: dict[str, QAction], features: list[FeatureUi]) -> None:
    tb = w.addToolBar("Main")
    tb.setObjectName("toolbar_main")
    tb.setMovable(False)
    tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    _add_feature_actions(tb, "toolbar", features)
    tb.addSeparator()
    for name in ("prev_page", "next_page"):
        tb.addAction(actions[name])


ABOUT = f"""<h3>mnist-desktop {__version__}</h3>
<p>Download, verify, inspect, clean, augment and export MNIST-style datasets.</p>
<p><b>Licences</b></p>
<ul>
<li>mnist-desktop: MIT licence.</li>
<li>Qt and Qt for Python (PySide6): GNU LGPL v3 (The Qt Company).</li>
<li>pyqtgraph, superqt, numpy, requests, platformdirs: their own permissive licences (MIT / BSD / Apache).</li>
<li>MNIST (the embedded sample): Yann LeCun and Corinna Cortes, CC BY-SA 3.0.</li>
<li>Fashion-MNIST: Zalando Research, MIT licence. Kuzushiji-MNIST: ROIS-DS CODH, CC BY-SA 4.0.</li>
</ul>"""


def show_shortcuts(w) -> None:
    from .shortcuts import ShortcutsDialog, shortcut_rows

    dialog = ShortcutsDialog(w, shortcut_rows(w.menuBar()))
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def show_about(w) -> None:
    QMessageBox.about(w, "About mnist-desktop", ABOUT)
