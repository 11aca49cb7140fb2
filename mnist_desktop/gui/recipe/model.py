"""The one Recipe the panels edit, the preview shows and the export writes.

Every edit is a command on a QUndoStack (Edit > Undo/Redo): a slider drag
merges into one step. Excluded samples and corrected labels belong to the
dataset they were chosen on: they are stored per dataset
(``core.processing.exclusions.dataset_key``) and swapped in when a dataset is
opened, never carried over to another one. Loading a recipe file keeps this
dataset's and adds the file's that fit it (``core.processing.marks``), as one
undo step, and says so (:attr:`notice`).
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from ...core.dataset import Dataset
from ...core.errors import MnistDesktopError
from ...core.output import input_files
from ...core.processing.exclusions import dataset_key, exclusions_from_json, exclusions_to_json
from ...core.processing.marks import fitting_marks, merge_marks, relabels_from_json, relabels_to_json
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
    notice(str)
        A sentence for the status bar about what a load did to the exclusions
        and relabels (also when a recipe loaded before any data meets the data).
    """

    changed = Signal(object)
    notice = Signal(str)

    def __init__(self, settings: QSettings | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.recipe = Recipe()
        self.undo_stack = QUndoStack(self)
        self.dataset: Dataset | None = None
        self.dataset_key: str | None = None
        self._pending: Recipe | None = None  # a recipe file loaded before any data: its marks wait for the data

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
        old = (self.recipe.excluded, self.recipe.relabelled)
        self.recipe = recipe
        if (recipe.excluded, recipe.relabelled) != old:
            self._store_exclusions()
        self.changed.emit(recipe)

    # ------------------------------------------------------------------ datasets and exclusions

    def set_dataset(self, dataset: Dataset) -> None:
        """Switch to ``dataset``: its own stored exclusions and relabels replace the previous data's.

        Not undoable. A recipe file loaded before any data (``gui --recipe``)
        adds its fitting marks now, and :attr:`notice` says so.
        """
        self.dataset = dataset
        self.dataset_key = dataset_key(dataset)
        stored = self._stored("exclusions", exclusions_from_json)
        excluded = {k: v for k, v in stored.items() if k in dataset.splits}
        relabelled = self._stored("relabelled", relabels_from_json)
        own = replace(self.recipe, excluded=excluded, relabelled=relabelled)
        _, relabelled, _ = fitting_marks(own, dataset)  # never a label the data has no class for
        self.undo_stack.clear()  # earlier steps hold another dataset's exclusions
        new = replace(own, relabelled=relabelled)
        notice = ""
        if self._pending is not None:
            merged = merge_marks(new, self._pending, dataset)
            new, notice = replace(new, excluded=merged.recipe.excluded, relabelled=merged.recipe.relabelled), \
                merged.sentence()
            self._pending = None
        if new != self.recipe:
            self.recipe = new
            if notice:
                self._store_exclusions()  # the file's marks now belong to this dataset
            self.changed.emit(new)
        if notice:
            self.notice.emit(f"The loaded recipe meets the data: {notice}")

    def _stored(self, kind: str, parse):
        text = self.settings.value(f"{kind}/{self.dataset_key}") if self.settings is not None else None
        return parse(str(text)) if text else {}

    def _store_exclusions(self) -> None:
        """Keep this dataset's exclusions and relabels in the settings (removed when empty)."""
        if self.settings is None or self.dataset_key is None:
            return
        for kind, marks, text in (("exclusions", self.recipe.excluded, exclusions_to_json),
                                  ("relabelled", self.recipe.relabelled, relabels_to_json)):
            name = f"{kind}/{self.dataset_key}"
            if marks:
                self.settings.setValue(name, text(marks))
            else:
                self.settings.remove(name)

    # ------------------------------------------------------------------ persistence

    def save(self, path: str) -> None:
        """Save the recipe by the output rule; the save dialog already asked before replacing a file.

        So an existing file is replaced (force), but never an input of the
        data on screen or an export's manifest.
        """
        self.recipe.validate(path).save(path, force=True, inputs=input_files(self.dataset), force_hint="")

    def load(self, path: str) -> str:
        """Load a recipe file as one undo step; returns what happened to the exclusions and relabels, in words.

        A file whose marks do not fit this dataset is refused with the line
        export would give; otherwise this dataset's exclusions and relabels
        stay and the file's are added (``core.processing.marks.merge_marks``): loading
        parameters never silently takes back a sample the user dropped.
        """
        loaded = Recipe.load(path)
        if self.dataset is None:
            self._pending = loaded if (loaded.excluded or loaded.relabelled) else None
            n = loaded.excluded_count()
            self.set(replace(loaded, excluded=self.recipe.excluded, relabelled=self.recipe.relabelled),
                     "Load a recipe")
            return f"its {n:,} exclusions are added to the data once it is open" if n else ""
        loaded.check_dataset(self.dataset, path)  # the rule of export and evaluate, refused with the same line
        merged = merge_marks(self.recipe, loaded, self.dataset)
        self.set(merged.recipe, "Load a recipe")
        return merged.sentence()

    def remember(self) -> None:
        """Keep the recipe's parameters for the next start (only a valid one; exclusions and relabels are
        per dataset)."""
        if self.settings is not None and not self.problems:
            self.settings.setValue("recipe/last", replace(self.recipe, excluded=(), relabelled=()).to_json())

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
        last = replace(last, excluded=self.recipe.excluded, relabelled=self.recipe.relabelled)
        if last == self.recipe:
            return False
        self.recipe = last
        self.changed.emit(last)
        return True
