"""PyInstaller runtime hook: stand-ins for PySide6.QtOpenGL / QtOpenGLWidgets.

pyqtgraph imports both modules when it is imported (for its optional OpenGL
paths; ``Qt/OpenGLHelpers.py`` even subclasses ``QOpenGLWidget`` at import
time), but mnist-desktop never turns OpenGL on. Leaving the real bindings out
saves about 10 MB (QtOpenGL.abi3.so alone is 8.5 MB). These stand-ins are
built on first import, so commands that never import Qt pay nothing:
``QOpenGLWidget`` is a plain QWidget subclass that refuses to be created, and
any other name raises ImportError naming this build choice. Build with
``MNIST_DESKTOP_WITH_OPENGL=1`` to bundle the real modules instead.
"""

import importlib.abc
import importlib.machinery
import sys

_STUBS = ("PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets")
_WHY = "OpenGL is not included in this mnist-desktop build (rebuild with MNIST_DESKTOP_WITH_OPENGL=1)"


class _Loader(importlib.abc.Loader):
    def create_module(self, spec):
        return None

    def exec_module(self, module):
        if module.__name__.endswith("QtOpenGLWidgets"):
            from PySide6.QtWidgets import QWidget

            class QOpenGLWidget(QWidget):
                def __init__(self, *args, **kwargs):
                    raise RuntimeError(_WHY)

            module.QOpenGLWidget = QOpenGLWidget

        def __getattr__(name):
            if name.startswith("__"):
                raise AttributeError(name)
            raise ImportError(f"{module.__name__}.{name}: {_WHY}")

        module.__getattr__ = __getattr__


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        if fullname in _STUBS:
            return importlib.machinery.ModuleSpec(fullname, _Loader())
        return None


sys.meta_path.insert(0, _Finder())
