"""core/ must import and work with Qt unavailable (headless servers, CI)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_core_imports_with_qt_blocked():
    code = textwrap.dedent("""
        import sys
        class Block:
            def find_spec(self, name, path=None, target=None):
                if name.split('.')[0] in ('PySide6', 'shiboken6', 'pyqtgraph', 'superqt', 'PyQt5', 'PyQt6'):
                    raise ImportError('blocked for this test: ' + name)
        sys.meta_path.insert(0, Block())
        import pkgutil, importlib
        import mnist_desktop, mnist_desktop.core, mnist_desktop.cli
        for mod in pkgutil.walk_packages(mnist_desktop.core.__path__, 'mnist_desktop.core.'):
            importlib.import_module(mod.name)
        from mnist_desktop import load_dataset
        assert len(load_dataset('sample')) == 10000
        loaded = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'superqt')]
        assert not loaded, loaded
        print('ok')
    """)
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
