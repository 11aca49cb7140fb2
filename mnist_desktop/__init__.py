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
from .core.notebook.arrays import Processed, load_data, process
from .core.notebook.adapter import ImageDataset
from .core.view.pictures import Picture, show
from .core.view.charts import matrix_png
from .core.evaluate.report import EvaluationReport, evaluate
from .core.map import Map, MapParams, embed, iter_embed

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
