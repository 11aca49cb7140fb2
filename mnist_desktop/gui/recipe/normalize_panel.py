"""Normalization method and its parameters, with a before/after intensity histogram."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from ...core.processing.normalize import NormParams
from .model import RecipeModel

#: (title, method, scope, given statistics?) per choice in the combo box
CHOICES = (
    ("None (keep uint8 0..255)", "none", "dataset", False),
    ("Scale to 0..1 (x / 255)", "scale", "dataset", False),
    ("Min-max over the dataset", "minmax", "dataset", False),
    ("Min-max per image", "minmax", "image", False),
    ("Z-score, mean/std from the training data", "zscore", "dataset", False),
    ("Z-score with given mean/std", "zscore", "dataset", True),
)


class NormalizePanel(QWidget):
    """Binds a method combo and mean/std boxes to ``recipe.normalize``; shows histograms."""

    def __init__(self, model: RecipeModel, parent=None) -> None:
        super().__init__(parent)
        self.model = model
        self.method = QComboBox()
        for title, *_ in CHOICES:
            self.method.addItem(title)
        self.mean = QDoubleSpinBox(decimals=4, minimum=-10, maximum=10, singleStep=0.01, value=0.1307)
        self.std = QDoubleSpinBox(decimals=4, minimum=0.0001, maximum=10, singleStep=0.01, value=0.3081)
        self.mean.setToolTip("mean on the 0..1 scale (MNIST's training set: 0.1307)")
        self.std.setToolTip("standard deviation on the 0..1 scale (MNIST's training set: 0.3081)")
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #d33;")
        self.problem.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Method", self.method)
        form.addRow("Mean", self.mean)
        form.addRow("Std", self.std)
        self.hist = pg.PlotWidget(background=QColor(12, 12, 14))
        self.hist.setMinimumHeight(150)
        self.hist.setMouseEnabled(False, False)
        self.hist.hideButtons()
        self.hist.setMenuEnabled(False)
        self.hist.setLabel("bottom", "value")
        self.hist.setTitle("Intensities of the page (non-zero)", size="9pt")
        self.hist.addLegend(offset=(-5, 5))
        self.before = self.hist.plot(stepMode="center", pen=pg.mkPen(150, 150, 150), name="before (0..1)")
        self.after = self.hist.plot(stepMode="center", pen=pg.mkPen(88, 166, 255, width=2), name="after")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.hist, 1)
        self.method.currentIndexChanged.connect(self._on_widget_changed)
        self.mean.valueChanged.connect(self._on_widget_changed)
        self.std.valueChanged.connect(self._on_widget_changed)
        model.changed.connect(self.show_recipe)
        self.show_recipe(model.recipe)

    def params(self) -> NormParams:
        """The NormParams the widgets describe."""
        _, method, scope, given = CHOICES[self.method.currentIndex()]
        if given:
            return NormParams(method, scope, mean=self.mean.value(), std=self.std.value())
        return NormParams(method, scope)

    def _on_widget_changed(self, *_) -> None:
        given = CHOICES[self.method.currentIndex()][3]
        self.mean.setEnabled(given)
        self.std.setEnabled(given)
        p = self.params()
        self.model.set_normalize(method=p.method, scope=p.scope, mean=p.mean, std=p.std, low=None, high=None)

    def show_recipe(self, recipe) -> None:
        """Set the widgets from ``recipe.normalize`` without echoing changes back."""
        p = recipe.normalize
        given = p.method == "zscore" and p.mean is not None
        index = next((i for i, (_, m, s, g) in enumerate(CHOICES)
                      if m == p.method and (s == p.scope or m != "minmax") and g == given), 1)
        for w in (self.method, self.mean, self.std):
            w.blockSignals(True)
        self.method.setCurrentIndex(index)
        if given:
            self.mean.setValue(p.mean)
            self.std.setValue(p.std)
        self.mean.setEnabled(given)
        self.std.setEnabled(given)
        for w in (self.method, self.mean, self.std):
            w.blockSignals(False)
        problems = [f"{q.field.removeprefix('normalize.')} {q.message}" for q in recipe.problems()
                    if q.field.startswith("normalize.")]
        self.problem.setText("\n".join(problems))

    def show_histograms(self, original: np.ndarray, processed: np.ndarray) -> None:
        """Histograms of the page before (on 0..1) and after normalization (non-zero pixels)."""
        before = original[original > 0].astype(np.float32) / 255
        counts, edges = np.histogram(before, bins=40, range=(0, 1))
        self.before.setData(edges, counts)
        values = processed[original > 0] if processed.shape == original.shape else processed.ravel()
        values = values.astype(np.float32)
        lo, hi = (float(values.min()), float(values.max())) if values.size else (0.0, 1.0)
        counts, edges = np.histogram(values, bins=40, range=(min(lo, 0.0), max(hi, lo + 1e-6, 1.0)))
        self.after.setData(edges, counts)
