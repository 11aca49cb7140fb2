"""Checking parameter values and reading them from JSON, with messages for people.

Shared by NormParams, AugParams and Recipe. Each check returns a
:class:`~.errors.Problem` (the field and what is wrong with it) or None. The
GUI marks the control of ``problem.field``; the recipe loader prefixes the
file and section ("recipe.json: augment.rotation must be ...").
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import Problem, RecipeError

__all__ = ["shown", "is_number", "check_number", "check_int", "check_bool", "check_choice", "read_fields",
           "parse_json", "FieldRange"]


def shown(value: Any) -> str:
    """A value as the user typed it in JSON: strings quoted, numbers plain."""
    if isinstance(value, int) and abs(value).bit_length() > 200:
        return f"a {len(str(abs(value))) if abs(value).bit_length() < 10000 else 'huge'}-digit number"
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)


def is_number(value: Any) -> bool:
    """A finite int or float that is not a bool (JSON's idea of a number)."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an int too large for a float
        return False


def check_number(name: str, value: Any, lo: float, hi: float, *, lo_open: bool = False,
                 unit: str = "") -> Problem | None:
    """None if ``value`` is a finite number in [lo, hi] (or (lo, hi] if lo_open)."""
    ok = is_number(value) and (value > lo if lo_open else value >= lo) and value <= hi
    if ok:
        return None
    span = (f"greater than {lo:g} and at most {hi:g}" if lo_open else f"between {lo:g} and {hi:g}")
    return Problem(name, f"must be a number {span}{unit}, got {shown(value)}")


def check_int(name: str, value: Any, lo: int, hi: int) -> Problem | None:
    """None if ``value`` is an integer in [lo, hi]."""
    if isinstance(value, int) and not isinstance(value, bool) and lo <= value <= hi:
        return None
    return Problem(name, f"must be a whole number between {lo} and {hi}, got {shown(value)}")


def check_bool(name: str, value: Any) -> Problem | None:
    return None if isinstance(value, bool) else Problem(name, f"must be true or false, got {shown(value)}")


def check_choice(name: str, value: Any, choices: tuple[str, ...]) -> Problem | None:
    if isinstance(value, str) and value in choices:
        return None
    return Problem(name, f"must be one of {', '.join(choices)}, got {shown(value)}")


def read_fields(data: Any, allowed: tuple[str, ...], where: str) -> dict[str, Any]:
    """Check that ``data`` is a JSON object with only ``allowed`` keys; return it as a dict.

    ``where`` prefixes the message ("recipe.json: augment").
    """
    if not isinstance(data, Mapping):
        raise RecipeError(f"{where} must be a JSON object, got {shown(data)}")
    unknown = [k for k in data if k not in allowed]
    if unknown:
        raise RecipeError(f"{where}.{unknown[0]} is not a known field; known fields are {', '.join(allowed)}")
    return dict(data)


def parse_json(text: str, where: str) -> Any:
    """``json.loads`` whose every failure is a RecipeError naming ``where``.

    Besides syntax errors: nesting deep enough to exhaust the recursion limit
    and integers with more digits than Python converts.
    """
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise RecipeError(f"{where}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") from None
    except RecursionError:
        raise RecipeError(f"{where}: nested too deeply to be a recipe") from None
    except ValueError as exc:  # "Exceeds the limit (4300 digits) for integer string conversion"
        raise RecipeError(f"{where}: holds a number too long to read ({exc})") from None


@dataclass(frozen=True)
class FieldRange:
    """Everything about one numeric parameter but its value: range, steps, words.

    The one source of truth for a parameter: ``problems()`` checks values
    with :meth:`check`, the GUI builds its slider or spin box, its label,
    tooltip, group and reset value from the same record, and the CLI writes
    the flag's help with :meth:`describe`, so no two places can disagree.
    The parameter object (``AugParams``, ``NormParams``, ``Recipe``) holds
    the value and its default.

    Attributes
    ----------
    label
        The parameter in the user's words ("Rotation"), used by the GUI for
        the control and for messages about it.
    lo, hi
        Valid values are ``lo <= v <= hi`` (``lo < v`` when ``lo_open``).
    step, page_step
        Arrow-key and PageUp/PageDown steps of a control.
    decimals
        Decimals a control shows (the value itself is kept exactly).
    unit
        What the number measures, in words ("degrees").
    integer
        Whole numbers only.
    help
        What the value does, in a phrase (tooltips and ``--help``).
    typical
        A good value to start from (what a switched-on group is filled with).
    identity
        The value that means "no change" (None when there is none).
    suffix
        Short text after the label on a control (" ±°").
    group
        The GUI group the control sits in (None: on its own).
    """

    label: str
    lo: float
    hi: float
    step: float
    page_step: float
    decimals: int = 2
    unit: str = ""
    lo_open: bool = False
    integer: bool = False
    help: str = ""
    typical: Any = None
    identity: Any = None
    suffix: str = ""
    group: str | None = None

    @property
    def control_min(self) -> float:
        """Smallest value a control offers: ``lo``, or one displayed step above it when open."""
        return self.lo + 10.0 ** -self.decimals if self.lo_open else self.lo

    @property
    def range_text(self) -> str:
        """The valid values in words: "0 to 180" ("more than 0 to 1" when ``lo`` is excluded)."""
        return f"{'more than ' if self.lo_open else ''}{_number(self.lo)} to {_number(self.hi)}"

    def describe(self, default: Any = None) -> str:
        """The help text with the range, the typical value and what turns it off (tooltips, ``--help``).

        ``default`` (the parameter object's default) is mentioned unless it is the identity.
        """
        notes = [self.range_text]
        if self.typical is not None:
            notes.append(f"typical {_value(self.typical)}")
        if self.identity is not None:
            notes.append(f"{_value(self.identity)} = off")
        if default is not None and default not in (self.identity, self.typical):
            notes.append(f"default {_value(default)}")
        return f"{self.help} ({'; '.join(notes)})"

    def check(self, name: str, value: Any) -> Problem | None:
        """None if ``value`` is valid, else a Problem for field ``name``."""
        if self.integer:
            return check_int(name, value, int(self.lo), int(self.hi))
        return check_number(name, value, self.lo, self.hi, lo_open=self.lo_open,
                            unit=f" ({self.unit})" if self.unit else "")


def _number(v: float) -> str:
    """A range end for people: whole numbers with thousands commas, others as %g."""
    return f"{int(v):,}" if float(v).is_integer() else f"{v:g}"


def _value(v: Any) -> str:
    """A typical or default value as a flag would take it ("0.9,1.1" for a pair)."""
    if isinstance(v, (tuple, list)):
        return ",".join(_value(x) for x in v)
    return f"{v:g}" if isinstance(v, float) else str(v)
