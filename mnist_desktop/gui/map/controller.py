"""The map feature: the Map dock, its live worker, colours and marks, click and lasso into the grid.

The map is computed by ``core.map.iter_embed`` in a :class:`Job`; the worker
passes on a layout about every 0.4 s, so the map unfolds on screen, and Stop
keeps the layout reached so far. A click selects the image in the grid and
the detail view; a lasso or rectangle filters the grid through
``window.show_subset``, and "Show all" clears it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject
from PySide6.QtGui import QAction

from ...core.dataset import Dataset
from ...core.errors import Cancelled
from ...core.map import Frame, Map, MapParams, iter_embed
from ...core.progress import Cancel, Progress
from ...core.palette import CLASS_COLORS, SPLIT_COLORS, SUSPICION, UNLABELLED_GREY, suspicion_colors
from ..feature import LEFT, DockSpec, FeatureUi
from ..theme import css
from ..recipe.model import RecipeModel
from ..workers import Job, LatestJob
from .panel import MapPanel
from ..window_api import WindowApi

#: Seconds between layouts sent to the screen while the map unfolds.
FRAME_INTERVAL = 0.4
SUBSET_NAME = "lasso on the map"


def map_frames(dataset: Dataset, params: MapParams, *, progress: Progress | None = None, cancel: Cancel = None,
               interval: float = FRAME_INTERVAL) -> Iterator[Frame]:
    """Worker body: the frames of :func:`iter_embed`, at most one per ``interval``; returns the Map."""
    last, frame = 0.0, None
    for frame in iter_embed(dataset, params=params, every=1, progress=progress, cancel=cancel):
        now = time.monotonic()
        if frame.epoch in (0, frame.epochs) or now - last >= interval:
            last = now
            yield frame
    return Map.from_coords(dataset, frame.coords, params)


def brushes_for(colors: np.ndarray, alpha: int = 210) -> np.ndarray:
    """One shared QBrush per RGB row (index it per point: pyqtgraph caches a few brushes, not 70,000)."""
    out = np.empty(len(colors), object)
    out[:] = [pg.mkBrush(int(r), int(g), int(b), alpha) for r, g, b in colors]
    return out


class MapController(QObject):
    """Owns the Map dock; talks to the window only through its public methods and signals."""

    def __init__(self, window: WindowApi, model: RecipeModel, params: MapParams | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.model = model
        self.params = params or MapParams()
        self._panel: MapPanel | None = None  # built when the dock is first shown (``panel``)
        self.coords: np.ndarray | None = None
        self.map: Map | None = None
        self.job = LatestJob(self, track=window.track)  # one layout run at a time; other data drops it
        self.job.progress.connect(lambda done, total: self.panel.set_progress(done, total))
        self.job.yielded.connect(self._on_job_yielded)
        self.job.succeeded.connect(self._on_job_succeeded)
        self.job.failed.connect(self._on_job_failed)
        self.job.finished.connect(self._on_job_finished)
        self.color_mode = "label"
        self.epoch = 0
        self._t0 = 0.0
        self._from_cache = False
        self._again = False
        self._frames = 0
        self._order: np.ndarray | None = None  # drawing order, made when first drawn (_shuffled)
        self.compute_action = QAction("Compute the &map", self)
        self.compute_action.setStatusTip("Lay out every image in 2-D in the Map dock")
        self.compute_action.triggered.connect(self._on_compute_action)
        window.dataset_loaded.connect(self._on_window_dataset_loaded)
        window.selection_changed.connect(self._on_window_selection_changed)
        window.marks_changed.connect(self._update_marks)
        model.changed.connect(self._on_model_changed)
        self._relabelled = model.recipe.relabelled

    def ui(self) -> FeatureUi:
        return FeatureUi(docks=[DockSpec("map", "Map", build=lambda: self.panel, area=LEFT)],
                         actions={"tools": [self.compute_action]})

    @property
    def panel(self) -> MapPanel:
        """The dock's panel, built on first use: its pyqtgraph plot costs start-up time nobody sees."""
        if self._panel is None:
            self._panel = p = MapPanel()
            p.compute_requested.connect(self.start)
            p.stop_requested.connect(self.cancel)
            p.color_mode_changed.connect(self._on_panel_color_mode_changed)
            p.classes_changed.connect(lambda _c: self.redraw())
            p.clear_requested.connect(self.clear_subset)
            p.shown.connect(self._on_panel_shown)
            p.plot.point_clicked.connect(self._on_plot_point_clicked)
            p.plot.point_hovered.connect(self._on_plot_point_hovered)
            p.plot.selected.connect(self._on_plot_selected)
            if self.window.dataset is not None:
                self._reset_panel(self.window.dataset)
        return self._panel

    # ------------------------------------------------------------------ computing

    def start(self) -> Job | None:
        """Compute the map of the data shown (from the cache at once when it is there)."""
        ds = self.window.dataset
        if ds is None or self.running:
            return None
        self.panel.set_running(True)
        self._again = self.map is not None  # the map of this data is on screen already
        self.panel.status.setText("Searching neighbours…")
        self.panel.plot.fit()
        self.panel.plot.box.enableAutoRange()  # and follow the layout as it unfolds
        self._t0 = time.perf_counter()
        self._frames = 0
        return self.job.start(map_frames, ds, self.params)

    @property
    def running(self) -> bool:
        return self.job.running

    def cancel(self) -> None:
        """Stop the optimisation at its next epoch; the layout so far stays on screen."""
        self.job.cancel(drop=False)

    def _on_job_finished(self) -> None:
        self.panel.set_running(False)

    def shutdown(self) -> None:
        self.cancel()

    def _on_job_yielded(self, frame: Frame) -> None:
        current = self.job.current
        if current is not None and current.cancelled:
            return  # a layout that arrived after Stop (other data's runs never report: LatestJob)
        first = self.coords is None
        if self._frames == 0:  # a run that starts at the last epoch read the cache
            self._from_cache = frame.epoch == frame.epochs
        self._frames += 1
        self.coords, self.epoch = frame.coords, frame.epoch
        self.panel.status.setText(f"Epoch {frame.epoch} of {frame.epochs}…")
        self.redraw(fit=first)

    def _on_job_succeeded(self, result: Map) -> None:
        self.map, self.coords, self.epoch = result, result.coords, result.params.epochs
        seconds = time.perf_counter() - self._t0
        where = "from the cache" if self._from_cache else f"{seconds:.1f} s"
        if self._again and self._from_cache:  # say so: the same picture again would look like nothing happened
            self.panel.status.setText(f"Up to date: this map of {len(result):,} images was read again from the "
                                      f"cache at {time.strftime('%H:%M:%S')} "
                                      "(the same data always gives the same map).")
        else:
            self.panel.status.setText(f"{len(result):,} images, {where}")
        self.panel.set_progress(1, 1)
        self.redraw()

    def _on_job_failed(self, exc: BaseException) -> None:
        if isinstance(exc, Cancelled):
            self.panel.status.setText(f"Stopped at epoch {self.epoch} of {self.params.epochs}; "
                                      "the layout so far is shown." if self.coords is not None else "Stopped.")
            return
        self.panel.status.setText(f"Failed: {exc}")
        self.window.show_error("Could not compute the map", str(exc))

    # ------------------------------------------------------------------ drawing

    def redraw(self, fit: bool = False) -> None:
        """Draw the points of the classes shown, coloured by the current mode."""
        ds = self.window.dataset
        if ds is None or self.coords is None:
            return
        brushes, order = self._coloring(ds)
        shown_classes = sorted(self.panel.shown_classes())
        labels = self.window.current_labels()[order]  # a relabelled point is drawn, and toggled, as its new class
        visible = np.isin(labels, shown_classes) | (labels < 0)  # unlabelled images have no toggle
        self.panel.plot.show_points(self.coords, order[visible], brushes, fit=fit)
        self._update_marks()

    def _coloring(self, ds: Dataset) -> tuple[np.ndarray, np.ndarray]:
        """(QBrush per global index, drawing order) for the colour mode."""
        if self.color_mode == "split":
            names = ds.split_names
            colors = SPLIT_COLORS[np.arange(len(names)) % len(SPLIT_COLORS)]
            self.panel.set_color_key("  ".join(f"<span style='color: {css(colors[i])}'>● {n}</span>"
                                               for i, n in enumerate(names)))
            return brushes_for(colors)[ds.split_codes], self._shuffled(len(ds))
        if self.color_mode == "suspicion":
            scores = self.window.sort_scores("suspicion")
            if scores is not None and len(scores) == len(ds):
                ramp = suspicion_colors()
                rank = np.argsort(np.argsort(scores, kind="stable"), kind="stable") / max(len(ds) - 1, 1)
                self.panel.set_color_key("Suspicion rank: " + " ".join(
                    f"<span style='color: {css(rgb)}'>● {word}</span>"
                    for rgb, word in zip(SUSPICION, ("low", "middle", "most suspicious"))))
                bins = np.minimum((rank * len(ramp)).astype(np.int64), len(ramp) - 1)
                return brushes_for(ramp)[bins], np.argsort(scores, kind="stable")  # suspicious drawn last
            self.panel.set_color_key("No suspicion scores yet: run “Find suspicious samples” first.")
        else:
            self.panel.set_color_key("")
        colors = np.vstack([CLASS_COLORS, [UNLABELLED_GREY]])
        labels = self.window.current_labels().astype(np.int64)
        codes = np.where(labels < 0, len(CLASS_COLORS), labels % len(CLASS_COLORS))
        return brushes_for(colors)[codes], self._shuffled(len(ds))

    def _shuffled(self, n: int) -> np.ndarray:
        """A fixed shuffle of the ``n`` points, so no class is always drawn on top (made on first use)."""
        if self._order is None:
            self._order = np.random.default_rng(0).permutation(n)
        return self._order

    def _on_model_changed(self, recipe) -> None:
        """Exclusions move the marks; a relabel recolours its point."""
        if recipe.relabelled != self._relabelled:
            self._relabelled = recipe.relabelled
            self.redraw()
        else:
            self._update_marks()

    def _update_marks(self) -> None:
        ds = self.window.dataset
        if ds is None or self.coords is None:  # (no map yet: the panel may not even be built)
            return
        plot = self.panel.plot
        plot.set_marks(self.window.flagged, self.window.excluded_mask())
        plot.set_selected(self.window.browser.selected if self.window.browser is not None else None)

    # ------------------------------------------------------------------ slots

    def _on_window_dataset_loaded(self, ds: Dataset) -> None:
        """Forget the map of the data shown before; compute the new one if the dock is on screen."""
        self.job.cancel(drop=True)  # what it still sends belongs to the previous data
        self.coords, self.map, self.epoch = None, None, 0
        self._order = None
        if self._panel is not None:  # else built for this data when first shown
            self._reset_panel(ds)
            if self.panel.isVisible():
                self.start()

    def _reset_panel(self, ds: Dataset) -> None:
        self.panel.set_classes(ds.class_names, CLASS_COLORS)
        self.panel.set_subset_info("")
        self.panel.tip.show_image(None)
        self.panel.set_running(False)
        self.panel.set_progress(0, 1)
        self.panel.plot.show_points(np.zeros((len(ds), 2), np.float32), np.zeros(0, np.int64), np.zeros(0, object))
        self.panel.status.setText("Not computed yet.")

    def _on_compute_action(self) -> None:
        self.window.docks["map"].show()
        self.window.docks["map"].raise_()
        self.start()

    def _on_panel_shown(self) -> None:
        """The dock came on screen: show the map (at once from the cache), unless one is there."""
        if self.coords is None and not self.running:
            self.start()

    def _on_panel_color_mode_changed(self, mode: str) -> None:
        self.color_mode = mode
        self.redraw()

    def _on_window_selection_changed(self, index: int) -> None:
        if self.coords is not None:
            self.panel.plot.set_selected(index if index >= 0 else None)

    def _on_plot_point_clicked(self, index: int) -> None:
        self.window.select_global(index)

    def _on_plot_point_hovered(self, index: int, pos) -> None:
        ds = self.window.dataset
        if index < 0 or ds is None:
            self.panel.tip.show_image(None)
            return
        split, si = ds.locate(index)
        label, own = int(self.window.current_labels()[index]), int(ds.labels[index])
        was = f" (was {ds.label_text(own)})" if label != own else ""
        self.panel.tip.show_image(ds.pixels[index], f"#{index:,} · {split} #{si:,}\nlabel {ds.label_text(label)}{was}",
                                  pos)

    def _on_plot_selected(self, indices: np.ndarray, kind: str) -> None:
        if self.window.browser is None:
            return
        if not len(indices):
            self.panel.status.setText("No points inside that outline.")
            return
        self.window.show_subset(indices, SUBSET_NAME)
        self.panel.set_subset_info(f"{len(indices):,} selected")

    def clear_subset(self) -> None:
        """Show every image in the grid again."""
        self.window.show_subset(None)
        self.panel.set_subset_info("")
