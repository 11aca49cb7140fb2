"""The Python API as a notebook user meets it: Keras-style arrays and a map-style dataset.

``arrays`` gives ``load_data`` / ``process``, ``adapter`` gives :class:`ImageDataset`
for PyTorch-style loaders (no framework import). The one-line reprs of the core
objects live in :mod:`..reprs`, their pictures in :mod:`..draw.pictures`.
"""
