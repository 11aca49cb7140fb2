"""Summary statistics of image arrays, computed without float64 copies."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

__all__ = ["pixel_stats", "label_counts", "class_sums", "ClassMeans", "intensity_histogram", "channel_histograms",
           "histogram_stats"]


def pixel_stats(images: np.ndarray, chunk: int = 1 << 18) -> dict[str, float]:
    """Min, max, mean and standard deviation of all pixels.

    uint8 data goes through a 256-bin histogram built in chunks: exact, one
    pass, and no temporary the size of the data (np.std would allocate 8
    bytes a pixel, and np.bincount converts its whole input to intp). Small
    chunks: bincount holds the GIL, and the GUI runs this in a worker beside
    a UI thread that must paint meanwhile.
    """
    if images.size == 0:
        return {"min": 0.0, "max": 0.0, "mean": 0.0, "std": 0.0}
    if images.dtype == np.uint8:
        flat = images.reshape(-1)
        counts = np.zeros(256, np.int64)
        for start in range(0, flat.size, chunk):
            counts += np.bincount(flat[start:start + chunk], minlength=256)
        hist = counts.astype(np.float64)
        values = np.arange(256, dtype=np.float64)
        n = hist.sum()
        mean = float(hist @ values / n)
        var = float(hist @ (values - mean) ** 2 / n)
        nz = np.flatnonzero(hist)
        return {"min": float(nz[0]), "max": float(nz[-1]), "mean": mean, "std": var ** 0.5}
    return {"min": float(images.min()), "max": float(images.max()),
            "mean": float(images.mean(dtype=np.float64)), "std": float(images.std(dtype=np.float64))}


def intensity_histogram(image: np.ndarray, bins: int = 32) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Histogram of one uint8 image's non-zero values, per channel: what the detail view draws.

    Returns ``(edges, counts, black, pixels)``: ``bins + 1`` edges over 1..256,
    counts of shape (channels, bins) (one row for grey), the number of pixels
    that are 0 in every channel and the number of pixels (h x w, not values).
    """
    planes = image[None] if image.ndim == 2 else np.moveaxis(image, -1, 0)
    edges = np.linspace(1, 256, bins + 1)
    counts = np.stack([np.histogram(p[p > 0], bins=bins, range=(1, 256))[0] for p in planes])
    black = int((planes == 0).all(axis=0).sum())
    return edges, counts, black, int(planes[0].size)


def channel_histograms(images: np.ndarray, chunk: int = 1 << 12) -> np.ndarray:
    """(C, 256) int64 counts of each value per channel of a uint8 (n, H, W, C) batch, chunked over images.

    Exact and one pass, as :func:`pixel_stats`; small chunks for the GIL.
    """
    c = images.shape[3]
    counts = np.zeros((c, 256), np.int64)
    for start in range(0, len(images), chunk):
        block = np.asarray(images[start:start + chunk]).reshape(-1, c)
        for k in range(c):
            counts[k] += np.bincount(block[:, k], minlength=256)
    return counts


def histogram_stats(counts: np.ndarray) -> dict[str, tuple[float, ...]]:
    """Mean, std, min and max per row of (C, 256) value counts (0..255 units; 0 for an empty row)."""
    values = np.arange(256, dtype=np.float64)
    total = np.maximum(counts.sum(axis=1), 1).astype(np.float64)
    mean = counts @ values / total
    var = (counts * (values[None, :] - mean[:, None]) ** 2).sum(axis=1) / total
    seen = [np.flatnonzero(row) for row in counts]
    return {"mean": tuple(float(v) for v in mean), "std": tuple(float(v) ** 0.5 for v in var),
            "min": tuple(float(s[0]) if len(s) else 0.0 for s in seen),
            "max": tuple(float(s[-1]) if len(s) else 0.0 for s in seen)}


def label_counts(labels: np.ndarray, n_classes: int) -> list[int]:
    """How many samples each class 0..n_classes-1 has (unlabelled samples, -1, are not counted)."""
    lab = labels.astype(np.intp, copy=False)
    if lab.size and lab.min() < 0:
        lab = lab[lab >= 0]
    return np.bincount(lab, minlength=n_classes)[:max(n_classes, 0) or None].tolist()


def class_sums(images: np.ndarray, labels: np.ndarray, n_classes: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-class pixel sums (n_classes, h, w[, 3]) float64 and counts (n_classes,).

    Means for any combination of splits are sums of these divided by counts,
    so the statistics panel never rescans the images when the filter changes.
    """
    sums = np.zeros((n_classes, *images.shape[1:]), np.float64)
    lab = labels.astype(np.intp, copy=False)
    for k in np.unique(lab[lab >= 0]):  # the classes present: one pass each, not one per class name
        sums[k] = images[labels == k].sum(axis=0, dtype=np.uint64)
    return sums, np.bincount(lab[lab >= 0], minlength=n_classes)[:n_classes]


class ClassMeans:
    """Per-class mean images of any combination of splits, from sums computed once.

    Built in a worker when a dataset loads; the statistics panel asks for the
    means of the splits the filter shows without rescanning the images.
    """

    #: Beyond this many classes there are no means: a mosaic of thousands of means says nothing,
    #: and their sums alone would take n_classes x pixels x 8 bytes (630 MB for 100,000 MNIST classes).
    LIMIT = 1000

    def __init__(self, dataset) -> None:
        n = len(dataset.class_names)
        self.per_split = {} if n > self.LIMIT else {
            name: class_sums(s.pixels, s.labels, n) for name, s in dataset.splits.items()}
        #: (C, 256) value counts per split of colour uint8 data (the statistics' per-channel line)
        self.channel_counts = {name: channel_histograms(s.images) for name, s in dataset.splits.items()
                               if s.images.ndim == 4 and s.images.dtype == np.uint8}

    def channel_stats(self, splits: Iterable[str]) -> dict[str, tuple[float, ...]] | None:
        """Per-channel mean, std, min, max (0..255) over ``splits`` of colour data; None for grey."""
        chosen = [self.channel_counts[s] for s in splits if s in self.channel_counts]
        return histogram_stats(sum(chosen)) if chosen else None

    def means(self, splits: Iterable[str], moves: tuple | None = None) -> np.ndarray | None:
        """(n_classes, H, W[, 3]) float64 mean image per class over ``splits`` (None if none is loaded).

        ``moves`` = (images, old labels, new labels) of relabelled samples of
        those splits: each image counts for its new class instead of its old
        one, without rescanning the data.
        """
        chosen = [self.per_split[s] for s in splits if s in self.per_split]
        if not chosen:
            return None
        sums = sum(c[0] for c in chosen)
        counts = sum(c[1] for c in chosen)
        if moves is not None and len(moves[0]):
            images, old, new = moves
            pixels = images.astype(np.float64)
            sums, counts = sums.copy(), counts.copy()
            had = old >= 0  # an unlabelled sample (-1) counted for no class before
            np.subtract.at(sums, old[had], pixels[had])
            np.add.at(sums, new, pixels)
            np.subtract.at(counts, old[had], 1)
            np.add.at(counts, new, 1)
        return sums / np.maximum(counts, 1).reshape(-1, *[1] * (sums.ndim - 1))
