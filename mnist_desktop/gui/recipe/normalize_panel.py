"""Normalization method and its statistics, with a before/after histogram of the page.

The statistics (z-score mean/std, min-max low/high) are either given or
computed from the data; the greyed boxes show the values actually used and a
note says which split they come from, in particular when it is the test split
because the dataset has no train split.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from ...core.palette import ACCENT, CANVAS, NEUTRAL
from ...core.processing.normalize import NORM_RANGES, NormParams
from ...core.processing.recipe import describe_problem
from ..theme import css, qcolor
from .controls import HELPER_STYLE, PROBLEM_STYLE, OptionalNumber
from .model import RecipeModel

#: (title, method, scope or None when the method has no scope) per choice in the combo box
CHOICES = (
    ("None (keep uint8 0..255)", "none", None),
    ("Scale to 0..1 (x / 255)", "scale", None),
    ("Min-max over the dataset", "minmax", "dataset"),
    ("Min-max per image", "minmax", "image"),
    ("Z-score (x − mean) / std", "zscore", None),
)
#: which statistics each method uses
STATISTICS = {"zscore": ("mean", "std"), "minmax": ("low", "high")}
BEFORE_PEN, AFTER_PEN = NEUTRAL, ACCENT


class NormalizePanel(QWidget):
    """Binds a method combo and the statistics boxes to ``recipe.normalize``; shows histograms."""

    def __init__(self, model: RecipeModel, parent=None) -> None:
        super().__init__(parent)
        self.model = model
        self.method = QComboBox()
        for title, *_ in CHOICES:
            self.method.addItem(title)
        self.stats = {name: OptionalNumber(spec) for name, spec in NORM_RANGES.items()}
        self._scope = "dataset"  # kept for methods without a scope, so nothing is rewritten
        self.source = QLabel()
        self.source.setWordWrap(True)
        self.source.setStyleSheet(HELPER_STYLE)
        self.problem = QLabel()
        self.problem.setStyleSheet(PROBLEM_STYLE)
        self.problem.setWordWrap(True)
        self.form = QFormLayout()
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.form.addRow("Method", self.method)
        for name, widget in self.stats.items():
            self.form.addRow(NORM_RANGES[name].label, widget)
        self.hist = pg.PlotWidget(background=qcolor(CANVAS))
        self.hist.setMinimumHeight(140)
        self.hist.setMouseEnabled(False, False)
        self.hist.hideButtons()
        self.hist.setMenuEnabled(False)
        self.hist.setLabel("bottom", "pixel value")
        self.hist.setLabel("left", "pixels")
        self.hist.setTitle("Ink pixels on this page", size="9pt")
        self.before = self.hist.plot(stepMode="center", pen=pg.mkPen(qcolor(BEFORE_PEN)))
        self.after = self.hist.plot(stepMode="center", pen=pg.mkPen(qcolor(AFTER_PEN), width=2))
        self.legend = QLabel(self._legend_text())
        self.legend.setWordWrap(True)
        self.legend.setStyleSheet(HELPER_STYLE)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.source)
        layout.addWidget(self.problem)
        layout.addWidget(self.hist, 1)
        layout.addWidget(self.legend)
        self.method.currentIndexChanged.connect(self._on_widget_changed)
        for widget in self.stats.values():
            widget.edited.connect(self._on_widget_changed)
        self._used: NormParams | None = None
        model.changed.connect(self.show_recipe)
        self.show_recipe(model.recipe)

    @staticmethod
    def _legend_text(scale: str = "0..1") -> str:
        def swatch(rgb):
            return f"<span style='color:{css(rgb)}; font-weight:bold'>▬</span>"
        return (f"{swatch(BEFORE_PEN)} before: original pixels that are not black, on {scale} &nbsp; "
                f"{swatch(AFTER_PEN)} after: processed pixels not at the background value")

    # ------------------------------------------------------------------ controls -> recipe

    def params(self) -> NormParams:
        """The NormParams the widgets describe."""
        _, method, scope = CHOICES[self.method.currentIndex()]
        return NormParams(method, scope or self._scope, **{n: w.value() for n, w in self.stats.items()})

    def _on_widget_changed(self, *_) -> None:
        p = self.params()
        self._show_rows(p.method, p.scope)
        self.model.set(replace(self.model.recipe, normalize=p), "Change the normalization")

    # ------------------------------------------------------------------ recipe -> controls

    def show_recipe(self, recipe) -> None:
        """Set every control from ``recipe.normalize`` without echoing changes back."""
        p = recipe.normalize
        index = next((i for i, (_, m, s) in enumerate(CHOICES) if m == p.method and s in (None, p.scope)), 1)
        self.method.blockSignals(True)
        self.method.setCurrentIndex(index)
        self.method.blockSignals(False)
        self._scope = p.scope
        used = self._used if self._used is not None and self._used.method == p.method else None
        for name, widget in self.stats.items():
            widget.set_value(getattr(p, name), getattr(used, name) if used is not None else None)
        self._show_rows(p.method, p.scope)
        problems = [describe_problem(q) for q in recipe.problems() if q.field.startswith("normalize.")]
        self.problem.setText("\n".join(problems))
        self.problem.setVisible(bool(problems))

    def _show_rows(self, method: str, scope: str) -> None:
        shown = STATISTICS.get(method, ()) if not (method == "minmax" and scope == "image") else ()
        for name, widget in self.stats.items():
            self.form.setRowVisible(widget, name in shown)
        self.source.setVisible(bool(shown))

    def show_used(self, used: NormParams | None, note: str) -> None:
        """Show the statistics actually used (greyed where computed) and where they come from."""
        self._used = used
        self.source.setText(note)
        self.show_recipe(self.model.recipe)

    # ------------------------------------------------------------------ histogram

    def show_histograms(self, original: np.ndarray, processed: np.ndarray, background: float) -> None:
        """Histograms of the page's ink: originals (non-zero) and processed values != ``background``.

        Both on the processed values' scale: 0..1 for the float methods, 0..255
        for "none" (uint8 kept). On two scales one curve would collapse into a
        spike at the left and set the y-range alone. ``background`` is the
        value a black pixel becomes; processed pixels at that value are left
        out, as the black pixels of the originals are.
        """
        raw = processed.dtype == np.uint8  # "none": the processed values are the 0..255 pixels
        top = 255.0 if raw else 1.0
        before = original[original > 0].astype(np.float32) * np.float32(top / 255)
        counts, edges = np.histogram(before, bins=40, range=(0, top))
        self.before.setData(edges, counts)
        values = processed.astype(np.float32).ravel()
        values = values[values != np.float32(background)]
        lo, hi = (float(values.min()), float(values.max())) if values.size else (0.0, top)
        span = (min(lo, 0.0), max(hi, lo + 1e-6, top))
        counts, edges = np.histogram(values, bins=40, range=span)
        self.after.setData(edges, counts)
        self.hist.setXRange(*span, padding=0.04)  # both curves whole, edges included
        self.legend.setText(self._legend_text("0..255" if raw else "0..1"))
