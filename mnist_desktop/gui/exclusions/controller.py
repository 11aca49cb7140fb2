"""Exclusions as a feature: the Excluded dock, exclude/restore actions for the grid and detail view.

Exclusions live in the recipe (the export drops them) and belong to one
dataset: :class:`~.model.RecipeModel` stores them per dataset key and swaps
them when data is opened. Every change is an undoable recipe edit; bulk
changes ask first.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence

from ..feature import DockSpec, FeatureUi
from .panel import ExclusionsPanel
from ..recipe.model import RecipeModel
from ..window_api import WindowApi
from ..progress import confirm


class ExclusionsController(QObject):
    """Owns the Excluded dock and the "Exclude selected image" action."""

    def __init__(self, window: WindowApi, model: RecipeModel) -> None:
        super().__init__(window)
        self.window = window
        self.model = model
        self.panel = ExclusionsPanel()
        self._shown: tuple = (None, None)  # (dataset, exclusions) the panel lists
        self.actions = self._create_actions()
        self.panel.sample_chosen.connect(window.select_global)
        self.panel.restore_requested.connect(lambda idx: self.model.exclude(idx, False))
        self.panel.clear_requested.connect(self.clear_all)
        model.changed.connect(self._on_model_changed)
        window.dataset_loaded.connect(self._on_model_changed)
        window.selection_changed.connect(self._on_window_selection_changed)

    def _create_actions(self) -> dict[str, QAction]:
        w = self.window
        toggle = QAction("E&xclude selected image", w, checkable=True)
        toggle.setShortcuts([QKeySequence("X"), QKeySequence(QKeySequence.StandardKey.Delete)])
        toggle.setIconText("Exclude")
        toggle.setToolTip("Drop the selected image from the export, or take it back (X or Delete)")
        toggle.setStatusTip(toggle.toolTip())
        toggle.triggered.connect(self._on_toggle_triggered)
        clear = QAction("Clear all e&xclusions…", w)
        clear.triggered.connect(self.clear_all)
        return {"toggle_exclude": toggle, "clear_exclusions": clear}

    def ui(self) -> FeatureUi:
        a = self.actions
        return FeatureUi(docks=[DockSpec("excluded", "Excluded", self.panel)],
                         actions={"edit": [a["toggle_exclude"], a["clear_exclusions"]],
                                  "toolbar": [a["toggle_exclude"]], "context": [a["toggle_exclude"]]})

    # ------------------------------------------------------------------ actions

    def toggle_selected(self) -> None:
        """Exclude the selected image, or restore it when it is excluded already."""
        b = self.window.browser
        if b is None or b.selected is None:
            return
        excluded = bool(self.window.excluded_mask()[b.selected])
        self.model.end_merge()
        self.model.exclude([b.selected], not excluded)

    def _on_toggle_triggered(self) -> None:
        self.toggle_selected()
        self.update_action()

    def clear_all(self) -> None:
        n = self.model.recipe.excluded_count()
        if n and self.confirm("Clear all exclusions?",
                              f"Take all {n:,} excluded sample{'s' if n != 1 else ''} back into the export? "
                              "Edit > Undo brings them back."):
            self.model.clear_exclusions()

    def confirm(self, title: str, text: str) -> bool:
        """Ask before a bulk change (tests replace this method)."""
        return confirm(self.window, title, text)

    # ------------------------------------------------------------------ showing

    def update_action(self) -> None:
        """Check the action when the selected image is excluded."""
        w, a = self.window, self.actions["toggle_exclude"]
        selected = w.browser.selected if w.browser is not None else None
        a.setEnabled(selected is not None)
        a.setChecked(selected is not None and bool(self.window.excluded_mask()[selected]))

    def _on_window_selection_changed(self, _index: int) -> None:
        self.update_action()

    def _on_model_changed(self, *_) -> None:
        w = self.window
        ds = w.dataset
        if ds is None:
            return
        shown_ds, shown_marks = self._shown
        marks = (self.model.recipe.excluded, self.model.recipe.relabelled)
        if shown_ds is not ds or shown_marks != marks:
            self._shown = (ds, marks)
            indices = np.flatnonzero(self.window.excluded_mask())
            codes, local = ds.locate_many(indices)
            labels = self.window.current_labels()  # a relabelled sample is listed with its new label
            names = [f"{ds.split_names[c]} #{i:,} · label {ds.label_text(int(labels[g]))}"
                     for c, i, g in zip(codes.tolist(), local.tolist(), indices.tolist())]
            self.panel.show_exclusions(indices, names, len(ds))
            dock = w.docks.get("excluded")
            if dock is not None:
                dock.setWindowTitle(f"Excluded ({len(indices):,})" if len(indices) else "Excluded")
        self.update_action()

    def shutdown(self) -> None:
        """Nothing runs in the background; exclusions are already stored."""
