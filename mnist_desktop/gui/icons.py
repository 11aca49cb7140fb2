"""The application icon, from ``resources/icons`` (drawn by packaging/make_icons.py)."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon

from ..core.paths import resources_dir

#: Sizes of ``resources/icons/mnist-desktop-<N>.png``.
ICON_SIZES = (16, 32, 48, 64, 128, 256)


def app_icon() -> QIcon:
    """The mnist-desktop icon at every size shipped (a null QIcon if they are missing)."""
    icon = QIcon()
    try:
        folder = resources_dir() / "icons"
    except FileNotFoundError:
        return icon
    for size in ICON_SIZES:
        path = folder / f"mnist-desktop-{size}.png"
        if path.is_file():
            icon.addFile(str(path), QSize(size, size))
    return icon
