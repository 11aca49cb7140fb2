"""Controls built from core's parameter ranges, so a control holds every value the recipe accepts.

Each factory reads a :class:`~mnist_desktop.core.validation.FieldRange`:
minimum, maximum, arrow and page steps, decimals. Sliders keep the exact
value they are given (a loaded 12.3456 stays 12.3456 although the label
shows 12.3); number boxes that round (QDoubleSpinBox) are wrapped by
:class:`OptionalNumber`, which remembers the exact value until the user
types another one.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import (QAbstractSlider, QCheckBox, QDoubleSpinBox, QHBoxLayout, QLineEdit, QSlider,
                               QWidget)
from superqt import QLabeledDoubleRangeSlider, QLabeledDoubleSlider

from ...core.validation import FieldRange
from ..theme import HELPER_STYLE, PROBLEM_STYLE  # noqa: F401 - the panels take them from here, with the controls



class _KeySteps(QObject):
    """Arrow keys, PageUp/PageDown, Home/End for superqt's float sliders (which ignore keys)."""

    def __init__(self, slider: QAbstractSlider) -> None:
        super().__init__(slider)
        self.slider = slider

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
        if event.type() != QEvent.Type.KeyPress:
            return False
        s, key = self.slider, event.key()
        steps = {Qt.Key.Key_Right: s.singleStep(), Qt.Key.Key_Up: s.singleStep(),
                 Qt.Key.Key_Left: -s.singleStep(), Qt.Key.Key_Down: -s.singleStep(),
                 Qt.Key.Key_PageUp: s.pageStep(), Qt.Key.Key_PageDown: -s.pageStep()}
        if key in steps:
            s.setValue(min(max(s.value() + steps[key], s.minimum()), s.maximum()))
        elif key in (Qt.Key.Key_Home, Qt.Key.Key_End):
            s.setValue(s.minimum() if key == Qt.Key.Key_Home else s.maximum())
        else:
            return False
        return True


def make_slider(spec: FieldRange) -> QLabeledDoubleSlider:
    """A labelled float slider over exactly ``spec``'s range, with keyboard steps after a click.

    Its tooltip is ``spec.describe()``: what the value does, its range, typical and "off" values.
    """
    slider = QLabeledDoubleSlider(Qt.Orientation.Horizontal)
    slider.setRange(spec.control_min, spec.hi)
    slider.setDecimals(spec.decimals)
    slider.setSingleStep(spec.step)
    slider.setPageStep(spec.page_step)
    slider.setToolTip(spec.describe())
    inner = slider.findChild(QSlider)
    if inner is not None:
        inner.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        inner.installEventFilter(_KeySteps(slider))
    return slider


def make_range_slider(spec: FieldRange) -> QLabeledDoubleRangeSlider:
    """A two-handle slider; its values are edited in boxes at both ends, which never overlap."""
    slider = QLabeledDoubleRangeSlider(Qt.Orientation.Horizontal)
    slider.setRange(spec.lo, spec.hi)
    slider.setDecimals(spec.decimals)
    slider.setSingleStep(spec.step)
    slider.setPageStep(spec.page_step)
    slider.setHandleLabelPosition(QLabeledDoubleRangeSlider.LabelPosition.NoLabel)
    slider.setEdgeLabelMode(QLabeledDoubleRangeSlider.EdgeLabelMode.LabelIsValue)
    slider.setToolTip(spec.describe())
    return slider


class _IntValidator(QValidator):
    """Whole numbers from 0 to ``hi`` (beyond what a 32-bit QSpinBox can hold)."""

    def __init__(self, hi: int, parent=None) -> None:
        super().__init__(parent)
        self.hi = hi

    def validate(self, text: str, pos: int):
        if text == "":
            return QValidator.State.Intermediate, text, pos
        if not text.isdigit():
            return QValidator.State.Invalid, text, pos
        return (QValidator.State.Acceptable if int(text) <= self.hi else QValidator.State.Invalid), text, pos


class BigIntEdit(QLineEdit):
    """A whole-number box for 0..``spec.hi`` (the seed goes up to 2**63 - 1).

    Signals
    -------
    valueChanged(object)
        The new int, when editing is finished with a changed value.
    """

    valueChanged = Signal(object)

    def __init__(self, spec: FieldRange, parent=None) -> None:
        super().__init__(parent)
        self.spec = spec
        self._value = int(spec.lo)
        self.setValidator(_IntValidator(int(spec.hi), self))
        self.setText(str(self._value))
        self.editingFinished.connect(self._on_editing_finished)

    def value(self) -> int:
        return self._value

    def setValue(self, value: int) -> None:  # noqa: N802 - Qt naming, like QSpinBox
        changed = value != self._value
        self._value = int(value)
        self.setText(str(self._value))
        if changed and not self.signalsBlocked():
            self.valueChanged.emit(self._value)

    def _on_editing_finished(self) -> None:
        text = self.text()
        if text.isdigit() and int(text) != self._value:
            self.setValue(int(text))
        elif not text:
            self.setText(str(self._value))


class OptionalNumber(QWidget):
    """A statistic that is either given (checkbox on, value in the box) or computed from the data.

    While it is computed, the greyed box shows the value actually used. The
    exact given value is kept even when the box rounds it for display.

    Signals
    -------
    edited()
        The user switched the checkbox or typed a new value.
    """

    edited = Signal()

    def __init__(self, spec: FieldRange, parent=None) -> None:
        super().__init__(parent)
        self.given = QCheckBox("set")
        self.given.setToolTip("on: use this value; off: compute it from the data (the box shows the value used)")
        self.box = QDoubleSpinBox(decimals=spec.decimals, minimum=spec.control_min, maximum=spec.hi,
                                  singleStep=spec.step)
        self.box.setToolTip(spec.describe())
        self.box.setKeyboardTracking(False)
        self._exact: float | None = None
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.given)
        row.addWidget(self.box, 1)
        self.given.toggled.connect(self._on_given_toggled)
        self.box.valueChanged.connect(self._on_box_changed)

    def value(self) -> float | None:
        """The given value, or None when it is computed from the data."""
        return self._exact if self.given.isChecked() else None

    def set_value(self, value: float | None, used: float | None = None) -> None:
        """Show a given ``value``, or (None) the ``used`` value computed from the data, greyed."""
        self.blockSignals(True)
        self.given.blockSignals(True)
        self.box.blockSignals(True)
        self.given.setChecked(value is not None)
        self._exact = value
        shown = value if value is not None else used
        if shown is not None:
            self.box.setValue(shown)
        else:
            self.box.clear()
        self.box.setEnabled(value is not None)
        self.given.blockSignals(False)
        self.box.blockSignals(False)
        self.blockSignals(False)

    def _on_given_toggled(self, on: bool) -> None:
        self.box.setEnabled(on)
        self._exact = self.box.value() if on else None
        self.edited.emit()

    def _on_box_changed(self, value: float) -> None:
        self._exact = value
        self.edited.emit()
