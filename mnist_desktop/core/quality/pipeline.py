"""The analysis pipeline behind :func:`mnist_desktop.core.quality.report.analyze`.

Named steps, each a function that ticks once per unit of work it declared
in :func:`plan` (so the progress total is the plan's sum, never counted by
hand): deskew blocks, PCA covariance blocks, projection blocks, k-NN row
blocks, one Gaussian fit per fold group, two ridge passes per fold group,
in thorough mode two passes over chunks of 256 images per patch model
(:mod:`.thorough`), then the duplicate / blank / outlier flags and the ranking.
Peak memory beyond the images: the deskewed copy as uint8 (N x 784 bytes),
the features (N x 50 float32), one block of distances (64 MB), the ridge
Gram matrices (one D x D float32 per fold group).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..progress import Cancel, Progress, Steps
from ..numeric.deskew import deskew
from .duplicates import exact_groups, find_duplicates
from .label_models import LabelJudgement, confident_ranking, gaussian_cv, softmax_rows, temperature
from ..numeric.neighbours import fit_pca, knn_blocks, row_block
from .ridge import feature_count, fold_groups, ridge_oof
from .thorough import ensemble_probs, thorough_steps

__all__ = ["QualityParams", "Samples", "plan", "run_analysis", "REASONS", "BIT"]


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
    ridge_features
        Random features of the ridge label model (fewer for large datasets,
        see ``ridge.feature_count``).
    near_duplicate
        Pixel distance / RMS image norm below which two images are near duplicates.
    blank_fraction
        Flag "blank" when an image has less ink than this fraction of the
        median image (MNIST: the faintest real digit has ~22 % of the median).
    outlier_z
        Robust z-score (median / MAD) of the distance to the neighbours or to
        the nearest class model above which a sample is an outlier.
    thorough
        Judge labels with the ensemble of :mod:`.thorough` (the default model
        plus two patch-feature models): finds more real label errors, costs
        about 10x the time.
    patch_filters
        Filters per patch model in thorough mode.
    """

    k: int = 10
    n_components: int = 50
    folds: int = 5
    reg: float = 0.1
    ridge_features: int = 2000
    near_duplicate: float = 0.08
    blank_fraction: float = 0.1
    outlier_z: float = 6.0
    thorough: bool = False
    patch_filters: int = 128


@dataclass(frozen=True)
class Samples:
    """What the pipeline analyses: all splits concatenated (global index order).

    Attributes
    ----------
    images
        (n, h, w) uint8.
    labels
        (n,) int given labels.
    n_classes
        Number of classes.
    codes
        (n,) split code of each sample (folds never mix splits, see ``ridge``).
    keep_priority
        (n,) lower is kept first among duplicates.
    """

    images: np.ndarray
    labels: np.ndarray
    n_classes: int
    codes: np.ndarray
    keep_priority: np.ndarray


def plan(n: int, groups: int, thorough: bool = False) -> dict[str, int]:
    """Steps of each stage for n samples in ``groups`` fold groups, in run order."""
    blocks = math.ceil(n / IMAGE_BLOCK)
    return {"deskew": blocks, "pca": blocks, "project": blocks, "neighbours": math.ceil(n / row_block(n)),
            "gaussians": groups, "ridge": 2 * groups, "patch": thorough_steps(n) if thorough else 0, "flags": 1}


def run_analysis(samples: Samples, params: QualityParams, *, progress: Progress | None = None,
                 cancel: Cancel = None) -> dict[str, np.ndarray]:
    """All per-sample arrays of a QualityReport except the split bookkeeping."""
    n = len(samples.labels)
    labels = samples.labels.astype(np.intp)
    copies = exact_groups(samples.images.reshape(n, -1))
    groups = fold_groups(samples.codes, max(1, min(params.folds, n)), copies)
    steps = Steps(list(plan(n, len(np.unique(groups)), params.thorough).values()), progress, cancel,
                  "quality analysis cancelled")
    z, straight = deskewed_pca(samples.images, params.n_components, steps)
    nn, nd = neighbours(z, max(0, min(params.k, n - 1)), steps)
    loglik = gaussian_cv(z, labels, samples.n_classes, groups, params.reg, steps)
    scores = ridge_oof(z, labels, samples.n_classes, groups, step=steps,
                       n_features=feature_count(n, params.ridge_features))
    probs = softmax_rows(scores / temperature(scores, labels))
    if params.thorough:
        probs = ensemble_probs(probs, samples.images, straight.reshape(samples.images.shape), labels,
                               samples.n_classes, groups, n_filters=params.patch_filters, step=steps)
    del straight
    out = flag_and_rank(samples, labels, probs, copies, confident_ranking(probs, labels), loglik, (nn, nd),
                        params)
    steps()
    return {**out, "probs": probs.astype(np.float32), "features": z}


def deskewed_pca(images: np.ndarray, n_components: int, tick: Steps) -> tuple[np.ndarray, np.ndarray]:
    """(n, m) float32 PCA coordinates of the deskewed images (3 stages of blocks), and the
    deskewed images themselves as (n, h*w*c) uint8 (thorough mode's second patch model reads them)."""
    n = len(images)
    dim = images[0].size if n else 0
    straight = np.empty((n, dim), np.uint8)  # deskewed, quantised: 4x smaller than float32
    for s in range(0, n, IMAGE_BLOCK):
        straight[s:s + IMAGE_BLOCK] = np.rint(deskew(images[s:s + IMAGE_BLOCK]) * 255)
        tick()

    def blocks():
        for s in range(0, n, IMAGE_BLOCK):
            yield straight[s:s + IMAGE_BLOCK].astype(np.float32) * np.float32(1 / 255)

    pca = fit_pca(blocks, n, max(1, min(n_components, dim, n - 1)), tick)
    z = np.empty((n, pca.components.shape[1]), np.float32)
    for s, x in zip(range(0, n, IMAGE_BLOCK), blocks()):
        z[s:s + IMAGE_BLOCK] = pca.transform(x)
        tick()
    return z, straight


