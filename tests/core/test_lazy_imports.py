"""``import mnist_desktop`` and ``mnist-desktop --version`` load no feature (PEP 562 lazy names)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import mnist_desktop as md

REPO = Path(__file__).resolve().parents[2]
HEAVY = ("mnist_desktop.core.quality", "mnist_desktop.core.map", "mnist_desktop.core.evaluate",
         "mnist_desktop.core.export", "mnist_desktop.core.notebook", "mnist_desktop.core.formats",
         "mnist_desktop.core.processing", "mnist_desktop.core.dataset", "mnist_desktop.core.draw",
         "mnist_desktop.gui", "numpy", "PySide6", "pyqtgraph", "requests")


def loaded_after(*args: str) -> list[str]:
    code = "import runpy, sys\nsys.argv = ['mnist_desktop', *sys.argv[1:]]\n"
    if args:
        code += ("try:\n    runpy.run_module('mnist_desktop', run_name='__main__')\n"
                 "except SystemExit:\n    pass\n")
    else:
        code += "import mnist_desktop\n"
    code += "print(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code, *args], cwd=REPO, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return out.stdout.split()


def heavy_in(modules: list[str]) -> list[str]:
    return [m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY)]


def test_import_loads_no_feature():
    modules = loaded_after()
    assert "mnist_desktop" in modules
    assert heavy_in(modules) == []


def test_version_loads_no_feature():
    modules = loaded_after("--version")
    assert "mnist_desktop.cli" in modules
    assert heavy_in(modules) == []


def test_version_prints_the_version():
    out = subprocess.run([sys.executable, "-m", "mnist_desktop", "--version"], cwd=REPO, capture_output=True,
                         text=True)
    assert out.returncode == 0 and out.stdout.strip() == f"mnist-desktop {md.__version__}"


@pytest.mark.parametrize("name", md.__all__)
def test_every_public_name_resolves(name):
    value = getattr(md, name)
    assert value is not None
    assert name in dir(md)


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        md.nope  # noqa: B018
