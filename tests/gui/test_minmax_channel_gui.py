"""Min-max per channel in the real window: the Normalize panel says what low/high it used; preview = export."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from colour_data import cifar10_python, coloured_mnist, uneven_channels
from mnist_desktop.core.processing.normalize import to_uint8
from mnist_desktop.gui.recipe.normalize_panel import CHOICES


def wait_for_preview(window, qtbot):
    p = window.recipe
    qtbot.waitUntil(lambda: p.last is not None and p.last.recipe == p.model.recipe and not p.preview.busy,
                    timeout=20000)
    return p.last


def test_per_channel_min_max_shows_its_values_and_the_preview_equals_the_export(window, qtbot, tmp_path,
                                                                                 sample_dataset):
    x, y = coloured_mnist(sample_dataset, 360, seed=4)
    x = uneven_channels(x)
    cifar10_python(tmp_path / "data", x[:300], y[:300], x[300:], y[300:])
    with qtbot.waitSignal(window.dataset_loaded, timeout=20000):
        window.files.open_paths([tmp_path / "data"])
    p = window.recipe
    norm = p.normalize_panel
    p.actions["show_processed"].setChecked(True)
    norm.method.setCurrentIndex(CHOICES.index(("Min-max per channel", "minmax", "channel")))
    recipe = p.model.recipe
    assert (recipe.normalize.method, recipe.normalize.scope) == ("minmax", "channel")
    result = wait_for_preview(window, qtbot)
    train = x[:300].reshape(-1, 3)
    low, high = train.min(axis=0) / 255, train.max(axis=0) / 255
    qtbot.waitUntil(lambda: "computed from the data" in norm.channels.text(), timeout=20000)
    text = norm.channels.text()
    assert f"G {low[1]:.4f}" in text and f"B {high[2]:.4f}" in text  # the values used, per channel
    assert norm.channels.isVisibleTo(norm) and "train split (300 images)" in norm.source.text()
    assert "the per-channel line above shows the values used" in norm.source.text()
    dialog = p.open_export_dialog()
    assert "min-max per channel" in dialog.recipe_text.text()
    out = tmp_path / "minmax.npz"
    dialog.path.setText(str(out))
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.outcome == "done", timeout=60000)
    with np.load(out) as f:
        exported = f["x_train"]
    rows = result.indices < 300
    np.testing.assert_array_equal(result.values[rows], exported[result.indices[rows]])  # bit for bit
    g = exported[..., 1]
    assert g.min() == 0 and g.max() == 1  # the green channel spans 0..1 on its own
    used = p.statistics.cached(recipe)
    assert used.low == tuple(low) and used.high == tuple(high)
    shown = np.stack([window.grid.tile_pixels(i) for i in range(10)])
    np.testing.assert_array_equal(shown, to_uint8(exported[result.indices[:10]], used))
    dialog.close()


def test_grey_data_says_per_channel_is_the_global_min_max(window, qtbot):
    norm = window.recipe.normalize_panel
    norm.method.setCurrentIndex(CHOICES.index(("Min-max per channel", "minmax", "channel")))
    assert "one channel" in norm.channels.text() and norm.channels.isVisibleTo(norm)
