"""Jobs: a finished job (still held as the current one, or by the window) keeps none of its inputs alive."""

from __future__ import annotations

import gc
import weakref

from mnist_desktop.gui.workers import LatestJob


class Data:
    """Stands for a dataset or a previewer: something large a job was given."""


def test_a_finished_job_drops_its_function_and_arguments(qtbot):
    data = Data()
    latest = LatestJob()
    seen = []
    latest.succeeded.connect(seen.append)
    with qtbot.waitSignal(latest.finished, timeout=10000):
        job = latest.start(lambda d, progress=None, cancel=None: id(d), data)
    assert seen == [id(data)] and not job.running  # the job object lives on (signal connections hold it)
    held = weakref.ref(data)
    del data
    gc.collect()
    assert held() is None and job is not None
