"""mnist-desktop: download, verify, inspect, clean, augment and export MNIST-style datasets.

The public API is re-exported here; everything in :mod:`mnist_desktop.core`
works without Qt or a display.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .core.dataset import Dataset, Split, load_dataset, load_files
from .core.errors import DatasetError, IdxFormatError, MnistDesktopError
from .core.idx import read_idx, write_idx
from .core.processing.augment import AugParams, augment_images
from .core.processing.normalize import NormParams, normalize
from .core.processing.recipe import Recipe
from .core.processing.pipeline import apply_recipe, process_indices, process_rows
from .core.export.exporter import export
from .core.quality.report import QualityReport, analyze, flagged_indices

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
]
