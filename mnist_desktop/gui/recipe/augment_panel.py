"""Augmentation sliders bound to ``recipe.augment`` and ``recipe.seed``.

Each group (affine, elastic, noise) can be switched off without losing its
slider values; every control has a reset button; problems with the values are
shown under the controls in words, never raised.
"""

from __future__ import annotations

import random
from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton, QSpinBox,
                               QToolButton, QVBoxLayout, QWidget)
from superqt import QLabeledDoubleRangeSlider, QLabeledDoubleSlider

from ...core.processing.augment import AugParams
from ...core.validation import is_number
from .model import RecipeModel

#: field -> (label, minimum, maximum, default, decimals, tooltip)
SLIDERS = {
    "rotation": ("Rotation ±°", 0, 90, 15, 1, "each image turns by a random angle in [-r, +r] degrees"),
    "translate": ("Shift ±", 0, 0.5, 0.1, 3, "random shift as a fraction of the width/height"),
    "shear": ("Shear ±°", 0, 45, 10, 1, "random horizontal shear angle in degrees"),
    "elastic_alpha": ("Alpha", 0, 100, 34, 1, "strength of the elastic displacement in pixels (Simard: 34)"),
    "elastic_sigma": ("Sigma", 1, 10, 4, 2, "smoothness of the displacement field in pixels (Simard: 4)"),
    "noise": ("Std", 0, 0.5, 0.05, 3, "standard deviation of Gaussian noise on the 0..1 scale"),
}
GROUPS = {"affine": ("rotation", "translate", "scale", "shear"), "elastic": ("elastic_alpha", "elastic_sigma"),
          "noise": ("noise",)}
SCALE_RANGE, SCALE_DEFAULT = (0.5, 1.5), (0.9, 1.1)


