"""Filter by split and label, and choose the sort order."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QGridLayout, QGroupBox, QHBoxLayout, QLabel,
                               QPushButton, QToolButton, QVBoxLayout, QWidget)

from ...core.palette import class_color
from ..theme import css

#: Most classes that get a toggle each; beyond, every class is shown and a line says why
#: (thousands of buttons made laying out the window take minutes, and nobody can use them).
TOGGLE_LIMIT = 200
#: Longest class button text (characters): two columns of them fit the Filter dock.
BUTTON_TEXT = 14


class FilterPanel(QWidget):
    """Split checkboxes, one toggle per class, and a sort selector.

    Signals
    -------
    filter_changed(object, object)
        (set of split names, set of labels) now shown.
    sort_changed(str)
        Name of the sort key ("index" or a score name).
    """

    filter_changed = Signal(object, object)
    sort_changed = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.split_boxes: dict[str, QCheckBox] = {}
        self.label_buttons: list[QToolButton] = []
        self._n_classes = 0
        self._split_group = QGroupBox("Split")
        self._split_layout = QHBoxLayout(self._split_group)
        self._label_group = QGroupBox("Labels")
        self._label_layout = QGridLayout(self._label_group)
        self._label_layout.setSpacing(4)
        sort_group = QGroupBox("Sort")
        self.sort_combo = QComboBox()
        self.sort_combo.addItem("Index", "index")
        self.sort_combo.currentIndexChanged.connect(self._on_sort_combo_changed)
        form = QFormLayout(sort_group)
        form.addRow("Order by", self.sort_combo)
        layout = QVBoxLayout(self)
        layout.addWidget(self._split_group)
        layout.addWidget(self._label_group)
        layout.addWidget(sort_group)
        layout.addStretch(1)

    def set_choices(self, splits: list[str], class_names: tuple[str, ...]) -> None:
        """Rebuild the controls for a dataset (everything selected)."""
        for box in self.split_boxes.values():
            box.deleteLater()
        for button in self.label_buttons:
            button.deleteLater()
        while self._label_layout.count():
            item = self._label_layout.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.split_boxes = {}
        for name in splits:
            box = QCheckBox(name)
            box.setChecked(True)
            box.toggled.connect(self._emit_filter)
            self._split_layout.addWidget(box)
            self.split_boxes[name] = box
        self.label_buttons = []
        self._n_classes = len(class_names)
        if len(class_names) > TOGGLE_LIMIT:
            note = QLabel(f"{len(class_names):,} classes: all shown (one toggle each up to {TOGGLE_LIMIT})")
            note.setWordWrap(True)
            self._label_layout.addWidget(note, 0, 0)
            return
        texts = [str(label) if name == str(label) else f"{label} {name}" for label, name in enumerate(class_names)]
        longest = max((len(t) for t in texts), default=1)
        per_row = 5 if longest <= 2 else 4 if longest <= 6 else 2  # one grid for all: EMNIST's 47 fit
        for label, (name, text) in enumerate(zip(class_names, texts)):
            button = QToolButton()
            # long names (CIFAR-100's superclasses) are shortened so two columns fit the dock; the tip has them whole
            button.setText(text if len(text) <= BUTTON_TEXT else text[:BUTTON_TEXT - 1] + "…")
            button.setToolTip(f"show or hide class {label} ({name})")
            button.setCheckable(True)
            button.setChecked(True)
            rgb = class_color(label)
            button.setStyleSheet(
                f"QToolButton {{ padding: 3px 6px; border: 1px solid {css(rgb)}; border-radius: 3px; }}"
                f"QToolButton:checked {{ background: {css(rgb, 110)}; }}")
            button.toggled.connect(self._emit_filter)
            self._label_layout.addWidget(button, label // per_row, label % per_row)
            self.label_buttons.append(button)
        row = -(-len(class_names) // per_row)
        for col, (text, state) in enumerate((("All", True), ("None", False))):
            b = QPushButton(text)
            b.clicked.connect(lambda _=False, s=state: self.set_all_labels(s))
            self._label_layout.addWidget(b, row, col * (per_row // 2), 1, max(1, per_row // 2))

    def set_all_labels(self, checked: bool) -> None:
        for button in self.label_buttons:
            button.blockSignals(True)
            button.setChecked(checked)
            button.blockSignals(False)
        self._emit_filter()

    def add_sort_key(self, name: str, title: str) -> None:
        """Offer a score supplied by a later feature (e.g. "suspicion") as a sort order."""
        if self.sort_combo.findData(name) < 0:
            self.sort_combo.addItem(title, name)

    def clear_sort_keys(self) -> None:
        """Back to "Index" only (new data: the features' scores were of the data before); no signal."""
        self.sort_combo.blockSignals(True)
        while self.sort_combo.count() > 1:
            self.sort_combo.removeItem(self.sort_combo.count() - 1)
        self.sort_combo.setCurrentIndex(0)
        self.sort_combo.blockSignals(False)

    def sort_key(self) -> str:
        """The sort order chosen ("index" or a score name)."""
        return self.sort_combo.currentData()

    def select_sort_key(self, name: str) -> None:
        """Choose a sort order by name (emits sort_changed when it changes)."""
        i = self.sort_combo.findData(name)
        if i >= 0:
            self.sort_combo.setCurrentIndex(i)

    def selected_splits(self) -> set[str]:
        return {n for n, b in self.split_boxes.items() if b.isChecked()}

    def selected_labels(self) -> set[int]:
        if not self.label_buttons and self._n_classes > TOGGLE_LIMIT:
            return set(range(self._n_classes))
        return {i for i, b in enumerate(self.label_buttons) if b.isChecked()}

    def _emit_filter(self, *_) -> None:
        self.filter_changed.emit(self.selected_splits(), self.selected_labels())

    def _on_sort_combo_changed(self, _index: int) -> None:
        self.sort_changed.emit(self.sort_combo.currentData())
