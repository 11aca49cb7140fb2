"""The main window: the grid in the middle, the features' docks around it.

It holds no image logic: what is shown comes from ``core.view.browse.Browser``,
pixels from ``core.view.mosaic``, loading from ``core.dataset`` run in a
:class:`~mnist_desktop.gui.workers.Job`. Features (files, recipe, quality ...)
are controllers that hand over their docks and actions (see ``feature.py``);
the window places them and offers the public methods below to all of them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QEventLoop, QPoint, QSettings, Qt, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QDockWidget, QMainWindow, QMenu, QMessageBox

from ..core.dataset import Dataset
from ..core.stats import ClassMeans
from ..core.view.browse import Browser
from ..core.view.grid_layout import ZOOM_DEFAULT
from .actions import create_actions, create_menus, create_tool_bar
from .detail.detail_view import DetailView
from .evaluate.controller import EvaluateController
from .feature import RIGHT, DockSpec, FeatureUi
from .files import FileController, load_for_view
from .layout import DockLayout, restore_window, save_window, scrollable
from .grid.content import COMPUTING, EMPTY_MESSAGE, PROCESSED, GridContent
from .grid.filter_panel import FilterPanel
from .grid.page import GridPage
from .map.controller import MapController
from .quality.controller import QualityController
from .recipe.controller import RecipeController
from .recipe.exclusions import ExclusionsController
from .recipe.model import RecipeModel
from .stats.stats_panel import StatsPanel
from .status import StatusBar
from .workers import Job, wait_for_workers


class MainWindow(QMainWindow):
    """The application window.

    Signals
    -------
    dataset_loaded(object)
        A dataset finished loading and is on screen.
    load_failed(str)
        Loading failed; the message names the file and the problem.
    selection_changed(int)
        Global index of the image now selected and shown in the detail view (-1: none).
    marks_changed()
        The flagged samples or the sort scores changed (see :attr:`flagged`, :meth:`sort_scores`).
    """

    dataset_loaded = Signal(object)
    load_failed = Signal(str)
    selection_changed = Signal(int)
    marks_changed = Signal()

    def __init__(self, settings: QSettings | None = None) -> None:
        super().__init__()
        self.settings = settings if settings is not None else QSettings()
        self.setWindowTitle("mnist-desktop")
        self.setAcceptDrops(True)
        self.dataset: Dataset | None = None
        self.browser: Browser | None = None
        self.last_error = ""
        self.docks: dict[str, QDockWidget] = {}
        self._means: ClassMeans | None = None
        self._flagged: np.ndarray | None = None
        self._sort_scores: dict[str, np.ndarray] = {}
        self._jobs: set[Job] = set()
        self.page_size = int(self.settings.value("view/page_size", 1024))
        self.recipe_model = RecipeModel(self.settings, self)
        self._shown = GridContent()
        self._layout_checked = False
        self.create_views()
        self.create_features()
        self.place_docks([spec for ui in self.feature_uis for spec in ui.docks])
        self.actions = create_actions(self)
        self.menus = create_menus(self, self.actions, self.feature_uis)
        create_tool_bar(self, self.actions, self.feature_uis)
        self.status = StatusBar(self)
        self.setStatusBar(self.status)
        self._connect()
        self.read_settings()
        if self.recipe_model.restore():
            self.status.showMessage("The recipe of the last session is back (Edit > Reset recipe for the defaults)",
                                    10000)

    # ------------------------------------------------------------------ construction

    def create_views(self) -> None:
        """The grid (central), and the filter, detail and statistics panels."""
        self.page = GridPage(zoom=float(self.settings.value("view/zoom", ZOOM_DEFAULT)))
        self.grid = self.page.grid
        self.grid.set_message("No data yet")
        self.setCentralWidget(self.page)
        self.filter_panel = FilterPanel()
        self.detail = DetailView()
        self.stats = StatsPanel()

    def create_features(self) -> None:
        """Feature controllers; each hands over its docks and actions."""
        self.files = FileController(self)
        self.recipe = RecipeController(self, self.recipe_model)
        self.quality = QualityController(self, self.recipe_model)
        self.evaluate = EvaluateController(self, self.recipe_model)
        self.exclusions = ExclusionsController(self, self.recipe_model)
        self.map = MapController(self, self.recipe_model)
        own = FeatureUi(docks=[DockSpec("filter", "Filter", self.filter_panel),
                               DockSpec("detail", "Detail", self.detail, RIGHT, stack=False),
                               DockSpec("stats", "Statistics", self.stats, RIGHT, stack=False)])
        self.feature_uis = [self.files.ui(), own, self.recipe.ui(), self.quality.ui(),
                            self.evaluate.ui(), self.exclusions.ui(), self.map.ui()]

    def place_docks(self, specs: list[DockSpec]) -> None:
        """Add the docks: stacked docks of one area become tabs; small windows tab them all (layout.py)."""
        for spec in specs:
            dock = QDockWidget(spec.title, self)
            dock.setObjectName(f"dock_{spec.key}")
            dock.setWidget(scrollable(spec.widget))  # a narrow dock scrolls its panel instead of crushing the grid
            self.docks[spec.key] = dock
        self.dock_layout = DockLayout(self, specs, self.docks)
        self.dock_layout.apply(compact=False)

    def reset_layout(self) -> None:
        """View > Reset layout: every panel back in its default place and size for this window size."""
        self.dock_layout.reset()

    def _connect(self) -> None:
        self.grid.tile_clicked.connect(self._on_grid_tile_clicked)
        self.grid.tile_hovered.connect(self._on_grid_tile_hovered)
        self.grid.key_move.connect(self.move_selection)
        self.grid.columns_changed.connect(self._on_grid_columns_changed)
        self.grid.page_edge.connect(self._on_grid_page_edge)
        self.page.page_requested.connect(self._on_page_page_requested)
        self.filter_panel.filter_changed.connect(self._on_filter_changed)
        self.filter_panel.sort_changed.connect(self._on_filter_sort_changed)
        self.detail.pixel_hovered.connect(self._on_detail_pixel_hovered)
        self.recipe_model.changed.connect(self._on_recipe_model_changed)
        # exclude/restore from the grid's and the detail view's right-click menus
        self._hovered = -1
        self.grid.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.grid.customContextMenuRequested.connect(self._on_grid_context_menu)
        self.detail.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.detail.addActions([a for ui in self.feature_uis for a in ui.actions.get("context", ())])

    # ------------------------------------------------------------------ loading

    def open_source(self, source: str | None = None, *, files: tuple[str, str] | None = None) -> Job:
        """Load a dataset in the background; the window stays usable meanwhile."""
        label = " + ".join(Path(f).name for f in files) if files else str(source)
        self.status.show_busy(f"Loading {label}…")
        job = Job(load_for_view, source, files=files, cancel=False)
        job.progress.connect(self.status.set_progress)
        job.succeeded.connect(self._on_load_succeeded)
        job.failed.connect(self._on_load_failed)
        self.track(job)
        job.start()
        return job

    def track(self, job: Job) -> None:
        """Keep ``job`` alive until it ends; closing the window cancels it."""
        self._jobs.add(job)
        job.finished.connect(lambda: self._jobs.discard(job))

    def _on_load_succeeded(self, result) -> None:
        ds, means = result
        self.status.show_idle()
        self.set_dataset(ds, means)

    def _on_load_failed(self, exc: BaseException) -> None:
        self.status.show_idle()
        self.show_error("Could not open the data", str(exc))
        self.load_failed.emit(str(exc))

    def set_dataset(self, ds: Dataset, means: ClassMeans | None = None) -> None:
        """Show ``ds`` (everything visible, first image selected)."""
        self.dataset = ds
        self._means = means if means is not None else ClassMeans(ds)
        self.browser = Browser(ds, page_size=self.page_size, columns=self.grid.columns)
        self._flagged = None
        self._sort_scores = {}
        self._shown = GridContent()
        self.setWindowTitle(f"mnist-desktop – {ds.title}")
        self.grid.set_classes(ds.class_names, ds.images.shape[1:3])
        self.filter_panel.set_choices(list(ds.splits), ds.class_names)
        self.status.set_dataset(ds)
        self.recipe_model.set_dataset(ds)  # this dataset's own exclusions, never the previous one's
        self.dataset_loaded.emit(ds)  # features reset before the first page is drawn
        self.refresh()
        self.grid.setFocus()  # arrow keys move through the images at once

    # ------------------------------------------------------------------ showing

    def refresh(self) -> None:
        """Redraw the current page, the selection, the detail and the statistics."""
        b = self.browser
        if b is None:
            return
        indices = b.page_indices()
        self.draw_page(self.recipe.processed_page(indices))
        excluded = int(self.recipe_model.recipe.excluded_mask(self.dataset)[b.visible].sum())
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
        processed = self.recipe.showing_processed
        self.grid.set_message("" if len(indices) else EMPTY_MESSAGE)
        if processed and display is None and len(indices):
            self.grid.set_badge(COMPUTING)
            if self._shown.processed and not self._shown.placeholder:
                return  # keep the previous processed page, with its own labels, until the new one comes
            display = np.full((len(indices), *ds.images.shape[1:3]), 48, np.uint8)
            self._shown = GridContent(indices.copy(), processed=True, placeholder=True)
        else:
            preview = self.recipe.last if processed else None
            self._shown = GridContent(indices.copy(), processed=processed, preview=preview)
            self.grid.set_badge(PROCESSED if processed else "")
        images = ds.pixels[indices] if display is None else display
        self.grid.set_page(images, ds.labels[indices], **self.page_marks(indices))
        self.grid.set_selected(self._shown.position(b.selected))
        if processed:
            self._show_detail()

    def page_marks(self, indices: np.ndarray) -> dict:
        """Flag outlines and dimming (excluded samples) for the tiles of ``indices``."""
        excluded = self.recipe_model.recipe.excluded_mask(self.dataset)
        flagged = None if self._flagged is None else self._flagged[indices]
        return {"flagged": flagged, "dimmed": excluded[indices]}

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
        """Offer a sort order (highest score first) in the filter panel."""
        self._sort_scores[key] = scores
        self.filter_panel.add_sort_key(key, title)
        self.marks_changed.emit()

    def show_subset(self, indices: np.ndarray | None, name: str = "", *, sort_key: str | None = None) -> None:
        """Show only these global indices (None: all again), sorted by ``sort_key`` if given.

        ``name`` says where they come from ("true 4, predicted 9") in the status bar.
        """
        if self.browser is None:
            return
        self.browser.set_subset(indices, name)
        if sort_key is not None:
            self.filter_panel.blockSignals(True)
            self.filter_panel.select_sort_key(sort_key)
            self.filter_panel.blockSignals(False)
            self.browser.set_sort(self._sort_scores.get(sort_key))
        shown = len(self.browser.visible)
        if indices is not None and shown:
            self.browser.select(int(self.browser.visible[0]))  # the first of the subset, in its order
        self.refresh()
        self.status.showMessage(f"Showing {name}: {shown:,} images" if indices is not None else "")

    def select_global(self, index: int) -> None:
        """Select image ``index``, showing everything again if the filter hides it."""
        if self.browser is None:
            return
        if not self.browser.select(index):
            self.filter_panel.set_choices(list(self.dataset.splits), self.dataset.class_names)
            self.browser.set_subset(None)
            self.browser.set_filter(splits=self.dataset.splits, labels=range(len(self.dataset.class_names)))
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
        label = int(ds.labels[b.selected])
        excluded = bool(self.recipe_model.recipe.excluded_mask(ds)[b.selected])
        self.status.set_selection(f"#{b.selected:,} ({split} #{split_index:,}), label {ds.label_text(label)}"
                                  + (" · excluded" if excluded else ""))
        self.exclusions.update_action()
        self.selection_changed.emit(int(b.selected))
        self.recipe.request_preview()

    def _show_detail(self) -> None:
        """The selected image in the detail view: processed (as the grid shows it) or the original."""
        b, ds = self.browser, self.dataset
        if b.selected is None:
            self.detail.show_image(None)
            return
        split, split_index = ds.locate(b.selected)
        label = int(ds.labels[b.selected])
        about = dict(index=b.selected, split=split, split_index=split_index, label=label,
                     class_name=ds.label_text(label))
        if not self.recipe.showing_processed:
            self.detail.show_image(ds.pixels[b.selected], **about)
            return
        preview, pos = self._shown.preview, self._shown.position(b.selected)
        if preview is None or pos is None:
            self.detail.show_image(None, empty_text=COMPUTING)
            return
        self.detail.show_image(preview.display[pos], values=preview.values[pos], **about)

    def _update_stats(self) -> None:
        b, ds = self.browser, self.dataset
        excluded = int(self.recipe_model.recipe.excluded_mask(ds)[b.visible].sum())
        self.stats.show_counts(b.counts_by_label(), ds.class_names, excluded=excluded)
        means = self._means.means(b.splits) if self._means is not None else None
        if means is not None:
            self.stats.show_means(means)

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
        if self.browser is not None:
            self.browser.set_sort(self._sort_scores.get(key))
            self.refresh()

    def _on_grid_tile_hovered(self, position: int, x: int, y: int) -> None:
        self._hovered = position
        self.status.set_hover("" if self.browser is None else self._shown.describe(self.dataset, position, x, y))

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
            self.refresh()  # exclusions dim tiles; the preview follows through the recipe feature

    # ------------------------------------------------------------------ public actions

    def show_processed(self, on: bool) -> None:
        """Show the images as the recipe makes them (True) or the originals."""
        self.recipe.actions["show_processed"].setChecked(on)

    def load_recipe(self, path: str) -> bool:
        """Load a recipe file into the panels; False (after telling the user) if it is bad."""
        return self.recipe.load_recipe(path)

    def wait_idle(self) -> None:
        """Process events until no preview is pending (screenshots, tests)."""
        app = QApplication.instance()
        while self.recipe.busy:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        app.processEvents()

    def set_page_size(self, size: int) -> None:
        self.page_size = size
        if self.browser is not None:
            selected = self.browser.selected
            self.browser.page_size = size
            if selected is not None:
                self.browser.select(selected)
            self.refresh()

    @property
    def columns(self) -> int:
        """Tiles per row as drawn (they follow the window width and the zoom)."""
        return self.grid.columns

    def show_error(self, title: str, message: str) -> None:
        """Tell the user without blocking the event loop (and remember it for tests)."""
        self.last_error = message
        box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    # ------------------------------------------------------------------ drag and drop

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.files.open_paths(paths)

    # ------------------------------------------------------------------ settings and closing

    def read_settings(self) -> None:
        """Geometry and docks as saved, when they were saved for this screen; else the defaults."""
        restored = restore_window(self, self.settings, (1400, 900))
        self._layout_checked = False
        # a restored arrangement counts as the one for this size; otherwise arrange once shown
        self.dock_layout.compact = self.dock_layout.is_compact(self.width(), self.height()) if restored else None

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if not self._layout_checked:  # dock sizes apply only once the window is laid out
            self._layout_checked = True
            if self.dock_layout.compact is None:
                self.dock_layout.reset()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if self._layout_checked:
            self.dock_layout.follow_size()  # tab the docks in small windows, spread them in large ones

    def write_settings(self) -> None:
        save_window(self, self.settings)
        self.settings.setValue("view/page_size", self.page_size)
        self.settings.setValue("view/zoom", self.grid.zoom_level)
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        """Cancel running work and wait for it, so no thread outlives the window."""
        for job in list(self._jobs):
            job.cancel()
        for feature in (self.files, self.recipe, self.quality, self.evaluate, self.exclusions, self.map):
            feature.shutdown()
        wait_for_workers()
        self.write_settings()
        super().closeEvent(event)
