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
