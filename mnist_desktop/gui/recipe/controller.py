"""The recipe feature: its Normalize and Augment docks, the live preview, recipe files, export.

The two panels are built when their docks are first shown (or a test asks
for them): their sliders are superqt's, whose import and construction cost
start-up ~0.2 s for docks that start behind the Filter tab. Until then the
feature keeps what it would show them (``_used``, ``_histograms_shown``) and
hands it over when they are built.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QStyle

from ...core.errors import MnistDesktopError, describe_os_error
from ...core.processing.normalize import normalize
from ...core.processing.preview import Preview, preview_copy, row_names
from ...core.processing.problem_words import describe_problem
from ...core.processing.split_plan import held_out
from ...core.processing.statistics import NormStatistics
from ..feature import DockSpec, FeatureUi
from .ink_histograms import InkHistograms, ink_histograms
from .model import RecipeModel
from .preview_worker import PreviewWorker
from ..workers import LatestJob
from ..window_api import WindowApi

if TYPE_CHECKING:
    from .augment_panel import AugmentPanel
    from .normalize_panel import NormalizePanel


class RecipeController(QObject):
    """Owns the Normalize/Augment panels, the preview and the export dialog for one RecipeModel."""

    def __init__(self, window: WindowApi, model: RecipeModel) -> None:
        super().__init__(window)
        self.window = window
        self.model = model
        self._normalize_panel: NormalizePanel | None = None  # built on first use (``normalize_panel``)
        self._augment_panel: AugmentPanel | None = None
        self._used: tuple = (None, "")  # what the Normalize panel says of the statistics in use
        self._histograms_shown: InkHistograms | None = None
        self.preview = PreviewWorker(self)
        self.preview.extra = self._histograms  # counted in the worker, drawn in the slot
        self.preview.ready.connect(self._on_preview_ready)
        self.preview.failed.connect(self._on_preview_failed)
        self.view = window.processed_view  # what the grid shows; this feature writes it
        self.export_dialog = None
        self.statistics: NormStatistics | None = None  # of the dataset on screen: one cache for panel and preview
        self._stats_job = LatestJob(self, track=window.track)  # statistics off the UI thread; newest setting wins
        self._stats_job.succeeded.connect(self._on_stats_job_succeeded)
        self._stats_job.failed.connect(self._on_stats_job_failed)
        self.actions = self._create_actions()
        model.changed.connect(self._on_model_changed)
        model.notice.connect(lambda text: window.status.showMessage(text, 15000))
        window.dataset_loaded.connect(self._on_window_dataset_loaded)
        window.selection_changed.connect(self._on_window_selection_changed)

    def _create_actions(self) -> dict[str, QAction]:
        w = self.window
        style = w.style()
        show = QAction("Show &processed images", w, checkable=True)
        show.setShortcut(QKeySequence("Ctrl+P"))
        show.setToolTip("Show the images as the recipe makes them (what the export writes)")
        show.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_BrowserReload))
        show.toggled.connect(self._on_show_processed_toggled)
        save = QAction("&Save recipe…", w, shortcut=QKeySequence.StandardKey.Save)
        save.triggered.connect(self.choose_save_recipe)
        load = QAction("&Load recipe…", w, shortcut=QKeySequence("Ctrl+L"))
        load.triggered.connect(self.choose_load_recipe)
        export = QAction("&Export…", w, shortcut=QKeySequence("Ctrl+E"))
        export.setToolTip("Export the processed dataset (npz, npy, IDX, CSV, PNG)")
        export.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_DialogSaveButton))
        export.triggered.connect(self.open_export_dialog)
        undo = self.model.undo_stack.createUndoAction(w, "&Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.model.undo_stack.createRedoAction(w, "&Redo")
        redo.setShortcut(QKeySequence.StandardKey.Redo)
        reset = QAction("Reset &recipe", w)
        reset.setToolTip("Normalization, augmentation and seed back to the defaults (exclusions stay; undoable)")
        reset.setStatusTip(reset.toolTip())
        reset.triggered.connect(self.model.reset)
        return {"show_processed": show, "save_recipe": save, "load_recipe": load, "export": export,
                "undo": undo, "redo": redo, "reset_recipe": reset}

    def ui(self) -> FeatureUi:
        a = self.actions
        return FeatureUi(
            docks=[DockSpec("normalize", "Normalize", build=lambda: self.normalize_panel),
                   DockSpec("augment", "Augment", build=lambda: self.augment_panel)],
            actions={"file": [a["load_recipe"], a["save_recipe"], a["export"]],
                     "edit": [a["undo"], a["redo"], a["reset_recipe"]],
                     "view": [a["show_processed"]],
                     "toolbar": [a["export"], a["show_processed"]]},
            commands={"show_processed": a["show_processed"], "load_recipe": self.load_recipe},
            busy=lambda: self.busy)

    @property
    def normalize_panel(self) -> NormalizePanel:
        """The Normalize dock's panel, built on first use with what it would have been shown."""
        if self._normalize_panel is None:
            from .normalize_panel import NormalizePanel  # here, not at the top: start-up does not pay for it

            self._normalize_panel = panel = NormalizePanel(self.model)
            if self.window.dataset is not None:
                panel.show_dataset(self.window.dataset)
            panel.show_used(*self._used)
            if self._histograms_shown is not None:
                panel.show_histogram_data(self._histograms_shown)
        return self._normalize_panel

    @property
    def augment_panel(self) -> AugmentPanel:
        """The Augment dock's panel, built on first use."""
        if self._augment_panel is None:
            from .augment_panel import AugmentPanel  # here, not at the top: start-up does not pay for it

            self._augment_panel = panel = AugmentPanel(self.model)
            if self.window.dataset is not None:
                panel.show_dataset(self.window.dataset)
        return self._augment_panel

    def _show_used(self, used, note: str) -> None:
        self._used = (used, note)
        if self._normalize_panel is not None:
            self._normalize_panel.show_used(used, note)

    @property
    def showing_processed(self) -> bool:
        return self.view.on

    @property
    def last(self) -> Preview | None:
        """The newest preview computed (any page)."""
        return self.view.last

    @property
    def busy(self) -> bool:
        """A preview is waiting or being computed."""
        return self.preview.busy

    # ------------------------------------------------------------------ preview

    def request_preview(self) -> None:
        """Ask for the processed version of the visible page and of the selected image."""
        b, ds = self.window.browser, self.window.dataset
        if b is None:
            return
        self.preview.request(ds, b.page_indices(), b.selected, self.model.recipe)

    def processed_page(self, indices: np.ndarray) -> np.ndarray | None:
        """The processed tiles of ``indices`` if they are shown and already computed, else None."""
        return self.view.page(self.model.recipe, indices)

    def _on_window_selection_changed(self, _index: int) -> None:
        self.request_preview()

    def _on_model_changed(self, recipe) -> None:
        self.show_statistics()
        self.request_preview()

    def _on_window_dataset_loaded(self, dataset) -> None:
        d = self.export_dialog
        if d is not None and d.isVisible() and not d.running and d.dataset is not dataset:
            d.close()  # its counts and its Export button were for the data shown before
            self.window.status.showMessage("The export dialog was closed: other data is open now", 8000)
        self._stats_job.cancel()
        self.statistics = NormStatistics(dataset)
        self.preview.statistics = self.statistics
        self._histograms_shown = None
        for panel in (self._normalize_panel, self._augment_panel):
            if panel is not None:
                panel.show_dataset(dataset)
        self.show_statistics()

    def show_statistics(self) -> None:
        """Tell the Normalize panel which statistics are used and where they come from.

        Computing them takes up to a second on big data: that runs in a job,
        and the panel says "Computing…" until it ends.
        """
        ds, recipe, stats = self.window.dataset, self.model.recipe, self.statistics
        if ds is None or stats is None or recipe.normalize.problems():
            self._show_used(None, "")
            return
        used = stats.cached(recipe)
        if used is not None:
            self._show_used(used, _statistics_note(recipe, ds, recipe.statistics_splits(ds), used.is_per_channel))
            return
        count = sum(len(ds.splits[n]) for n in recipe.statistics_splits(ds))
        self._show_used(None, f"Computing the statistics of {count:,} images…")
        self._stats_job.start(stats.normalization, recipe, progress=False, cancel=False)

    def _on_stats_job_succeeded(self, _used) -> None:
        self.show_statistics()  # from the cache now, if the setting is still the current one

    def _on_stats_job_failed(self, exc: BaseException) -> None:
        self._show_used(None, f"Statistics not computed: {exc}")

    def _background(self, recipe):
        """The value a black pixel becomes under the recipe's normalization (as resolved): one per channel
        when the statistics are per channel."""
        used = (self.statistics.cached(recipe) if self.statistics is not None else None) or recipe.normalize
        if not used.is_resolved:
            return 0.0
        if used.is_per_channel:
            return normalize(np.zeros((1, 1, 1, 3), np.uint8), used).reshape(-1)
        return float(normalize(np.zeros((1, 1, 1), np.uint8), used).reshape(-1)[0])

    def _on_show_processed_toggled(self, on: bool) -> None:
        self.view.on = on
        self.window.refresh()

    def _histograms(self, dataset, result: Preview) -> InkHistograms:
        """The page's ink histograms (called in the preview worker)."""
        return ink_histograms(dataset.pixels[result.indices], result.values, self._background(result.recipe))

    def _on_preview_ready(self, result: Preview, histograms: InkHistograms | None = None) -> None:
        w = self.window
        b = w.browser
        if b is None or result.recipe != self.model.recipe:
            return  # a newer request is on its way
        self.view.last = result
        if not result.shows(self.model.recipe, b.page_indices()):
            return
        if self.showing_processed:
            w.draw_page(result.display)
        if histograms is None:  # not counted in the worker
            histograms = ink_histograms(w.dataset.pixels[result.indices], result.values,
                                        self._background(result.recipe))
        self._histograms_shown = histograms
        if self._normalize_panel is not None:
            self._normalize_panel.show_histogram_data(histograms)
        self._show_rows(result)

    def _show_rows(self, result: Preview) -> None:
        w = self.window
        recipe = self.model.recipe
        aug = recipe.augment
        if aug.is_identity and aug.copies == 1 and not aug.keep_original:
            w.detail.show_rows(None)  # one row, equal to the original: nothing more to show
        elif result.selected == w.browser.selected and result.rows is not None:
            split, local = w.dataset.locate(result.selected)
            if held_out(w.dataset, recipe, split, np.array([local]))[0]:
                w.detail.show_rows(result.rows, "Exported rows of this image: the original only (it is drawn into "
                                                "val/test, which are never augmented; the grid shows it so)")
                return
            shown = "the grid shows " + ("copy 0" if preview_copy(recipe) == 0 else "the original")
            w.detail.show_rows(result.rows, f"Exported rows of this image: {row_names(recipe)} ({shown})")

    def _on_preview_failed(self, message: str) -> None:
        self.window.status.showMessage(f"Preview not updated: {message}", 8000)

    # ------------------------------------------------------------------ recipe files

    def choose_save_recipe(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self.window, "Save recipe", str(self._last_dir() / "recipe.json"),
                                              "Recipe (*.json)")
        if path:
            self.save_recipe(path)

    def choose_load_recipe(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Load recipe", str(self._last_dir()), "Recipe (*.json)")
        if path:
            self.load_recipe(path)

    def save_recipe(self, path: str) -> bool:
        return self._recipe_file(self.model.save, path, "save", "saved to")

    def load_recipe(self, path: str) -> bool:
        return self._recipe_file(self.model.load, path, "load", "loaded from")

    def _recipe_file(self, action, path: str, verb: str, done: str) -> bool:
        """Run a recipe save or load; tell the user what went wrong instead of raising."""
        try:
            said = action(path)
        except MnistDesktopError as exc:
            self.window.show_error(f"Could not {verb} the recipe", str(exc))
            return False
        except OSError as exc:
            self.window.show_error(f"Could not {verb} the recipe", describe_os_error(exc))
            return False
        self.window.settings.setValue("files/last_recipe_dir", str(Path(path).parent))
        name = Path(path).name
        if said:  # what a load did to the exclusions and relabels: never silent
            self.window.status.showMessage(f"Recipe {done} {name}; {said} (Edit > Undo goes back)", 15000)
        else:
            self.window.status.showMessage(f"Recipe {done} {path}", 8000)
        return True

    def _last_dir(self) -> Path:
        return Path(str(self.window.settings.value("files/last_recipe_dir", str(Path.home()))))

    # ------------------------------------------------------------------ export

    def open_export_dialog(self):
        """Show the export dialog for the current data and recipe."""
        from .export_dialog import ExportDialog

        w = self.window
        if w.dataset is None:
            return None
        if self.model.problems:
            w.show_error("The recipe has problems", "\n".join(map(describe_problem, self.model.problems)))
            return None
        if self.export_dialog is not None:
            self.export_dialog.cancel_and_wait()
            self.export_dialog.deleteLater()
        self.export_dialog = ExportDialog(w.dataset, self.model.recipe, w,
                                          str(w.settings.value("files/last_export_dir", "")), self.statistics)
        self.export_dialog.exported.connect(
            lambda result: w.settings.setValue("files/last_export_dir", str(Path(result.path).parent)))
        self.export_dialog.exported.connect(self._on_export_dialog_exported)
        self.export_dialog.show()
        return self.export_dialog

    def _on_export_dialog_exported(self, _result) -> None:
        """Keep the split and shape the export used in the window's recipe (Statistics shows them; Save keeps them)."""
        d = self.export_dialog
        if d is None:
            return
        sampling, target = d.model_ready.sampling(), d.model_ready.target()
        r = self.model.recipe
        if (sampling, target) != (r.sampling, r.target):
            self.model.set(replace(r, sampling=sampling, target=target), "Change the split and shape")

    def shutdown(self) -> None:
        """Stop previews and any running export before the window closes."""
        self.preview.cancel()
        if self.export_dialog is not None:
            self.export_dialog.cancel_and_wait()
        self.model.remember()


def _statistics_note(recipe, dataset, names: tuple[str, ...], per_channel: bool = False) -> str:
    """Where the normalization statistics come from, in words (empty when none are computed).

    ``per_channel``: the values used are per colour channel, listed on the panel's per-channel line.
    """
    shown = "the per-channel line above shows the values used" if per_channel else \
        "greyed boxes show the values used"
    if not names:
        return "Given values are used." if recipe.normalize.method in ("zscore", "minmax") else ""
    count = sum(len(dataset.splits[n]) for n in names)
    warning = recipe.statistics_warning(dataset)
    if warning:
        return (f"<b>Computed from the test split</b> ({count:,} images): this dataset has no train split, "
                f"so test statistics shape the normalization. {shown[0].upper()}{shown[1:]}.")
    return f"Computed from the {' and '.join(names)} split{'s' if len(names) > 1 else ''} ({count:,} images); {shown}."
