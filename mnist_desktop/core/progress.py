"""Progress and cancel: one vocabulary for every long operation.

Download, export, quality analysis, evaluation and the map all take the same
two optional arguments and raise the same exception:

- ``progress(done, total)``: called from the working thread after each step;
  ``total`` is fixed from the start and ``done`` ends equal to it.
- ``cancel``: a ``threading.Event`` (anything with ``is_set()``) or a callable
  returning True to stop. It is checked between steps; a set flag raises
  :class:`~mnist_desktop.core.errors.Cancelled`, after the operation has
  removed whatever it was writing.

The CLI shows progress as a text bar; a GUI worker relays it as a signal and
maps ``Cancelled`` to one "cancelled" state, so every dialog handles them alike.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, Union

from .errors import Cancelled

__all__ = ["Progress", "Cancel", "Cancelled", "cancel_check", "raise_if_cancelled", "Steps"]


class _IsSet(Protocol):
    def is_set(self) -> bool: ...


Progress = Callable[[int, int], None]
Cancel = Union[_IsSet, Callable[[], bool], None]


def cancel_check(cancel: Cancel) -> Callable[[], bool]:
    """Turn any cancel argument into a function that says whether to stop."""
    if cancel is None:
        return lambda: False
    if hasattr(cancel, "is_set"):
        return cancel.is_set
    if callable(cancel):
        return lambda: bool(cancel())
    raise TypeError("cancel must be a threading.Event, an object with is_set(), or a callable")


def raise_if_cancelled(cancel: Cancel | Callable[[], bool], what: str = "cancelled") -> None:
    """Raise :class:`Cancelled` with message ``what`` if the flag is set."""
    if cancel is not None and cancel_check(cancel)():
        raise Cancelled(what)


class Steps:
    """Counts the steps of a plan, reports each one, and stops on cancel.

    The total comes from the plan itself (a list of step counts per stage), so
    it cannot drift from the loops that do the work: each stage calls
    :meth:`tick` once per step it declared.

    Parameters
    ----------
    stages
        Number of steps of each stage, in order.
    progress, cancel
        As in the module docstring.
    what
        Message of the :class:`Cancelled` raised on cancel.
    """

    def __init__(self, stages: Sequence[int], progress: Progress | None = None, cancel: Cancel = None,
                 what: str = "cancelled") -> None:
        self.total = int(sum(stages))
        self.done = 0
        self._progress = progress
        self._cancelled = cancel_check(cancel)
        self._what = what
        self.check()

    def check(self) -> None:
        """Raise :class:`Cancelled` if the flag is set (no step counted)."""
        if self._cancelled():
            raise Cancelled(self._what)

    def tick(self, n: int = 1) -> None:
        """Count ``n`` steps done, report, then check cancel."""
        self.done += n
        if self._progress:
            self._progress(self.done, self.total)
        self.check()

    __call__ = tick
