"""Which rows an evaluation trains on and which it tests on.

- A dataset with a ``train`` and a ``test`` split: train on the processed
  training rows exactly as the export writes them (normalization, augmented
  copies, exclusions), test on every test image (original, normalized the
  same way, never augmented, never excluded: every recipe is measured on
  the same test images, so runs compare).
- A dataset with one split (the embedded sample is MNIST's test set only):
  a stratified, seeded hold-out. Within each class the samples are ordered
  by a hash of (seed, index) and alternate between the sides, so each class
  is split half/half (the training side gets the odd one) and a sample's
  side depends only on the seed and the dataset, never on the recipe, its
  exclusions or its augmentation. The recipe then applies to the training
  side only; the test side stays original.
- A recipe with a val split (``sampling.val_fraction``): train on the
  train rows the export writes (val drawn out, balanced), test on the val
  originals. The report says so.
- More training rows than :data:`MAX_TRAIN_ROWS` (e.g. 60,000 x 4 copies):
  a seeded random subset of that many rows, so time stays bounded (memory
  is bounded anyway: rows are streamed). The report says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..dataset import Dataset
from ..processing.keyed_random import image_keys
from ..processing.pipeline import output_rows
from ..processing.recipe import Recipe
from ..processing.split_plan import split_rows

__all__ = ["Plan", "plan_rows", "holdout_sides", "MAX_TRAIN_ROWS"]

#: Most training rows one evaluation fits on (about 2x MNIST's training set).
MAX_TRAIN_ROWS = 120_000


@dataclass(frozen=True, eq=False)
class Plan:
    """Training rows (split, indices, copies) and test rows (split, indices), with how they were chosen."""

    train_split: str
    train_indices: np.ndarray
    train_copies: np.ndarray
    test_split: str
    test_indices: np.ndarray
    holdout: str


def holdout_sides(labels: np.ndarray, seed: int = 0) -> np.ndarray:
    """(n,) bool: True for the training side of the stratified half/half hold-out."""
    labels = np.asarray(labels)
    order = np.argsort(image_keys(seed, "holdout", np.arange(len(labels)), 0), kind="stable")
    # Stable sort by class of the hashed order: each class's samples in hash order.
    ordered = order[np.argsort(labels[order], kind="stable")]
    rank = np.empty(len(labels), np.int64)
    starts = np.searchsorted(labels[ordered], labels[ordered], side="left")
    rank[ordered] = np.arange(len(labels)) - starts
    return rank % 2 == 0


def plan_rows(dataset: Dataset, recipe: Recipe, *, seed: int = 0, max_train_rows: int = MAX_TRAIN_ROWS) -> Plan:
    """The rows :func:`~.report.evaluate` trains and tests on (see the module docstring)."""
    if recipe.sampling.val_fraction > 0:
        rows, val = split_rows(dataset, recipe, "train"), split_rows(dataset, recipe, "val")
        train = test = rows.source
        idx, cop, test_idx = rows.indices, rows.copies, val.indices
        how = (f"train -> val: trained on the train rows the export writes (processed by the recipe), tested "
               f"on the val split ({len(test_idx):,} originals, {recipe.sampling.val_fraction:g} of each "
               f"class of {rows.source}, seed {recipe.seed})")
    elif "train" in dataset.splits and "test" in dataset.splits:
        train, test = "train", "test"
        idx, cop = output_rows(recipe, train, len(dataset.splits[train]))
        test_idx = np.arange(len(dataset.splits[test]), dtype=np.int64)
        how = "train split (processed by the recipe) -> test split (originals)"
    else:
        train = test = dataset.split_names[0]
        side = holdout_sides(dataset.splits[train].labels, seed)
        idx, cop = output_rows(recipe, train, len(side))
        keep = side[idx]
        idx, cop = idx[keep], cop[keep]
        test_idx = np.flatnonzero(~side)
        how = (f"stratified hold-out of the {train} split (seed {seed}): half of each class trains "
               f"(processed by the recipe), the other half ({len(test_idx):,} originals) tests")
    if len(idx) > max_train_rows:
        pick = np.sort(np.random.default_rng(seed).choice(len(idx), max_train_rows, replace=False))
        how += f"; trained on a seeded random {max_train_rows:,} of the {len(idx):,} training rows"
        idx, cop = idx[pick], cop[pick]
    return Plan(train, idx, cop, test, test_idx, how)
