"""What the window shows of the data: the grid page, the selection, the detail view, the statistics.

A mixin of :class:`~mnist_desktop.gui.main_window.MainWindow`, kept apart so
the window module holds construction, loading, settings and closing. It reads
the window's ``browser``, ``dataset``, ``processed_view`` (written by the
recipe feature), ``recipe_model``, views and signals; it holds no state of its own beyond what ``__init__`` of the
window sets (``_shown``, ``_flagged``, ``_sort_scores``, ``_hovered``,
``_excluded_cache``, ``_labels_cache``). Labels shown are the recipe's corrected ones
(:meth:`current_labels`): a relabelled tile reads "5>6", the detail view and the status
bar say "label 6 (was 5)", and the class filter and counts use the new label.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QMenu

from ..core.errors import MnistDesktopError
from ..core.processing.split_plan import sample_split_codes, sampling_summary
from .grid.content import COMPUTING, EMPTY_MESSAGE, PROCESSED, GridContent


class BrowsingMixin:
    """Drawing the page and following the selection (see the module docstring)."""

    # ------------------------------------------------------------------ showing

    def refresh(self) -> None:
        """Redraw the current page, the selection, the detail and the statistics."""
        b = self.browser
        if b is None:
            return
        indices = b.page_indices()
        self.draw_page(self.processed_view.page(self.recipe_model.recipe, indices))
        excluded = int(self.excluded_mask()[b.visible].sum())
        self.page.set_page_info(b.page, b.page_count, len(b.visible), len(self.dataset), excluded=excluded)
        self._show_selection()
        self._update_stats()

    def draw_page(self, display: np.ndarray | None = None) -> None:
        """Draw the current page: ``display`` (processed uint8 tiles) or the originals.

        With processed images shown and ``display`` not computed yet, the
        previous processed page stays (or blank tiles appear) under a
        "computing" note until the recipe feature calls again with the pixels:
        never the originals under a "processed" label.
        """
        b, ds = self.browser, self.dataset
        indices = b.page_indices()
        processed = self.processed_view.on
        self.grid.set_message("" if len(indices) else EMPTY_MESSAGE)
        if processed and display is None and len(indices):
            self.grid.set_badge(COMPUTING)
            if self._shown.processed and not self._shown.placeholder:
                return  # keep the previous processed page, with its own labels, until the new one comes
            display = np.full((len(indices), *ds.images.shape[1:3]), 48, np.uint8)
            self._shown = GridContent(indices.copy(), processed=True, placeholder=True)
        else:
            preview = self.processed_view.preview()
            self._shown = GridContent(indices.copy(), processed=processed, preview=preview)
            self.grid.set_badge(PROCESSED if processed else "")
        images = ds.pixels[indices] if display is None else display
        self.grid.set_page(images, ds.labels[indices], **self.page_marks(indices))
        self.grid.set_selected(self._shown.position(b.selected))
        if processed:
            self._show_detail()

    def excluded_mask(self) -> np.ndarray:
        """(N,) bool: the samples the current recipe excludes (computed once per recipe and dataset)."""
        recipe, ds = self.recipe_model.recipe, self.dataset
        excluded, shown_for, mask = self._excluded_cache
        if mask is None or shown_for is not ds or excluded != recipe.excluded:
            mask = recipe.excluded_mask(ds)
            self._excluded_cache = (recipe.excluded, ds, mask)
        return mask

    def current_labels(self) -> np.ndarray:
        """(N,) labels as every export writes them: the dataset's with the recipe's corrections."""
        recipe, ds = self.recipe_model.recipe, self.dataset
        relabelled, shown_for, labels = getattr(self, "_labels_cache", ((), None, None))
        if labels is None or shown_for is not ds or relabelled != recipe.relabelled:
            labels = recipe.corrected_labels(ds)
            self._labels_cache = (recipe.relabelled, ds, labels)
        return labels

    def follow_labels(self) -> None:
        """Let the class filter and the counts read the corrected labels (after a relabel, undo, new data)."""
        labels = self.current_labels()
        if self.browser is not None and self.browser.label_values is not labels:
            self.browser.set_label_values(labels)

    def page_marks(self, indices: np.ndarray) -> dict:
        """Flag outlines, dimming (excluded samples) and corrected labels for the tiles of ``indices``."""
        excluded = self.excluded_mask()
        flagged = None if self._flagged is None else self._flagged[indices]
        new = self.current_labels()[indices] if self.recipe_model.recipe.relabelled else None
        return {"flagged": flagged, "dimmed": excluded[indices], "new_labels": new}

    def set_flagged(self, mask: np.ndarray | None) -> None:
        """Outline these samples in the grid (a boolean per global index, or None)."""
        self._flagged = mask
        self.refresh()
        self.marks_changed.emit()

    @property
    def flagged(self) -> np.ndarray | None:
        """Boolean per global index of the flagged samples, or None."""
        return self._flagged

    def sort_scores(self, key: str) -> np.ndarray | None:
        """The per-image scores of a sort order offered with :meth:`add_sort_key`, or None."""
        return self._sort_scores.get(key)

    def add_sort_key(self, key: str, title: str, scores: np.ndarray) -> None:
        """Offer a sort order (highest score first) in the filter panel; new scores of the order in use re-sort."""
        self._sort_scores[key] = scores
        self.filter_panel.add_sort_key(key, title)
        if self.browser is not None and self.filter_panel.sort_key() == key:
            self.browser.set_sort(scores)  # never the grid sorted by a previous run's scores
            self.refresh()
        self.marks_changed.emit()

    def show_subset(self, indices: np.ndarray | None, name: str = "", *, sort_key: str | None = None) -> None:
        """Show only these global indices (None: all again), sorted by ``sort_key`` if given.

        ``name`` says where they come from ("true 4, predicted 9") in the status bar.
        """
        if self.browser is None:
            return
        self.browser.set_subset(indices, name)
        if indices is not None and sort_key is not None:
            if self._sort_before_subset is None:
                self._sort_before_subset = self.filter_panel.sort_key()
            self._choose_sort(sort_key)
        elif indices is None and self._sort_before_subset is not None:
            self._choose_sort(self._sort_before_subset)  # "Show all": the order from before the subset
            self._sort_before_subset = None
        shown = len(self.browser.visible)
        if indices is not None and shown:
            self.browser.select(int(self.browser.visible[0]))  # the first of the subset, in its order
        self.refresh()
        self.status.showMessage(f"Showing {name}: {shown:,} images" if indices is not None else "")

    def _choose_sort(self, key: str) -> None:
        self.filter_panel.blockSignals(True)
        self.filter_panel.select_sort_key(key)
        self.filter_panel.blockSignals(False)
        self.browser.set_sort(self._sort_scores.get(key))

    def select_global(self, index: int) -> None:
        """Select image ``index``, showing everything again if the filter hides it."""
        if self.browser is None:
            return
        if not self.browser.select(index):
            self.filter_panel.set_choices(list(self.browser.split_names), self.dataset.class_names)
            self.browser.set_subset(None)
            self.browser.set_filter(splits=self.browser.split_names, labels=range(len(self.dataset.class_names)))
            self.browser.select(index)
        self.refresh()

    def move_selection(self, key: str) -> None:
        """Move the selection (left, right, up, down, page_up, page_down, home, end)."""
        if self.browser is not None:
            self._select_and_follow(lambda: self.browser.move(key))

    def _show_selection(self) -> None:
        b, ds = self.browser, self.dataset
        self.grid.set_selected(self._shown.position(b.selected))
        self._show_detail()
        if b.selected is None:
            self.status.set_selection(None)
            self.selection_changed.emit(-1)
            return
        split, split_index = ds.locate(b.selected)
        label, own = int(self.current_labels()[b.selected]), int(ds.labels[b.selected])
        excluded = bool(self.excluded_mask()[b.selected])
        was = f" (relabelled, was {ds.label_text(own)})" if label != own else ""
        self.status.set_selection(f"#{b.selected:,} ({split} #{split_index:,}), label {ds.label_text(label)}{was}"
                                  + (" · excluded" if excluded else ""))
        self.selection_changed.emit(int(b.selected))  # the recipe feature asks for the preview, exclusions update

    def _show_detail(self) -> None:
        """The selected image in the detail view: processed (as the grid shows it) or the original."""
        b, ds = self.browser, self.dataset
        if b.selected is None:
            self.detail.show_image(None)
            return
        split, split_index = ds.locate(b.selected)
        label, own = int(self.current_labels()[b.selected]), int(ds.labels[b.selected])
        about = dict(index=b.selected, split=split, split_index=split_index, label=label,
                     class_name=ds.label_text(label), was=None if own == label else ds.label_text(own))
        if not self.processed_view.on:
            self.detail.show_image(ds.pixels[b.selected], **about)
            return
        preview, pos = self._shown.preview, self._shown.position(b.selected)
        if preview is None or pos is None:
            self.detail.show_image(None, empty_text=COMPUTING)
            return
        self.detail.show_image(preview.display[pos], values=preview.values[pos], **about)

    def _update_stats(self) -> None:
        b, ds = self.browser, self.dataset
        excluded = int(self.excluded_mask()[b.visible].sum())
        self.stats.show_counts(b.counts_by_label(), ds.class_names, excluded=excluded)
        self.stats.show_sampling(self._sampling_text())
        channels = self._means.channel_stats(b.splits) if self._means is not None else None
        self.stats.show_channels(channels, ", ".join(s for s in ds.split_names if s in b.splits))
        means = self._means.means(b.splits, self._relabel_moves(b.splits)) if self._means is not None else None
        if means is not None:
            self.stats.show_means(means)

    def _relabel_moves(self, splits) -> tuple | None:
        """(images, old, new labels) of the relabelled samples of ``splits``: the class means count them anew."""
        ds, labels = self.dataset, self.current_labels()
        if labels is ds.labels:
            return None
        codes = self.dataset.split_codes
        chosen = [ds.split_names.index(s) for s in splits if s in ds.splits]
        moved = np.flatnonzero((labels != ds.labels) & np.isin(codes, chosen))
        return ds.pixels[moved], ds.labels[moved].astype(np.intp), labels[moved].astype(np.intp)

    def _sampling_text(self) -> str | None:
        """The statistics panel's line on the val split and balanced counts, computed once per recipe."""
        recipe = self.recipe_model.recipe
        key = (id(self.dataset), recipe)
        cached = getattr(self, "_sampling_cache", None)
        if cached is None or cached[0] != key:
            try:
                text = sampling_summary(self.dataset, recipe)
            except MnistDesktopError as exc:
                text = f"Sampling: {exc}"
            self._sampling_cache = cached = (key, text)
        return cached[1]

    def _select_and_follow(self, move) -> None:
        old_page = self.browser.page
        move()
        if self.browser.page != old_page:
            self.refresh()
        else:
            self._show_selection()

    # ------------------------------------------------------------------ slots

    def _on_grid_tile_clicked(self, position: int) -> None:
        b = self.browser
        if b is not None and position < len(self._shown.indices):
            index = int(self._shown.indices[position])  # the tile on screen, even while a page is computing
            self._select_and_follow(lambda: b.select(index))

    def _on_grid_columns_changed(self, columns: int) -> None:
        if self.browser is not None:
            self.browser.columns = columns  # up/down move by a row of the grid as drawn

    def _on_grid_page_edge(self, step: int) -> None:
        """The wheel pushed past the page's end: next page from its top, or previous from its bottom."""
        b = self.browser
        if b is None or not 0 <= b.page + step < b.page_count:
            return
        if step > 0:
            b.go_to_page(b.page + 1)
        else:
            b.select_position(b.page * b.page_size - 1)
        self.refresh()
        self.status.showMessage(f"Page {b.page + 1:,} of {b.page_count:,}", 2000)

    def _on_page_page_requested(self, page: int) -> None:
        if self.browser is not None:
            self.browser.go_to_page(page)
            self.refresh()

    def _on_filter_changed(self, splits: set, labels: set) -> None:
        if self.browser is not None:
            self.browser.set_filter(splits=splits, labels=labels)
            self.refresh()

    def _on_filter_sort_changed(self, key: str) -> None:
        self._sort_before_subset = None  # the user's own choice stays after "Show all"
        if self.browser is not None:
            self.browser.set_sort(self._sort_scores.get(key))
            self.refresh()

    def _on_grid_tile_hovered(self, position: int, x: int, y: int) -> None:
        self._hovered = position
        self.status.set_hover("" if self.browser is None else
                              self._shown.describe(self.dataset, position, x, y, self.current_labels()))

    def _on_grid_context_menu(self, pos: QPoint) -> None:
        """Right-click on a tile: select it, then offer the features' actions for it."""
        if self.browser is None or self._hovered < 0:
            return
        self._on_grid_tile_clicked(self._hovered)
        menu = QMenu(self)
        menu.addActions([a for ui in self.feature_uis for a in ui.actions.get("context", ())])
        menu.popup(self.grid.mapToGlobal(pos))

    def _on_detail_pixel_hovered(self, x: int, y: int, _value: int) -> None:
        self.status.set_hover("" if x < 0 else self.detail.pixel.text())

    def _on_recipe_model_changed(self, _recipe) -> None:
        if self.browser is not None:
            self.follow_val_split()
            self.follow_labels()
            self.refresh()

    def follow_val_split(self) -> None:
        """Offer the recipe's val (and drawn test) split in the Filter panel when its draw changes."""
        r = self.recipe_model.recipe
        key = (id(self.browser), r.seed, r.sampling.val_fraction, r.sampling.test_fraction)
        if getattr(self, "_split_codes_key", None) == key:
            return
        try:
            names, codes = sample_split_codes(self.dataset, r)
        except MnistDesktopError:  # told by the statistics line
            names, codes = self.dataset.split_names, self.dataset.split_codes
        self._split_codes_key = key
        if names != self.browser.split_names:
            self.filter_panel.set_choices(list(names), self.dataset.class_names)
            self.browser.set_split_codes(names, codes)
            self.browser.set_filter(labels=range(len(self.dataset.class_names)))
        else:
            # exclusions dim tiles; the preview follows through the recipe feature
            self.browser.set_split_codes(names, codes)
