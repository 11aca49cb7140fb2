"""A recipe problem in a person's words: the control's label instead of the JSON field.

The panels and the preview say "Rotation must be ..." where the CLI says
``augment.rotation``; the labels come from the field tables, so they cannot drift.
"""

from __future__ import annotations

from ..errors import Problem
from .aug_params import AUG_RANGES
from .normalize import NORM_RANGES
from .sampling import SAMPLING_RANGES

__all__ = ["field_label", "describe_problem"]

#: Labels of the fields that have no numeric range, in the user's words.
_LABELS = {"augment.keep_original": "Keep original", "augment.crop_mode": "Padding mode",
           "normalize.method": "Normalization method",
           "normalize.scope": "Min-max scope", "seed": "Seed", "split": "Splits", "excluded": "Excluded samples",
           "sampling.balance": "Class balance", "target.size": "Target size", "target.fit": "Fit",
           "target.channels": "Channels"}


def field_label(field_name: str) -> str:
    """The control's label for a problem field ("augment.rotation" -> "Rotation")."""
    section, _, name = field_name.rpartition(".")
    table = {"augment": AUG_RANGES, "normalize": NORM_RANGES, "sampling": SAMPLING_RANGES}.get(section, {})
    if name in table:
        return table[name].label
    return _LABELS.get(field_name, field_name)


def describe_problem(problem: Problem) -> str:
    """A problem as a sentence for a person, naming the control rather than the JSON field."""
    return f"{field_label(problem.field)} {problem.message}"
