"""Desktop integration files: the icon at every size, the .desktop entry, the window icon."""

from __future__ import annotations

import configparser
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ICONS = ROOT / "resources" / "icons"
DESKTOP = ROOT / "resources" / "mnist-desktop.desktop"


@pytest.mark.parametrize("size", [16, 32, 48, 64, 128, 256])
def test_icon_png_has_its_size_and_is_not_empty(size, qapp):
    from PySide6.QtGui import QImage

    img = QImage(str(ICONS / f"mnist-desktop-{size}.png"))
    assert (img.width(), img.height()) == (size, size)
    assert img.hasAlphaChannel()
    assert img.pixelColor(size // 2, size // 2).alpha() == 255  # the square is opaque
    assert img.pixelColor(0, 0).alpha() == 0                    # rounded, transparent corner


def test_svg_icon_is_well_formed():
    import xml.etree.ElementTree as ET

    root = ET.parse(ICONS / "mnist-desktop.svg").getroot()
    assert root.tag.endswith("svg") and root.get("viewBox") == "0 0 256 256"


def test_desktop_entry_has_the_required_keys():
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    parser.read(DESKTOP, encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application"
    assert entry["Exec"].split()[0] == "mnist-desktop"
    assert entry["Icon"] == "mnist-desktop"
    assert entry["StartupWMClass"] == "mnist-desktop"  # Qt's WM_CLASS is the application name
    assert entry["Categories"].endswith(";")


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils not installed")
def test_desktop_entry_validates():
    result = subprocess.run(["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout  # no hints either


def test_app_icon_has_every_size(qapp):
    from mnist_desktop.gui.icons import ICON_SIZES, app_icon

    icon = app_icon()
    assert not icon.isNull()
    assert sorted(s.width() for s in icon.availableSizes()) == list(ICON_SIZES)
