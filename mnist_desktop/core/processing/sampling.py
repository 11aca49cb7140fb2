"""Sampling: a stratified validation (and test) split drawn from train, and class balance.

Split membership is a pure function of ``(seed, source split, index, label)``
and the fractions: within each class the samples are ranked by a keyed hash
of (seed, split, index) and the lowest ``round(test_fraction * n_c)`` go to
test, the next ``round(val_fraction * n_c)`` to val. No other recipe field
(augmentation, normalization, exclusions, relabelling) moves a sample between
train and val, and raising a fraction only adds samples. The labels used are
the dataset's own (a relabelled sample stays where it was).

Balance applies to train rows only: ``undersample`` keeps, per class, the
lowest-ranked rows up to the smallest class's row count; ``oversample`` adds
rows to every class up to the largest one's count, cycling through the
class's samples in rank order; an extra row is a new copy number (copies
``K, K+1, ...`` after the recipe's ``K`` copies), so it is an augmented copy
of its own when augmentation is on and a plain repeat otherwise.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

import numpy as np

from . import keyed_random as _random
from ..errors import Problem, RecipeError
from ..validation import FieldRange, check_choice, read_fields

__all__ = ["SamplingParams", "SAMPLING_RANGES", "BALANCE_CHOICES", "TRAIN", "VAL", "TEST", "assign_splits",
           "balance_rows", "fraction_count"]

BALANCE_CHOICES = ("none", "oversample", "undersample")
#: Codes returned by :func:`assign_splits`.
TRAIN, VAL, TEST = 0, 1, 2

SAMPLING_RANGES: dict[str, FieldRange] = {
    "val_fraction": FieldRange("Validation fraction", 0, 0.9, 0.01, 0.05, 3, "of each class of train"),
    "test_fraction": FieldRange("Test fraction", 0, 0.9, 0.01, 0.05, 3, "of each class of train"),
}


@dataclass(frozen=True)
class SamplingParams:
    """Validation/test fractions and class balance; the defaults switch everything off.

    Attributes
    ----------
    val_fraction
        Share of each class of the training split that becomes the ``val``
        split (0: no val split).
    test_fraction
        Share of each class that becomes a ``test`` split, for sources with
        one labelled split only (the sample, Kaggle's train.csv, a class
        folder tree).
    balance
        "none", "oversample" or "undersample" (train rows only).
    """

    val_fraction: float = 0.0
    test_fraction: float = 0.0
    balance: str = "none"

    @property
    def is_identity(self) -> bool:
        """True when the splits and rows are those of the dataset."""
        return self.val_fraction == 0 and self.test_fraction == 0 and self.balance == "none"

    @property
    def holds_out(self) -> bool:
        """True when a val or test split is drawn from train."""
        return self.val_fraction > 0 or self.test_fraction > 0

    def problems(self) -> list[Problem]:
        out = [spec.check(name, getattr(self, name)) for name, spec in SAMPLING_RANGES.items()]
        out.append(check_choice("balance", self.balance, BALANCE_CHOICES))
        if not any(out[:2]) and self.val_fraction + self.test_fraction > 0.9:
            out.append(Problem("val_fraction", "plus test_fraction must be at most 0.9 (train would be "
                                               f"almost empty), got {self.val_fraction + self.test_fraction:g}"))
        return [p for p in out if p]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Any, where: str = "sampling") -> SamplingParams:
        """Build from a JSON object; unknown fields or bad values raise RecipeError naming the field."""
        params = cls(**read_fields(data, tuple(f.name for f in fields(cls)), where))
        problems = params.problems()
        if problems:
            raise RecipeError(f"{where}.{problems[0]}")
        return params


def fraction_count(fraction: float, n: int) -> int:
    """``round(fraction * n)`` with halves rounded up (the same on every platform)."""
    return int(np.floor(fraction * n + 0.5))


def _ranks(seed: int, purpose: str, split: str, indices: np.ndarray) -> np.ndarray:
    """A 64-bit keyed hash per sample: sorting by it gives a seeded random order."""
    return _random.image_keys(seed, f"{purpose}:{split}", indices, 0)


def assign_splits(seed: int, split: str, labels: np.ndarray, val_fraction: float,
                  test_fraction: float = 0.0) -> np.ndarray:
    """(N,) uint8 codes :data:`TRAIN`, :data:`VAL` or :data:`TEST` for every sample of ``split``.

    Parameters
    ----------
    seed
        The recipe's seed.
    split
        Name of the split the samples come from (part of the hash key).
    labels
        The dataset's labels of that split (unlabelled samples form one group).
    val_fraction, test_fraction
        Share of each class that goes to val / test (``round(f * n_c)`` samples).
    """
    labels = np.asarray(labels).reshape(-1)
    codes = np.zeros(len(labels), np.uint8)
    if val_fraction <= 0 and test_fraction <= 0:
        return codes
    keys = _ranks(seed, "holdout", split, np.arange(len(labels)))
    for c in np.unique(labels):
        members = np.flatnonzero(labels == c)
        order = members[np.argsort(keys[members], kind="stable")]
        n_test = fraction_count(test_fraction, len(members))
        n_val = fraction_count(val_fraction, len(members))
        codes[order[:n_test]] = TEST
        codes[order[n_test:n_test + n_val]] = VAL
    return codes


def balance_rows(seed: int, split: str, indices: np.ndarray, copies: np.ndarray, labels: np.ndarray,
                 mode: str, next_copy: int) -> tuple[np.ndarray, np.ndarray]:
    """(indices, copies) of the rows after balancing, sorted by (index, copy).

    Parameters
    ----------
    indices, copies, labels
        The rows before balancing and the label of each row.
    mode
        One of :data:`BALANCE_CHOICES`.
    next_copy
        First copy number an oversampled row may use (the recipe's copy count).
    """
    indices = np.asarray(indices, np.int64)
    copies = np.asarray(copies, np.int64)
    labels = np.asarray(labels).reshape(-1)
    if mode == "none" or len(indices) == 0:
        return indices, copies
    classes, counts = np.unique(labels, return_counts=True)
    if len(classes) < 2:
        return indices, copies
    rank = _ranks(seed, "balance", split, indices)
    keep_idx, keep_cop = [], []
    for c in classes:
        rows = np.flatnonzero(labels == c)
        if mode == "undersample":
            order = rows[np.lexsort((copies[rows], rank[rows]))]
            order = order[:counts.min()]
            keep_idx.append(indices[order])
            keep_cop.append(copies[order])
            continue
        keep_idx.append(indices[rows])
        keep_cop.append(copies[rows])
        extra = counts.max() - len(rows)
        if extra:
            samples = np.unique(indices[rows])
            samples = samples[np.argsort(_ranks(seed, "balance", split, samples), kind="stable")]
            j = np.arange(extra)
            keep_idx.append(samples[j % len(samples)])
            keep_cop.append(next_copy + j // len(samples))
    idx = np.concatenate(keep_idx)
    cop = np.concatenate(keep_cop)
    order = np.lexsort((cop, idx))
    return idx[order], cop[order]
