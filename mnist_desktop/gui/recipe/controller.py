"""Wires the recipe, its panels, the live preview and the export dialog into the main window."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QStyle

from ...core.errors import MnistDesktopError, describe_os_error
from ...core.processing.preview import preview_copy
from .augment_panel import AugmentPanel
from .normalize_panel import NormalizePanel
from .preview_worker import PreviewController
from .model import RecipeModel


class ProcessingController(QObject):
    """Owns the RecipeModel, the Normalize/Augment docks, the preview and the export dialog."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.model = RecipeModel(window.settings, self)
        self.normalize_panel = NormalizePanel(self.model)
        self.augment_panel = AugmentPanel(self.model)
        left = Qt.DockWidgetArea.LeftDockWidgetArea
        window.docks["normalize"] = window._add_dock("Normalize", self.normalize_panel, left)
        window.docks["augment"] = window._add_dock("Augment", self.augment_panel, left)
        window.tabifyDockWidget(window.docks["filter"], window.docks["normalize"])
        window.tabifyDockWidget(window.docks["normalize"], window.docks["augment"])
        window.docks["filter"].raise_()
        self.preview = PreviewController(self)
        self.preview.ready.connect(self._on_preview_ready)
        self.preview.failed.connect(self._on_preview_failed)
        self.last = None
        self.export_dialog = None
        self.actions = self._create_actions()
        self.model.changed.connect(self._on_model_changed)

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
        return {"show_processed": show, "save_recipe": save, "load_recipe": load, "export": export}

    def add_to_menus(self) -> None:
        w, a = self.window, self.actions
        for name in ("load_recipe", "save_recipe", "export"):
            w.file_menu.insertAction(w.file_menu_end, a[name])
        w.view_menu.insertAction(w.view_menu.actions()[0], a["show_processed"])
        w.main_tool_bar.insertAction(w.tool_bar_end, a["export"])
        w.main_tool_bar.insertAction(w.tool_bar_end, a["show_processed"])

    @property
    def showing_processed(self) -> bool:
        return self.actions["show_processed"].isChecked()

    # ------------------------------------------------------------------ preview

    def request_preview(self) -> None:
        """Ask for the processed version of the visible page and of the selected image."""
        b, ds = self.window.browser, self.window.dataset
        if b is None:
            return
        self.preview.request(ds, b.page_indices(), b.selected, self.model.recipe)

    def show_cached(self) -> bool:
        """Draw the processed page at once if the last preview matches the page and recipe."""
        r, b = self.last, self.window.browser
        if r is None or b is None or r["recipe"] != self.model.recipe:
            return False
        if not np.array_equal(r["indices"], b.page_indices()):
            return False
        self._show(r)
        return True

    def _on_model_changed(self, recipe) -> None:
        self.request_preview()

    def _on_show_processed_toggled(self, on: bool) -> None:
        self.window.refresh()

    def _on_preview_ready(self, result: dict) -> None:
        b = self.window.browser
        if b is None or result["recipe"] != self.model.recipe:
            return  # a newer request is on its way
        self.last = result
        if np.array_equal(result["indices"], b.page_indices()):
            self._show(result)

    def _show(self, result: dict) -> None:
        w = self.window
        ds = w.dataset
        indices = result["indices"]
        if self.showing_processed:
            w.grid.set_page(result["display"], ds.labels[indices], columns=w.columns, **w.page_marks(indices))
            w.grid.set_selected(w.browser.selected_on_page)
        self.normalize_panel.show_histograms(ds.images[indices], result["values"])
        aug = self.model.recipe.augment
        if aug.is_identity and aug.copies == 1 and not aug.keep_original:
            w.detail.show_rows(None)  # one row, equal to the original: nothing more to show
        elif result["selected"] == w.browser.selected and result["rows"] is not None:
            parts = (["original"] if aug.keep_original else []) + [f"copy {i}" for i in range(aug.copies)]
            shown = "the grid shows " + ("copy 0" if preview_copy(self.model.recipe) == 0 else "the original")
            w.detail.show_rows(result["rows"], f"Exported rows of this image: {', '.join(parts[:16])}"
                               f"{' …' if len(parts) > 16 else ''} ({shown})")

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
            action(path)
        except MnistDesktopError as exc:
            self.window.show_error(f"Could not {verb} the recipe", str(exc))
            return False
        except OSError as exc:
            self.window.show_error(f"Could not {verb} the recipe", describe_os_error(exc))
            return False
        self.window.settings.setValue("files/last_recipe_dir", str(Path(path).parent))
        self.window.status.showMessage(f"Recipe {done} {path}", 5000)
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
            w.show_error("The recipe has problems", "\n".join(self.model.problems))
            return None
        if self.export_dialog is not None:
            self.export_dialog.cancel_and_wait()
            self.export_dialog.deleteLater()
        self.export_dialog = ExportDialog(w.dataset, self.model.recipe, w,
                                          str(w.settings.value("files/last_export_dir", "")))
        self.export_dialog.exported.connect(
            lambda result: w.settings.setValue("files/last_export_dir", str(Path(result.path).parent)))
        self.export_dialog.show()
        return self.export_dialog

    def shutdown(self) -> None:
        """Stop previews and any running export before the window closes."""
        self.preview.cancel()
        if self.export_dialog is not None:
            self.export_dialog.cancel_and_wait()
        self.model.remember()
