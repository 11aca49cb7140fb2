"""Which rows each exported split holds: the dataset's splits plus the ``val``/``test`` drawn from train.

An output split is a list of (index, copy) rows of one *source* split of the
dataset. Without ``recipe.sampling`` the output splits are the dataset's
splits with their :func:`output_rows`. With it, the source's samples are
divided by :func:`.sampling.assign_splits` into train, val and test; val and
test rows are the originals only (never augmented), train rows are expanded
as usual and then balanced (:func:`.sampling.balance_rows`). The source's
remaining samples are the ``train`` split even when the source is another
split (the embedded sample has only ``test``: with a val fraction it exports
train and val; with a test fraction too, train, val and test).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..dataset import Dataset
from ..errors import RecipeError
from .recipe import Recipe
from .sampling import TEST, TRAIN, VAL, assign_splits, balance_rows

__all__ = ["SplitRows", "output_rows", "holdout_source", "output_split_names", "exported_split_names", "split_rows",
           "sampled_counts", "sampling_summary", "sample_split_codes", "held_out"]


@dataclass(frozen=True)
class SplitRows:
    """The rows of one output split.

    Attributes
    ----------
    name
        Output split name ("train", "val", "test"...).
    source
        The dataset split the rows come from (their pixels, labels and random keys).
    indices, copies
        Index in ``source`` and copy number (-1: the original) of each row.
    members
        The samples of ``source`` the split was given (sorted, before exclusions).
    drawn
        True for a split drawn by sampling (val, or a test cut from a single-split source).
    """

    name: str
    source: str
    indices: np.ndarray
    copies: np.ndarray
    members: np.ndarray
    drawn: bool = False

    @property
    def samples(self) -> int:
        return len(self.members)

    def __len__(self) -> int:
        return len(self.indices)


def output_rows(recipe: Recipe, split: str, n_samples: int) -> tuple[np.ndarray, np.ndarray]:
    """(index, copy) of every output row of dataset split ``split`` without sampling; copy -1 is the original.

    Samples in index order without the excluded ones; per sample the
    original (if kept) then copies 0..K-1.
    """
    keep = np.setdiff1d(np.arange(n_samples), recipe.excluded_indices(split), assume_unique=True)
    aug = recipe.augment
    per = np.arange(-1 if aug.keep_original else 0, aug.copies)
    return np.repeat(keep, len(per)), np.tile(per, len(keep))


def holdout_source(dataset: Dataset, recipe: Recipe) -> str | None:
    """The dataset split val/test are drawn from ("train", or the only labelled split); None without sampling.

    Raises RecipeError when there is none, or when a test fraction is asked
    of a dataset that has a test split already.
    """
    s = recipe.sampling
    if s.is_identity:
        return None
    labelled = [k for k, v in dataset.splits.items() if v.labelled]
    source = "train" if "train" in dataset.splits else (labelled[0] if len(labelled) == 1 else None)
    if source is None:
        raise RecipeError(f"sampling: the dataset ({dataset.source}) has no train split to draw val/test or "
                          f"balance from; it has {', '.join(dataset.split_names)}")
    if s.test_fraction > 0 and "test" in dataset.splits and source != "test":
        raise RecipeError(f"sampling: the dataset ({dataset.source}) has a test split already; "
                          "test_fraction is for sources with one labelled split (use val_fraction)")
    if s.val_fraction > 0 and "val" in dataset.splits:
        raise RecipeError(f"sampling: the dataset ({dataset.source}) has a val split already; "
                          "set val_fraction to 0 to use it")
    return source


def output_split_names(dataset: Dataset, recipe: Recipe) -> tuple[str, ...]:
    """Every split an export with ``recipe.split == "all"`` writes: the dataset's, with val/test after the source."""
    source = holdout_source(dataset, recipe)
    names = []
    for k in dataset.split_names:
        if k != source:
            names.append(k)
            continue
        names.append(_train_name(source, recipe))
        names += ["val"] if recipe.sampling.val_fraction > 0 else []
        names += ["test"] if recipe.sampling.test_fraction > 0 else []
    return tuple(dict.fromkeys(names))


def _train_name(source: str, recipe: Recipe) -> str:
    """What the source's remaining samples are called: "train" once val/test are drawn from it."""
    return "train" if recipe.sampling.holds_out else source


def exported_split_names(dataset: Dataset, recipe: Recipe) -> tuple[str, ...]:
    """The output splits the recipe exports (``recipe.split`` applied to :func:`output_split_names`)."""
    names = output_split_names(dataset, recipe)
    if recipe.split == "all":
        return names
    if recipe.split not in names:
        raise RecipeError(f"the dataset ({dataset.source}) has no {recipe.split} split; it has {', '.join(names)}")
    return (recipe.split,)


