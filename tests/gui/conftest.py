"""GUI fixtures: a real main window on the embedded sample, isolated settings, no leaked threads."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, QThreadPool


@pytest.fixture
def settings(tmp_path):
    """QSettings in a temporary ini file, never the user's."""
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def make_window(qtbot, settings):
    """Factory for main windows; each is closed at teardown, and no worker may outlive it."""
    from mnist_desktop.gui.main_window import MainWindow

    windows = []

    def make(settings_=None):
        w = MainWindow(settings_ if settings_ is not None else settings)
        qtbot.addWidget(w)
        w.resize(1400, 900)
        w.show()
        windows.append(w)
        return w

    yield make
    for w in windows:
        w.close()
    pool = QThreadPool.globalInstance()
    from mnist_desktop.gui.workers import Job

    assert pool.activeThreadCount() == 0, (
        f"a test left a worker thread running after its window closed: {sorted(Job.active.values())}")


@pytest.fixture
def window(make_window, qtbot):
    """A main window showing the embedded sample."""
    w = make_window()
    with qtbot.waitSignal(w.dataset_loaded, timeout=20000):
        w.open_source("sample")
    return w


@pytest.fixture
def click_tab(qtbot):
    """``click_tab(window, key)``: raise a dock as the user's click on its tab does; returns once its panel is built.

    Docks behind other tabs hold a placeholder until first shown; keys and
    shortcuts reach a panel only on screen, as for a user.
    """
    def click(window, key: str):
        dock = window.docks[key]
        dock.raise_()
        qtbot.waitUntil(lambda: dock.widget().objectName() != "placeholder", timeout=5000)
        return dock.widget().widget()

    return click
