"""The one Recipe the panels edit, the preview shows and the export writes.

Every edit is a command on a QUndoStack (Edit > Undo/Redo): a slider drag
merges into one step. Excluded samples belong to the dataset they were chosen
on: they are stored per dataset (``core.processing.exclusions.dataset_key``)
and swapped in when a dataset is opened, never carried over to another one.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from ...core.dataset import Dataset
from ...core.errors import MnistDesktopError
from ...core.output import input_files
from ...core.processing.exclusions import dataset_key, exclusions_from_json, exclusions_to_json
from ...core.processing.recipe import Recipe

_MERGE_ID = 1


class _Edit(QUndoCommand):
    """One recipe edit; consecutive edits with the same open ``key`` merge (a slider drag)."""

    def __init__(self, model: RecipeModel, old: Recipe, new: Recipe, text: str, key: str | None) -> None:
        super().__init__(text)
        self.model, self.old, self.new, self.key = model, old, new, key
        self.open = key is not None

    def id(self) -> int:  # noqa: A003 - Qt's name
        return _MERGE_ID if self.key is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt override
        if not (isinstance(other, _Edit) and self.open and other.key == self.key):
            return False
        self.new = other.new
        self.setObsolete(self.new == self.old)
        return True

    def redo(self) -> None:
        self.model._apply(self.new)

    def undo(self) -> None:
        self.model._apply(self.old)


class RecipeModel(QObject):
    """Holds the current :class:`Recipe`; panels replace fields, everyone listens.

    Signals
    -------
    changed(object)
        The new Recipe, after any edit, undo or redo (also after ``set``).
    """

    changed = Signal(object)

    def __init__(self, settings: QSettings | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.recipe = Recipe()
        self.undo_stack = QUndoStack(self)
        self.dataset: Dataset | None = None
        self.dataset_key: str | None = None

    def set(self, recipe: Recipe, text: str = "Change the recipe", key: str | None = None) -> None:
        """Replace the recipe as one undoable step.

        ``key`` names the control being edited: further edits with the same
        key merge into this step until :meth:`end_merge` (a slider drag).
        """
        if recipe != self.recipe:
            self.undo_stack.push(_Edit(self, self.recipe, recipe, text, key))

    def end_merge(self) -> None:
        """The current drag is over: the next edit starts a new undo step."""
        top = self.undo_stack.command(self.undo_stack.index() - 1)
        if isinstance(top, _Edit):
            top.open = False

    def set_normalize(self, **fields) -> None:
        self.set(replace(self.recipe, normalize=replace(self.recipe.normalize, **fields)), "Change the normalization")

    def reset(self) -> None:
        """Default normalization, augmentation, seed and splits; the exclusions stay (undoable)."""
        self.set(Recipe(excluded=self.recipe.excluded), "Reset the recipe")

    def exclude(self, indices, exclude: bool = True) -> None:
        """Exclude (or restore) global ``indices`` of the current dataset, as one undo step."""
        if self.dataset is None or not len(indices):
            return
        n = len(indices)
        what = f"{n:,} sample{'s' if n != 1 else ''}"
        self.set(self.recipe.excluding(self.dataset, indices, exclude), f"{'Exclude' if exclude else 'Restore'} {what}")

    def clear_exclusions(self) -> None:
        self.set(replace(self.recipe, excluded=()), "Clear the exclusions")

    @property
    def problems(self) -> list:
        return self.recipe.problems()

    def _apply(self, recipe: Recipe) -> None:
        old = self.recipe.excluded
        self.recipe = recipe
        if recipe.excluded != old:
            self._store_exclusions()
        self.changed.emit(recipe)

    # ------------------------------------------------------------------ datasets and exclusions

    def set_dataset(self, dataset: Dataset) -> None:
        """Switch to ``dataset``: its own stored exclusions replace the previous data's (not undoable)."""
        self.dataset = dataset
        self.dataset_key = dataset_key(dataset)
        text = self.settings.value(f"exclusions/{self.dataset_key}") if self.settings is not None else None
        excluded = exclusions_from_json(str(text)) if text else {}
        excluded = {k: v for k, v in excluded.items() if k in dataset.splits}
        self.undo_stack.clear()  # earlier steps hold another dataset's exclusions
        new = replace(self.recipe, excluded=excluded)
        if new != self.recipe:
            self.recipe = new
            self.changed.emit(new)

    def _store_exclusions(self) -> None:
        if self.settings is None or self.dataset_key is None:
            return
        name = f"exclusions/{self.dataset_key}"
        if self.recipe.excluded:
            self.settings.setValue(name, exclusions_to_json(self.recipe.excluded))
        else:
            self.settings.remove(name)

    # ------------------------------------------------------------------ persistence

    def save(self, path: str) -> None:
        """Save the recipe by the output rule; the save dialog already asked before replacing a file.

        So an existing file is replaced (force), but never an input of the
        data on screen or an export's manifest.
        """
        self.recipe.validate(path).save(path, force=True, inputs=input_files(self.dataset), force_hint="")

    def load(self, path: str) -> None:
        self.set(Recipe.load(path), "Load a recipe")

    def remember(self) -> None:
        """Keep the recipe's parameters for the next start (only a valid one; exclusions are per dataset)."""
        if self.settings is not None and not self.problems:
            self.settings.setValue("recipe/last", replace(self.recipe, excluded=()).to_json())

    def restore(self) -> bool:
        """Bring back the parameters of the last session, if they still parse (never its exclusions).

        Returns True when a recipe other than the defaults came back.
        """
        text = self.settings.value("recipe/last") if self.settings is not None else None
        if not text:
            return False
        try:
            last = Recipe.from_json(str(text), "the remembered recipe")
        except MnistDesktopError:
            return False
        last = replace(last, excluded=self.recipe.excluded)
        if last == self.recipe:
            return False
        self.recipe = last
        self.changed.emit(last)
        return True
