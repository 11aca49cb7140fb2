"""Menus, shortcuts and the toolbar, in the manner of Qt's application example."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMessageBox, QStyle

from .. import __version__


PAGE_SIZES = (256, 512, 1024, 2048)
COLUMN_CHOICES = (16, 24, 32, 48, 64)


def create_actions(w: QMainWindow) -> dict[str, QAction]:
    """The window's actions, keyed by name; their slots live on the window."""
    style = w.style()

    def act(text, slot, shortcut=None, tip="", icon=None):
        a = QAction(text, w)
        if shortcut:
            a.setShortcut(QKeySequence(shortcut))
        if tip:
            a.setStatusTip(tip)
            a.setToolTip(tip)
        if icon is not None:
            a.setIcon(style.standardIcon(icon))
        a.triggered.connect(slot)
        return a

    return {
        "open_folder": act("&Open folder…", w.choose_folder, QKeySequence.StandardKey.Open,
                           "Open a folder of MNIST-style IDX files", QStyle.StandardPixmap.SP_DirOpenIcon),
        "open_files": act("Open &IDX files…", w.choose_files, "Ctrl+Shift+O",
                          "Open an images file and its labels file", QStyle.StandardPixmap.SP_FileIcon),
        "sample": act("Open the embedded &sample", lambda: w.open_source("sample"), None,
                      "The MNIST test set shipped with the app (10,000 images)"),
        "download": act("&Download dataset…", w.open_download_dialog, "Ctrl+D",
                        "Download and verify MNIST, Fashion-MNIST or KMNIST", QStyle.StandardPixmap.SP_ArrowDown),
        "quit": act("&Quit", w.close, QKeySequence.StandardKey.Quit, "Quit mnist-desktop"),
        "zoom_in": act("Zoom &in", lambda: w.grid.zoom(1.25), QKeySequence.StandardKey.ZoomIn, "Zoom in (+)"),
        "zoom_out": act("Zoom &out", lambda: w.grid.zoom(0.8), QKeySequence.StandardKey.ZoomOut, "Zoom out (−)"),
        "fit": act("&Fit page width", w.grid.fit_width, "Ctrl+0", "Show the full width of the page"),
        "prev_page": act("Previous page", lambda: w._on_grid_key_move("page_up"), None,
                         "Previous page (PgUp)", QStyle.StandardPixmap.SP_ArrowBack),
        "next_page": act("Next page", lambda: w._on_grid_key_move("page_down"), None,
                         "Next page (PgDn)", QStyle.StandardPixmap.SP_ArrowForward),
        "about": act("&About mnist-desktop", lambda: show_about(w), None, "Version and licences"),
    }


def create_menus(w, actions: dict[str, QAction]) -> None:
    bar = w.menuBar()
    file_menu = bar.addMenu("&File")
    for name in ("open_folder", "open_files", "sample", "download"):
        file_menu.addAction(actions[name])
    w.file_menu = file_menu
    w.file_menu_end = file_menu.addSeparator()
    file_menu.addAction(actions["quit"])

    view = bar.addMenu("&View")
    for name in ("zoom_in", "zoom_out", "fit"):
        view.addAction(actions[name])
    view.addSeparator()
    _choice_menu(w, view.addMenu("Tiles per &row"), COLUMN_CHOICES, w.columns, w.set_columns)
    _choice_menu(w, view.addMenu("Tiles per &page"), PAGE_SIZES, w.page_size, w.set_page_size)
    view.addSeparator()
    panels = view.addMenu("Pa&nels")
    for dock in w.docks.values():
        panels.addAction(dock.toggleViewAction())
    w.view_menu = view
    w.help_menu = bar.addMenu("&Help")
    w.help_menu.addAction(actions["about"])


def _choice_menu(w, menu, values, current, setter) -> None:
    group = QActionGroup(w)
    for value in values:
        a = QAction(f"{value:,}", w, checkable=True)
        a.setChecked(value == current)
        a.triggered.connect(lambda _=False, v=value: setter(v))
        group.addAction(a)
        menu.addAction(a)


def create_tool_bar(w, actions: dict[str, QAction]) -> None:
    tb = w.addToolBar("Main")
    tb.setObjectName("toolbar_main")
    tb.setMovable(False)
    tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    for name in ("open_folder", "open_files", "download"):
        tb.addAction(actions[name])
    w.main_tool_bar = tb
    w.tool_bar_end = tb.addSeparator()
    for name in ("prev_page", "next_page"):
        tb.addAction(actions[name])


ABOUT = f"""<h3>mnist-desktop {__version__}</h3>
<p>Download, verify, inspect, clean, augment and export MNIST-style datasets.</p>
<p><b>Licences</b></p>
<ul>
<li>mnist-desktop: MIT licence.</li>
<li>Qt and Qt for Python (PySide6): GNU LGPL v3 (The Qt Company).</li>
<li>pyqtgraph, superqt, numpy, requests, pooch: their own permissive licences (MIT / BSD / Apache).</li>
<li>MNIST (the embedded sample): Yann LeCun and Corinna Cortes, CC BY-SA 3.0.</li>
<li>Fashion-MNIST: Zalando Research, MIT licence. Kuzushiji-MNIST: ROIS-DS CODH, CC BY-SA 4.0.</li>
</ul>"""


def show_about(w) -> None:
    QMessageBox.about(w, "About mnist-desktop", ABOUT)
