"""Normalization method and its statistics, with a before/after histogram of the page.

The statistics (z-score mean/std, min-max low/high) are either given or
computed from the data; the greyed boxes show the values actually used and a
note says which split they come from, in particular when it is the test split
because the dataset has no train split.

For colour data the z-score is per channel: a preset row offers ImageNet's
and CLIP's mean/std (R, G, B), or "this data" (computed per channel from
train, or one value typed for all channels); a line under it shows the three
values in use. Min-max per channel shows its low/high per channel on that same
line (grey data has one channel: the same as min-max over the dataset).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from ...core.palette import ACCENT, CANVAS, NEUTRAL
from ...core.processing.normalize import NORM_RANGES, PRESETS, STATISTICS, NormParams
from ...core.processing.problem_words import describe_problem
from ..theme import css, qcolor
from .controls import HELPER_STYLE, PROBLEM_STYLE, OptionalNumber
from .ink_histograms import InkHistograms, ink_histograms
from .model import RecipeModel

#: (title, method, scope or None when the method has no scope) per choice in the combo box
CHOICES = (
    ("None (keep uint8 0..255)", "none", None),
    ("Scale to 0..1 (x / 255)", "scale", None),
    ("Min-max over the dataset", "minmax", "dataset"),
    ("Min-max per channel", "minmax", "channel"),
    ("Min-max per image", "minmax", "image"),
    ("Z-score (x − mean) / std", "zscore", None),
)
#: the per-channel line's row names, padded to line up
ROW_NAMES = {"mean": "mean", "std": "std&nbsp;&nbsp;", "low": "low&nbsp;&nbsp;", "high": "high"}
BEFORE_PEN, AFTER_PEN = NEUTRAL, ACCENT
#: (title, preset key) of the z-score preset box (colour data); None = the boxes below (given or computed)
PRESET_CHOICES = (("This data (per channel)", None), ("ImageNet", "imagenet"), ("CLIP", "clip"),
                  ("As the recipe gives them", "recipe"))


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
        self.preset = QComboBox()
        for title, key in PRESET_CHOICES:
            self.preset.addItem(title, key)
            if key in PRESETS:
                self.preset.setItemData(self.preset.count() - 1, PRESETS[key][2], Qt.ItemDataRole.ToolTipRole)
        self.preset.setToolTip("Per-channel z-score statistics: ImageNet's or CLIP's mean and std (R, G, B), "
                               "or this data's: computed per channel from its train split, or one value "
                               "for every channel given below")
        self.form.addRow("Preset", self.preset)
        self.channels = QLabel()
        self.channels.setWordWrap(True)
        self.channels.setStyleSheet(HELPER_STYLE)
        self.form.addRow(self.channels)
        self._colour = False
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
        self.preset.currentIndexChanged.connect(self._on_widget_changed)
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
        values = {n: w.value() for n, w in self.stats.items()}
        preset = self.preset.currentData() if method == "zscore" else None
        if preset == "recipe":
            current = self.model.recipe.normalize
            values.update(mean=current.mean, std=current.std)
        elif preset is not None:
            values.update(mean=PRESETS[preset][0], std=PRESETS[preset][1])
        return NormParams(method, scope or self._scope, **values)

    def show_dataset(self, dataset) -> None:
        """Offer the per-channel presets only for colour data."""
        self._colour = bool(dataset is not None and dataset.is_colour)
        self.show_recipe(self.model.recipe)

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
            given, shown = getattr(p, name), getattr(used, name) if used is not None else None
            widget.set_value(None if isinstance(given, tuple) else given, None if isinstance(shown, tuple) else shown)
        self.preset.blockSignals(True)
        self.preset.setCurrentIndex(_preset_index(p))
        self.preset.blockSignals(False)
        self.channels.setText(_channels_text(p, used, self._colour))
        self._show_rows(p.method, p.scope)
        problems = [describe_problem(q) for q in recipe.problems() if q.field.startswith("normalize.")]
        self.problem.setText("\n".join(problems))
        self.problem.setVisible(bool(problems))

    def _show_rows(self, method: str, scope: str) -> None:
        shown = STATISTICS.get(method, ()) if not (method == "minmax" and scope == "image") else ()
        per_channel = method == "zscore" and self.preset.currentData() is not None
        for name, widget in self.stats.items():
            self.form.setRowVisible(widget, name in shown and not per_channel)
        self.source.setVisible(bool(shown))
        zscore_colour = method == "zscore" and (self._colour or per_channel)
        self.form.setRowVisible(self.preset, zscore_colour)
        minmax_channel = method == "minmax" and scope == "channel"
        self.channels.setVisible((zscore_colour or minmax_channel) and bool(self.channels.text()))

    def show_used(self, used: NormParams | None, note: str) -> None:
        """Show the statistics actually used (greyed where computed) and where they come from."""
        self._used = used
        self.source.setText(note)
        self.show_recipe(self.model.recipe)

    # ------------------------------------------------------------------ histogram

    def show_histograms(self, original: np.ndarray, processed: np.ndarray, background: float) -> None:
        """Histograms of the page's ink: originals (non-zero) and processed values != ``background``.

        The counting (:func:`ink_histograms`, 40 ms on a 1,024-tile page) may
        run in the preview worker; then call :meth:`show_histogram_data`.
        """
        self.show_histogram_data(ink_histograms(original, processed, background))

    def show_histogram_data(self, h: InkHistograms) -> None:
        """Draw histograms counted by :func:`ink_histograms` (cheap: 80 points)."""
        self.before.setData(*h.before)
        self.after.setData(*h.after)
        self.hist.setXRange(*h.span, padding=0.04)  # both curves whole, edges included
        self.legend.setText(self._legend_text("0..255" if h.raw else "0..1"))


def _preset_index(p: NormParams) -> int:
    """The preset box's row for ``p``: a known preset, "as the recipe gives them", or the boxes (0)."""
    if not (isinstance(p.mean, tuple) or isinstance(p.std, tuple)):
        return 0
    for i, (_, key) in enumerate(PRESET_CHOICES):
        if key in PRESETS and PRESETS[key][:2] == (p.mean, p.std):
            return i
    return len(PRESET_CHOICES) - 1


def _channels_text(p: NormParams, used: NormParams | None, colour: bool = True) -> str:
    """The per-channel statistics in use (z-score mean/std, min-max low/high), in words.

    Empty when they are single numbers, except min-max per channel, which
    always says what it used (and, on grey data, that one channel is global).
    """
    q = used if used is not None and used.is_resolved else p
    first, second = STATISTICS.get(p.method, ("mean", "std"))
    a, b = getattr(q, first), getattr(q, second)
    per_channel_minmax = p.method == "minmax" and p.scope == "channel"
    if per_channel_minmax and not colour and not isinstance(a, tuple):
        return "Grey data has one channel: per channel is the same as over the dataset."
    if not (isinstance(a, tuple) or isinstance(b, tuple)):
        return "Per channel: computed from the data when the preview runs." if per_channel_minmax and a is None \
            else ""

    def rgb(v) -> str:
        if v is None:
            return "from the data"
        values = v if isinstance(v, tuple) else (v,) * 3
        return " &nbsp; ".join(f"{c} {x:.4f}" for c, x in zip("RGB", values))
    where = "given" if isinstance(getattr(p, first), tuple) else "computed from the data"
    return f"Per channel ({where}):<br>{ROW_NAMES[first]} {rgb(a)}<br>{ROW_NAMES[second]} {rgb(b)}"
