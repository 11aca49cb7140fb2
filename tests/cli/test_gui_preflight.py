"""``mnist-desktop gui`` where no window can open: one error line, one hint line, no Qt noise."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from mnist_desktop.gui.preflight import LIBRARIES, check_gui_environment


def _env(**changes):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env.update(changes)
    return env


def test_no_display_exits_1_with_error_and_hint():
    proc = subprocess.run([sys.executable, "-m", "mnist_desktop", "gui", "--source", "sample"],
                          capture_output=True, text=True, env=_env(), timeout=60)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert lines[0].startswith("error: no display") and lines[1].startswith("hint: ")
    assert "--screenshot" in lines[1] and len(lines) == 2
    assert "Traceback" not in proc.stderr and "qt.qpa" not in proc.stderr


def test_missing_qt_library_names_it_and_the_install_line(tmp_path):
    # A Qt that cannot load, as on a machine without libglib: the import fails the way the loader fails.
    (tmp_path / "sitecustomize.py").write_text(textwrap.dedent("""
        import sys
        class _NoQtGui:
            def find_spec(self, name, path=None, target=None):
                if name == "PySide6.QtGui":
                    raise ImportError("libglib-2.0.so.0: cannot open shared object file: No such file or directory")
        sys.meta_path.insert(0, _NoQtGui())
    """))
    env = _env(QT_QPA_PLATFORM="offscreen", PYTHONPATH=os.pathsep.join([str(tmp_path), *sys.path]))
    proc = subprocess.run([sys.executable, "-m", "mnist_desktop", "gui", "--source", "sample"],
                          capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 1, proc.stderr
    error, hint = proc.stderr.strip().splitlines()
    assert error == ("error: the window cannot open: "
                     "the system library libglib-2.0.so.0 (package libglib2.0-0) is missing")
    assert hint.startswith("hint: install the desktop libraries: sudo apt-get install ")
    assert "libglib2.0-0" in hint and "glib2" in hint and "(Fedora)" in hint


def test_headless_subcommands_work_without_a_display():
    proc = subprocess.run([sys.executable, "-m", "mnist_desktop", "info", "--source", "sample"],
                          capture_output=True, text=True, env=_env(), timeout=60)
    assert proc.returncode == 0 and "10,000" in proc.stdout


def test_missing_xcb_cursor_is_named(monkeypatch):
    monkeypatch.setenv("DISPLAY", ":99")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    problem = check_gui_environment(import_qt=lambda: None, loadable=lambda name: name != "libxcb-cursor.so.0")
    assert problem is not None and "libxcb-cursor.so.0" in problem.error and "libxcb-cursor0" in problem.hint


def test_a_complete_machine_passes(monkeypatch):
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert check_gui_environment(import_qt=lambda: None, loadable=lambda name: True) is None
    assert all(name.startswith("lib") for name in LIBRARIES)
