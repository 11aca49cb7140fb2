"""Recipe: normalization + augmentation + seed + splits + excluded and relabelled samples, as JSON.

One frozen object that drives both the GUI preview and the export (through
:mod:`.pipeline`), validates itself into structured problems, and round-trips
through JSON.

JSON form (``version`` 1)::

    {"version": 1, "seed": 0, "split": "all",
     "normalize": {"method": "scale", "scope": "dataset", "mean": null, ...},
     "augment": {"rotation": 0, ..., "copies": 1, "keep_original": false},
     "excluded": {"train": [12, 345]},
     "relabelled": {"test": {"3073": 1, "9729": 6}},
     "sampling": {"val_fraction": 0.1, "test_fraction": 0.0, "balance": "none"},
     "target": {"size": [32, 32], "fit": "pad", "channels": 3}}

``sampling`` (validation/test split drawn from train, class balance; see
:mod:`.sampling`) and ``target`` (output size and channels, the last stage;
see :mod:`.target_shape`) are optional: a recipe without them loads with
both switched off, and :meth:`Recipe.to_dict` writes them only when on.

``relabelled`` records corrected labels (JSON object keys are strings; the
index is the sample's index in its split). The pipeline applies them, so
every export format writes the new label and the manifest's recipe records
each change.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from ..inputs import read_small_text
from ..output import json_object, write_output
from ..dataset import Dataset
from ..errors import Problem, RecipeError
from ..reprs import recipe_repr
from ..validation import FieldRange, check_choice, parse_json, read_fields, shown
from .aug_params import AugParams
from .normalize import NormParams
from .recipe_check import check_against_dataset, index_problems, read_relabelled
from .sampling import SamplingParams
from .target_shape import TargetParams

__all__ = ["Recipe", "RECIPE_VERSION", "SPLIT_CHOICES", "SEED_RANGE"]

RECIPE_VERSION = 1
SPLIT_CHOICES = ("all", "train", "val", "test")
SEED_RANGE = FieldRange("Seed", 0, 2**63 - 1, 1, 1000, 0, integer=True,
                        help="same seed, same augmented images in preview and export")

@dataclass(frozen=True)
class Recipe:
    """Everything that turns a dataset into exported arrays.

    Attributes
    ----------
    normalize, augment
        See :class:`NormParams` and :class:`AugParams`.
    seed
        Key of every random number (with split, index and copy).
    split
        "all", "train", "val" or "test": which splits an export writes ("all"
        means those the dataset has, plus the ones ``sampling`` draws).
    excluded
        Sample indices to drop, per split: pass a mapping ``{"train": [3, 9]}``;
        stored as sorted tuples so the recipe stays hashable.
    relabelled
        Corrected labels, per split: pass ``{"test": {3073: 1}}``; stored as
        sorted ``(split, ((index, label), ...))`` tuples.
    sampling
        Validation/test fractions and class balance (:class:`SamplingParams`).
    target
        Output size and channels, applied last (:class:`TargetParams`).
    """

    normalize: NormParams = field(default_factory=NormParams)
    augment: AugParams = field(default_factory=AugParams)
    seed: int = 0
    split: str = "all"
    excluded: Any = ()
    relabelled: Any = ()
    sampling: SamplingParams = field(default_factory=SamplingParams)
    target: TargetParams = field(default_factory=TargetParams)

    def __post_init__(self) -> None:
        items = self.excluded.items() if isinstance(self.excluded, Mapping) else self.excluded
        try:
            clean = tuple(sorted((str(k), tuple(sorted({int(i) for i in v}))) for k, v in items if len(v)))
        except (TypeError, ValueError):
            clean = self.excluded  # problems() reports it
        object.__setattr__(self, "excluded", clean)
        items = self.relabelled.items() if isinstance(self.relabelled, Mapping) else self.relabelled
        try:
            clean = tuple(sorted((str(k), tuple(sorted((int(i), int(y)) for i, y in dict(v).items())))
                                 for k, v in items if len(v)))
        except (TypeError, ValueError):
            clean = self.relabelled  # problems() reports it
        object.__setattr__(self, "relabelled", clean)

    def __repr__(self) -> str:
        """Only the settings that differ from the defaults."""
        return recipe_repr(self)

    # ------------------------------------------------------------------ queries
    def excluded_indices(self, split: str) -> np.ndarray:
        """Sorted indices of ``split`` that the export drops."""
        return np.asarray(dict(self.excluded).get(split, ()), dtype=np.int64)

    def with_excluded(self, split: str, indices: Any) -> Recipe:
        """A copy with ``split``'s excluded indices replaced."""
        d = dict(self.excluded)
        d[split] = tuple(int(i) for i in indices)
        return replace(self, excluded=d)

    def excluded_mask(self, dataset: Dataset) -> np.ndarray:
        """(N,) bool over the dataset's global indices: True where the export drops the sample.

        Indices beyond a split's end (a recipe written for bigger data) mark nothing.
        """
        per_split = {k: np.asarray(v, np.int64) for k, v in self.excluded if k in dataset.splits}
        return dataset.mask_of({k: v[v < len(dataset.splits[k])] for k, v in per_split.items()})

    def excluded_count(self, dataset: Dataset | None = None) -> int:
        """How many samples are excluded (of ``dataset`` only, when given)."""
        if dataset is None:
            return sum(len(v) for _, v in self.excluded)
        return int(self.excluded_mask(dataset).sum())

    def excluding(self, dataset: Dataset, indices: Any, exclude: bool = True) -> Recipe:
        """A copy with global ``indices`` of ``dataset`` added to (or removed from) the exclusions."""
        recipe = self
        for split, local in dataset.by_split(np.asarray(indices, np.int64)).items():
            if len(local):
                recipe = recipe.with_more_excluded(split, local, exclude)
        return recipe

    def with_more_excluded(self, split: str, indices: Any, exclude: bool = True) -> Recipe:
        """A copy with ``indices`` of ``split`` added to (or removed from) its exclusions."""
        current = set(self.excluded_indices(split).tolist())
        given = {int(i) for i in np.asarray(indices).reshape(-1)}
        return self.with_excluded(split, sorted(current | given if exclude else current - given))

    def relabelled_in(self, split: str) -> dict[int, int]:
        """{index: corrected label} of ``split``."""
        return dict(dict(self.relabelled).get(split, ()))

    def with_label(self, split: str, index: int, label: int | None) -> Recipe:
        """A copy where sample ``index`` of ``split`` gets ``label`` (None: its own label again)."""
        d = {k: dict(v) for k, v in self.relabelled}
        part = d.setdefault(split, {})
        if label is None:
            part.pop(int(index), None)
        else:
            part[int(index)] = int(label)
        return replace(self, relabelled=d)

    def labels_for(self, split: str, indices: Any, labels: np.ndarray) -> np.ndarray:
        """``labels`` (the dataset's, for samples ``indices`` of ``split``) with the corrections applied."""
        fixes = dict(self.relabelled).get(split)
        if not fixes:
            return labels
        where, new = np.array(fixes, np.int64).T
        idx = np.asarray(indices, np.int64).reshape(-1)
        pos = np.clip(np.searchsorted(where, idx), 0, len(where) - 1)
        hit = where[pos] == idx
        out = labels.copy()
        out[hit] = new[pos[hit]]
        return out

    def corrected_labels(self, dataset: Dataset) -> np.ndarray:
        """(N,) labels over the dataset's global indices with the corrections applied.

        What every export writes as the label, so the views that show a label
        (grid, detail, statistics, map) show this one. Corrections of splits
        or samples the dataset lacks, or to labels it has no class for, are
        left out (a recipe written for other data); :meth:`check_dataset`
        refuses those at export.
        """
        labels = dataset.labels
        if not self.relabelled:
            return labels
        out = labels.copy()
        n_classes = len(dataset.class_names)
        for split, fixes in self.relabelled:
            if split not in dataset.splits or not fixes:
                continue
            where, new = np.array(fixes, np.int64).T
            ok = (where < len(dataset.splits[split])) & (new < n_classes)
            out[dataset.to_global(split, where[ok])] = new[ok]
        return out

    def relabelled_count(self, dataset: Dataset | None = None) -> int:
        """How many samples get a corrected label (of ``dataset`` only, when given)."""
        if dataset is None:
            return sum(len(v) for _, v in self.relabelled)
        return int((self.corrected_labels(dataset) != dataset.labels).sum())

    def split_names(self, dataset: Dataset) -> tuple[str, ...]:
        """The dataset splits this recipe exports, in dataset order."""
        if self.split == "all":
            return dataset.split_names
        if self.split not in dataset.splits:
            raise RecipeError(f"the dataset ({dataset.source}) has no {self.split} split; "
                              f"it has {', '.join(dataset.split_names)}")
        return (self.split,)

    def problems(self) -> list[Problem]:
        """Every invalid value as a problem whose field is "section.field" (empty if valid)."""
        out = [p.within("normalize") for p in self.normalize.problems()]
        out += [p.within("augment") for p in self.augment.problems()]
        out += [p.within("sampling") for p in self.sampling.problems()]
        out += [p.within("target") for p in self.target.problems()]
        out += [p for p in (SEED_RANGE.check("seed", self.seed),
                            check_choice("split", self.split, SPLIT_CHOICES)) if p]
        ok = isinstance(self.excluded, tuple) and all(
            isinstance(v, tuple) and all(i >= 0 for i in v) for _, v in self.excluded)
        if not ok:
            out.append(Problem("excluded", "must map split names to lists of sample indices >= 0, "
                               f"got {shown(self.excluded)}"))
        ok = isinstance(self.relabelled, tuple) and all(
            isinstance(v, tuple) and all(i >= 0 and y >= 0 for i, y in v) for _, v in self.relabelled)
        if not ok:
            out.append(Problem("relabelled", "must map split names to {sample index: label} with both >= 0, "
                               f"got {shown(self.relabelled)}"))
        return out + index_problems(self.excluded, self.relabelled)

    def check_dataset(self, dataset: Dataset, where: str = "recipe") -> None:
        """Raise RecipeError unless every excluded and relabelled sample exists and every label is a class
        (one rule for every command: :mod:`.recipe_check`), and per-channel normalization statistics fit
        the data's channels."""
        mismatch = self.normalize.check_channels(dataset.channels)
        if mismatch:
            raise RecipeError(f"normalize.{mismatch} ({dataset.source})")
        check_against_dataset(self.excluded, self.relabelled, dataset, where)

    def validate(self, where: str = "recipe") -> Recipe:
        """Return self, or raise RecipeError with the first problem."""
        problems = self.problems()
        if problems:
            raise RecipeError(f"{where}: {problems[0]}")
        return self

    def resolve(self, dataset: Dataset) -> Recipe:
        """Fill the normalization statistics from ``dataset``.

        zscore and minmax over the dataset use the training split when the
        dataset has one (test statistics must not leak into training),
        otherwise all loaded images (see :meth:`statistics_splits`). The
        export writes the resolved recipe into its manifest. Relabelled
        samples are checked against the dataset (:meth:`check_dataset`).
        """
        self.check_dataset(dataset)
        names = self.statistics_splits(dataset)
        if not names:
            return self
        if names == dataset.split_names:
            return replace(self, normalize=self.normalize.fit(dataset.pixels))
        return replace(self, normalize=self.normalize.fit(dataset.splits[names[0]].pixels))

    def statistics_splits(self, dataset: Dataset) -> tuple[str, ...]:
        """The splits :meth:`resolve` computes the normalization statistics from (empty: none needed).

        The train split when there is one (test statistics must not leak into
        training), else every loaded split.
        """
        if self.normalize.is_resolved:
            return ()
        if "train" in dataset.splits:
            return ("train",)
        return dataset.split_names

    def statistics_warning(self, dataset: Dataset) -> str | None:
        """A sentence when the statistics come from a test split because there is no train split."""
        names = self.statistics_splits(dataset)
        if "train" in names or "test" not in names:
            return None
        what = "z-score mean/std" if self.normalize.method == "zscore" else "min-max low/high"
        return f"the {what} come from the test split: the dataset ({dataset.source}) has no train split"

    # ------------------------------------------------------------------ JSON
    def to_dict(self) -> dict[str, Any]:
        d = {"version": RECIPE_VERSION, "seed": self.seed, "split": self.split,
             "normalize": self.normalize.to_dict(), "augment": self.augment.to_dict(),
             "excluded": {k: list(v) for k, v in self.excluded},
             "relabelled": {k: {str(i): y for i, y in v} for k, v in self.relabelled}}
        if not self.sampling.is_identity:
            d["sampling"] = self.sampling.to_dict()
        if not self.target.is_identity:
            d["target"] = self.target.to_dict()
        return d

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    @classmethod
    def from_dict(cls, data: Any, where: str = "recipe") -> Recipe:
        """Build and validate; RecipeError names the field: ``recipe.json: augment.rotation ...``."""
        d = read_fields(data, ("version", "seed", "split", "normalize", "augment", "excluded", "relabelled",
                               "sampling", "target"), where)
        version = d.pop("version", None)
        if version != RECIPE_VERSION:
            raise RecipeError(f"{where}: version must be {RECIPE_VERSION}, got {shown(version)}"
                              + ("" if version is not None else " (missing)"))
        kwargs: dict[str, Any] = {}
        if "normalize" in d:
            kwargs["normalize"] = NormParams.from_dict(d["normalize"], f"{where}: normalize")
        if "augment" in d:
            kwargs["augment"] = AugParams.from_dict(d["augment"], f"{where}: augment")
        if "sampling" in d:
            kwargs["sampling"] = SamplingParams.from_dict(d["sampling"], f"{where}: sampling")
        if "target" in d:
            kwargs["target"] = TargetParams.from_dict(d["target"], f"{where}: target")
        for key in ("seed", "split"):
            if key in d:
                kwargs[key] = d[key]
        if "excluded" in d:
            exc = d["excluded"]
            if not isinstance(exc, Mapping) or not all(
                    isinstance(v, list) and all(isinstance(i, int) and not isinstance(i, bool) for i in v)
                    for v in exc.values()):
                raise RecipeError(f"{where}: excluded must map split names to lists of sample indices, "
                                  f"got {shown(exc)}")
            kwargs["excluded"] = exc
        if "relabelled" in d:
            kwargs["relabelled"] = read_relabelled(d["relabelled"], where)
        return cls(**kwargs).validate(where)

    @classmethod
    def from_json(cls, text: str, where: str = "recipe") -> Recipe:
        return cls.from_dict(parse_json(text, where), where)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Recipe:
        """Read a recipe file, or the recipe of an export's ``manifest.json``.

        A manifest holds the recipe the export used, with the normalization
        statistics it pinned (resolved), so loading it reproduces that export
        exactly, whatever data it is applied to. RecipeError messages start
        with the file name.
        """
        p = Path(path)
        text = read_small_text(p, RecipeError, what="recipe")  # a pipe, a device or 1 GB: refused unread
        data = parse_json(text, str(p))
        if isinstance(data, Mapping) and data.get("tool") == "mnist-desktop" and "recipe" in data:
            return cls.from_dict(data["recipe"], f"{p}: recipe")
        return cls.from_dict(data, str(p))

    def save(self, path: str | os.PathLike[str], *, force: bool = False, inputs: tuple = (),
             force_hint: str = "force=True") -> None:
        """Write the JSON form by the output rule (:mod:`..output`): atomic, never over an input.

        An existing file is replaced only when it is a recipe (:func:`is_recipe_file`),
        or with ``force``; never an export's manifest or one of ``inputs``.
        """
        write_output(path, (self.to_json() + "\n").encode("utf-8"), kind="recipe", own=is_recipe_file,
                     inputs=inputs, force=force, force_hint=force_hint)


def is_recipe_file(path: Path) -> bool:
    """Whether ``path`` holds a recipe as :meth:`Recipe.save` writes it (a JSON object with our
    ``version`` and only recipe sections; a manifest has ``tool`` and is not one)."""
    doc = json_object(Path(path))
    fields = {"version", "seed", "split", "normalize", "augment", "excluded", "relabelled", "sampling", "target"}
    return doc is not None and doc.get("version") == RECIPE_VERSION and set(doc) <= fields
