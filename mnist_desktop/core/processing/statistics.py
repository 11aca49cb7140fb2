"""Normalization statistics of one dataset, computed once per setting and shared.

A z-score or min-max recipe needs statistics over a whole split (0.3-1 s at
60,000 images). The preview, the Normalize panel and the export dialog all
need them for the same dataset and setting: this one cache serves them all,
so each setting is computed once, in whichever worker asks first. Thread-safe:
the GUI's workers call it concurrently.
"""

from __future__ import annotations

import threading
from dataclasses import replace

from ..dataset import Dataset
from .normalize import NormParams
from .recipe import Recipe

__all__ = ["NormStatistics"]


class NormStatistics:
    """The resolved :class:`NormParams` of ``dataset``, per normalization setting."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self._by_setting: dict[NormParams, NormParams] = {}
        self._computing: dict[NormParams, threading.Event] = {}  # settings being computed, by the first asker
        self._lock = threading.Lock()

    def cached(self, recipe: Recipe) -> NormParams | None:
        """The resolved normalization of ``recipe`` if already computed (never computes)."""
        if not recipe.statistics_splits(self.dataset):
            return recipe.normalize
        with self._lock:
            return self._by_setting.get(recipe.normalize)

    def normalization(self, recipe: Recipe) -> NormParams:
        """The resolved normalization of ``recipe``, computed on first use (slow for z-score/min-max)."""
        known = self.cached(recipe)
        if known is not None:
            return known
        key = recipe.normalize
        with self._lock:
            running = self._computing.get(key)
            if running is None:
                self._computing[key] = done = threading.Event()
        if running is not None:  # another worker computes this setting: wait for it, not compute it twice
            running.wait()
            return self.normalization(recipe)  # its result (or, if it failed, computed here)
        try:
            used = recipe.resolve(self.dataset).normalize  # outside the lock: two settings may compute at once
            with self._lock:
                return self._by_setting.setdefault(key, used)
        finally:
            with self._lock:
                del self._computing[key]
            done.set()

    def resolve(self, recipe: Recipe) -> Recipe:
        """``recipe`` with its statistics filled in (as :meth:`Recipe.resolve`, cached)."""
        recipe.check_dataset(self.dataset)
        return replace(recipe, normalize=self.normalization(recipe))
