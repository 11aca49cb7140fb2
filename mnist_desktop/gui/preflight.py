"""Before Qt starts: is there a screen, and are the system libraries Qt loads installed?

Without these checks Qt prints a dozen lines of its own ("could not connect to
display", "Reinstalling the application may fix this problem", a list of
platform plugins) and aborts with SIGABRT, or Python ends in an ImportError
traceback naming a ``.so`` file. Neither says what to do. This module uses
only the standard library, so it runs where Qt itself cannot load, and turns
each case into one ``error:`` line and one ``hint:`` line.
"""

from __future__ import annotations

import ctypes
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["GuiProblem", "check_gui_environment", "LIBRARIES", "XCB_LIBRARIES"]

#: soname -> (Debian/Ubuntu package, Fedora package): what QtGui/QtWidgets load.
LIBRARIES = {
    "libglib-2.0.so.0": ("libglib2.0-0", "glib2"),
    "libgthread-2.0.so.0": ("libglib2.0-0", "glib2"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl"),
    "libGL.so.1": ("libgl1", "libglvnd-glx"),
    "libOpenGL.so.0": ("libopengl0", "libglvnd-opengl"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig"),
    "libfreetype.so.6": ("libfreetype6", "freetype"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs"),
    "libX11.so.6": ("libx11-6", "libX11"),
}
#: What Qt's xcb platform plugin (X11) needs on top; libxcb-cursor0 since Qt 6.5.
XCB_LIBRARIES = {
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb"),
}
_BASE = ("libegl1", "libgl1", "libx11-6", "libdbus-1-3", "libfontconfig1", "libfreetype6", "libglib2.0-0",
         "libxkbcommon0")


@dataclass(frozen=True)
class GuiProblem:
    """Why the window cannot open (``error``) and what to do about it (``hint``)."""

    error: str
    hint: str


def _install_hint(debian: list[str], fedora: list[str]) -> str:
    return (f"install the desktop libraries: sudo apt-get install {' '.join(debian)} "
            f"(Debian/Ubuntu), or sudo dnf install {' '.join(dict.fromkeys(fedora))} (Fedora)")


def _import_qt() -> None:
    import PySide6.QtGui  # noqa: F401
    import PySide6.QtWidgets  # noqa: F401


def _loadable(soname: str) -> bool:
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def _platform(screenshot: bool) -> str:
    """The Qt platform plugin that will be used ("offscreen", "xcb", "wayland", ...)."""
    chosen = os.environ.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0].strip()
    if chosen:
        return chosen
    if os.environ.get("WAYLAND_DISPLAY") and not os.environ.get("DISPLAY"):
        return "wayland"
    if screenshot and not os.environ.get("DISPLAY"):
        return "offscreen"  # gui --screenshot renders offscreen when there is no screen
    return "xcb"


def check_gui_environment(*, screenshot: bool = False, import_qt: Callable[[], None] = _import_qt,
                          loadable: Callable[[str], bool] = _loadable) -> GuiProblem | None:
    """None when Qt can open a window here, else what is missing and how to fix it.

    Parameters
    ----------
    screenshot
        ``gui --screenshot``: without a display the window is rendered offscreen.
    import_qt, loadable
        Seams for tests (a failing import, a missing library).
    """
    if not sys.platform.startswith("linux"):
        return None
    platform = _platform(screenshot)
    if platform == "xcb" and not os.environ.get("DISPLAY"):
        return GuiProblem(
            "no display to open the window on (DISPLAY and WAYLAND_DISPLAY are not set)",
            "run it in a desktop session (or with ssh -X), or for a headless picture run "
            "QT_QPA_PLATFORM=offscreen mnist-desktop gui --screenshot out.png; "
            "the other subcommands (info, check, export, download) need no display")
    try:
        import_qt()
    except ImportError as exc:
        return _missing_library(str(exc))
    if platform == "xcb":
        missing = [name for name in XCB_LIBRARIES if not loadable(name)]
        if missing:
            debian = [XCB_LIBRARIES[m][0] for m in missing]
            return GuiProblem(f"Qt's X11 plugin needs {', '.join(missing)}, which is not installed",
                              _install_hint(debian, [XCB_LIBRARIES[m][1] for m in missing]))
    return None


def _missing_library(message: str) -> GuiProblem:
    """The ImportError of a missing shared library, in words, with the package to install."""
    found = re.search(r"(lib[\w.+-]+\.so(?:\.\d+)*)", message)
    soname = found.group(1) if found else None
    if soname in LIBRARIES:
        debian, fedora = LIBRARIES[soname]
        what = f"the system library {soname} (package {debian}) is missing"
    else:
        what = f"Qt could not be loaded ({message.splitlines()[0] if message else 'import failed'})"
        debian, fedora = "", ""
    debian_all = sorted({debian, *_BASE} - {""})
    fedora_all = sorted({fedora, *(LIBRARIES[k][1] for k in LIBRARIES if LIBRARIES[k][0] in _BASE)} - {""})
    return GuiProblem(f"the window cannot open: {what}", _install_hint(debian_all, fedora_all))
