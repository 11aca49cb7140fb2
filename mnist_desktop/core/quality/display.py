"""How a quality report shows itself: its one-line ``repr`` and its picture for Jupyter.

:class:`~.report.QualityReport` delegates ``__repr__`` and ``_repr_png_``
here; the picture is made of the shared drawing parts in :mod:`..draw`.
"""

from __future__ import annotations

import numpy as np

from ..palette import BACKGROUND, DIM, FOREGROUND, class_color
from ..draw.glyphs import draw_text, text_size
from ..draw.mosaic import mosaic_shape, stack, tile_origin
from ..draw.pictures import Picture, as_uint8, caption
from ..reprs import fit
from .pipeline import REASONS

__all__ = ["quality_repr", "quality_picture"]

_REASON_SHORT = {"mislabelled": "mislabel", "label-conflict": "conflict", "duplicate": "duplicate",
                 "near-duplicate": "near-dup", "cross-split": "x-split", "blank": "blank", "outlier": "outlier"}


def quality_picture(report, dataset=None, top: int = 24, *, cols: int = 8, zoom: int = 4,
                    scale: int = 2) -> Picture:
    """The ``top`` most suspicious images of a quality report, with given > suggested label.

    Under each image: the given label and, where the models prefer another,
    an arrow and the suggested one (each in its class colour); the first
    reason; the split and index. ``dataset`` is the one analysed (default:
    the dataset the report was made from, when :func:`analyze` recorded it).
    """
    dataset = dataset if dataset is not None else report.__dict__.get("_dataset")
    if dataset is None:
        raise ValueError("this report does not know its images: pass the dataset it was made from")
    chosen = report.ranked(top)
    h, w = dataset.images.shape[1:]
    tile_h, line = h * zoom, text_size("0", scale)[0] + 3 * scale
    cell = (tile_h + 3 * line + 2 * scale, w * zoom)
    gap = 5 * scale
    n = max(1, len(chosen))
    cols = max(1, min(cols, n))
    img = np.empty(mosaic_shape(n, cols, cell, gap) + (3,), np.uint8)
    img[:] = BACKGROUND
    pictures = as_uint8(dataset.images[chosen])
    for k, i in enumerate(chosen.tolist()):
        y, x = tile_origin(k, cols, cell, gap)
        img[y:y + tile_h, x:x + w * zoom] = pictures[k].repeat(zoom, 0).repeat(zoom, 1)[..., None]
        _draw_labels(img, report, i, y + tile_h + scale, x, scale)
        reasons = report.reasons_of(i)
        why = _REASON_SHORT.get(reasons[0], reasons[0]) if reasons else f"score {report.score[i]:.2f}"
        draw_text(img, why, y + tile_h + scale + line, x, DIM, scale)
        where = f"{report.split[i]} {report.index[i]}"
        if text_size(where, scale)[1] > w * zoom:
            where = f"{str(report.split[i])[:2]} {report.index[i]}"
        draw_text(img, where, y + tile_h + scale + 2 * line, x, DIM, scale)
    title = (f"{len(chosen)} most suspicious of {len(report):,} images ({report.n_flagged:,} flagged): "
             "given > suggested")
    return Picture(stack([caption(title, img.shape[1], scale), img], gap=0))


def _draw_labels(img: np.ndarray, report, i: int, y: int, x: int, scale: int) -> None:
    given, suggested = int(report.label[i]), int(report.suggested[i])
    draw_text(img, str(given), y, x, class_color(given), scale)
    if suggested >= 0 and suggested != given:
        x += text_size(f"{given} ", scale)[1] + scale
        draw_text(img, ">", y, x, FOREGROUND, scale)
        x += text_size("> ", scale)[1] + scale
        draw_text(img, str(suggested), y, x, class_color(suggested), scale)


def quality_repr(report) -> str:
    """``QualityReport(10,000 images, 153 flagged: mislabelled 60, ...; top: test 1234 5>3)``."""
    counts = [f"{name} {int(np.count_nonzero(report.has_reason(name))):,}" for name in REASONS]
    counts = [c for c in counts if not c.endswith(" 0")]
    text = f"QualityReport({len(report):,} images, {report.n_flagged:,} flagged"
    text += (": " + ", ".join(counts)) if counts else ""
    if report.n_flagged:
        i = int(report.order[0])
        given, sug = int(report.label[i]), int(report.suggested[i])
        text += f"; top: {report.split[i]} {int(report.index[i])} labelled {given}"
        text += f", looks like {sug}" if sug >= 0 and sug != given else ""
    return fit(text + ")")
