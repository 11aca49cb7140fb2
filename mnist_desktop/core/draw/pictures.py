"""Pictures of datasets and reports as PNG, for Jupyter (``_repr_png_``) and for files.

A notebook shows an object as a picture when it has ``_repr_png_``; Dataset,
Split delegate here (QualityReport: :mod:`..quality.display`). The tiles come from the grid view's
own mosaic code (:func:`~.mosaic.labeled_mosaic` with the class-coloured
label strips of :mod:`.glyphs`); the whole mosaic is then enlarged by an
integer factor so its 5x7 label digits are legible in a static picture.
No Qt, no Pillow, no matplotlib: PNG bytes come from :mod:`.png`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np

from ..output import write_output
from ..palette import BACKGROUND, FOREGROUND
from .glyphs import draw_text, label_strips, text_size
from .mosaic import labeled_mosaic, stack
from .png import encode_rgb, is_our_picture

__all__ = ["Picture", "show", "dataset_picture", "blocks_picture", "caption", "as_uint8", "MAX_TILES"]

#: Most tiles one picture shows (about 100-150 kB of PNG at scale 2).
MAX_TILES = 256


@dataclass(frozen=True, eq=False)
class Picture:
    """An RGB picture that Jupyter displays (``_repr_png_``) and that saves as PNG.

    Attributes
    ----------
    rgb
        (H, W, 3) uint8 pixels.
    """

    rgb: np.ndarray = field(repr=False)

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) in pixels."""
        return self.rgb.shape[1], self.rgb.shape[0]

    @property
    def png(self) -> bytes:
        """The picture as PNG bytes (encoded once, then reused)."""
        cached = self.__dict__.get("_png")
        if cached is None:
            cached = encode_rgb(self.rgb, signed=True)
            object.__setattr__(self, "_png", cached)
        return cached

    def _repr_png_(self) -> bytes:
        return self.png

    def save(self, path: str | os.PathLike[str], *, force: bool = False) -> None:
        """Write the PNG file by the output rule (:mod:`...core.output`).

        Atomic (never a half-written file); an existing file is replaced only
        when it is a picture this tool drew (its ``Software`` text says so),
        or with ``force=True``.
        """
        write_output(path, self.png, kind="picture", own=is_our_picture, force=force, force_hint="force=True")

    def __repr__(self) -> str:
        w, h = self.size
        return f"Picture({w}x{h} pixels, {len(self.png) / 1000:.0f} kB PNG)"


def as_uint8(images: np.ndarray) -> np.ndarray:
    """uint8 images unchanged; floats in [0, 1] scaled by 255, other ranges stretched to 0..255."""
    if images.dtype == np.uint8:
        return images
    x = np.asarray(images, np.float32)
    lo, hi = (float(x.min()), float(x.max())) if x.size else (0.0, 1.0)
    if lo < 0 or hi > 1:
        x = (x - lo) / (hi - lo) if hi > lo else np.zeros_like(x)
    return np.rint(np.clip(x, 0, 1) * 255).astype(np.uint8)


def caption(text: str, width: int, scale: int) -> np.ndarray:
    line = text_size(text, scale)[0]
    out = np.empty((line + 6 * scale, width, 3), np.uint8)
    out[:] = BACKGROUND
    draw_text(out, text, 3 * scale, 3 * scale, FOREGROUND, scale)
    return out


def _tiles(images: np.ndarray, labels: np.ndarray, n_classes: int, cols: int, scale: int) -> np.ndarray:
    """Labelled mosaic (the grid's own code), enlarged ``scale`` times, as RGB."""
    n_classes = max(n_classes, int(labels.max()) + 1 if len(labels) else 1)
    strips = label_strips(n_classes, images.shape[2])
    rgba = labeled_mosaic(as_uint8(images), labels.astype(np.intp), strips, max(1, min(cols, len(images))))
    return rgba[:, :, :3].repeat(scale, axis=0).repeat(scale, axis=1)


