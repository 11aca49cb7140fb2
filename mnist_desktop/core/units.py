"""Human-readable quantities shared by the CLI and the GUI."""

from __future__ import annotations

import time

__all__ = ["format_bytes", "format_amount", "Rate"]


def format_bytes(n: float) -> str:
    """1,648,877 -> '1.6 MB' (decimal units, as download sizes are quoted)."""
    for unit in ("B", "kB", "MB", "GB"):
        if abs(n) < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} GB"


def format_amount(n: float, unit: str) -> str:
    """An amount in ``unit``: bytes as kB/MB, anything else as '1,234 images'."""
    return format_bytes(n) if unit == "bytes" else f"{n:,.0f} {unit}"


class Rate:
    """Speed and time left of a running operation (the CLI bar and the GUI dialogs)."""

    def __init__(self, unit: str = "bytes") -> None:
        self.unit = unit
        self.start = time.monotonic()

    def describe(self, done: int, total: int) -> tuple[str, float]:
        """('1.2 MB/s', seconds left) at ``done`` of ``total``."""
        elapsed = max(time.monotonic() - self.start, 1e-9)
        rate = done / elapsed
        left = (total - done) / rate if rate > 0 else 0.0
        return format_amount(rate, self.unit) + "/s", left
