"""Controls = recipe: every valid recipe shows exactly on the real panels and reads back unchanged."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QSlider

from mnist_desktop.core.processing.aug_params import AUG_RANGES, AugParams
from mnist_desktop.core.processing.normalize import METHODS, NORM_RANGES, NormParams
from mnist_desktop.core.processing.recipe import SEED_RANGE, Recipe
from mnist_desktop.gui.recipe.augment_panel import GROUPS, AugmentPanel
from mnist_desktop.gui.recipe.model import RecipeModel
from mnist_desktop.gui.recipe.normalize_panel import NormalizePanel


def _number(name, table=AUG_RANGES):
    spec = table[name]
    lo = spec.lo if not spec.lo_open else spec.control_min
    return st.one_of(st.sampled_from([lo, spec.hi]), st.floats(lo, spec.hi, allow_nan=False))


@st.composite
def recipes(draw):
    """Valid recipes, edges and zeros included."""
    scale = sorted(draw(st.tuples(_number("scale"), _number("scale"))))
    zero_or = lambda name: st.one_of(st.just(0.0), _number(name))  # noqa: E731
    copies = draw(st.integers(0, int(AUG_RANGES["copies"].hi)))
    aug = AugParams(rotation=draw(zero_or("rotation")), translate=draw(zero_or("translate")),
                    scale=tuple(draw(st.sampled_from([(1.0, 1.0), tuple(scale)]))),
                    shear=draw(zero_or("shear")), elastic_alpha=draw(zero_or("elastic_alpha")),
                    elastic_sigma=draw(_number("elastic_sigma")), noise=draw(zero_or("noise")),
                    copies=copies, keep_original=draw(st.booleans()) if copies else True)
    stat = lambda name: st.one_of(st.none(), _number(name, NORM_RANGES))  # noqa: E731
    low, high = draw(stat("low")), draw(stat("high"))
    if low is not None and high is not None and low > high:
        low, high = high, low
    norm = NormParams(draw(st.sampled_from(METHODS)), draw(st.sampled_from(("dataset", "image"))),
                      mean=draw(stat("mean")), std=draw(stat("std")), low=low, high=high)
    seed = draw(st.one_of(st.sampled_from([0, int(SEED_RANGE.hi)]), st.integers(0, int(SEED_RANGE.hi))))
    recipe = Recipe(normalize=norm, augment=aug, seed=seed)
    assert recipe.problems() == []
    return recipe


@pytest.fixture
def panels(qtbot):
    model = RecipeModel()
    aug, norm = AugmentPanel(model), NormalizePanel(model)
    for w in (aug, norm):
        qtbot.addWidget(w)
    return model, aug, norm


@hsettings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(recipe=recipes(), new_copies=st.integers(0, 1000))
def test_every_valid_recipe_shows_exactly_and_reads_back(panels, recipe, new_copies):
    model, aug, norm = panels
    model.set(recipe)
    a = recipe.augment
    # every control shows the recipe's value, zeros included; groups on exactly when they change something
    for name, slider in aug.sliders.items():
        value = slider.value()
        assert (tuple(value) if name == "scale" else value) == (tuple(getattr(a, name)) if name == "scale"
                                                                  else getattr(a, name))
    for group, names in GROUPS.items():
        changes = any((tuple(getattr(a, n)) if n == "scale" else getattr(a, n)) != AUG_RANGES[n].identity
                      for n in names if AUG_RANGES[n].identity is not None)
        assert aug.groups[group].isChecked() == changes
    assert aug.copies.value() == a.copies and aug.keep_original.isChecked() == a.keep_original
    assert aug.seed.value() == recipe.seed and aug.seed.text() == str(recipe.seed)
    # reading the controls back gives the same recipe
    assert aug.params() == a
    assert norm.params() == recipe.normalize
    # touching one control changes that field only (no silent rewrite of the others)
    if new_copies or a.keep_original:
        aug.copies.setValue(new_copies)
        assert model.recipe == replace(recipe, augment=replace(a, copies=new_copies))
    model.set(recipe)
    norm.method.setCurrentIndex(norm.method.currentIndex())  # re-choosing the same method changes nothing
    assert model.recipe == recipe


def test_a_recipe_outside_the_old_slider_ranges_shows_its_value(window, tmp_path):
    path = tmp_path / "wide.json"
    path.write_text('{"version": 1, "seed": 4611686018427387904, '
                    '"augment": {"rotation": 150, "shear": 0, "translate": 0, "copies": 2}}')
    assert window.load_recipe(str(path))
    aug = window.recipe.augment_panel
    assert aug.sliders["rotation"].value() == 150
    assert aug.sliders["shear"].value() == 0 and aug.sliders["translate"].value() == 0
    assert aug.groups["affine"].isChecked() and not aug.groups["noise"].isChecked()
    assert aug.seed.text() == "4611686018427387904"
    # the slider's range is the recipe's: 0..180 degrees
    assert (aug.sliders["rotation"].minimum(), aug.sliders["rotation"].maximum()) == (0, 180)
    # moving another control keeps rotation at 150 (no rewrite to what an old slider could hold)
    aug.copies.setValue(3)
    assert window.recipe.model.recipe.augment.rotation == 150
    assert window.recipe.model.recipe.seed == 2**62


def test_arrow_and_page_keys_step_a_slider_after_a_click(panels, qtbot):
    model, aug, _ = panels
    aug.show()
    aug.groups["affine"].setChecked(True)
    slider = aug.sliders["rotation"]
    inner = slider.findChild(QSlider)
    slider.setValue(40.0)
    qtbot.mouseClick(inner, Qt.MouseButton.LeftButton, pos=QPoint(inner.width() * 40 // 180, inner.height() // 2))
    start = slider.value()
    qtbot.keyClick(inner, Qt.Key.Key_Right)
    assert slider.value() == pytest.approx(start + AUG_RANGES["rotation"].step)
    qtbot.keyClick(inner, Qt.Key.Key_PageUp)
    assert slider.value() == pytest.approx(start + AUG_RANGES["rotation"].step + AUG_RANGES["rotation"].page_step)
    assert model.recipe.augment.rotation == slider.value()


def test_problems_are_told_with_the_controls_names(panels):
    model, aug, _ = panels
    aug.keep_original.setChecked(False)
    aug.copies.setValue(0)
    text = aug.output_problem.text()
    assert text.startswith("Copies per image is 0") and "augment." not in text and "keep_original" not in text


def _drag(slider, fractions):
    """Press the slider's groove at fractions[0] of its width, move through the rest, release."""
    inner = slider.findChild(QSlider)
    y = inner.height() / 2
    left = Qt.MouseButton.LeftButton

    def send(kind, f, buttons):
        pos = QPointF(inner.width() * f, y)
        QApplication.sendEvent(inner, QMouseEvent(kind, pos, inner.mapToGlobal(pos), left, buttons,
                                                  Qt.KeyboardModifier.NoModifier))
    send(QEvent.Type.MouseButtonPress, fractions[0], left)
    for f in fractions[1:]:
        send(QEvent.Type.MouseMove, f, left)
    send(QEvent.Type.MouseButtonRelease, fractions[-1], Qt.MouseButton.NoButton)


def test_undo_redo_of_a_slider_drag_is_one_step(panels):
    model, aug, _ = panels
    aug.resize(400, 500)
    aug.show()
    aug.groups["affine"].setChecked(True)
    before = model.recipe
    slider = aug.sliders["rotation"]
    _drag(slider, [15 / 180, 0.2, 0.3, 0.4, 0.5])  # one drag through many values
    first = model.recipe.augment.rotation
    assert first > 60
    _drag(slider, [0.5, 0.6, 0.7])  # a second drag is its own step
    second = model.recipe.augment.rotation
    assert second > first
    stack = model.undo_stack
    stack.undo()
    assert model.recipe.augment.rotation == first and slider.value() == first
    stack.undo()
    assert model.recipe == before and slider.value() == before.augment.rotation
    stack.redo()
    assert model.recipe.augment.rotation == first and slider.value() == first
