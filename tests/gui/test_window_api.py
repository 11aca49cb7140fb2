"""The window contract: features use only WindowApi, the window offers all of it."""

from __future__ import annotations

import ast
from pathlib import Path

import mnist_desktop.gui as gui_pkg
from mnist_desktop.gui.window_api import WINDOW_MEMBERS

GUI = Path(gui_pkg.__file__).parent
#: The window's own modules (they are the window, so they may use its private parts).
WINDOW_FILES = {"main_window.py", "browsing.py", "actions.py", "layout.py", "app.py"}


def _window_uses(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, attribute) of every ``window.x``, ``self.window.x`` and ``w.x`` where ``w = self.window``."""
    aliases = {"window"}
    for node in ast.walk(tree):
        if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Attribute) and node.value.attr == "window"
                and isinstance(node.targets[0], ast.Name)):
            aliases.add(node.targets[0].id)
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Tuple):
            for target, value in zip(getattr(node.targets[0], "elts", ()), node.value.elts):
                if isinstance(target, ast.Name) and isinstance(value, ast.Attribute) and value.attr == "window":
                    aliases.add(target.id)
    uses = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        base = node.value
        is_window = (isinstance(base, ast.Name) and base.id in aliases) or (
            isinstance(base, ast.Attribute) and base.attr == "window" and isinstance(base.value, ast.Name)
            and base.value.id == "self")
        if is_window:
            uses.append((node.lineno, node.attr))
    return uses


def test_features_use_only_the_window_api():
    outside = []
    for path in sorted(GUI.rglob("*.py")):
        if path.name in WINDOW_FILES and path.parent == GUI:
            continue
        for line, attr in _window_uses(ast.parse(path.read_text())):
            if attr not in WINDOW_MEMBERS:
                outside.append(f"{path.relative_to(GUI)}:{line} window.{attr}")
    assert outside == []


def test_the_check_sees_a_private_access():
    code = "class C:\n    def f(self):\n        w = self.window\n        w._flagged\n        self.window.grid\n"
    tree = ast.parse(code)
    assert [a for _, a in _window_uses(tree) if a not in WINDOW_MEMBERS] == ["_flagged", "grid"]


def test_the_main_window_offers_every_member(qtbot, tmp_path):
    from PySide6.QtCore import QSettings

    from mnist_desktop.gui.main_window import MainWindow

    window = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    missing = [name for name in WINDOW_MEMBERS if not hasattr(window, name)]
    assert missing == []


def test_the_window_module_loads_no_model_code():
    """Start-up pays for the window, not for the quality check or the evaluation model (loaded on first run)."""
    import os
    import subprocess
    import sys

    code = ("import sys, mnist_desktop.gui.main_window; "
            "print(sorted(m for m in sys.modules if m.startswith(('mnist_desktop.core.quality', "
            "'mnist_desktop.core.evaluate', 'mnist_desktop.core.export'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert out.stdout.strip() == "[]"
