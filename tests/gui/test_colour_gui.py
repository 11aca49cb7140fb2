"""A colour dataset (CIFAR-10 python batches of a coloured MNIST) in the real window."""

from __future__ import annotations

import numpy as np

from colour_data import CIFAR10_NAMES, cifar10_python, coloured_mnist


def test_cifar_folder_shows_colour_in_grid_and_detail(window, qtbot, tmp_path, sample_dataset):
    x, y = coloured_mnist(sample_dataset, 60, seed=5)
    cifar10_python(tmp_path, x[:50], y[:50], x[50:], y[50:])
    with qtbot.waitSignal(window.dataset_loaded, timeout=20000):
        window.files.open_paths([tmp_path])
    ds = window.dataset
    assert ds.is_colour and ds.class_names[0] == "airplane"
    assert window.grid.tile == (32, 32) and window.page.shown.text() == "60 of 60 images shown"
    assert np.array_equal(window.grid.tile_pixels(0), x[0])  # the mosaic holds the RGB pixels
    assert np.array_equal(window.grid.tile_pixels(55), x[55])
    window.select_global(52)
    assert np.array_equal(window.detail.image.image, x[52])
    assert f"label {CIFAR10_NAMES[y[52]]}" in window.status.selection_label.text()


def test_suspicious_panel_says_how_far_to_trust_the_ranking_on_colour(window, qtbot, tmp_path, sample_dataset):
    panel = window.quality.panel
    assert not panel.trust.isVisibleTo(panel)  # grey sample: no note
    x, y = coloured_mnist(sample_dataset, 60, seed=5)
    cifar10_python(tmp_path, x[:50], y[:50], x[50:], y[50:])
    with qtbot.waitSignal(window.dataset_loaded, timeout=20000):
        window.files.open_paths([tmp_path])
    assert panel.trust.isVisibleTo(panel)
    text = panel.trust.text()
    assert text.startswith("Colour data: trust this ranking less")
    assert "flagged samples was a planted flip (grey: 1 in" in text
    assert "5,000 images, 1% of the labels flipped" in panel.trust.toolTip()
    with qtbot.waitSignal(window.dataset_loaded, timeout=20000):
        window.open_source("sample")
    assert not panel.trust.isVisibleTo(panel)


def test_hovering_a_colour_tile_reads_its_three_channels(window, qtbot, tmp_path, sample_dataset):
    x, y = coloured_mnist(sample_dataset, 30, seed=5)
    cifar10_python(tmp_path, x[:20], y[:20], x[20:], y[20:])
    with qtbot.waitSignal(window.dataset_loaded, timeout=20000):
        window.files.open_paths([tmp_path])
    window.grid.tile_hovered.emit(0, 3, 4)  # pixel (x=3, y=4) of the first tile
    r, g, b = x[0, 4, 3].tolist()
    assert window.status.hover_label.text().endswith(f"pixel (3, 4) = R {r} G {g} B {b}")
    p = window.recipe
    p.actions["show_processed"].setChecked(True)  # the default recipe: scale, x / 255
    qtbot.waitUntil(lambda: p.last is not None and not p.busy, timeout=20000)
    window.grid.tile_hovered.emit(0, 3, 4)
    expected = " ".join(f"{c} {float(np.float32(v) / np.float32(255)):.4g}" for c, v in zip("RGB", (r, g, b)))
    assert window.status.hover_label.text().endswith(f"= {expected} (processed)")


def test_detail_histogram_has_a_line_per_channel_for_colour_and_one_curve_for_grey(window, qtbot, tmp_path,
                                                                                     sample_dataset):
    detail = window.detail
    window.select_global(0)  # the grey sample: one filled curve, zeros counted per pixel
    image = window.dataset.pixels[0]
    assert detail.hist_curve.isVisible() and not any(c.isVisible() for c in detail.channel_curves)
    assert np.array_equal(detail.hist_curve.yData, np.histogram(image[image > 0], bins=32, range=(1, 256))[0])
    assert detail.hist.titleLabel.text.endswith(f"{int((image == 0).sum())} of 784 pixels are 0")
    x, y = coloured_mnist(sample_dataset, 30, seed=5)
    x[3, :4] = (200, 0, 0)  # a red band: counted in R only, and not black
    cifar10_python(tmp_path, x[:20], y[:20], x[20:], y[20:])
    with qtbot.waitSignal(window.dataset_loaded, timeout=20000):
        window.files.open_paths([tmp_path])
    window.select_global(3)
    assert not detail.hist_curve.isVisible() and [c.isVisible() for c in detail.channel_curves] == [True] * 3
    for channel, curve in enumerate(detail.channel_curves):
        plane = x[3][..., channel]
        assert np.array_equal(curve.yData, np.histogram(plane[plane > 0], bins=32, range=(1, 256))[0])
    black = int((x[3] == 0).all(axis=-1).sum())
    assert f"{black}/1024 pixels black" in detail.hist.titleLabel.text  # pixels, not 3,072 values
    assert "per channel" in detail.hist.getAxis("bottom").labelText
    with qtbot.waitSignal(window.dataset_loaded, timeout=20000):
        window.open_source("sample")
    window.select_global(1)
    assert detail.hist_curve.isVisible() and not any(c.isVisible() for c in detail.channel_curves)


def test_statistics_give_mean_and_std_per_channel_of_the_splits_shown(window, qtbot, tmp_path, sample_dataset):
    stats = window.stats
    assert not stats.channels.isVisibleTo(stats)  # grey sample: no per-channel line
    x, y = coloured_mnist(sample_dataset, 40, seed=7)
    cifar10_python(tmp_path, x[:30], y[:30], x[30:], y[30:])
    with qtbot.waitSignal(window.dataset_loaded, timeout=20000):
        window.files.open_paths([tmp_path])
    assert stats.channels.isVisibleTo(stats)

    def shown_means(text):
        mean = text.split("<br>mean ")[1].split("<br>")[0]
        return [float(part.split("</span> ")[1]) for part in mean.split("<span")[1:]]

    np.testing.assert_allclose(shown_means(stats.channels.text()), x.reshape(-1, 3).mean(axis=0) / 255, atol=5e-5)
    assert "(train, test)" in stats.channels.text()
    window.filter_panel.split_boxes["train"].setChecked(False)  # the test split alone
    np.testing.assert_allclose(shown_means(stats.channels.text()), x[30:].reshape(-1, 3).mean(axis=0) / 255,
                               atol=5e-5)
    assert "(test)" in stats.channels.text()
    with qtbot.waitSignal(window.dataset_loaded, timeout=20000):
        window.open_source("sample")
    assert not stats.channels.isVisibleTo(stats)
