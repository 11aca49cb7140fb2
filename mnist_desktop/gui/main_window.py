"""The main window: the grid in the middle, the features' docks around it.

It holds no image logic: what is shown comes from ``core.view.browse.Browser``,
pixels from ``core.draw.mosaic``, loading from ``core.formats.load`` run in a
:class:`~mnist_desktop.gui.workers.Job`. Features (files, recipe, quality ...)
are controllers that hand over their docks and actions (see ``feature.py``);
the window places them and offers the public methods below to all of them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QEventLoop, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QDockWidget, QMainWindow, QMessageBox, QWidget

from ..core.dataset import Dataset
from ..core.errors import Cancelled
from ..core.stats import ClassMeans
from ..core.view.browse import Browser
from ..core.view.grid_layout import ZOOM_DEFAULT
from ..core.view.open_data import EarlyLoad, load_for_view
from .actions import create_actions, create_menus, create_tool_bar
from .browsing import BrowsingMixin
from .detail.panel import DetailView
from .evaluate.controller import EvaluateController
from .feature import RIGHT, DockSpec, FeatureUi
from .files import FileController
from .layout import DockLayout, restore_window, save_window, scrollable
from .grid.content import GridContent
from .grid.filter_panel import FilterPanel
from .grid.page import GridPage
from .map.controller import MapController
from .quality.controller import QualityController
from .recipe.controller import RecipeController
from .exclusions.controller import ExclusionsController
from .recipe.model import RecipeModel
from .stats.panel import StatsPanel
from .status import StatusBar
from .processed_view import ProcessedView
from .workers import Job, LatestJob, wait_for_workers


class MainWindow(BrowsingMixin, QMainWindow):
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
        self._sort_before_subset: str | None = None  # the order "Show all" goes back to after a sorted subset
        self._excluded_cache: tuple = ((), None, None)  # (recipe exclusions, dataset, mask)
        self._jobs: set[Job] = set()
        self._loader = LatestJob(self, track=self.track)  # the load asked for last wins
        self.processed_view = ProcessedView()  # written by the recipe feature, read by the drawing
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
        # said once the first data is on screen (the loading message would cover it before)
        self._pending_message = ("The recipe of the last session is back (Edit > Reset recipe for the defaults)"
                                 if self.recipe_model.restore() else "")

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
        """Feature controllers, in menu order; each hands over its docks and actions (``ui()``).

        This is the one list of features: the window reaches them only through
        what ``ui()`` returns and ``shutdown()``; they reach the window only
        through :class:`~mnist_desktop.gui.window_api.WindowApi`. The attributes
        (``self.recipe`` ...) are handles for tests and scripts, not used here.
        """
        self.files = FileController(self)
        self.recipe = RecipeController(self, self.recipe_model)
        self.quality = QualityController(self, self.recipe_model)
        self.evaluate = EvaluateController(self, self.recipe_model)
        self.exclusions = ExclusionsController(self, self.recipe_model)
        self.map = MapController(self, self.recipe_model)
        self.features = [self.files, self.recipe, self.quality, self.evaluate, self.exclusions, self.map]
        own = FeatureUi(docks=[DockSpec("filter", "Filter", self.filter_panel),
                               DockSpec("detail", "Detail", self.detail, RIGHT, stack=False),
                               DockSpec("stats", "Statistics", self.stats, RIGHT, stack=False)])
        uis = [feature.ui() for feature in self.features]
        self.feature_uis = [uis[0], own, *uis[1:]]

    def place_docks(self, specs: list[DockSpec]) -> None:
        """Add the docks: stacked docks of one area become tabs; small windows tab them all (layout.py)."""
        for spec in specs:
            dock = QDockWidget(spec.title, self)
            dock.setObjectName(f"dock_{spec.key}")
            if spec.widget is None:  # built when first shown (DockSpec.build)
                placeholder = QWidget()
                placeholder.setObjectName("placeholder")
                dock.setWidget(placeholder)
                # built once it stays on screen: docks flash visible while the layout tabs them
                settle = QTimer(dock, singleShot=True, interval=100)
                settle.timeout.connect(lambda d=dock, s=spec: self._build_dock(d, s))
                dock.visibilityChanged.connect(lambda on, t=settle: t.start() if on else t.stop())
            else:
                dock.setWidget(scrollable(spec.widget))  # a narrow dock scrolls its panel instead of crushing the grid
            self.docks[spec.key] = dock
        self.dock_layout = DockLayout(self, specs, self.docks)
        self.dock_layout.apply(compact=False)

    @staticmethod
    def _build_dock(dock: QDockWidget, spec: DockSpec) -> None:
        """On screen for the first time: swap the placeholder for the panel (once)."""
        if dock.isVisible() and dock.widget().objectName() == "placeholder":
            dock.setWidget(scrollable(spec.panel()))

    def reset_layout(self) -> None:
        """View > Reset layout: every panel back in its default place and size for this window size."""
        self.dock_layout.reset()

    def _connect(self) -> None:
        self._loader.progress.connect(self.status.set_progress)
        self._loader.succeeded.connect(self._on_load_succeeded)
        self._loader.failed.connect(self._on_load_failed)
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

    def open_source(self, source: str | None = None, *, files: tuple[str, str] | None = None,
                    labels: str = "fine", early: EarlyLoad | None = None) -> Job:
        """Load a dataset in the background; the window stays usable meanwhile.

        ``labels="coarse"``: CIFAR-100 with its 20 superclasses (see ``load_dataset``).
        ``early``: a load of ``source`` already running since start-up (``run_app``);
        the job waits for it instead of reading the files again.
        """
        label = " + ".join(Path(f).name for f in files) if files else str(source)
        self.status.show_busy(f"Loading {label}{' (coarse labels)' if labels == 'coarse' else ''}…")
        if early is not None and (early.source, early.labels) == (source, labels) and files is None:
            return self._loader.start(early.result)
        return self._loader.start(load_for_view, source, files=files, labels=labels)  # cancels a load still running

    def track(self, job: Job) -> None:
        """Keep ``job`` alive until it ends; closing the window cancels it."""
        self._jobs.add(job)
        job.finished.connect(lambda: self._jobs.discard(job))

    def _on_load_succeeded(self, result) -> None:
        ds, means = result
        self.status.show_idle()
        self.set_dataset(ds, means)
        if self._pending_message:
            self.status.showMessage(self._pending_message, 10000)
            self._pending_message = ""

    def _on_load_failed(self, exc: BaseException) -> None:
        self.status.show_idle()
        if isinstance(exc, Cancelled):
            return  # the window is closing
        self.show_error("Could not open the data", str(exc))
        self.load_failed.emit(str(exc))

    def set_dataset(self, ds: Dataset, means: ClassMeans | None = None) -> None:
        """Show ``ds`` (everything visible, first image selected)."""
        self.dataset = ds
        self._means = means if means is not None else ClassMeans(ds)
        self.browser = Browser(ds, page_size=self.page_size, columns=self.grid.columns)
        self._flagged = None
        self._sort_scores = {}
        self._sort_before_subset = None
        self.filter_panel.clear_sort_keys()  # scores of the data before sort nothing now
        self._shown = GridContent()
        self.setWindowTitle(f"mnist-desktop – {ds.title}")
        self.grid.set_classes(ds.class_names, ds.images.shape[1:3])
        self.filter_panel.set_choices(list(ds.splits), ds.class_names)
        self.status.set_dataset(ds)
        self.recipe_model.set_dataset(ds)  # this dataset's own exclusions, never the previous one's
        self.follow_val_split()  # a recipe with a val split shows it in the Filter panel
        self.follow_labels()  # the class filter and counts read this dataset's corrected labels
        self.dataset_loaded.emit(ds)  # features reset before the first page is drawn
        self.refresh()
        self.grid.setFocus()  # arrow keys move through the images at once

    # ------------------------------------------------------------------ public actions

    def show_processed(self, on: bool) -> None:
        """Show the images as the recipe makes them (True) or the originals."""
        self._command("show_processed").setChecked(on)

    def load_recipe(self, path: str) -> bool:
        """Load a recipe file into the panels; False (after telling the user) if it is bad."""
        loaded = self._command("load_recipe")(path)
        if loaded:
            self._pending_message = ""  # the file's recipe is on screen, not the last session's
        return loaded

    def wait_idle(self) -> None:
        """Process events until no preview is pending (screenshots, tests)."""
        app = QApplication.instance()
        busy = [ui.busy for ui in self.feature_uis if ui.busy is not None]
        while any(b() for b in busy):
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

    def _command(self, name: str):
        """A command a feature handed over in ``FeatureUi.commands`` (an action or a callable)."""
        for ui in self.feature_uis:
            if name in ui.commands:
                return ui.commands[name]
        raise KeyError(f"no feature offers the command {name!r}")

    # ------------------------------------------------------------------ drag and drop

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self._command("open_paths")(paths)

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
        self._loader.cancel()
        for feature in self.features:
            feature.shutdown()
        wait_for_workers()
        self.write_settings()
        super().closeEvent(event)
