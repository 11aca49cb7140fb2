"""The Python API as a notebook user meets it: short reprs, Keras-style arrays, a map-style dataset.

``reprs`` writes the one-line ``repr`` of the core objects (their classes
delegate here), ``arrays`` gives ``load_data`` / ``process``, ``adapter``
gives :class:`ImageDataset` for PyTorch-style loaders (no framework import).
"""
