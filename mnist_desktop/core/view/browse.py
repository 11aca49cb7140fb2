"""What the grid shows: filtering, sorting, paging and keyboard selection.

Pure logic with no Qt, so the behaviour users rely on (how many tiles a filter
leaves, where the arrow keys move the selection, which page holds an image)
is tested without a display. Indices are *global*: positions in the dataset's
concatenated arrays (train first, then test).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from ..dataset import Dataset

__all__ = ["Browser"]


class Browser:
    """Filtered, sorted, paged view of a dataset with one selected image.

    Parameters
    ----------
    dataset
        The loaded dataset.
    page_size
        Tiles per page.
    columns
        Tiles per row (for up/down keyboard moves).
    """

    def __init__(self, dataset: Dataset, *, page_size: int = 1024, columns: int = 32) -> None:
        self.dataset = dataset
        self.page_size = page_size
        self.columns = columns
        self.splits: frozenset[str] = frozenset(dataset.splits)
        self.split_names: tuple[str, ...] = dataset.split_names
        self.split_codes: np.ndarray = dataset.split_codes
        self.labels: frozenset[int] = frozenset(range(len(dataset.class_names)))
        self.label_values: np.ndarray = dataset.labels  # what the class filter and counts read (corrections in)
        self.scores: np.ndarray | None = None
        self.subset: np.ndarray | None = None  # global indices a selection (map lasso, matrix cell) keeps
        self.subset_name = ""
        self.descending = True
        self.page = 0
        self._visible = np.arange(len(dataset), dtype=np.int64)
        self._position = np.arange(len(dataset), dtype=np.int64)  # global index -> position or -1
        self.selected: int | None = 0 if len(dataset) else None

    # ------------------------------------------------------------------ filtering and sorting

    @property
    def visible(self) -> np.ndarray:
        """Global indices shown, in display order."""
        return self._visible

    def set_filter(self, *, splits: Iterable[str] | None = None, labels: Iterable[int] | None = None) -> None:
        """Show only these splits and labels (None leaves a criterion unchanged)."""
        if splits is not None:
            self.splits = frozenset(splits)
        if labels is not None:
            self.labels = frozenset(int(v) for v in labels)
        self._refresh()

    def set_split_codes(self, names: tuple[str, ...], codes: np.ndarray) -> None:
        """Filter splits by these names and per-image codes (a recipe's val split) instead of the dataset's.

        Every split is shown afterwards.
        """
        if len(codes) != len(self.dataset):
            raise ValueError(f"need one split code per image ({len(self.dataset)}), got {len(codes)}")
        self.split_names, self.split_codes = tuple(names), np.asarray(codes)
        self.splits = frozenset(names)
        self._refresh()

    def set_label_values(self, labels: np.ndarray) -> None:
        """Filter and count classes by these labels (the recipe's corrected ones) instead of the dataset's."""
        if len(labels) != len(self.dataset):
            raise ValueError(f"need one label per image ({len(self.dataset)}), got {len(labels)}")
        self.label_values = np.asarray(labels)
        self._refresh()

    def set_subset(self, indices: np.ndarray | None, name: str = "") -> None:
        """Show only these global indices (None shows everything again).

        The split and label filters still apply on top. ``name`` says where the
        subset came from ("true 4, predicted 9", "lasso on the map") for the UI.
        """
        if indices is None:
            self.subset, self.subset_name = None, ""
        else:
            idx = np.asarray(indices, dtype=np.int64)
            if len(idx) and (idx.min() < 0 or idx.max() >= len(self.dataset)):
                raise IndexError(f"subset holds indices outside 0..{len(self.dataset) - 1}")
            self.subset, self.subset_name = np.unique(idx), name
        self._refresh()

    def set_sort(self, scores: np.ndarray | None, *, descending: bool = True) -> None:
        """Sort by a per-image score (highest first by default); None sorts by index."""
        if scores is not None and len(scores) != len(self.dataset):
            raise ValueError(f"need one score per image ({len(self.dataset)}), got {len(scores)}")
        self.scores = scores
        self.descending = descending
        self._refresh()

    def _refresh(self) -> None:
        names = self.split_names
        split_ok = np.isin(self.split_codes, [names.index(s) for s in self.splits if s in names])
        # unlabelled samples (-1) have no class to filter on: the split filter alone decides
        label_ok = np.isin(self.label_values, sorted(self.labels)) | (self.label_values < 0)
        ok = split_ok & label_ok
        if self.subset is not None:
            ok &= np.isin(np.arange(len(self.dataset)), self.subset, assume_unique=True)
        keep = np.flatnonzero(ok)
        if self.scores is not None:
            key = -self.scores[keep] if self.descending else self.scores[keep]
            keep = keep[np.argsort(key, kind="stable")]  # ties keep index order
        self._visible = keep
        self._position = np.full(len(self.dataset), -1, dtype=np.int64)
        self._position[keep] = np.arange(len(keep))
        if self.selected is None or self._position[self.selected] < 0:
            self.selected = int(keep[0]) if len(keep) else None
        self.page = self.page_of(self.selected) if self.selected is not None else 0

    # ------------------------------------------------------------------ paging

    @property
    def page_count(self) -> int:
        return max(1, -(-len(self._visible) // self.page_size))

    def page_indices(self, page: int | None = None) -> np.ndarray:
        """Global indices on ``page`` (default: the current page)."""
        p = self.page if page is None else page
        return self._visible[p * self.page_size:(p + 1) * self.page_size]

    def page_of(self, index: int) -> int:
        """The page that shows global ``index`` (it must be visible)."""
        return int(self._position[index]) // self.page_size

    def position(self, index: int) -> int:
        """Display position of global ``index``, or -1 when filtered out."""
        return int(self._position[index])

    @property
    def selected_on_page(self) -> int | None:
        """Position of the selected image on the current page (None if none is selected)."""
        if self.selected is None:
            return None
        return self.position(self.selected) - self.page * self.page_size

    def select_on_page(self, position: int) -> None:
        """Select the tile at ``position`` of the current page."""
        self.select_position(self.page * self.page_size + position)

    def go_to_page(self, page: int) -> None:
        """Show ``page`` (clamped); the selection moves to its first tile."""
        self.page = min(max(page, 0), self.page_count - 1)
        first = self.page * self.page_size
        if first < len(self._visible):
            self.selected = int(self._visible[first])

    # ------------------------------------------------------------------ selection

    def select(self, index: int) -> bool:
        """Select global ``index`` if it is visible; the page follows."""
        if not 0 <= index < len(self.dataset) or self._position[index] < 0:
            return False
        self.selected = int(index)
        self.page = self.page_of(index)
        return True

    def select_position(self, position: int) -> None:
        """Select the tile at display ``position`` (clamped to the visible range)."""
        if len(self._visible):
            pos = min(max(position, 0), len(self._visible) - 1)
            self.select(int(self._visible[pos]))

    def move(self, key: str) -> None:
        """Move the selection: left, right, up, down, page_up, page_down, home, end."""
        if self.selected is None:
            return
        pos = int(self._position[self.selected])
        step = {"left": -1, "right": 1, "up": -self.columns, "down": self.columns,
                "page_up": -self.page_size, "page_down": self.page_size}
        if key in step:
            target = pos + step[key]
            if key in ("up", "down", "page_up", "page_down") and not 0 <= target < len(self._visible):
                target = pos if key in ("up", "down") else min(max(target, 0), len(self._visible) - 1)
            self.select_position(target)
        elif key == "home":
            self.select_position(0)
        elif key == "end":
            self.select_position(len(self._visible) - 1)
        else:
            raise ValueError(f"unknown move {key!r}")

    # ------------------------------------------------------------------ describing

    def split_of(self, index: int) -> tuple[str, int]:
        """(split name, index within that split) of global ``index``."""
        return self.dataset.locate(index)

    def counts_by_label(self) -> np.ndarray:
        """How many visible images each class has (for the statistics panel)."""
        lab = self.label_values[self._visible].astype(np.intp)
        return np.bincount(lab[lab >= 0], minlength=len(self.dataset.class_names))
