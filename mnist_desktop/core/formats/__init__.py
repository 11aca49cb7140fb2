"""Readers of the forms MNIST-style data comes in, and the registry that picks one.

One module per format family (``idx_files``, ``npz``, ``npy_folder``,
``csv_files``, ``image_folder``); ``common`` holds the rules every reader
applies; ``registry`` decides from content. Use
:func:`.load.load_dataset` (``mnist_desktop.load_dataset``) rather than a reader directly.
"""

from .registry import EXPECTED, detect, open_source

__all__ = ["EXPECTED", "detect", "open_source"]
