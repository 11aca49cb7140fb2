"""Exceptions that carry a message meant for the user.

The CLI turns every :class:`MnistDesktopError` into one ``error: ...`` line and
exit code 1; the GUI shows the same text in a dialog. Messages name the file or
URL and say what is wrong in plain words.
"""

from __future__ import annotations

from dataclasses import dataclass


class MnistDesktopError(Exception):
    """Base class for data, file and network problems the user can act on."""


class IdxFormatError(MnistDesktopError, ValueError):
    """An IDX file (or bytes) is malformed, truncated, or not IDX at all."""


class DatasetError(MnistDesktopError, ValueError):
    """A dataset folder or file set is incomplete or inconsistent."""


class DownloadError(MnistDesktopError):
    """A file could not be fetched and verified from any mirror, or not stored.

    ``attempts`` lists ``(url, reason)`` for every mirror tried, in order, so a
    caller can show them one per line; ``str()`` already contains them.
    """

    def __init__(self, message: str, attempts: tuple[tuple[str, str], ...] = ()) -> None:
        super().__init__(message)
        self.attempts = tuple(attempts)


class RecipeError(MnistDesktopError, ValueError):
    """A recipe (file, JSON or parameters) has an unknown field or a bad value.

    The message names the field, e.g. ``recipe.json: augment.rotation must be
    a number between 0 and 180, got "abc"``.
    """


class ExportError(MnistDesktopError):
    """An export cannot be written (bad layout, bad format, unsafe target)."""


class TargetExistsError(ExportError):
    """The export target exists and overwriting was not asked for.

    A caller that can ask the user (the export dialog) catches this type and
    offers to replace; nothing parses the message.
    """


class UnsafeTargetError(ExportError):
    """The export target is not an earlier export (or is an input file): never replaced, even with force."""


class NoSpaceError(ExportError):
    """The estimated output does not fit in the free space of the target's file system."""


class TargetBusyError(MnistDesktopError):
    """Another process is writing the same target (export or download) right now."""


class Cancelled(MnistDesktopError):
    """A long operation (download, export, analysis, ...) was cancelled.

    Not a failure: whatever it was writing has been removed and the previous
    output is intact. The GUI goes back to idle; the CLI exits 1.
    """


@dataclass(frozen=True)
class Problem:
    """One invalid value: which field (``"augment.rotation"``) and what is wrong.

    Validation returns these so a panel can mark the control of ``field``
    without parsing sentences; ``str()`` gives the sentence for a person.
    """

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field} {self.message}"

    def within(self, section: str) -> Problem:
        """The same problem with ``section.`` in front of the field name."""
        return Problem(f"{section}.{self.field}", self.message)


def describe_os_error(exc: OSError) -> str:
    """'<file>: <what is wrong>' for an OSError, the way the user should read it."""
    what = exc.strerror or str(exc)
    return f"{exc.filename}: {what}" if exc.filename else what
