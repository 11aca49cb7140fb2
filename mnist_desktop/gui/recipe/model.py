"""The one Recipe the panels edit, the preview shows and the export writes."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QObject, QSettings, Signal

from ...core.errors import MnistDesktopError
from ...core.processing.recipe import Recipe


class RecipeModel(QObject):
    """Holds the current :class:`Recipe`; panels replace fields, everyone listens.

    Signals
    -------
    changed(object)
        The new Recipe, after any edit (also after ``set``).
    """

    changed = Signal(object)

    def __init__(self, settings: QSettings | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.recipe = Recipe()

    def set(self, recipe: Recipe) -> None:
        """Replace the whole recipe (e.g. loaded from a file)."""
        if recipe != self.recipe:
            self.recipe = recipe
            self.changed.emit(recipe)

    def set_normalize(self, **fields) -> None:
        self.set(replace(self.recipe, normalize=replace(self.recipe.normalize, **fields)))

    @property
    def problems(self) -> list:
        return self.recipe.problems()

    # ------------------------------------------------------------------ persistence

    def save(self, path: str) -> None:
        self.recipe.validate(path).save(path)

    def load(self, path: str) -> None:
        self.set(Recipe.load(path))

    def remember(self) -> None:
        """Keep the recipe for the next start (only a valid one)."""
        if self.settings is not None and not self.problems:
            self.settings.setValue("recipe/last", self.recipe.to_json())

    def restore(self) -> None:
        """Bring back the recipe of the last session, if it still parses."""
        text = self.settings.value("recipe/last") if self.settings is not None else None
        if text:
            try:
                self.set(Recipe.from_json(str(text), "the remembered recipe"))
            except MnistDesktopError:
                pass
