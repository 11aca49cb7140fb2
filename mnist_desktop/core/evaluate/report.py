"""``evaluate(dataset, recipe)``: does this recipe help? One baseline, trained and measured.

Trains :mod:`.model`'s baseline on the processed training rows (through the
same :func:`~mnist_desktop.core.processing.recipe.process_rows` the export
uses, so the model sees exactly the exported rows) and measures it on the
test rows chosen by :func:`.plan.plan_rows`. The result is an
:class:`EvaluationReport`: the metrics, the prediction and confidence of
every test sample (by global index, for the GUI's confusion-matrix cells),
and a JSON form with stable keys for scripts.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from ..dataset import Dataset, check_model_classes
from ..errors import DatasetError
from ..palette import confusion_colors
from ..processing.pipeline import process_rows
from ..processing.target_shape import to_channels
from ..processing.recipe import Recipe
from ..view.charts import matrix_png
from ..progress import Cancel, Progress, Steps
from ..formats.sources import as_dataset, as_recipe
from .metrics import Metrics, compute_metrics
from .model import CHUNK, Accumulator, ModelSpec, probe_positions
from .patch_model import PatchAccumulator, PatchSpec
from .plan import MAX_TRAIN_ROWS, plan_rows

__all__ = ["EvaluationReport", "evaluate", "recipe_summary", "MODELS"]

#: The baselines ``evaluate`` offers, by name (``--model``), with their default settings.
MODELS = {"baseline": ModelSpec(), "patch": PatchSpec()}


@dataclass(frozen=True, eq=False)
class EvaluationReport:
    """What one evaluation measured.

    Attributes
    ----------
    metrics
        Accuracy, per-class precision/recall/F1/support, confusion matrix.
    class_names
        Name of each class (row/column of the confusion matrix).
    test_indices
        Global index (in the dataset) of every test sample, in test order.
    y_true, y_pred, confidence
        Per test sample: label, predicted class, probability of the prediction.
    n_train
        Training rows the model was fitted on (copies included).
    holdout
        How the training and test rows were chosen, in words.
    seconds
        Wall time of the whole evaluation.
    recipe
        The resolved recipe that processed the training rows.
    model
        Description of the baseline model.
    source
        The dataset's source ("sample" or a folder).
    """

    metrics: Metrics
    class_names: tuple[str, ...]
    test_indices: np.ndarray
    y_true: np.ndarray
    y_pred: np.ndarray
    confidence: np.ndarray
    n_train: int
    holdout: str
    seconds: float
    recipe: Recipe
    model: str
    source: str = ""

    @property
    def accuracy(self) -> float:
        return self.metrics.accuracy

    @property
    def n_test(self) -> int:
        return len(self.y_true)

    def cell(self, true: int, predicted: int) -> np.ndarray:
        """Global indices of the test samples of class ``true`` predicted as ``predicted``.

        Most confident first (for an error cell: the most confident mistakes).
        """
        rows = np.flatnonzero((self.y_true == true) & (self.y_pred == predicted))
        rows = rows[np.argsort(-self.confidence[rows], kind="stable")]
        return self.test_indices[rows]

    def to_dict(self) -> dict:
        """JSON form with stable keys: accuracy, per_class, macro, weighted, confusion, n_train, n_test,
        holdout, seconds, recipe (plus model, source and classes)."""
        m = self.metrics
        per_class = {name: {"precision": float(m.precision[i]), "recall": float(m.recall[i]),
                            "f1": float(m.f1[i]), "support": int(m.support[i])}
                     for i, name in enumerate(self.class_names)}
        return {"accuracy": m.accuracy, "per_class": per_class, "macro": m.macro(), "weighted": m.weighted(),
                "confusion": m.confusion.tolist(), "n_train": self.n_train, "n_test": self.n_test,
                "holdout": self.holdout, "seconds": round(self.seconds, 3), "recipe": self.recipe.to_dict(),
                "model": self.model, "source": self.source, "classes": list(self.class_names)}

    def _repr_png_(self) -> bytes:
        """The confusion matrix as a picture (Jupyter shows it under the repr)."""
        return matrix_png(self.metrics.confusion, self.class_names, self.class_names,
                          title=f"accuracy {self.accuracy:.2%}, {self.n_test:,} test images",
                          row_title="true", col_title="predicted",
                          colors=confusion_colors(self.metrics.confusion))

    def __repr__(self) -> str:
        return (f"EvaluationReport(accuracy={self.accuracy:.4f}, macro_f1={self.metrics.macro()['f1']:.4f}, "
                f"n_train={self.n_train:,}, n_test={self.n_test:,}, seconds={self.seconds:.1f}, "
                f"source={self.source!r})")


def recipe_summary(recipe: Recipe) -> str:
    """A short line for tables: normalization, augmentation, copies, exclusions."""
    a = recipe.augment
    parts = [recipe.normalize.method]
    aug = [f"rot {a.rotation:g}°" if a.rotation else "", f"shift {a.translate:g}" if a.translate else "",
           f"zoom {a.scale[0]:g}-{a.scale[1]:g}" if tuple(a.scale) != (1, 1) else "",
           f"shear {a.shear:g}°" if a.shear else "", f"elastic {a.elastic_alpha:g}" if a.elastic_alpha else "",
           f"noise {a.noise:g}" if a.noise else "", f"flip {a.flip:g}" if a.flip else "",
           f"crop pad {a.crop_padding}" if a.crop_padding else "",
           "jitter " + "/".join(f"{v:g}" for v in (a.jitter_brightness, a.jitter_contrast, a.jitter_saturation,
                                                   a.jitter_hue))
           if (a.jitter_brightness or a.jitter_contrast or a.jitter_saturation or a.jitter_hue) else "",
           f"grey {a.random_greyscale:g}" if a.random_greyscale else ""]
    aug = [x for x in aug if x]
    if aug:
        parts.append(", ".join(aug) + f" x{a.copies}" + (" +orig" if a.keep_original else ""))
    n_excluded = sum(len(v) for _, v in recipe.excluded)
    if n_excluded:
        parts.append(f"{n_excluded:,} excluded")
    return "; ".join(parts)


def _model_rows(dataset, split, indices, copies, recipe):
    """The exported rows, as grey images for the model (a 3-channel target is turned back into luminance)."""
    x, y = process_rows(dataset, split, indices, copies, recipe)
    return (to_channels(x, 1) if x.ndim == 4 else x), y


def evaluate(dataset: Dataset, recipe: Recipe | None = None, *, progress: Progress | None = None,
             cancel: Cancel = None, seed: int = 0, model: str = "baseline",
             spec: ModelSpec | PatchSpec | None = None, max_train_rows: int = MAX_TRAIN_ROWS) -> EvaluationReport:
    """Train the baseline on ``recipe``'s training rows of ``dataset`` and measure it.

    Parameters
    ----------
    dataset
        With a train and a test split, or one split (then a stratified hold-out,
        see :mod:`.plan`).
    recipe
        The recipe to judge (default: plain ``scale``). Its ``split`` field is
        ignored: evaluation always trains on the training side and tests on the test side.
    progress, cancel
        As everywhere (:mod:`mnist_desktop.core.progress`); cancel raises
        :class:`~mnist_desktop.core.errors.Cancelled` between chunks.
    seed
        Seed of the hold-out, the row cap and the model's random features (or filters).
    model
        ``"baseline"`` (ridge on random features, seconds) or ``"patch"`` (ridge on
        patch features, stronger, about 5x the time): a key of :data:`MODELS`.
    spec
        Model hyper-parameters (default: the measured ones of ``model``).
    max_train_rows
        Cap on training rows (a seeded random subset above it).

    Returns
    -------
    EvaluationReport
    """
    start = time.perf_counter()
    dataset, recipe = as_dataset(dataset), as_recipe(recipe)  # "sample" or a path, as load_data takes
    if model not in MODELS:
        raise ValueError(f"model must be one of {', '.join(MODELS)}, not {model!r}")
    spec = MODELS[model] if spec is None else spec
    if dataset.unlabelled_splits:
        raise DatasetError(f"{dataset.source}: the {', '.join(dataset.unlabelled_splits)} split has no labels; "
                           "a model is trained and scored on labels (evaluate dataset.labelled_only(); "
                           "the evaluate command does so with a note)")
    check_model_classes(dataset, "evaluate")
    recipe = (recipe or Recipe()).validate().resolve(dataset)
    plan = plan_rows(dataset, recipe, seed=seed, max_train_rows=max_train_rows)
    if not len(plan.train_indices) or not len(plan.test_indices):
        side = "training" if not len(plan.train_indices) else "test"
        raise DatasetError(f"{dataset.source}: no {side} rows to evaluate with (the recipe excludes them all, "
                           "or the split is too small)")
    n_classes = max(len(dataset.class_names), int(dataset.labels.max(initial=0)) + 1)
    train_starts = range(0, len(plan.train_indices), CHUNK)
    test_starts = range(0, len(plan.test_indices), CHUNK)
    steps = Steps([1, len(train_starts), 1, len(test_starts)], progress, cancel, "evaluation cancelled")

    probe = probe_positions(len(plan.train_indices), spec.probe_rows)
    px, py = _model_rows(dataset, plan.train_split, plan.train_indices[probe], plan.train_copies[probe], recipe)
    acc = (PatchAccumulator(px, n_classes, seed=seed, spec=spec, check=steps.check) if isinstance(spec, PatchSpec)
           else Accumulator(px, n_classes, seed=seed, spec=spec))
    steps.tick()
    for s in train_starts:
        x, y = _model_rows(dataset, plan.train_split, plan.train_indices[s:s + CHUNK],
                            plan.train_copies[s:s + CHUNK], recipe)
        acc.add(x, y)
        steps.tick()
    fitted = acc.finish_probe(px, py)
    steps.tick()

    y_true = dataset.splits[plan.test_split].labels[plan.test_indices].astype(np.int64)
    y_pred = np.empty(len(y_true), np.int64)
    confidence = np.empty(len(y_true), np.float32)
    for s in test_starts:
        x, _ = _model_rows(dataset, plan.test_split, plan.test_indices[s:s + CHUNK], -1, recipe)
        p = fitted.predict_proba(x)
        y_pred[s:s + len(p)] = p.argmax(1)
        confidence[s:s + len(p)] = p.max(1)
        steps.tick()
    names = tuple(dataset.class_names) + tuple(str(i) for i in range(len(dataset.class_names), n_classes))
    return EvaluationReport(
        metrics=compute_metrics(y_true, y_pred, n_classes), class_names=names,
        test_indices=dataset.to_global(plan.test_split, plan.test_indices), y_true=y_true, y_pred=y_pred,
        confidence=confidence, n_train=len(plan.train_indices), holdout=plan.holdout,
        seconds=time.perf_counter() - start, recipe=recipe, model=spec.describe(), source=str(dataset.source))
