"""Controls for the model-ready part of a recipe: val/test fractions, class balance, target size and channels.

Holds no logic: it shows a :class:`SamplingParams` and a :class:`TargetParams`
and gives back the edited ones (the core validates them).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QHBoxLayout, QSpinBox, QWidget

from ...core.processing.sampling import BALANCE_CHOICES, SAMPLING_RANGES, SamplingParams
from ...core.processing.target_shape import FIT_CHOICES, MAX_SIDE, TargetParams

BALANCE_WORDS = {"none": "none", "oversample": "oversample (add copies up to the largest class)",
                 "undersample": "undersample (drop rows down to the smallest class)"}
FIT_WORDS = {"pad": "pad with zeros (or crop the centre)", "resize": "resize (bilinear, antialiased)"}
CHANNEL_WORDS = {None: "as read", 1: "1 (grey)", 3: "3 (RGB, grey replicated)"}


class ModelReadyBox(QObject):
    """Val fraction, test fraction, balance, target size, fit and channels: rows for a dialog's form.

    Call :meth:`add_rows` to put the controls into the dialog's QFormLayout
    (so their labels line up with the dialog's own).

    Signals
    -------
    changed()
        Any value changed.
    """

    changed = Signal()

    def __init__(self, sampling: SamplingParams, target: TargetParams, *, test_fraction_allowed: bool,
                 source_size: tuple[int, int], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.val_fraction = self._fraction_spin("val_fraction", sampling.val_fraction)
        self.test_fraction = self._fraction_spin("test_fraction", sampling.test_fraction)
        self.test_fraction.setEnabled(test_fraction_allowed)
        if not test_fraction_allowed:
            self.test_fraction.setToolTip("the dataset has a test split already")
        self.balance = QComboBox()
        for mode in BALANCE_CHOICES:
            self.balance.addItem(BALANCE_WORDS[mode], mode)
        self.balance.setCurrentIndex(self.balance.findData(sampling.balance))
        self.resize_on = QCheckBox("Resize to")
        self.resize_on.setChecked(target.size is not None)
        w, h = target.size or source_size
        self.width_spin, self.height_spin = self._side_spin(w, "width"), self._side_spin(h, "height")
        self.fit = QComboBox()
        for mode in FIT_CHOICES:
            self.fit.addItem(FIT_WORDS[mode], mode)
        self.fit.setCurrentIndex(self.fit.findData(target.fit))
        self.channels = QComboBox()
        for n, words in CHANNEL_WORDS.items():
            self.channels.addItem(words, n)
        self.channels.setCurrentIndex(self.channels.findData(target.channels))

        #: The controls a running job locks (the test fraction only when it may be used at all).
        self.widgets: list[QWidget] = [self.val_fraction, *([self.test_fraction] if test_fraction_allowed else []),
                                       self.balance, self.resize_on, self.width_spin, self.height_spin, self.fit,
                                       self.channels]
        for signal in (self.val_fraction.valueChanged, self.test_fraction.valueChanged,
                       self.balance.currentIndexChanged, self.resize_on.toggled, self.width_spin.valueChanged,
                       self.height_spin.valueChanged, self.fit.currentIndexChanged,
                       self.channels.currentIndexChanged):
            signal.connect(self._on_control_changed)
        self._on_control_changed()

    def add_rows(self, form: QFormLayout) -> None:
        """Append the rows "Validation", "Test (drawn)", "Class balance", "Target size", "Channels" to ``form``."""
        size_row = QHBoxLayout()
        for widget in (self.resize_on, self.width_spin, self.height_spin, self.fit):
            size_row.addWidget(widget)
        size_row.addStretch(1)
        form.addRow("Validation", self.val_fraction)
        form.addRow("Test (drawn)", self.test_fraction)
        form.addRow("Class balance", self.balance)
        form.addRow("Target size", size_row)
        form.addRow("Channels", self.channels)

    def _fraction_spin(self, name: str, value: float) -> QDoubleSpinBox:
        spec = SAMPLING_RANGES[name]
        spin = QDoubleSpinBox()
        spin.setRange(spec.lo, spec.hi)
        spin.setSingleStep(spec.step)
        spin.setDecimals(spec.decimals)
        spin.setValue(value)
        spin.setSpecialValueText("off")
        spin.setToolTip(f"{spec.label}: share {spec.unit}, stratified and seeded; never augmented")
        return spin

    def _side_spin(self, value: int, what: str) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(1, MAX_SIDE)
        spin.setValue(value)
        spin.setSuffix(" px")
        spin.setToolTip(f"target {what}")
        return spin

    def sampling(self) -> SamplingParams:
        return SamplingParams(round(self.val_fraction.value(), 3), round(self.test_fraction.value(), 3),
                              self.balance.currentData())

    def target(self) -> TargetParams:
        size = (self.width_spin.value(), self.height_spin.value()) if self.resize_on.isChecked() else None
        return TargetParams(size, self.fit.currentData(), self.channels.currentData())

    def refresh_enabled(self) -> None:
        """Enable the size and fit controls only while "Resize to" is ticked."""
        on = self.resize_on.isChecked() and self.resize_on.isEnabled()
        for widget in (self.width_spin, self.height_spin, self.fit):
            widget.setEnabled(on)

    def _on_control_changed(self, *_) -> None:
        self.refresh_enabled()
        self.changed.emit()
