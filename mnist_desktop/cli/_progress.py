"""Text progress for long CLI operations, on stderr.

A live bar with rate and ETA when stderr is a terminal; otherwise plain lines
(at most one per 10 % step), so logs and CI output stay readable.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

from ..core.units import Rate, format_amount, format_bytes

__all__ = ["ProgressBar", "format_bytes"]


class ProgressBar:
    """Call ``update(done, total)`` as work advances, ``close()`` at the end.

    Parameters
    ----------
    label
        What is being done ("download", "export").
    unit
        "bytes" shows sizes and byte rates; anything else is a count noun.
    """

    def __init__(self, label: str, *, unit: str = "bytes", stream: TextIO | None = None,
                 width: int = 30) -> None:
        self.label = label
        self.unit = unit
        self.stream = stream or sys.stderr
        self.width = width
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._rate = Rate(unit)
        self._last_draw = 0.0
        self._last_step = -1
        self._drawn = False

    def _amount(self, n: float) -> str:
        return format_amount(n, self.unit)

    def update(self, done: int, total: int) -> None:
        now = time.monotonic()
        frac = done / total if total else 0.0
        if self.tty:
            if now - self._last_draw < 0.1 and done < total:
                return
            self._last_draw = now
            filled = int(self.width * frac)
            rate_text, eta = self._rate.describe(done, total)
            line = (f"\r{self.label} [{'#' * filled}{'.' * (self.width - filled)}] {frac:4.0%} "
                    f"{self._amount(done)}/{self._amount(total)} {rate_text} ETA {eta:3.0f}s")
            self.stream.write(line)
            self._drawn = True
        else:
            step = int(frac * 10)
            if step == self._last_step:
                return
            self._last_step = step
            self.stream.write(f"{self.label}: {frac:4.0%} ({self._amount(done)} of {self._amount(total)})\n")
        self.stream.flush()

    def close(self) -> None:
        if self.tty and self._drawn:
            self.stream.write("\n")
            self.stream.flush()