def show(data, indices=None, *, labels=None, cols: int = 16, scale: int = 2, title: str | None = None,
         n_classes: int = 10) -> Picture:
    """A labelled mosaic of chosen images, to look at a selection in a notebook.

    Parameters
    ----------
    data
        A ``Dataset`` (``indices`` are global indices), a ``Split`` (indices
        within it) or an image array (N, H, W), uint8 or float.
    indices
        Integer indices or a boolean mask; default the first 64 images. At
        most :data:`MAX_TILES` are drawn.
    labels
        Labels to draw under the tiles when ``data`` is an array (default: none drawn as 0).
    cols, scale
        Tiles per row; enlargement factor (2 makes the label digits 10x14 pixels).
    title
        Caption above the mosaic (default: how many images of how many).

    Returns
    -------
    Picture
        Displays itself in Jupyter; ``.save(path)`` writes the PNG.
    """
    images, all_labels, n_classes = _images_of(data, labels, n_classes)
    if indices is None:
        idx = np.arange(min(64, len(images)))
    else:
        idx = np.asarray(indices)
        idx = np.flatnonzero(idx) if idx.dtype == bool else idx.astype(np.int64).reshape(-1)
    shown = idx[:MAX_TILES]
    if title is None:
        title = f"{len(shown):,} of {len(images):,} images" + (f" (first {MAX_TILES} of {len(idx):,} chosen)"
                                                              if len(idx) > MAX_TILES else "")
    if len(shown) == 0:
        return Picture(caption(title + ": nothing to show", text_size(title, scale)[1] + 200 * scale, scale))
    grid = _tiles(images[shown], all_labels[shown], n_classes, cols, scale)
    return Picture(stack([caption(title, grid.shape[1], scale), grid], gap=0))


def _images_of(data, labels, n_classes: int):
    if hasattr(data, "splits"):  # Dataset
        return data.images, data.labels, len(data.class_names)
    if hasattr(data, "images") and hasattr(data, "labels"):  # Split
        return data.images, data.labels, n_classes
    images = np.asarray(data)
    if images.ndim != 3:
        raise ValueError(f"need images shaped (N, height, width), got {images.shape}")
    lab = np.zeros(len(images), np.intp) if labels is None else np.asarray(labels)
    return images, lab, n_classes


def dataset_picture(data, count: int = 64, *, cols: int = 16, scale: int = 2) -> Picture:
    """The first images of a dataset (``count`` shared among its splits) or of one split, labelled.

    Each split gets a caption with its name and size, e.g. "test: 0-63 of 10,000".
    """
    if hasattr(data, "splits"):
        parts = [(name, s.images, s.labels) for name, s in data.splits.items()]
        return blocks_picture(parts, title=data.title, n_classes=len(data.class_names), count=count,
                              cols=cols, scale=scale)
    return blocks_picture([(data.name, data.images, data.labels)], count=count, cols=cols, scale=scale)


def blocks_picture(parts, *, title: str | None = None, n_classes: int = 10, count: int = 64, cols: int = 16,
                   scale: int = 2) -> Picture:
    """One captioned labelled mosaic per (name, images, labels) part; ``count`` tiles shared among them."""
    per = max(1, count // max(1, len(parts)))
    blocks = []
    for name, images, labels in parts:
        k = min(per, len(images))
        if k == 0:
            continue
        grid = _tiles(images[:k], np.asarray(labels[:k]), n_classes, cols, scale)
        blocks += [caption(f"{name}: 0-{k - 1} of {len(images):,}", grid.shape[1], scale), grid]
    if not blocks:
        text = f"{title or 'split'}: no images"
        return Picture(caption(text, text_size(text, scale)[1] + 6 * scale, scale))
    if title:
        blocks.insert(0, caption(title, max(b.shape[1] for b in blocks), scale))
    return Picture(stack(blocks, gap=0))
