"""The colour recipe in the real window: per-channel presets, flip, crop and jitter panels; preview = export."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from colour_data import cifar10_python, coloured_mnist
from mnist_desktop.core.processing.normalize import PRESETS, to_uint8


@pytest.fixture
def colour_window(window, qtbot, tmp_path, sample_dataset):
    x, y = coloured_mnist(sample_dataset, 360, seed=4)
    cifar10_python(tmp_path / "data", x[:300], y[:300], x[300:], y[300:])
    with qtbot.waitSignal(window.dataset_loaded, timeout=20000):
        window.files.open_paths([tmp_path / "data"])
    return window


def wait_for_preview(window, qtbot):
    p = window.recipe
    qtbot.waitUntil(lambda: p.last is not None and p.last.recipe == p.model.recipe and not p.preview.busy,
                    timeout=20000)
    return p.last


def test_colour_only_controls_are_off_for_grey_data_and_on_for_colour(window, qtbot, tmp_path, sample_dataset):
    aug, norm = window.recipe.augment_panel, window.recipe.normalize_panel
    aug.groups["jitter"].setChecked(True)
    assert not aug.sliders["jitter_hue"].isEnabled() and "grey" in aug.sliders["jitter_hue"].toolTip()
    assert aug.sliders["jitter_brightness"].isEnabled() and aug.groups["flip"].isEnabled()
    norm.method.setCurrentIndex(5)
    assert norm.preset.isHidden()  # no RGB presets for grey data
    x, y = coloured_mnist(sample_dataset, 40)
    cifar10_python(tmp_path, x[:30], y[:30], x[30:], y[30:])
    with qtbot.waitSignal(window.dataset_loaded, timeout=20000):
        window.files.open_paths([tmp_path])
    assert aug.sliders["jitter_hue"].isEnabled() and aug.groups["greyscale"].isEnabled()
    assert not norm.preset.isHidden()
    assert any("wrong for digits" in label.text() for label in aug.groups["flip"].findChildren(type(norm.source)))


def test_preview_equals_the_export_for_flip_crop_jitter_and_imagenet(colour_window, qtbot, tmp_path):
    w = colour_window
    p = w.recipe
    aug, norm = p.augment_panel, p.normalize_panel
    p.actions["show_processed"].setChecked(True)
    norm.method.setCurrentIndex(5)  # z-score
    norm.preset.setCurrentIndex(1)  # ImageNet
    for group in ("flip", "crop", "jitter"):
        aug.groups[group].setChecked(True)  # typical values: 0.5, pad 4, jitter 0.4/0.4/0.4/0.1
    aug.crop_mode.setCurrentIndex(1)
    recipe = p.model.recipe
    a = recipe.augment
    assert (a.flip, a.crop_padding, a.crop_mode, a.jitter_hue) == (0.5, 4, "reflect", 0.1)
    assert recipe.normalize.mean == PRESETS["imagenet"][0] and isinstance(a.crop_padding, int)
    assert "R 0.4850" in norm.channels.text()
    result = wait_for_preview(w, qtbot)
    dialog = p.open_export_dialog()
    out = tmp_path / "colour.npz"
    dialog.path.setText(str(out))
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.outcome == "done", timeout=60000)
    with np.load(out) as f:
        exported = f["x_train"]
    assert exported.shape == (300, 32, 32, 3)
    train = result.indices < 300
    np.testing.assert_array_equal(result.values[train], exported[result.indices[train]])  # bit for bit
    shown = np.stack([w.grid.tile_pixels(i) for i in range(20)])
    np.testing.assert_array_equal(shown, to_uint8(exported[result.indices[:20]], recipe.normalize))
    assert not np.array_equal(shown, w.dataset.pixels[result.indices[:20]])  # the page really changed