def split_rows(dataset: Dataset, recipe: Recipe, name: str) -> SplitRows:
    """The rows of output split ``name`` (see the module docstring)."""
    source = holdout_source(dataset, recipe)
    derived = source is not None and (name == "val" and recipe.sampling.val_fraction > 0
                                      or name == "test" and recipe.sampling.test_fraction > 0)
    if source is None or (name != _train_name(source, recipe) and not derived):
        if name not in dataset.splits:
            raise RecipeError(f"the dataset ({dataset.source}) has no {name} split")
        idx, cop = output_rows(recipe, name, len(dataset.splits[name]))
        return SplitRows(name, name, idx, cop, np.arange(len(dataset.splits[name])))
    s = dataset.splits[source]
    codes = assign_splits(recipe.seed, source, s.labels, recipe.sampling.val_fraction,
                          recipe.sampling.test_fraction)
    if derived:
        members = np.flatnonzero(codes == (VAL if name == "val" else TEST))
        keep = np.setdiff1d(members, recipe.excluded_indices(source), assume_unique=True)
        return SplitRows(name, source, keep, np.full(len(keep), -1, np.int64), members, True)
    idx, cop = output_rows(recipe, source, len(s))
    in_train = codes[idx] == TRAIN
    idx, cop = idx[in_train], cop[in_train]
    if recipe.sampling.balance != "none" and s.labelled:
        labels = recipe.labels_for(source, idx, s.labels[idx])
        idx, cop = balance_rows(recipe.seed, source, idx, cop, labels, recipe.sampling.balance,
                                recipe.augment.copies)
    return SplitRows(name, source, idx, cop, np.flatnonzero(codes == TRAIN))


def sampled_counts(dataset: Dataset, recipe: Recipe) -> dict[str, list[int]]:
    """Rows per class of every split the recipe exports, after sampling and balance (labels only, no pixels)."""
    n_classes = len(dataset.class_names)
    out = {}
    for name in exported_split_names(dataset, recipe):
        rows = split_rows(dataset, recipe, name)
        s = dataset.splits[rows.source]
        labels = recipe.labels_for(rows.source, rows.indices, s.labels[rows.indices])
        out[name] = np.bincount(labels[labels >= 0].astype(np.intp), minlength=n_classes).tolist() \
            if s.labelled else []
    return out


def sampling_summary(dataset: Dataset, recipe: Recipe) -> str | None:
    """One line for the statistics panel: the rows each split gets after sampling and balance (None when off)."""
    if recipe.sampling.is_identity:
        return None
    parts = []
    for name, counts in sampled_counts(dataset, recipe).items():
        text = f"{name} {sum(counts):,}"
        present = [c for c in counts if c]
        if name == "train" and recipe.sampling.balance != "none" and present:
            text += f" ({present[0]:,} per class, {recipe.sampling.balance}d)" if len(set(present)) == 1 \
                else f" ({min(present):,}-{max(present):,} per class)"
        parts.append(text)
    s = recipe.sampling
    how = ", ".join(p for p in (f"val {s.val_fraction:g}" if s.val_fraction else "",
                                f"test {s.test_fraction:g}" if s.test_fraction else "",
                                f"balance {s.balance}" if s.balance != "none" else "") if p)
    return f"Export after sampling ({how}, seed {recipe.seed}): " + " · ".join(parts)


def sample_split_codes(dataset: Dataset, recipe: Recipe) -> tuple[tuple[str, ...], np.ndarray]:
    """(output split names, (N,) uint8 code per global index): the split each sample goes to.

    For the Filter panel: with a val fraction the training samples drawn
    into val show as "val". Exclusions and balance are not applied (an
    excluded sample stays where it would be).
    """
    source = holdout_source(dataset, recipe)
    if source is None or not recipe.sampling.holds_out:
        return dataset.split_names, dataset.split_codes
    names = output_split_names(dataset, recipe)
    codes = np.empty(len(dataset), np.uint8)
    for name in dataset.splits:
        if name != source:
            codes[dataset.split_range(name)] = names.index(name)
    drawn = assign_splits(recipe.seed, source, dataset.splits[source].labels, recipe.sampling.val_fraction,
                          recipe.sampling.test_fraction)
    table = np.array([names.index(_train_name(source, recipe)),
                      names.index("val") if "val" in names else 0,
                      names.index("test") if "test" in names else 0], np.uint8)
    codes[dataset.split_range(source)] = table[drawn]
    return names, codes


def held_out(dataset: Dataset, recipe: Recipe, split: str, indices: np.ndarray) -> np.ndarray:
    """(n,) bool: which samples ``indices`` of dataset split ``split`` the recipe draws into val/test.

    Those rows are exported as their originals only (never augmented), so a
    preview must draw them so too.
    """
    idx = np.asarray(indices, np.int64)
    try:
        source = holdout_source(dataset, recipe)
    except RecipeError:  # a sampling this data cannot take draws nothing (the export refuses it, saying why)
        source = None
    if source is None or source != split or not recipe.sampling.holds_out:
        return np.zeros(len(idx), bool)
    return _drawn_codes(dataset.splits[source].labels, recipe, source)[idx] != TRAIN


_DRAWN: list = []  # the last few (labels, key, codes) of held_out: a preview asks for every page and selection


def _drawn_codes(labels: np.ndarray, recipe: Recipe, source: str) -> np.ndarray:
    """:func:`.sampling.assign_splits` of ``labels``, remembered for the same labels array and draw."""
    s = recipe.sampling
    key = (recipe.seed, source, s.val_fraction, s.test_fraction)
    for held, held_key, codes in _DRAWN:
        if held is labels and held_key == key:
            return codes
    codes = assign_splits(recipe.seed, source, labels, s.val_fraction, s.test_fraction)
    _DRAWN.insert(0, (labels, key, codes))
    del _DRAWN[4:]
    return codes
