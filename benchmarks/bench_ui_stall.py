"""Longest event-loop stalls: exporting from the dialog, switching the normalization, opening the dialog.

Part 1: the export dialog exports the whole sample.
Part 2 (issue 22): on a 60,000-image dataset (the sample tiled), switching the
normalization to z-score / min-max (statistics over 60,000 images) and opening
the export dialog; baseline: the same computations on the UI thread, as the
code did before (statistics in the slot, estimate re-resolving the recipe).

Target (issue 6): under 50 ms. A QTimer ticks every 5 ms on the UI thread; the
longest gap between ticks while the export runs is the worst freeze a user
could feel. Baseline in the same process: the same export run on the UI
thread (the stall is then the whole export).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import _common  # noqa: E402,F401  (puts the repo on sys.path)
from PySide6.QtCore import QEventLoop, QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


def measure(app, window, dialog_setup, run_in_ui: bool = False) -> tuple[float, float]:
    from mnist_desktop.core.export.exporter import export

    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick():
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer(interval=5)
    timer.timeout.connect(tick)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "x.npz"
        t0 = time.perf_counter()
        timer.start()
        if run_in_ui:
            app.processEvents()
            export(window.dataset, window.recipe.model.recipe, out, "npz")
            app.processEvents()
            tick()
        else:
            dialog = dialog_setup(out)
            loop = QEventLoop()
            dialog.job.finished.connect(loop.quit)
            loop.exec()
            assert dialog.outcome == "done", dialog.outcome
            dialog.close()
        timer.stop()
        elapsed = time.perf_counter() - t0
    return max(gaps), elapsed


def main() -> None:
    app = QApplication.instance() or QApplication([])
    from mnist_desktop.gui.main_window import MainWindow

    with tempfile.TemporaryDirectory() as tmp:
        window = MainWindow(QSettings(str(Path(tmp) / "s.ini"), QSettings.Format.IniFormat))
        window.resize(1400, 900)
        window.show()
        loop = QEventLoop()
        window.dataset_loaded.connect(loop.quit)
        window.open_source("sample")
        loop.exec()

        def dialog_setup(out):
            d = window.recipe.open_export_dialog()
            d.path.setText(str(out))
            d.start()
            return d

        measure(app, window, dialog_setup)  # warm-up: first dialog, first imports
        for name, copies in (("scale, 1 copy (10,000 rows)", 0), ("affine + elastic, 3 copies (30,000 rows)", 3)):
            panel = window.recipe.augment_panel
            panel.copies.setValue(max(copies, 1))
            panel.groups["affine"].setChecked(copies > 0)
            panel.groups["elastic"].setChecked(copies > 0)
            stalls = [measure(app, window, dialog_setup) for _ in range(3)]
            base = measure(app, window, dialog_setup, run_in_ui=True)
            worst = statistics.median(s for s, _ in stalls)
            print(f"{name}: export {statistics.median(e for _, e in stalls):.2f} s in a worker, "
                  f"longest UI stall {worst * 1e3:.0f} ms (median of 3; max {max(s for s, _ in stalls) * 1e3:.0f} ms); "
                  f"on the UI thread the stall would be {base[0] * 1e3:.0f} ms")
        print(f"RESULT longest_ui_stall_ms={max(s for s, _ in stalls) * 1e3:.0f}")
        big_dataset_stalls(app, window)
        window.close()


def _tiled(window, n: int = 60_000):
    import numpy as np

    from mnist_desktop.core.dataset import Dataset, Split

    test = window.dataset.splits["test"]
    reps = -(-n // len(test))
    images = np.tile(test.images, (reps, 1, 1))[:n]
    labels = np.tile(test.labels, reps)[:n]
    return Dataset("tiled", "sample x6", {"train": Split("train", images, labels)}, window.dataset.class_names,
                   "tiled")


def _longest_gap(app, start, done, timeout: float = 60.0) -> float:
    """Longest gap between 5 ms ticks from ``start()`` until ``done()`` is true."""
    gaps, last = [0.0], [time.perf_counter()]

    def tick():
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer(interval=5)
    timer.timeout.connect(tick)
    timer.start()
    app.processEvents()
    last[0] = time.perf_counter()
    start()
    t_end = time.perf_counter() + timeout
    while not done() and time.perf_counter() < t_end:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
    tick()
    timer.stop()
    return max(gaps)


def big_dataset_stalls(app, window) -> None:
    from mnist_desktop.core.export.estimate import estimate
    from mnist_desktop.core.processing.statistics import NormStatistics
    from mnist_desktop.gui.recipe.normalize_panel import CHOICES

    choice = {(method, scope): i for i, (_, method, scope) in enumerate(CHOICES)}
    zscore, minmax, scale = choice["zscore", None], choice["minmax", "dataset"], choice["scale", None]

    ds = _tiled(window)
    window.set_dataset(ds)
    norm = window.recipe.normalize_panel
    computing = lambda: norm.source.text().startswith("Computing")  # noqa: E731
    switch, dialog, base_switch, base_dialog = [], [], [], []
    for _ in range(3):
        for index in (zscore, minmax):  # from the data: new statistics each time
            window.set_dataset(ds)  # a fresh cache: the statistics must be computed again
            switch.append(_longest_gap(app, lambda i=index: norm.method.setCurrentIndex(i),
                                       lambda: not computing() and not window.recipe.busy))
            norm.method.setCurrentIndex(scale)
        window.set_dataset(ds)
        norm.method.setCurrentIndex(zscore)
        holder = {}

        def open_dialog(holder=holder):
            holder["d"] = window.recipe.open_export_dialog()

        dialog.append(_longest_gap(app, open_dialog, lambda holder=holder: "images" in holder["d"].size.text()))
        holder["d"].close()
        recipe = window.recipe.model.recipe
        base_switch.append(_longest_gap(app, lambda r=recipe: NormStatistics(ds).normalization(r), lambda: True))
        base_dialog.append(_longest_gap(app, lambda r=recipe: estimate(ds, r, "npz"), lambda: True))
        norm.method.setCurrentIndex(scale)
    med = statistics.median
    print(f"60,000 images: switching the normalization: longest UI stall {med(switch) * 1e3:.0f} ms "
          f"(median of {len(switch)}; max {max(switch) * 1e3:.0f} ms); statistics on the UI thread "
          f"(before): {med(base_switch) * 1e3:.0f} ms")
    print(f"60,000 images: opening the export dialog (z-score): longest UI stall {med(dialog) * 1e3:.0f} ms "
          f"(median of {len(dialog)}; max {max(dialog) * 1e3:.0f} ms); estimate on the UI thread (before): "
          f"{med(base_dialog) * 1e3:.0f} ms")
    print(f"RESULT normalization_switch_stall_ms={med(switch) * 1e3:.0f} "
          f"export_dialog_stall_ms={med(dialog) * 1e3:.0f} "
          f"ratio_vs_ui_thread={med(switch) / med(base_switch):.2f},{med(dialog) / med(base_dialog):.2f}")


if __name__ == "__main__":
    main()
