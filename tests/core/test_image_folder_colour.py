"""Colour image folders read back the very arrays written, in one array per split (issue 24's memory goal)."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from colour_data import coloured_mnist
from formats_data import image_folder
from mnist_desktop import DatasetError, load_dataset
from mnist_desktop.core.errors import Cancelled


def _rows(x, y):
    """The reader's row order for names img0000..: class by class, then file name."""
    order = np.lexsort((np.arange(len(y)), y))
    return x[order], y[order]


@pytest.mark.parametrize("own", [True, False], ids=["own-encoder", "pillow"])
def test_colour_folder_reads_back_identical(tmp_path, sample_dataset, own):
    x, y = coloured_mnist(sample_dataset, 90, seed=3)
    image_folder(tmp_path / "set" / "train", x[:60], y[:60], own=own)
    image_folder(tmp_path / "set" / "test", x[60:], y[60:], own=own)
    ds = load_dataset(tmp_path / "set")
    assert ds.is_colour and not ds.notes
    for name, part in (("train", slice(0, 60)), ("test", slice(60, 90))):
        want_x, want_y = _rows(x[part], y[part])
        got = ds.splits[name]
        assert got.images.dtype == np.uint8 and got.images.shape == want_x.shape
        assert np.array_equal(got.images, want_x) and np.array_equal(got.labels, want_y)


def test_grey_files_then_one_colour_file_peak_is_the_colour_array(tmp_path, sample_dataset):
    """The grey array read so far is dropped before the RGB one is made (it was alive beside it)."""
    x, y = coloured_mnist(sample_dataset, 600, seed=5)
    grey = np.repeat(x[..., 1:2], 3, axis=3)  # equal channels: read as grey until the last file
    grey[-1] = x[-1]
    image_folder(tmp_path / "a", grey, np.zeros(600, np.int64), own=True)
    load_dataset(tmp_path / "a")  # imports, caches: not what is measured
    tracemalloc.start()
    try:
        ds = load_dataset(tmp_path / "a")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    images = ds.splits["images"].images
    assert np.array_equal(images, grey) and not ds.notes
    assert peak < 1.3 * images.nbytes, f"peak {peak:,} B for {images.nbytes:,} B of images"


def test_colour_folder_progress_cancel_and_a_damaged_file_named(tmp_path, sample_dataset):
    x, y = coloured_mnist(sample_dataset, 600, seed=6)
    image_folder(tmp_path / "a", x, y, own=True)
    seen = []
    load_dataset(tmp_path / "a", progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (600, 600) and len(seen) > 1 and seen == sorted(seen)

    def stop(done, total):
        raise Cancelled("stop")

    with pytest.raises(Cancelled):
        load_dataset(tmp_path / "a", progress=stop)
    victim = sorted((tmp_path / "a" / str(int(y[0]))).iterdir())[0]
    victim.write_bytes(victim.read_bytes()[:60])  # cut inside the image data
    with pytest.raises(DatasetError, match=rf"{victim.name}: cannot be decoded as an image") as err:
        load_dataset(tmp_path / "a")
    assert "\n" not in str(err.value)
