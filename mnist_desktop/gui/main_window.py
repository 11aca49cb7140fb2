"""The main window: wires the grid, the side panels, the actions and the workers.

It holds no image logic: what is shown comes from ``core.browse.Browser``,
pixels from ``core.mosaic``, loading from ``core.dataset`` run in a
:class:`~mnist_desktop.gui.workers.Job`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QDockWidget, QFileDialog, QMainWindow, QMessageBox

from ..core.view.browse import Browser
from ..core.dataset import Dataset, load_dataset, load_files
from ..core.stats import class_sums
from .actions import create_actions, create_menus, create_tool_bar
from .detail.detail_view import DetailView
from .grid.page import GridPage
from .grid.filter_panel import FilterPanel
from .stats.stats_panel import StatsPanel
from .recipe.controller import ProcessingController
from .quality.controller import SORT_KEY, ReviewController
from .status import StatusBar
from .workers import Job, wait_for_workers


def sums_per_split(ds: Dataset) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per-class pixel sums and counts of each split (the statistics panel's means)."""
    return {name: class_sums(s.images, s.labels, len(ds.class_names)) for name, s in ds.splits.items()}


def load_for_view(source, *, progress=None, files: tuple[str, str] | None = None):
    """Load a dataset and the per-class sums the statistics panel needs (runs in a worker)."""
    ds = load_files(*files) if files else load_dataset(source, progress=progress)
    return ds, sums_per_split(ds)


