"""Helpers shared by the benchmark scripts: timing medians, the 60k tiled sample."""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def median_time(fn, *, repeat: int = 7, warmup: int = 1) -> float:
    """Median wall time of ``fn()`` in seconds."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def interleaved(fns: dict, *, repeat: int = 7) -> dict[str, float]:
    """Median times of several functions run in turn (fair on a noisy machine)."""
    for fn in fns.values():
        fn()
    times: dict[str, list[float]] = {k: [] for k in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    return {k: statistics.median(v) for k, v in times.items()}


def tiled_sample(n: int = 60000) -> tuple[np.ndarray, np.ndarray]:
    """The embedded sample tiled to ``n`` images (for realistic sizes)."""
    from mnist_desktop import load_dataset

    ds = load_dataset("sample")
    reps = -(-n // len(ds))
    return np.tile(ds.images, (reps, 1, 1))[:n], np.tile(ds.labels, reps)[:n]
