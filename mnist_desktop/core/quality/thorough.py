"""Thorough mode of the label check: a small seeded ensemble of patch-feature models.

Why: real label errors are ambiguous digits, not second-choice flips, and a
model that has learned more of the digits' variation judges them better.
The default label model (random-feature ridge on deskewed PCA coordinates,
``ridge``) is fast but ranks only about 7 of the 15 human-confirmed errors of
the MNIST test set in its top 100. The patch-feature model
(:mod:`~mnist_desktop.core.numeric.patches`: filters cut from whitened 5x5
patches, ReLU, 4x4 average pooling, ridge head trained on +-1 px shifts and
scored with test-time averaging) reaches 98.5-98.9 % out-of-fold accuracy on
the sample, and pooling two of them (one on the pixels, one on the deskewed
pixels, different filter seeds) with the default model puts 12 of the 15
in the top 100 (``benchmarks/bench_label_errors.py``).

Every member is out of fold on the same fold groups as the default model (a
sample is never scored by a model that saw its label), each is calibrated by
its own temperature, and the ensemble pools them log-linearly (the
normalised geometric mean, :func:`pool`); the ranking on top stays
confident learning's (``label_models.confident_ranking``).

Why the geometric mean: a class is only probable when every member finds
it plausible, so one member's stray certainty counts for less. Chosen on
the tuning half of the realistic planted benchmark (6 seeds, 0.5 % flips:
recall in the top 1 % 0.941 against 0.935 for the arithmetic mean), it
also did better on the untuned half (0.896 against 0.874; top 100: 0.968
against 0.950) and keeps 12 of the 15 real errors in the top 100 with
more room (the 10th at rank 69 instead of 86). Tried and not kept
(issue 26): +-10 degree rotated
training copies and test-time averaging (7 / 12 of the real errors in the
top 50 / 100, ~20 s more CPU), thickened / thinned strokes as copies (6 /
9), a heavier default member, a k-NN agreement member, other ranking
scores (``benchmarks/bench_thorough_variants.py``). None of them moves
the correctly labelled serif 1s of the sample out of the top 20: every
model gives them 85-99 % "2", and their nearest neighbours in every
feature space tried are 2s, not the sample's few other serif 1s.

Cost: each patch model is one pass of convolutions plus a Gram matrix of
``K * 16 + 1`` features over 5 shifted copies of every image (about 20 CPU
seconds for the 10,000-image sample, linear in n); memory one chunk of
responses (~90 MB) and one Gram matrix per fold group (17 MB each), never
N x N.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..numeric.patches import patch_ridge_oof, patch_steps
from .label_models import softmax_rows, temperature

__all__ = ["PATCH_MODELS", "thorough_steps", "ensemble_probs", "pool"]

#: Floor of a member's probability before the logarithm: one member's 0 must not veto a class outright.
FLOOR = 1e-6

#: The patch models of the ensemble: (which images, filter seed). Pixels and
#: deskewed pixels disagree on different digits, which is what an ensemble needs.
PATCH_MODELS = (("pixels", 0), ("deskewed", 1))


def thorough_steps(n: int) -> int:
    """Progress steps the patch models of :func:`ensemble_probs` take for n images."""
    return len(PATCH_MODELS) * patch_steps(n)


def member_probs(images: np.ndarray, labels: np.ndarray, n_classes: int, groups: np.ndarray, seed: int,
                 n_filters: int, step: Callable[[], None]) -> np.ndarray:
    """Out-of-fold probabilities of one patch model, calibrated by its own temperature."""
    scores = patch_ridge_oof(images, labels, n_classes, groups, n_filters=n_filters, seed=seed, step=step)
    return softmax_rows(scores / temperature(scores, labels))


def pool(members: list[np.ndarray]) -> np.ndarray:
    """(n, n_classes) normalised geometric mean of the members' probabilities (log-linear pooling)."""
    logs = np.mean([np.log(np.maximum(np.asarray(m, np.float64), FLOOR)) for m in members], axis=0)
    return softmax_rows(logs)


def ensemble_probs(base: np.ndarray, images: np.ndarray, deskewed: np.ndarray, labels: np.ndarray,
                   n_classes: int, groups: np.ndarray, *, n_filters: int = 128,
                   step: Callable[[], None] = lambda: None) -> np.ndarray:
    """(n, n_classes) pooled (:func:`pool`) probabilities of the default model's ``base`` and the patch models.

    Parameters
    ----------
    base
        Held-out probabilities of the default model.
    images, deskewed
        The images as given and deskewed, (n, h, w) or (n, h, w, c) uint8.
    groups
        Fold group of each sample (``ridge.fold_groups``), shared by all members.
    n_filters
        Filters per patch model.
    step
        Called :func:`thorough_steps` times in all (once per chunk and pass).
    """
    labels = np.asarray(labels, np.intp)
    members = [np.asarray(base, np.float64)]
    for view, seed in PATCH_MODELS:
        x = images if view == "pixels" else deskewed
        members.append(member_probs(x, labels, n_classes, groups, seed, n_filters, step))
    return pool(members)
