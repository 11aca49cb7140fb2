"""Augmentation sliders bound to ``recipe.augment`` and ``recipe.seed``.

Every control's range, label, tooltip, group, typical and "no change" value
come from the field's ``FieldRange`` (``AUG_RANGES`` in core, the table the
CLI's flags read too). Loading a recipe sets every control to its value (zeros included),
and reading the controls back gives that recipe again: an edit changes only
the field that was touched. A group (affine, elastic, noise, flip, crop,
colour jitter, greyscale) is on exactly when one of its values differs from
"no change"; switching an empty group on fills in typical values. Problems are
shown under the controls in words.

The photo groups are always there (brightness and contrast jitter, crops and
flips work on grey images too), with a warning on the flip: mirrored digits
and letters are other symbols. On grey data the controls that only act on
colour (saturation, hue, random greyscale) are disabled and say why.
"""

from __future__ import annotations

import random
from dataclasses import replace

from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton,
                               QSpinBox, QToolButton, QVBoxLayout, QWidget)

from ...core.processing.aug_params import AUG_GROUPS, AUG_RANGES, CROP_MODE_HELP, KEEP_ORIGINAL_HELP, AugParams
from ...core.processing.colour_ops import PAD_MODES
from ...core.processing.problem_words import describe_problem
from ...core.processing.recipe import SEED_RANGE
from ...core.validation import is_number
from .controls import HELPER_STYLE, PROBLEM_STYLE, BigIntEdit, make_range_slider, make_slider
from .model import RecipeModel

#: group -> its fields, in the table's order
GROUPS = {g: tuple(n for n, spec in AUG_RANGES.items() if spec.group == g) for g in AUG_GROUPS}
#: A sentence under a group's controls.
NOTES = {"flip": "Mirrors left-right: right for photos such as CIFAR; wrong for digits and letters "
                 "(MNIST, SVHN), which mirrored are other symbols.",
         "crop": "Pads every side, then cuts the original size at a random place: the CIFAR recipe is 4 px."}
#: The groups that photos (colour data) need first.
PHOTO_GROUPS = ("flip", "crop", "jitter", "greyscale")
#: Fields that change nothing on grey images (their controls are disabled there).
COLOUR_ONLY = ("jitter_saturation", "jitter_hue", "random_greyscale")


