"""The load the ``gui`` command starts before Qt: same result, same errors, and it stops when told."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from mnist_desktop.core.errors import Cancelled, MnistDesktopError
from mnist_desktop.core.view import open_data
from mnist_desktop.core.view.open_data import EarlyLoad, load_for_view


def test_early_load_gives_what_a_load_in_the_window_gives(mnist_folder):
    folder = mnist_folder(test=300, train=600)
    early = EarlyLoad(str(folder))
    seen = []
    ds, means = early.result(progress=lambda d, t: seen.append((d, t)))
    early.close()
    direct, direct_means = load_for_view(str(folder))
    assert not early.running
    assert [len(s) for s in ds.splits.values()] == [len(s) for s in direct.splits.values()] == [600, 300]
    for name in direct.splits:
        assert np.array_equal(ds.splits[name].images, direct.splits[name].images)
        assert np.array_equal(ds.splits[name].labels, direct.splits[name].labels)
    assert np.array_equal(means.means(["train", "test"]), direct_means.means(["train", "test"]))


def test_early_load_error_is_the_loaders_error(tmp_path):
    bad = tmp_path / "t10k-images-idx3-ubyte.gz"
    bad.write_text("<html>not found</html>")
    early = EarlyLoad(str(tmp_path))
    with pytest.raises(MnistDesktopError) as from_early:
        early.result()
    with pytest.raises(MnistDesktopError) as from_direct:
        load_for_view(str(tmp_path))
    assert str(from_early.value) == str(from_direct.value) and str(tmp_path) in str(from_early.value)


def test_cancelling_the_waiting_job_stops_the_early_load(mnist_folder, monkeypatch):
    folder = mnist_folder(test=300)
    started, stopped = threading.Event(), threading.Event()
    real = open_data.load_dataset

    def slow(source, progress=None, **_kwargs):  # a reader that reports progress until told to stop
        started.set()
        try:
            for i in range(2000):
                progress(i, 2000)
                threading.Event().wait(0.005)
        except Cancelled:
            stopped.set()
            raise
        return real(source)

    monkeypatch.setattr(open_data, "load_dataset", slow)
    early = EarlyLoad(str(folder))
    assert started.wait(10)
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        early.result(cancel=cancel)
    early.close(timeout=10)
    assert stopped.is_set() and not early.running


def test_the_early_load_hands_its_data_over_and_keeps_none(mnist_folder):
    """run_app holds the EarlyLoad all session: after result() it must not keep the first dataset alive."""
    import gc
    import weakref

    early = EarlyLoad(str(mnist_folder(test=100)))
    ds, _means = early.result()
    early.close()
    first = weakref.ref(ds)
    del ds, _means
    gc.collect()
    assert first() is None and early is not None