def neighbours(z: np.ndarray, k: int, tick: Steps) -> tuple[np.ndarray, np.ndarray]:
    """k nearest neighbours (indices, distances) of every row of ``z``, one tick per block."""
    n = len(z)
    nn = np.empty((n, k), np.int64)
    nd = np.empty((n, k), np.float32)
    for start, stop, idx, dist in knn_blocks(z, k):
        nn[start:stop], nd[start:stop] = idx, dist
        tick()
    return nn, nd


def flag_and_rank(samples: Samples, labels: np.ndarray, probs: np.ndarray, copies: np.ndarray,
                  judged: LabelJudgement,
                  loglik: np.ndarray, knn: tuple[np.ndarray, np.ndarray],
                  params: QualityParams) -> dict[str, np.ndarray]:
    """Reasons, suggestions, scores and the rank order from all the evidence.

    ``probs`` are the held-out class probabilities, ``copies`` the
    exact-duplicate groups, ``knn`` the neighbour indices and distances.
    """
    n = len(labels)
    nn, nd = knn
    flat = samples.images.reshape(n, -1)
    ink = flat.sum(1, dtype=np.int64) / 255.0
    blank = ink <= params.blank_fraction * np.median(ink)
    best, p_best = _conflict_choice(probs, labels, copies, judged)
    doubted = (p_best > judged.p_label) & ~blank
    suggested = np.where(doubted, best, -1)
    confidence = np.where(suggested >= 0, p_best, judged.p_label)

    dup = find_duplicates(flat, labels, samples.codes, samples.keep_priority, copies, knn,
                          params.near_duplicate)
    outlier_z = _outlier_z(nd, loglik)
    outlier = (outlier_z >= params.outlier_z) & ~blank
    masks = {"mislabelled": judged.candidate & doubted, "label-conflict": dup.conflict,
             "duplicate": dup.exact, "near-duplicate": dup.near, "cross-split": dup.cross & (dup.exact | dup.near),
             "blank": blank, "outlier": outlier}
    reasons = np.zeros(n, np.int64)
    for name, mask in masks.items():
        reasons[mask] |= BIT[name]
    s_fact = np.select([dup.conflict, blank, dup.exact & dup.cross, dup.exact, dup.near & dup.cross, dup.near],
                       [S_CONFLICT, S_BLANK, S_DUP_CROSS, S_DUP, S_NEAR_CROSS, S_NEAR], 0.0)
    s_out = np.where(outlier, 0.6 + 0.3 * (1 - params.outlier_z / np.maximum(outlier_z, params.outlier_z)), 0)
    # The label part of the suspicion is the normalized margin mapped to [0, 1].
    survival = (1 + judged.margin) / 2 * (1 - s_fact) * (1 - s_out)
    score = (1 - survival).astype(np.float32)
    return {"suggested": suggested.astype(np.int16), "confidence": confidence.astype(np.float32),
            "p_label": judged.p_label.astype(np.float32), "score": score, "reasons": reasons.astype(np.uint16),
            "duplicate_of": dup.duplicate_of, "outlier_z": outlier_z.astype(np.float32),
            "order": rank_order(reasons, survival)}


def _conflict_choice(probs: np.ndarray, labels: np.ndarray, copies: np.ndarray,
                     judged: LabelJudgement) -> tuple[np.ndarray, np.ndarray]:
    """The class to suggest and its probability: the best other class, except for conflicts.

    Identical images with different labels: one of their labels is most
    likely the right one (a copy was relabelled), so a member's suggestion
    is the most probable of the other labels its copies carry, and it is
    only doubted (suggestion, "mislabelled") if that label beats its own.
    """
    best, p_best = judged.best_other.copy(), judged.p_other.copy()
    member = np.flatnonzero(copies >= 0)
    if len(member):
        carried = np.zeros((len(labels), probs.shape[1]), bool)
        carried[copies[member], labels[member]] = True
        allowed = carried[copies[member]]
        allowed[np.arange(len(member)), labels[member]] = False
        conflict = allowed.any(1)
        choice = np.where(allowed, probs[member], -1.0).argmax(1)
        rows = member[conflict]
        best[rows] = choice[conflict]
        p_best[rows] = probs[rows, best[rows]]
    return best, p_best


def rank_order(reasons: np.ndarray, survival: np.ndarray) -> np.ndarray:
    """Global indices most suspicious first.

    Flagged first; among them facts (two labels for one image, blank images,
    copies) before probabilities (mislabelled, outlier): a fact is certain
    and dropping a copy loses nothing, so it heads the list for review and
    for ``export --exclude-flagged --top N``. Then by decreasing score,
    ranked on ``-log(survival)`` (which does not saturate near 1) rounded so
    that last-bit differences between BLAS builds cannot reorder ties.
    """
    key = np.round(-np.log(np.maximum(survival, 1e-300)), 6)
    fact = (reasons & (BIT["label-conflict"] | BIT["blank"] | BIT["duplicate"] | BIT["near-duplicate"])) != 0
    return np.lexsort((np.arange(len(reasons)), -key, ~fact, reasons == 0)).astype(np.int64)


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
