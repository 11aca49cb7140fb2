"""Named pause points, so fault tests can kill a process at an exact moment.

A test starts a subprocess with ``MNIST_DESKTOP_PAUSE_AT=<point>``; when the
process reaches :func:`pause_point` with that name it prints
``PAUSED <point>`` on stderr and waits for a signal. The test reads that line
(no sleeping, no guessing) and sends SIGKILL, SIGTERM, SIGHUP or SIGINT.

Points used: ``export.writing`` (first chunk written to the temporary),
``export.before-swap`` (temporary complete, target untouched),
``export.between-renames`` (npz data renamed, manifest not yet; folder
fallback swap: old export moved aside, new one not yet in place),
``download.writing`` (first chunk of a file written to its temporary).

Without the variable this is one dictionary lookup.
"""

from __future__ import annotations

import os
import signal
import sys

__all__ = ["pause_point", "ENV"]

ENV = "MNIST_DESKTOP_PAUSE_AT"


def pause_point(name: str) -> None:
    """Stop here until a signal arrives when the environment asks for ``name``."""
    if os.environ.get(ENV) != name:
        return
    sys.stderr.write(f"PAUSED {name}\n")
    sys.stderr.flush()
    while True:  # a handled signal (SIGTERM -> exception) ends the wait by raising
        signal.pause()
