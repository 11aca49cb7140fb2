"""Where things live: the embedded sample, the resources, the data folder.

The same lookup serves a source checkout (``<repo>/resources``), an installed
wheel (``mnist_desktop/resources``) and a PyInstaller bundle (``sys._MEIPASS``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["resources_dir", "sample_dir", "default_data_dir", "not_a_folder_reason", "DATA_ENV_VAR"]

DATA_ENV_VAR = "MNIST_DESKTOP_DATA"
_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    """The folder that holds ``sample/`` and the icons."""
    candidates = []
    if getattr(sys, "frozen", False) and hasattr(sys, "_MEIPASS"):
        candidates.append(Path(sys._MEIPASS) / "mnist_desktop" / "resources")
    candidates += [_PACKAGE_DIR / "resources", _PACKAGE_DIR.parent / "resources"]
    for candidate in candidates:
        if (candidate / "sample").is_dir():
            return candidate
    tried = ", ".join(str(c) for c in candidates)
    raise FileNotFoundError(f"the embedded sample is missing (looked in {tried}); reinstall mnist-desktop")


def sample_dir() -> Path:
    """The embedded sample: the real MNIST test set (10,000 images)."""
    return resources_dir() / "sample"


def default_data_dir() -> Path:
    """``$MNIST_DESKTOP_DATA`` or the platform's user data folder.

    ``~/.local/share/mnist-desktop`` on Linux, ``~/Library/Application Support/
    mnist-desktop`` on macOS, ``%LOCALAPPDATA%\\mnist-desktop`` on Windows.
    """
    env = os.environ.get(DATA_ENV_VAR)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("mnist-desktop", appauthor=False))


def not_a_folder_reason(path: Path) -> str:
    """'<path>: why it cannot be used as a folder', with the real reason.

    A file, a symlink loop or a permission problem each say so instead of
    a generic "no such folder".
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return f"{path}: no such folder"
    except OSError as exc:
        return f"{path}: {exc.strerror or exc}"
    import stat

    if not stat.S_ISDIR(st.st_mode):
        return f"{path}: is a file, not a folder"
    return f"{path}: cannot be opened as a folder"
