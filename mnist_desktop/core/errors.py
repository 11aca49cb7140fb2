"""Exceptions that carry a message meant for the user.

The CLI turns every :class:`MnistDesktopError` into one ``error: ...`` line and
exit code 1; the GUI shows the same text in a dialog. Messages name the file or
URL and say what is wrong in plain words.
"""

from __future__ import annotations


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


class DownloadCancelled(MnistDesktopError):
    """The caller asked a download to stop; nothing partial was left behind.

    Not a failure: the GUI should quietly go back to idle, the CLI exits 1
    with "download cancelled".
    """


class RecipeError(MnistDesktopError, ValueError):
    """A recipe (file, JSON or parameters) has an unknown field or a bad value.

    The message names the field, e.g. ``recipe.json: augment.rotation must be
    a number between 0 and 180, got "abc"``.
    """


class ExportError(MnistDesktopError):
    """An export cannot be written (target exists, bad layout, bad format)."""


class Cancelled(MnistDesktopError):
    """A long operation was cancelled through its cancel flag.

    Whatever it was writing has been removed; the previous output is intact.
    """


def describe_os_error(exc: OSError) -> str:
    """'<file>: <what is wrong>' for an OSError, the way the user should read it."""
    what = exc.strerror or str(exc)
    return f"{exc.filename}: {what}" if exc.filename else what
