"""Short ``repr`` strings for the public objects: one line, what matters, under ~300 characters.

Printing a dataset in a notebook used to print every image array in full
(thousands of lines of zeros). The classes keep their data; their
``__repr__`` delegates here so the wording lives in one place.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path

import numpy as np

__all__ = ["LIMIT", "fit", "array_summary", "dataset_repr", "split_repr", "recipe_repr",
           "settings_changed"]

#: Longest repr produced; longer text is cut with an ellipsis.
LIMIT = 300


def fit(text: str, limit: int = LIMIT) -> str:
    """``text`` cut to ``limit`` characters, ending with "...)" when cut."""
    return text if len(text) <= limit else text[:limit - 4] + "...)"


def _short_path(source: str, keep: int = 60) -> str:
    """A long path shown as its start and its end: '/home/.../data/mnist'."""
    if len(source) <= keep:
        return source
    tail = Path(source).name
    return source[:max(8, keep - len(tail) - 4)] + ".../" + tail


def array_summary(images: np.ndarray) -> str:
    """'10,000 x 28x28 uint8' for an (N, H, W) array."""
    shape = images.shape
    return f"{shape[0]:,} x {'x'.join(map(str, shape[1:]))} {images.dtype}"


def dataset_repr(ds) -> str:
    """``Dataset('mnist', source='sample', test=10,000 x 28x28 uint8, 10 classes)``."""
    splits = ", ".join(f"{name}={array_summary(s.images)}" for name, s in ds.splits.items())
    return fit(f"Dataset({ds.key!r}, source={_short_path(str(ds.source))!r}, {splits or 'no splits'}, "
               f"{len(ds.class_names)} classes)")


def split_repr(split) -> str:
    """``Split('test', 10,000 x 28x28 uint8, labels 0-9, file='t10k-images-idx3-ubyte.gz')``."""
    labels = split.labels
    span = f"labels {int(labels.min())}-{int(labels.max())}" if len(labels) else "no labels"
    where = f", file={split.image_file.name!r}" if split.image_file is not None else ""
    return fit(f"Split({split.name!r}, {array_summary(split.images)}, {span}{where})")


def _value(v) -> str:
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, tuple) and all(isinstance(x, float) for x in v):
        return "(" + ", ".join(f"{x:g}" for x in v) + ")"
    return repr(v)


def settings_changed(obj) -> list[tuple[str, object]]:
    """(field, value) of a dataclass's fields that differ from their defaults, in field order."""
    out = []
    for f in dataclasses.fields(obj):
        if f.default is not dataclasses.MISSING:
            default = f.default
        elif f.default_factory is not dataclasses.MISSING:
            default = f.default_factory()
        else:
            default = dataclasses.MISSING
        value = getattr(obj, f.name)
        if default is dataclasses.MISSING or not _equal(value, default):
            out.append((f.name, value))
    return out


def _equal(a, b) -> bool:
    try:
        return bool(a == b)
    except (TypeError, ValueError):  # arrays and other non-scalar comparisons
        return a is b


def recipe_repr(recipe) -> str:
    """Only the settings that differ from the defaults: ``Recipe(normalize='zscore', rotation=10, copies=2)``.

    Nested parameter objects (normalization, augmentation) are flattened;
    ``normalize``'s ``method`` is shown as ``normalize=...``; the excluded
    samples as counts per split.
    """
    parts = []
    for name, value in settings_changed(recipe):
        if name == "excluded":
            counts = ", ".join(f"{split}: {len(ix):,} samples" for split, ix in dict(value).items())
            parts.append(f"excluded={{{counts}}}")
        elif dataclasses.is_dataclass(value):
            for sub, v in settings_changed(value):
                parts.append(f"{name if sub == 'method' else sub}={_value(v)}")
        elif isinstance(value, Mapping) or (isinstance(value, tuple) and len(value) > 4):
            parts.append(f"{name}=<{len(value)} items>")
        else:
            parts.append(f"{name}={_value(value)}")
    return fit(f"Recipe({', '.join(parts)})")
