"""Checking parameter values and reading them from JSON, with messages for people.

Shared by NormParams, AugParams and Recipe. Each check returns a sentence
that starts with the field name ("rotation must be a number between 0 and
180, got 200") or None; the GUI shows these next to the controls, and the
recipe loader prefixes the file and section
("recipe.json: augment.rotation ...").
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from .errors import RecipeError

__all__ = ["shown", "check_number", "check_int", "check_bool", "check_choice", "read_fields"]


def shown(value: Any) -> str:
    """A value as the user typed it in JSON: strings quoted, numbers plain."""
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def check_number(name: str, value: Any, lo: float, hi: float, *, lo_open: bool = False,
                 unit: str = "") -> str | None:
    """None if ``value`` is a finite number in [lo, hi] (or (lo, hi] if lo_open)."""
    ok = _is_number(value) and (value > lo if lo_open else value >= lo) and value <= hi
    if ok:
        return None
    span = (f"greater than {lo:g} and at most {hi:g}" if lo_open else f"between {lo:g} and {hi:g}")
    return f"{name} must be a number {span}{unit}, got {shown(value)}"


def check_int(name: str, value: Any, lo: int, hi: int) -> str | None:
    """None if ``value`` is an integer in [lo, hi]."""
    if isinstance(value, int) and not isinstance(value, bool) and lo <= value <= hi:
        return None
    return f"{name} must be a whole number between {lo} and {hi}, got {shown(value)}"


def check_bool(name: str, value: Any) -> str | None:
    return None if isinstance(value, bool) else f"{name} must be true or false, got {shown(value)}"


def check_choice(name: str, value: Any, choices: tuple[str, ...]) -> str | None:
    if isinstance(value, str) and value in choices:
        return None
    return f"{name} must be one of {', '.join(choices)}, got {shown(value)}"


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