class MainWindow(QMainWindow):
    """The application window.

    Signals
    -------
    dataset_loaded(object)
        A dataset finished loading and is on screen.
    load_failed(str)
        Loading failed; the message names the file and the problem.
    """

    dataset_loaded = Signal(object)
    load_failed = Signal(str)

    def __init__(self, settings: QSettings | None = None) -> None:
        super().__init__()
        self.settings = settings if settings is not None else QSettings()
        self.setWindowTitle("mnist-desktop")
        self.setAcceptDrops(True)
        self.dataset: Dataset | None = None
        self.browser: Browser | None = None
        self.last_error = ""
        self._class_sums: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._jobs: set[Job] = set()
        self.download_dialog = None
        self.page_size = int(self.settings.value("view/page_size", 1024))
        self.columns = int(self.settings.value("view/columns", 24))

        self.page = GridPage()
        self.grid = self.page.grid
        self.setCentralWidget(self.page)
        self.filter_panel = FilterPanel()
        self.detail = DetailView()
        self.stats = StatsPanel()
        self.docks = {
            "filter": self._add_dock("Filter", self.filter_panel, Qt.DockWidgetArea.LeftDockWidgetArea),
            "detail": self._add_dock("Detail", self.detail, Qt.DockWidgetArea.RightDockWidgetArea),
            "stats": self._add_dock("Statistics", self.stats, Qt.DockWidgetArea.RightDockWidgetArea),
        }
        self.processing = ProcessingController(self)
        self.actions = create_actions(self)
        create_menus(self, self.actions)
        create_tool_bar(self, self.actions)
        self.processing.add_to_menus()
        self.review = ReviewController(self)
        self.status = StatusBar(self)
        self.setStatusBar(self.status)
        self._connect()
        self._read_settings()
        self.processing.model.restore()

    def _add_dock(self, title: str, widget, area) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock_{title.lower()}")
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        self.addDockWidget(area, dock)
        return dock

    def _connect(self) -> None:
        self.grid.tile_clicked.connect(self._on_grid_tile_clicked)
        self.grid.tile_hovered.connect(self._on_grid_tile_hovered)
        self.grid.key_move.connect(self._on_grid_key_move)
        self.page.page_requested.connect(self._on_page_page_requested)
        self.filter_panel.filter_changed.connect(self._on_filter_changed)
        self.filter_panel.sort_changed.connect(self._on_filter_sort_changed)
        self.detail.pixel_hovered.connect(self._on_detail_pixel_hovered)

    # ------------------------------------------------------------------ loading

    def open_source(self, source: str | None = None, *, files: tuple[str, str] | None = None) -> Job:
        """Load a dataset in the background; the window stays usable meanwhile."""
        label = " + ".join(Path(f).name for f in files) if files else str(source)
        self.status.show_busy(f"Loading {label}…")
        job = Job(load_for_view, source, files=files, cancel=False)
        job.progress.connect(self.status.set_progress)
        job.succeeded.connect(self._on_load_succeeded)
        job.failed.connect(self._on_load_failed)
        self._track(job)
        job.start()
        return job

    def _track(self, job: Job) -> None:
        self._jobs.add(job)
        job.finished.connect(lambda: self._jobs.discard(job))

    def _on_load_succeeded(self, result) -> None:
        ds, sums = result
        self.status.show_idle()
        self.set_dataset(ds, sums)

    def _on_load_failed(self, exc: BaseException) -> None:
        self.status.show_idle()
        self.show_error("Could not open the data", str(exc))
        self.load_failed.emit(str(exc))

    def set_dataset(self, ds: Dataset, sums: dict | None = None) -> None:
        """Show ``ds`` (everything visible, first image selected)."""
        self.dataset = ds
        self._class_sums = sums if sums is not None else sums_per_split(ds)
        self.browser = Browser(ds, page_size=self.page_size, columns=self.columns)
        self.review.reset()
        self.setWindowTitle(f"mnist-desktop – {ds.title}")
        self.grid.set_classes(len(ds.class_names), ds.images.shape[1:3])
        self.filter_panel.set_choices(list(ds.splits), ds.class_names)
        self.status.set_dataset(ds)
        self.refresh()
        self.grid.setFocus()  # arrow keys move through the images at once
        self.dataset_loaded.emit(ds)

    # ------------------------------------------------------------------ showing

    def refresh(self) -> None:
        """Redraw the current page, the selection, the detail and the statistics."""
        b = self.browser
        if b is None:
            return
        indices = b.page_indices()
        ds = self.dataset
        if not (self.processing.showing_processed and self.processing.show_cached()):
            self.grid.set_page(ds.images[indices], ds.labels[indices], columns=self.columns,
                               **self.page_marks(indices))
        self.page.set_page_info(b.page, b.page_count, len(b.visible), len(ds))
        self._show_selection()
        self._update_stats()

    def page_marks(self, indices: np.ndarray) -> dict:
        """Flag outlines and dimming (excluded samples) for the tiles of ``indices``."""
        return {"flagged": self.review.flagged_mask(indices), "dimmed": self.review.excluded_mask()[indices]}

    def select_global(self, index: int) -> None:
        """Select image ``index``, showing everything again if the filter hides it."""
        if self.browser is None:
            return
        if not self.browser.select(index):
            self.filter_panel.set_choices(list(self.dataset.splits), self.dataset.class_names)
            self.browser.set_filter(splits=self.dataset.splits, labels=range(len(self.dataset.class_names)))
            self.browser.select(index)
        self.refresh()

    def _show_selection(self) -> None:
        b, ds = self.browser, self.dataset
        if b.selected is None:
            self.grid.set_selected(None)
            self.detail.show_image(None)
            self.status.set_selection(None)
            return
        self.grid.set_selected(b.selected_on_page)
        split, split_index = b.split_of(b.selected)
        label = int(ds.labels[b.selected])
        self.detail.show_image(ds.images[b.selected], index=b.selected, split=split, split_index=split_index,
                               label=label, class_name=ds.class_names[label])
        self.status.set_selection(f"#{b.selected:,} ({split} #{split_index:,}), label {ds.class_names[label]}")
        self.processing.request_preview()

    def _update_stats(self) -> None:
        b, ds = self.browser, self.dataset
        self.stats.show_counts(b.counts_by_label(), ds.class_names)
        chosen = [self._class_sums[s] for s in b.splits if s in self._class_sums]
        if chosen:
            sums = sum(c[0] for c in chosen)
            counts = sum(c[1] for c in chosen)
            self.stats.show_means(sums / np.maximum(counts, 1)[:, None, None])

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
        if b is not None:
            self._select_and_follow(lambda: b.select_on_page(position))

    def _on_grid_key_move(self, key: str) -> None:
        if self.browser is not None:
            self._select_and_follow(lambda: self.browser.move(key))

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
            scores = self.review.rank_score if key == SORT_KEY else None
            self.browser.set_sort(scores)
            self.refresh()

    def _on_grid_tile_hovered(self, position: int, x: int, y: int) -> None:
        b = self.browser
        if b is None or position < 0:
            self.status.set_hover("")
            return
        index = int(b.page_indices()[position])
        split, si = b.split_of(index)
        value = int(self.dataset.images[index, y, x])
        self.status.set_hover(f"#{index:,} ({split} #{si:,}) label {int(self.dataset.labels[index])}"
                              f" · pixel ({x}, {y}) = {value}")

    def _on_detail_pixel_hovered(self, x: int, y: int, value: int) -> None:
        self.status.set_hover("" if x < 0 else f"pixel ({x}, {y}) = {value}")

    # ------------------------------------------------------------------ view settings

    def set_page_size(self, size: int) -> None:
        self.page_size = size
        if self.browser is not None:
            selected = self.browser.selected
            self.browser.page_size = size
            if selected is not None:
                self.browser.select(selected)
            self.refresh()

    def set_columns(self, columns: int) -> None:
        self.columns = columns
        if self.browser is not None:
            self.browser.columns = columns
            self.refresh()
            self.grid.fit_width()

    # ------------------------------------------------------------------ file actions

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open a folder of MNIST-style IDX files",
                                                  str(self.settings.value("files/last_dir", "")))
        if folder:
            self.settings.setValue("files/last_dir", folder)
            self.open_source(folder)

    def choose_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, "Open an images file and its labels file",
                                                str(self.settings.value("files/last_dir", "")),
                                                "IDX files (*ubyte* *.idx* *.gz);;All files (*)")
        if files:
            self.settings.setValue("files/last_dir", str(Path(files[0]).parent))
            self.open_paths([Path(f) for f in files])

    def open_paths(self, paths: list[Path]) -> None:
        """Open dropped or chosen paths: one folder, or an images file plus a labels file."""
        if len(paths) == 1 and paths[0].is_dir():
            self.open_source(str(paths[0]))
            return
        labels = [p for p in paths if "label" in p.name.lower()]
        images = [p for p in paths if p not in labels]
        if len(labels) != 1 or len(images) != 1:
            self.show_error("Cannot open these files",
                            "Drop one folder, or exactly two IDX files: an images file and a labels file "
                            f"(got: {', '.join(p.name for p in paths)}).")
            return
        self.open_source(None, files=(str(images[0]), str(labels[0])))

    def open_download_dialog(self):
        """Show the download dialog (one per window); a finished download is opened at once."""
        from .download_dialog import DownloadDialog

        if self.download_dialog is None:
            self.download_dialog = DownloadDialog(self)
            self.download_dialog.downloaded.connect(self._on_download_dialog_downloaded)
        self.download_dialog.show()
        self.download_dialog.raise_()
        return self.download_dialog

    def _on_download_dialog_downloaded(self, folder: str) -> None:
        self.open_source(folder)

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
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.open_paths(paths)

    # ------------------------------------------------------------------ settings and closing

    def _read_settings(self) -> None:
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1400, 900)
        state = self.settings.value("window/state")
        self._default_layout_pending = state is None or not self.restoreState(state)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self._default_layout_pending:  # dock sizes apply only once the window is laid out
            self._default_layout_pending = False
            self.resizeDocks([self.docks["filter"], self.docks["detail"]], [220, 340], Qt.Orientation.Horizontal)
            self.resizeDocks([self.docks["detail"], self.docks["stats"]], [500, 330], Qt.Orientation.Vertical)

    def write_settings(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.setValue("view/page_size", self.page_size)
        self.settings.setValue("view/columns", self.columns)
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        """Cancel running work and wait for it, so no thread outlives the window."""
        for job in list(self._jobs):
            job.cancel()
        if self.download_dialog is not None:
            self.download_dialog.cancel_and_wait()
        self.processing.shutdown()
        self.review.cancel()
        wait_for_workers()
        self.write_settings()
        super().closeEvent(event)
