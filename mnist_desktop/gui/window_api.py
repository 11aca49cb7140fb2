"""What a feature controller may use of the main window: this and nothing else.

:class:`WindowApi` is a typed ``Protocol``: controllers annotate their
``window`` parameter with it, the main window satisfies it, and a test checks
both that the window has every member and that no module outside the window's
own files reaches past it (no ``window._private``). The other direction is
:class:`~mnist_desktop.gui.feature.FeatureUi`: what a feature hands the window
(docks, actions, named commands, a busy flag) plus ``shutdown()``. A feature
learns about the data through the signals below, never by being called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # types only: the window imports the controllers, not the reverse
    import numpy as np
    from PySide6.QtCore import QSettings, SignalInstance
    from PySide6.QtWidgets import QDockWidget, QStyle

    from ..core.dataset import Dataset
    from ..core.view.browse import Browser
    from .detail.panel import DetailView
    from .processed_view import ProcessedView
    from .recipe.model import RecipeModel
    from .status import StatusBar
    from .workers import Job

__all__ = ["WindowApi", "WINDOW_MEMBERS"]


class WindowApi(Protocol):
    """The main window as its features see it.

    Signals
    -------
    dataset_loaded(object)
        A dataset is on screen: reset or recompute what belonged to the previous one.
    load_failed(str)
        Opening data failed (the message names the file).
    selection_changed(int)
        Global index of the selected image (-1: none); also sent after every redraw.
    marks_changed()
        Flags or sort scores changed.
    """

    # data the features read
    dataset: Dataset | None
    browser: Browser | None
    recipe_model: RecipeModel
    settings: QSettings
    status: StatusBar
    detail: DetailView
    docks: dict[str, QDockWidget]
    processed_view: ProcessedView
    flagged: np.ndarray | None

    dataset_loaded: SignalInstance
    load_failed: SignalInstance
    selection_changed: SignalInstance
    marks_changed: SignalInstance

    # commands
    def open_source(self, source: str | None = None, *, files: tuple[str, str] | None = None,
                    labels: str = "fine") -> Job: ...
    def refresh(self) -> None: ...
    def draw_page(self, display: np.ndarray | None = None) -> None: ...
    def select_global(self, index: int) -> None: ...
    def show_subset(self, indices: np.ndarray | None, name: str = "", *, sort_key: str | None = None) -> None: ...
    def set_flagged(self, mask: np.ndarray | None) -> None: ...
    def add_sort_key(self, key: str, title: str, scores: np.ndarray) -> None: ...
    def sort_scores(self, key: str) -> np.ndarray | None: ...
    def excluded_mask(self) -> np.ndarray: ...
    def current_labels(self) -> np.ndarray: ...
    def track(self, job: Job) -> None: ...
    def show_error(self, title: str, message: str) -> None: ...
    def style(self) -> QStyle: ...


#: Names a controller may use (checked by tests/gui/test_window_api.py against the window and the code).
WINDOW_MEMBERS = frozenset(
    name for name in (*WindowApi.__annotations__, *vars(WindowApi)) if not name.startswith("_"))
