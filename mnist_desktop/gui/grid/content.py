"""What the grid is showing right now, which may lag behind the browser's page.

In processed mode the processed pixels of a new page arrive a moment after
the page turn. Meanwhile the grid keeps the previous processed page (or blank
placeholders), never the originals; hover and clicks must then describe the
tiles that are on screen, not the page the browser already moved to.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

EMPTY_MESSAGE = "No images match the filter.\nChoose splits and classes in the Filter panel."
COMPUTING = "Computing processed images…"
PROCESSED = "Processed (as exported)"


@dataclass(frozen=True)
class GridContent:
    """The tiles on screen.

    Attributes
    ----------
    indices
        Global index of each tile, in tile order.
    processed
        The pixels are the recipe's output (False: the originals).
    placeholder
        Blank tiles waiting for their processed pixels.
    preview
        The :class:`~mnist_desktop.core.processing.preview.Preview` drawn (processed only).
    """

    indices: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    processed: bool = False
    placeholder: bool = False
    preview: object = None

    def describe(self, dataset, position: int, x: int, y: int, labels: np.ndarray | None = None) -> str:
        """Hover text for pixel (x, y) of tile ``position`` as shown ("" off the tiles).

        ``labels``: the labels as exported (the recipe's corrections in); default the dataset's.
        """
        if not 0 <= position < len(self.indices):
            return ""
        index = int(self.indices[position])
        split, si = dataset.locate(index)
        if self.placeholder:
            value = "computing…"
        elif self.processed and self.preview is not None:
            value = _pixel_text(self.preview.values[position, y, x], ".4g") + " (processed)"
        else:
            value = _pixel_text(dataset.images[index, y, x], "g")  # the stored value: float data shows its own scale
        own = int(dataset.labels[index])
        label = own if labels is None else int(labels[index])
        name = dataset.label_text(label) + (f" (was {dataset.label_text(own)})" if label != own else "")
        return f"#{index:,} ({split} #{si:,}) label {name} · pixel ({x}, {y}) = {value}"

    def position(self, index: int | None) -> int | None:
        """Tile position of global ``index`` on screen, or None."""
        if index is None:
            return None
        hits = np.flatnonzero(self.indices == index)
        return int(hits[0]) if len(hits) else None


def _pixel_text(value, spec: str) -> str:
    """One pixel in words: ``"128"`` grey, ``"R 12 G 200 B 31"`` colour (one value per channel)."""
    v = np.asarray(value)
    if v.ndim == 0:
        return format(v.item(), spec)
    return " ".join(f"{c} {format(x, spec)}" for c, x in zip("RGB", v.tolist()))