class AugmentPanel(QWidget):
    """Sliders for rotation, shift, scale range, shear, elastic alpha/sigma and noise; copies and seed."""

    def __init__(self, model: RecipeModel, parent=None) -> None:
        super().__init__(parent)
        self.model = model
        self.sliders: dict[str, QLabeledDoubleSlider] = {}
        self.groups: dict[str, QGroupBox] = {}
        self.problems: dict[str, QLabel] = {}
        layout = QVBoxLayout(self)
        for group, names in GROUPS.items():
            box = QGroupBox({"affine": "Random affine", "elastic": "Elastic distortion",
                             "noise": "Gaussian noise"}[group])
            box.setCheckable(True)
            box.setChecked(False)
            form = QFormLayout(box)
            for name in names:
                form.addRow(SLIDERS[name][0] if name != "scale" else "Scale", self._control(name))
            problem = QLabel()
            problem.setStyleSheet("color: #d33;")
            problem.setWordWrap(True)
            problem.hide()
            form.addRow(problem)
            box.toggled.connect(self._on_widget_changed)
            layout.addWidget(box)
            self.groups[group] = box
            self.problems[group] = problem

        out = QGroupBox("Output")
        form = QFormLayout(out)
        self.copies = QSpinBox(minimum=0, maximum=100, value=1)
        self.copies.setToolTip("augmented versions of each image in the export")
        self.keep_original = QCheckBox("also keep each original image")
        self.seed = QSpinBox(minimum=0, maximum=2**31 - 1, value=0)
        self.seed.setToolTip("same seed, same augmented images (preview and export)")
        new_seed = QPushButton("New seed")
        new_seed.clicked.connect(lambda: self.seed.setValue(random.randrange(2**31 - 1)))
        seed_row = QHBoxLayout()
        seed_row.addWidget(self.seed, 1)
        seed_row.addWidget(new_seed)
        form.addRow("Copies per image", self.copies)
        form.addRow("", self.keep_original)
        form.addRow("Seed", seed_row)
        self.output_problem = QLabel()
        self.output_problem.setStyleSheet("color: #d33;")
        self.output_problem.setWordWrap(True)
        form.addRow(self.output_problem)
        layout.addWidget(out)
        layout.addStretch(1)
        for w in (self.copies, self.seed):
            w.valueChanged.connect(self._on_widget_changed)
        self.keep_original.toggled.connect(self._on_widget_changed)
        model.changed.connect(self.show_recipe)
        self.show_recipe(model.recipe)

    def _control(self, name: str) -> QWidget:
        if name == "scale":
            slider = QLabeledDoubleRangeSlider(Qt.Orientation.Horizontal)
            slider.setRange(*SCALE_RANGE)
            slider.setDecimals(2)
            slider.setValue(SCALE_DEFAULT)
            slider.setToolTip("each image is zoomed by a random factor in [low, high]")
            default = SCALE_DEFAULT
        else:
            _, lo, hi, default, decimals, tip = SLIDERS[name]
            slider = QLabeledDoubleSlider(Qt.Orientation.Horizontal)
            slider.setRange(lo, hi)
            slider.setDecimals(decimals)
            slider.setValue(default)
            slider.setToolTip(tip)
        slider.valueChanged.connect(self._on_widget_changed)
        self.sliders[name] = slider
        reset = QToolButton(text="↺")
        reset.setToolTip(f"reset to {default}")
        reset.clicked.connect(lambda: slider.setValue(default))
        row = QWidget()
        h = QHBoxLayout(row)
        h.setContentsMargins(0, 0, 0, 0)
        h.addWidget(slider, 1)
        h.addWidget(reset)
        return row

    def params(self) -> AugParams:
        """The AugParams the widgets describe (a switched-off group contributes nothing)."""
        on = {g: box.isChecked() for g, box in self.groups.items()}
        v = {name: s.value() for name, s in self.sliders.items()}
        return AugParams(
            rotation=v["rotation"] if on["affine"] else 0.0,
            translate=v["translate"] if on["affine"] else 0.0,
            scale=tuple(v["scale"]) if on["affine"] else (1.0, 1.0),
            shear=v["shear"] if on["affine"] else 0.0,
            elastic_alpha=v["elastic_alpha"] if on["elastic"] else 0.0,
            elastic_sigma=v["elastic_sigma"],
            noise=v["noise"] if on["noise"] else 0.0,
            copies=self.copies.value(), keep_original=self.keep_original.isChecked())

    def _on_widget_changed(self, *_) -> None:
        self.model.set(replace(self.model.recipe, augment=self.params(), seed=self.seed.value()))

    def show_recipe(self, recipe) -> None:
        """Set the widgets from the recipe (switching groups on where values are set)."""
        a = recipe.augment
        if self.params() == a and self.seed.value() == recipe.seed:  # our own edit echoed back
            self._show_problems(recipe.problems())
            return
        widgets = [*self.sliders.values(), *self.groups.values(), self.copies, self.keep_original, self.seed]
        for w in widgets:
            w.blockSignals(True)
        on = {"affine": a.rotation or a.translate or tuple(a.scale) != (1.0, 1.0) or a.shear,
              "elastic": a.elastic_alpha > 0, "noise": a.noise > 0}
        for group, box in self.groups.items():
            box.setChecked(bool(on[group]))
        values = {"rotation": a.rotation, "translate": a.translate, "shear": a.shear,
                  "elastic_alpha": a.elastic_alpha, "noise": a.noise}
        for name, value in values.items():
            if value and is_number(value):
                self.sliders[name].setValue(float(value))
        if is_number(a.elastic_sigma):
            self.sliders["elastic_sigma"].setValue(float(a.elastic_sigma))
        if on["affine"] and len(a.scale) == 2:
            self.sliders["scale"].setValue(tuple(float(s) for s in a.scale))
        if isinstance(a.copies, int):
            self.copies.setValue(a.copies)
        self.keep_original.setChecked(bool(a.keep_original))
        if isinstance(recipe.seed, int) and recipe.seed < 2**31:
            self.seed.setValue(recipe.seed)
        for w in widgets:
            w.blockSignals(False)
        self._show_problems(recipe.problems())

    def _show_problems(self, problems: list) -> None:
        by_group = {g: [] for g in GROUPS}
        rest = []
        for p in problems:
            field = p.field.removeprefix("augment.")
            group = next((g for g, names in GROUPS.items() if field in names), None)
            (by_group[group] if group else rest).append(f"{field} {p.message}")
        for group, label in self.problems.items():
            label.setText("\n".join(by_group[group]))
            label.setVisible(bool(by_group[group]))
        self.output_problem.setText("\n".join(rest))

