"""The analysis pipeline behind :func:`mnist_desktop.core.quality.report.analyze`.

Steps (each reports progress and checks cancel): deskew blocks, PCA
covariance blocks, projection blocks, k-NN row blocks, one model fit per
fold, then the duplicate / blank / outlier checks and the ranking.
Peak memory beyond the images: the deskewed copy as uint8 (N x 784 bytes),
the features (N x 50 float32), one block of distances (64 MB).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .deskew import deskew
from .duplicates import exact_groups, keep_order, near_pairs
from .neighbours import fit_pca, knn_blocks, row_block
from ..progress import Cancel, Progress, Steps
from .label_models import gaussian_cv, knn_vote, softmax_rows, temperature

__all__ = ["QualityParams", "run_analysis", "REASONS", "BIT"]



#: Reason names, in bit order of the ``reasons`` mask.
REASONS = ("mislabelled", "label-conflict", "duplicate", "near-duplicate", "cross-split", "blank", "outlier")
BIT = {name: 1 << b for b, name in enumerate(REASONS)}

#: Suspicion of each flag that is a fact rather than a probability. Ordered by
#: how sure and how harmful: two labels for one image, an empty image, a copy
#: leaking between train and test, a plain copy, a near copy.
S_CONFLICT, S_BLANK, S_DUP_CROSS, S_DUP, S_NEAR_CROSS, S_NEAR = 0.99, 0.97, 0.95, 0.9, 0.8, 0.7

#: Images per deskew / PCA block: the deskew's padded temporaries take
#: ~50 kB per image, so 1024 images keep them near 50 MB.
IMAGE_BLOCK = 1024


@dataclass(frozen=True)
class QualityParams:
    """Settings of :func:`analyze`; the defaults suit MNIST-like 28 x 28 data.

    Attributes
    ----------
    k
        Neighbours per sample for the vote, duplicates and outliers.
    n_components
        PCA components (50 keep ~83 % of the variance of deskewed MNIST).
    folds
        Cross-validation folds of the per-class Gaussian model.
    reg
        Shrinkage of each class covariance towards the identity.
    mislabel_threshold
        Flag "mislabelled" when the models give the given label at most
        ``1 - mislabel_threshold`` and prefer another (0.8: the given label
        is four times less likely than the alternatives together).
    near_duplicate
        Pixel distance / RMS image norm below which two images are near duplicates.
    blank_fraction
        Flag "blank" when an image has less ink than this fraction of the
        median image (MNIST: the faintest real digit has ~22 % of the median).
    outlier_z
        Robust z-score (median / MAD) of the distance to the neighbours or to
        the nearest class model above which a sample is an outlier.
    """

    k: int = 10
    n_components: int = 50
    folds: int = 5
    reg: float = 0.1
    mislabel_threshold: float = 0.8
    near_duplicate: float = 0.08
    blank_fraction: float = 0.1
    outlier_z: float = 6.0


def run_analysis(images: np.ndarray, labels: np.ndarray, n_classes: int, codes: np.ndarray,
                 keep_priority: np.ndarray, params: QualityParams, progress: Progress | None,
                 cancel: Cancel) -> dict[str, np.ndarray]:
    """All per-sample arrays of a QualityReport except the split bookkeeping."""
    n = len(labels)
    flat = images.reshape(n, -1)
    dim = flat.shape[1]
    k = max(0, min(params.k, n - 1))
    n_blocks = math.ceil(n / IMAGE_BLOCK)
    folds = max(1, min(params.folds, n))
    tick = Steps([n_blocks, n_blocks, n_blocks, math.ceil(n / row_block(n)), folds, 1], progress, cancel,
                 "quality analysis cancelled")
    labels = labels.astype(np.intp)

    straight = np.empty((n, dim), np.uint8)  # deskewed, quantised: 4x smaller than float32
    for s in range(0, n, IMAGE_BLOCK):
        straight[s:s + IMAGE_BLOCK] = np.rint(deskew(images[s:s + IMAGE_BLOCK]) * 255)
        tick()

    def blocks():
        for s in range(0, n, IMAGE_BLOCK):
            yield straight[s:s + IMAGE_BLOCK].astype(np.float32) * np.float32(1 / 255)

    pca = fit_pca(blocks, n, max(1, min(params.n_components, dim, n - 1)), tick)
    z = np.empty((n, pca.components.shape[1]), np.float32)
    for s, x in zip(range(0, n, IMAGE_BLOCK), blocks()):
        z[s:s + IMAGE_BLOCK] = pca.transform(x)
        tick()
    del straight

    nn = np.empty((n, k), np.int64)
    nd = np.empty((n, k), np.float32)
    for start, stop, idx, dist in knn_blocks(z, k):
        nn[start:stop], nd[start:stop] = idx, dist
        tick()

    loglik = gaussian_cv(z, labels, n_classes, folds, params.reg, tick)
    p_gauss = softmax_rows(loglik / temperature(loglik, labels))
    probs = 0.5 * (knn_vote(labels, nn, n_classes) + p_gauss)
    rows = np.arange(n)
    best = probs.argmax(1)
    p_label = probs[rows, labels]

    ink = flat.sum(1, dtype=np.int64) / 255.0
    blank = ink <= params.blank_fraction * np.median(ink)
    suggested = np.where((best != labels) & ~blank, best, -1)
    confidence = np.where(suggested >= 0, probs[rows, best], p_label)

    reasons = np.zeros(n, np.int64)
    s_fact = np.zeros(n)
    reasons[(suggested >= 0) & (1 - p_label >= params.mislabel_threshold)] |= BIT["mislabelled"]
    reasons[blank] |= BIT["blank"]
    s_fact[blank] = S_BLANK

    duplicate_of = _duplicates(flat, labels, codes, keep_priority, nn, nd, params, reasons, s_fact)

    outlier_z = _outlier_z(nd, loglik)
    outlier = (outlier_z >= params.outlier_z) & ~blank
    reasons[outlier] |= BIT["outlier"]
    s_out = np.where(outlier, 0.6 + 0.3 * (1 - params.outlier_z / np.maximum(outlier_z, params.outlier_z)), 0)

    survival = p_label * (1 - s_fact) * (1 - s_out)
    score = (1 - survival).astype(np.float32)
    # Rank on -log(1 - score), which does not saturate near 1, rounded so
    # that last-bit differences between BLAS builds cannot reorder ties.
    key = np.round(-np.log(np.maximum(survival, 1e-300)), 6)
    # Flagged first; among them facts (two labels for one image, blank images,
    # copies) before probabilities (mislabelled, outlier): a fact is certain
    # and dropping a copy loses nothing, so it heads the list for review and
    # for ``export --exclude-flagged --top N``.
    fact = (reasons & (BIT["label-conflict"] | BIT["blank"] | BIT["duplicate"] | BIT["near-duplicate"])) != 0
    order = np.lexsort((rows, -key, ~fact, reasons == 0)).astype(np.int64)
    tick()
    return {"suggested": suggested.astype(np.int16), "confidence": confidence.astype(np.float32),
            "p_label": p_label.astype(np.float32), "score": score, "reasons": reasons.astype(np.uint16),
            "duplicate_of": duplicate_of, "outlier_z": outlier_z.astype(np.float32), "order": order,
            "features": z}


def _duplicates(flat, labels, codes, keep_priority, nn, nd, params, reasons, s_fact) -> np.ndarray:
    """Flag exact and near duplicates in place; return ``duplicate_of``.

    Of each group of copies one is kept (see ``keep_order``) and the others
    point to it. When the copies carry different labels every member is a
    "label-conflict": at most one label is right, and the reviewer must see all.
    """
    n = len(labels)
    rank = keep_order(keep_priority)
    by_rank = np.argsort(rank)
    duplicate_of = np.full(n, -1, np.int64)

    gid = exact_groups(flat)
    member = gid >= 0
    if member.any():
        g = gid[member]
        best = np.full(n, n, np.int64)
        np.minimum.at(best, g, rank[member])
        lo = np.full(n, np.iinfo(np.intp).max)
        hi = np.full(n, -1)
        np.minimum.at(lo, g, labels[member])
        np.maximum.at(hi, g, labels[member])
        kept = by_rank[best[g]]
        idx = np.flatnonzero(member)
        copy = idx != kept
        duplicate_of[idx[copy]] = kept[copy]
        conflict = idx[lo[g] != hi[g]]
        reasons[conflict] |= BIT["label-conflict"]
        s_fact[conflict] = S_CONFLICT
        cross = codes[idx[copy]] != codes[kept[copy]]
        reasons[idx[copy]] |= BIT["duplicate"] | np.where(cross, BIT["cross-split"], 0)
        s_fact[idx[copy]] = np.maximum(s_fact[idx[copy]], np.where(cross, S_DUP_CROSS, S_DUP))

    norms = np.empty(n)
    for s in range(0, n, IMAGE_BLOCK):  # in blocks: a float copy of all images would double the peak
        x = flat[s:s + IMAGE_BLOCK].astype(np.float32) * np.float32(1 / 255)
        norms[s:s + IMAGE_BLOCK] = np.sqrt(np.einsum("ij,ij->i", x, x))
    pairs = near_pairs(flat, nn, nd, norms, params.near_duplicate)
    if len(pairs):
        same_group = (gid[pairs[:, 0]] >= 0) & (gid[pairs[:, 0]] == gid[pairs[:, 1]])
        pairs = pairs[~same_group]
        a, b = pairs[:, 0], pairs[:, 1]
        keep_a = rank[a] < rank[b]
        kept, copy = np.where(keep_a, a, b), np.where(keep_a, b, a)
        fresh = duplicate_of[copy] < 0
        duplicate_of[copy[fresh]] = kept[fresh]
        conflict = labels[a] != labels[b]
        both = np.concatenate([a[conflict], b[conflict]])
        reasons[both] |= BIT["label-conflict"]
        s_fact[both] = S_CONFLICT
        cross = codes[copy] != codes[kept]
        reasons[copy] |= BIT["near-duplicate"] | np.where(cross, BIT["cross-split"], 0)
        s_fact[copy] = np.maximum(s_fact[copy], np.where(cross, S_NEAR_CROSS, S_NEAR))
    return duplicate_of


def _outlier_z(nd: np.ndarray, loglik: np.ndarray) -> np.ndarray:
    """Robust z of "far from everything": neighbour distance or best class fit.

    The larger of two robust z-scores (median and MAD, so the outliers do not
    inflate the scale they are measured with): the log mean distance to the
    k nearest neighbours, and minus the best held-out class log-likelihood.
    """
    def robust_z(x: np.ndarray) -> np.ndarray:
        x = np.where(np.isfinite(x), x, np.nanmax(np.where(np.isfinite(x), x, np.nan)))
        med = np.median(x)
        mad = np.median(np.abs(x - med)) * 1.4826
        return (x - med) / (mad if mad > 1e-12 else 1.0)

    z_nn = robust_z(np.log(nd.mean(1) + 1e-3)) if nd.shape[1] else np.zeros(len(nd))
    top = loglik.max(1)
    z_cls = robust_z(-top) if np.isfinite(top).any() else np.zeros(len(nd))
    return np.maximum(z_nn, z_cls)
