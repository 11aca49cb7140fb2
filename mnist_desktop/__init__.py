"""mnist-desktop: download, verify, inspect, clean, augment and export MNIST-style datasets.

The public API is re-exported here; everything in :mod:`mnist_desktop.core`
works without Qt or a display.

From Python or Jupyter::

    import mnist_desktop as md
    (x_train, y_train), (x_test, y_test) = md.load_data("sample")   # like keras.datasets.mnist
    ds = md.load_dataset("sample")      # Dataset('mnist', source='sample', test=10,000 x 28x28 uint8, ...)
    ds                                  # in Jupyter: a labelled mosaic of the first images
    report = md.analyze(ds)             # QualityReport; in Jupyter: the most suspicious images
    md.show(ds, report.ranked(32))      # a picture of any selection
    arrays = md.process(ds, md.Recipe(augment=md.AugParams(rotation=10)))   # {split: (x, y)}
    loader_ready = md.ImageDataset(ds, "test", recipe=md.Recipe())          # torch DataLoader-ready

Public names
------------
Loading: load_data, load_dataset, load_files, read_idx, write_idx, Dataset, Split.
Processing: Recipe, NormParams, AugParams, normalize, augment_images, process, Processed,
apply_recipe, process_indices, process_rows, export.
Quality: analyze, QualityReport, flagged_indices.
Evaluation: evaluate, EvaluationReport.
Map: embed (2-D coordinates of every image), iter_embed (the layouts as they unfold), Map, MapParams.
Notebook: show, Picture, matrix_png, ImageDataset.
Errors: MnistDesktopError, DatasetError, IdxFormatError.
"""

from __future__ import annotations

import os
import sys


def _exit_at_once(_signum, _frame) -> None:
    """Ctrl-C while the command starts (before :func:`mnist_desktop.cli.main`): one line, exit 130."""
    os.write(2, b"error: interrupted; nothing partial was kept\n")
    os._exit(130)


def _guard_startup() -> None:
    """In the ``mnist-desktop`` command (not on import), make Ctrl-C during the imports exit 130 at once.

    Installed first, with the C module ``_signal`` (``signal`` imports enum):
    a KeyboardInterrupt inside an import is a traceback, or an ImportError.
    """
    exe = os.path.basename(sys.argv[0]) if sys.argv else ""
    if exe.startswith("mnist-desktop") or exe == "-m" or (exe == "__main__.py" and "mnist_desktop" in sys.argv[0]):
        import _signal

        if _signal.getsignal(_signal.SIGINT) is _signal.default_int_handler:
            _signal.signal(_signal.SIGINT, _exit_at_once)


_guard_startup()

import importlib  # noqa: E402 - after the interrupt guard, on purpose

from ._version import __version__  # noqa: E402

#: Public name -> module that defines it. Nothing below is imported until first used
#: (PEP 562), so ``import mnist_desktop`` and ``mnist-desktop --version`` load no feature.
_WHERE = {
    "Dataset": ".core.dataset", "Split": ".core.dataset",
    "load_dataset": ".core.formats.load", "load_files": ".core.formats.load",
    "DatasetError": ".core.errors", "IdxFormatError": ".core.errors", "MnistDesktopError": ".core.errors",
    "read_idx": ".core.idx", "write_idx": ".core.idx",
    "AugParams": ".core.processing.aug_params", "augment_images": ".core.processing.augment",
    "NormParams": ".core.processing.normalize", "normalize": ".core.processing.normalize",
    "Recipe": ".core.processing.recipe",
    "apply_recipe": ".core.processing.pipeline", "process_indices": ".core.processing.pipeline",
    "process_rows": ".core.processing.pipeline",
    "export": ".core.export.exporter",
    "QualityReport": ".core.quality.report", "analyze": ".core.quality.report",
    "flagged_indices": ".core.quality.report",
    "Processed": ".core.notebook.arrays", "load_data": ".core.notebook.arrays", "process": ".core.notebook.arrays",
    "ImageDataset": ".core.notebook.adapter",
    "Picture": ".core.draw.pictures", "show": ".core.notebook.look",
    "matrix_png": ".core.view.charts",
    "EvaluationReport": ".core.evaluate.report", "evaluate": ".core.evaluate.report",
    "Map": ".core.map.model", "MapParams": ".core.map.model", "embed": ".core.map.embed",
    "iter_embed": ".core.map.embed",
}


def __getattr__(name: str):
    """Import the module that defines public ``name`` on first use, and keep the name."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "__version__",
    "Dataset",
    "DatasetError",
    "IdxFormatError",
    "MnistDesktopError",
    "Split",
    "load_dataset",
    "load_files",
    "read_idx",
    "write_idx",
    "AugParams", "augment_images", "NormParams", "normalize", "Recipe", "apply_recipe", "process_indices",
    "process_rows", "export",
    "QualityReport", "analyze", "flagged_indices",
    "load_data", "process", "Processed", "ImageDataset", "show", "Picture", "matrix_png",
    "EvaluationReport", "evaluate",
    "Map", "MapParams", "embed", "iter_embed",
]