class AugmentPanel(QWidget):
    """Sliders for rotation, shift, scale range, shear, elastic alpha/sigma and noise; copies and seed."""

    def __init__(self, model: RecipeModel, parent=None) -> None:
        super().__init__(parent)
        self.model = model
        self.sliders: dict = {}
        self.groups: dict[str, QGroupBox] = {}
        self.problems: dict[str, QLabel] = {}
        self.labels: dict[str, QWidget] = {}
        layout = QVBoxLayout(self)
        for group, names in GROUPS.items():
            box = QGroupBox(AUG_GROUPS[group])
            box.setCheckable(True)
            box.setChecked(False)
            form = QFormLayout(box)
            form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # narrow docks: label above
            for name in names:
                form.addRow(AUG_RANGES[name].label + AUG_RANGES[name].suffix, self._control(name))
                self.labels[name] = form.labelForField(self.sliders[name].parentWidget())
            if group == "crop":
                form.addRow("Padding mode", self._crop_mode())
            if group in NOTES:
                note = QLabel(NOTES[group])
                note.setWordWrap(True)
                note.setStyleSheet(HELPER_STYLE)
                form.addRow(note)
            problem = QLabel()
            problem.setStyleSheet(PROBLEM_STYLE)
            problem.setWordWrap(True)
            problem.hide()
            form.addRow(problem)
            box.toggled.connect(lambda on, g=group: self._on_group_toggled(g, on))
            layout.addWidget(box)
            self.groups[group] = box
            self.problems[group] = problem
        layout.addWidget(self._output_box())
        layout.addStretch(1)
        model.changed.connect(self.show_recipe)
        self.show_recipe(model.recipe)

    def _crop_mode(self) -> QComboBox:
        self.crop_mode = QComboBox()
        for mode in PAD_MODES:
            self.crop_mode.addItem({"zero": "zero (black)", "reflect": "reflect (mirror the border)"}[mode], mode)
        self.crop_mode.setToolTip(CROP_MODE_HELP)
        self.crop_mode.currentIndexChanged.connect(lambda: self._on_widget_changed(None))
        return self.crop_mode

    def show_dataset(self, dataset) -> None:
        """Enable the colour-only controls for colour data; on grey data say why they are off."""
        colour = bool(dataset is not None and dataset.is_colour)
        for name in COLOUR_ONLY:
            tip = AUG_RANGES[name].describe() + ("" if colour else "\nThis data is grey: nothing to change.")
            for widget in (self.sliders[name], self.labels.get(name)):
                if widget is not None:
                    widget.setEnabled(colour)
                    widget.setToolTip(tip)
        self.groups["greyscale"].setEnabled(colour or self.groups["greyscale"].isChecked())
        layout = self.layout()
        order = [*PHOTO_GROUPS, *(g for g in GROUPS if g not in PHOTO_GROUPS)] if colour else list(GROUPS)
        for position, group in enumerate(order):  # photos: flip, crop and jitter first; digits: the warps
            layout.insertWidget(position, self.groups[group])

    def _output_box(self) -> QGroupBox:
        out = QGroupBox("Output")
        form = QFormLayout(out)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        copies = AUG_RANGES["copies"]
        self.copies = QSpinBox(minimum=int(copies.lo), maximum=int(copies.hi), value=1)
        self.copies.setToolTip(copies.describe(AugParams().copies))
        self.keep_original = QCheckBox("keep the originals too")
        self.keep_original.setToolTip(KEEP_ORIGINAL_HELP)
        self.seed = BigIntEdit(SEED_RANGE)
        self.seed.setToolTip(SEED_RANGE.describe())
        new_seed = QPushButton("New seed")
        new_seed.clicked.connect(lambda: self.seed.setValue(random.randrange(2**31)))
        seed_row = QHBoxLayout()
        seed_row.addWidget(self.seed, 1)
        seed_row.addWidget(new_seed)
        form.addRow(copies.label, self.copies)
        form.addRow("", self.keep_original)
        form.addRow(SEED_RANGE.label, seed_row)
        self.output_problem = QLabel()
        self.output_problem.setStyleSheet(PROBLEM_STYLE)
        self.output_problem.setWordWrap(True)
        form.addRow(self.output_problem)
        self.copies.valueChanged.connect(lambda: self._on_widget_changed("augment.copies"))
        self.seed.valueChanged.connect(lambda: self._on_widget_changed(None))
        self.keep_original.toggled.connect(lambda: self._on_widget_changed(None))
        return out

    def _control(self, name: str) -> QWidget:
        spec = AUG_RANGES[name]
        typical = spec.typical
        slider = make_range_slider(spec) if name == "scale" else make_slider(spec)
        slider.valueChanged.connect(lambda *_: self._on_widget_changed(f"augment.{name}"))
        slider.sliderReleased.connect(self.model.end_merge)
        self.sliders[name] = slider
        reset = QToolButton(text="↺")
        reset.setToolTip(f"back to {typical}")
        reset.clicked.connect(lambda: slider.setValue(typical))
        row = QWidget()
        h = QHBoxLayout(row)
        h.setContentsMargins(0, 0, 0, 0)
        h.addWidget(slider, 1)
        h.addWidget(reset)
        return row

    # ------------------------------------------------------------------ controls -> recipe

    def params(self) -> AugParams:
        """The AugParams the widgets describe (a switched-off group contributes "no change")."""
        on = {g: box.isChecked() for g, box in self.groups.items()}
        v = {name: s.value() for name, s in self.sliders.items()}
        v["scale"] = tuple(v["scale"])
        for name in v:
            if AUG_RANGES[name].integer:
                v[name] = int(round(v[name]))
        for group, names in GROUPS.items():
            for name in names:
                if not on[group] and AUG_RANGES[name].identity is not None:
                    v[name] = AUG_RANGES[name].identity
        return AugParams(**v, copies=self.copies.value(), keep_original=self.keep_original.isChecked(),
                         crop_mode=self.crop_mode.currentData())

    def _on_widget_changed(self, key: str | None) -> None:
        recipe = replace(self.model.recipe, augment=self.params(), seed=self.seed.value())
        self.model.set(recipe, "Change the augmentation", key)

    def _on_group_toggled(self, group: str, on: bool) -> None:
        names = [n for n in GROUPS[group] if AUG_RANGES[n].identity is not None]
        if on and all(self._slider_value(n) == AUG_RANGES[n].identity for n in names):
            for name in names:  # an empty group switched on: start from typical values
                self.sliders[name].blockSignals(True)
                self.sliders[name].setValue(AUG_RANGES[name].typical)
                self.sliders[name].blockSignals(False)
        self.model.end_merge()
        self._on_widget_changed(None)

    def _slider_value(self, name: str):
        value = self.sliders[name].value()
        return tuple(value) if name == "scale" else value

    # ------------------------------------------------------------------ recipe -> controls

    def show_recipe(self, recipe) -> None:
        """Set every control to the recipe's value (zeros included); groups on where a value is set."""
        a = recipe.augment
        widgets = [*self.sliders.values(), *self.groups.values(), self.copies, self.keep_original, self.seed,
                   self.crop_mode]
        for w in widgets:
            w.blockSignals(True)
        values = {"scale": tuple(a.scale)} if _is_pair(a.scale) else {}
        values.update({n: getattr(a, n) for n in self.sliders if n != "scale" and is_number(getattr(a, n))})
        for name, value in values.items():
            if self._slider_value(name) != value:
                self.sliders[name].setValue(value)
        for group, box in self.groups.items():
            box.setChecked(any(n in values and values[n] != AUG_RANGES[n].identity
                               for n in GROUPS[group] if AUG_RANGES[n].identity is not None))
        if isinstance(a.copies, int):
            self.copies.setValue(a.copies)
        self.keep_original.setChecked(bool(a.keep_original))
        if a.crop_mode in PAD_MODES:
            self.crop_mode.setCurrentIndex(PAD_MODES.index(a.crop_mode))
        if isinstance(recipe.seed, int) and SEED_RANGE.check("seed", recipe.seed) is None:
            self.seed.setValue(recipe.seed)
        for w in widgets:
            w.blockSignals(False)
        self._show_problems(recipe.problems())

    def _show_problems(self, problems: list) -> None:
        by_group: dict[str, list[str]] = {g: [] for g in GROUPS}
        rest = []
        for p in problems:
            field = p.field.removeprefix("augment.")
            group = next((g for g, names in GROUPS.items() if field in names), None)
            if p.field.startswith("augment.") or p.field == "seed":
                (by_group[group] if group else rest).append(describe_problem(p))
        for group, label in self.problems.items():
            label.setText("\n".join(by_group[group]))
            label.setVisible(bool(by_group[group]))
        self.output_problem.setText("\n".join(rest))
        self.output_problem.setVisible(bool(rest))


def _is_pair(scale) -> bool:
    return isinstance(scale, (tuple, list)) and len(scale) == 2 and all(is_number(s) for s in scale)
