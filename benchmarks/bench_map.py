"""2-D map: 10-NN label agreement, time and peak memory; umap-learn side by side if installed.

Run: ``.venv/bin/python benchmarks/bench_map.py [--sizes 10000,70000] [--repeat 1] [--gui]``

* Agreement: for every image, do its 10 nearest neighbours *in the 2-D map*
  vote for its own label? Measured on the 10,000-image sample, against PCA to
  2-D in the same run (the issue's baseline: 0.44) and umap-learn when it can
  be imported (it is never a dependency: ``pip install umap-learn`` into a
  throwaway environment to compare).
* Time and memory on the sample and on a 70,000-image set built from it: the
  sample tiled 7 times; every tile after the first has each image shifted by
  its own random (dy, dx) in -2..2 pixels (np.roll) and +-8 grey levels of
  noise, so no two images are exact copies. Its agreement is not reported:
  the shifted copies of an image are its nearest neighbours and share its label.
* Peak memory: the largest traced allocation (tracemalloc: numpy registers
  its buffers) above what was allocated before the call, and the process's
  peak resident size (ru_maxrss), which also counts Python and the data.
* ``--patch-features``: the map of the sample laid out from pooled patch
  features (``core.numeric.patches``: 128 filters, 4x4 pooling, L2-normalised,
  then the same PCA-50) instead of pixels, agreement and CPU side by side
  (issue 26: the map may use them if its agreement improves; measured 0.951
  against 0.954 for pixels at 2x the CPU, so the map keeps the pixels).
* ``--gui``: median frame time while panning the Map dock's scatter of the
  70,000-point map (offscreen Qt, raster painting), against an empty plot in
  the same run.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import time
import tracemalloc

import numpy as np

from _common import tiled_sample  # noqa: F401  (also puts the repo on sys.path)

from mnist_desktop import load_dataset
from mnist_desktop.core.dataset import Dataset, Split
from mnist_desktop.core.map import embed
from mnist_desktop.core.numeric.neighbours import fit_pca, knn_blocks


def one_split(images: np.ndarray, labels: np.ndarray) -> Dataset:
    return Dataset("bench", "bench", {"test": Split("test", images, labels)}, tuple(str(i) for i in range(10)),
                   "bench")


def tiled(n: int) -> Dataset:
    """The sample tiled to ``n`` images; tiles after the first shifted per image and noised."""
    ds = load_dataset("sample")
    rng = np.random.default_rng(0)
    tiles, labels = [ds.images], [ds.labels]
    while sum(len(t) for t in tiles) < n:
        img = ds.images.copy()
        shifts = rng.integers(-2, 3, (len(img), 2))
        for dy in range(-2, 3):
            for dx in range(-2, 3):
                sel = (shifts[:, 0] == dy) & (shifts[:, 1] == dx)
                img[sel] = np.roll(img[sel], (dy, dx), axis=(1, 2))
        noisy = img.astype(np.int16) + rng.integers(-8, 9, img.shape, dtype=np.int16)
        tiles.append(np.clip(noisy, 0, 255).astype(np.uint8))
        labels.append(ds.labels)
    return one_split(np.concatenate(tiles)[:n], np.concatenate(labels)[:n])


def agreement(coords: np.ndarray, labels: np.ndarray, k: int = 10) -> float:
    """Share of points whose k nearest neighbours in ``coords`` vote (majority) for their label."""
    nn = np.concatenate([idx for _, _, idx, _ in knn_blocks(np.ascontiguousarray(coords, np.float32), k)])
    labels = labels.astype(np.int64)
    votes = np.zeros((len(labels), int(labels.max()) + 1))
    np.add.at(votes, (np.repeat(np.arange(len(labels)), k), labels[nn].ravel()), 1)
    return float((votes.argmax(1) == labels).mean())


def pca_2d(ds: Dataset) -> np.ndarray:
    x = ds.images.reshape(len(ds), -1).astype(np.float32) / 255
    return fit_pca(lambda: iter([x]), len(x), 2).transform(x)


def run_ours(ds: Dataset, repeat: int) -> tuple[list[float], list[float], int, int, np.ndarray]:
    """(wall times, CPU times, traced peak bytes, ru_maxrss growth in bytes, coords).

    The first run is traced (tracemalloc: a few large numpy allocations, so
    its overhead is small); ``repeat`` more runs are timed untraced.
    """
    walls, cpus = [], []
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    for i in range(1 + repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        m = embed(ds, cache=False)
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
        if i == 0:
            peak = tracemalloc.get_traced_memory()[1] - base
            tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return walls, cpus, peak, max(rss - rss0, 0), m.coords


def run_umap(ds: Dataset) -> tuple[float, float, np.ndarray] | None:
    try:
        import umap  # noqa: PLC0415  (optional: only for this comparison)
    except ImportError:
        return None
    x = ds.images.reshape(len(ds), -1).astype(np.float32) / 255
    t0, c0 = time.perf_counter(), time.process_time()
    y = umap.UMAP(n_neighbors=15, min_dist=0.1).fit_transform(x)
    return time.perf_counter() - t0, time.process_time() - c0, y


def report_size(n: int, repeat: int, with_umap: bool, gui: bool) -> None:
    ds = load_dataset("sample") if n == 10000 else tiled(n)
    _ = ds.images, ds.labels, ds.split_codes
    times, cpus, peak, rss, coords = run_ours(ds, repeat)
    kind = "the sample" if n == 10000 else "tiled sample, shifted + noise"
    print(f"{n:>6,} images ({kind}): wall median {statistics.median(times):.1f} s of {len(times)} "
          f"(min {min(times):.1f}), CPU {statistics.median(cpus):.1f} s, load average now "
          f"{os.getloadavg()[0]:.1f}; peak traced {peak / 1e6:.0f} MB, peak RSS growth {rss / 1e6:.0f} MB "
          f"(images {ds.images.nbytes / 1e6:.0f} MB)")
    if gui and n != 10000:
        gui_frame_time(ds, coords)
    if n != 10000:
        return
    ours = agreement(coords, ds.labels)
    print(f"  10-NN label agreement in 2-D: ours {ours:.3f}, PCA to 2-D {agreement(pca_2d(ds), ds.labels):.3f}")
    if with_umap:
        got = run_umap(ds)
        if got is None:
            print("  umap-learn: not installed (pip install umap-learn in a throwaway environment to compare)")
        else:
            t, c, y = got
            print(f"  umap-learn: wall {t:.1f} s, CPU {c:.1f} s (first call: numba compiles), agreement "
                  f"{agreement(y, ds.labels):.3f}; wall ratio ours/umap {statistics.median(times) / t:.2f}")


def pan_frame_times(coords: np.ndarray, labels: np.ndarray, frames: int) -> tuple[list[float], list[float]]:
    """(wall, CPU) seconds per frame: pan the Map dock's plot by 1 % and repaint it synchronously."""
    from PySide6.QtWidgets import QApplication  # noqa: PLC0415

    from mnist_desktop.core.palette import CLASS_COLORS  # noqa: PLC0415
    from mnist_desktop.gui.map.controller import brushes_for  # noqa: PLC0415
    from mnist_desktop.gui.map.panel import MapPanel  # noqa: PLC0415

    app = QApplication.instance() or QApplication([])
    panel = MapPanel()
    panel.resize(1200, 900)
    panel.show()
    plot = panel.plot
    order = np.random.default_rng(0).permutation(len(coords))
    plot.show_points(coords, order, brushes_for(CLASS_COLORS)[labels % 10], fit=True)
    app.processEvents()
    plot.repaint()
    times, cpus = [], []
    for i in range(frames):
        (x0, x1), _ = plot.box.viewRange()
        t0, c0 = time.perf_counter(), time.process_time()
        plot.box.translateBy(x=(x1 - x0) * (0.01 if (i // 20) % 2 == 0 else -0.01))
        plot.viewport().repaint()
        times.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    panel.close()
    return times, cpus


def gui_frame_time(ds: Dataset, coords: np.ndarray, frames: int = 60) -> None:
    """Median frame time when panning the map of ``ds``, against an empty plot in the same run."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with_points, cpu = pan_frame_times(coords, ds.labels, frames)
    empty, _ = pan_frame_times(np.zeros((0, 2), np.float32), np.zeros(0, np.uint8), frames)
    print(f"pan the Map dock (1200 x 900, offscreen raster), {len(coords):,} points: median frame "
          f"{statistics.median(with_points) * 1e3:.1f} ms wall, {statistics.median(cpu) * 1e3:.1f} ms CPU "
          f"(95th percentile wall {np.percentile(with_points, 95) * 1e3:.1f} ms); empty plot "
          f"{statistics.median(empty) * 1e3:.1f} ms")


def patch_features_map() -> None:
    """10-NN agreement of the sample's map from pixels and from pooled patch features."""
    import importlib

    from mnist_desktop.core.numeric.patches import learn_filters, patch_features

    E = importlib.import_module("mnist_desktop.core.map.embed")
    ds = load_dataset("sample")
    own = E._features
    for name in ("pixels", "patch features"):
        c0 = time.process_time()
        if name != "pixels":
            filters = learn_filters(ds.images, 128, 5, seed=0)
            f = np.empty((len(ds), filters.count * 16), np.float32)
            for rows, feats in patch_features(ds.images, filters, grid=4):
                f[rows] = feats[0]
            f /= np.maximum(np.linalg.norm(f, axis=1, keepdims=True), 1e-12)
            E._features = lambda _ds, _recipe, rows, f=f: f[rows]
        try:
            coords = E.embed(ds, cache=False).coords
        finally:
            E._features = own
        print(f"  map from {name}: 10-NN agreement {agreement(coords, ds.labels):.4f}, "
              f"{time.process_time() - c0:.1f} s CPU")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,70000", help="comma-separated image counts")
    parser.add_argument("--repeat", type=int, default=0,
                        help="extra untraced runs per size (the first run is traced for memory)")
    parser.add_argument("--no-umap", action="store_true", help="skip umap-learn even if installed")
    parser.add_argument("--gui", action="store_true", help="also measure the frame time when panning")
    parser.add_argument("--patch-features", action="store_true", help="also map from pooled patch features")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    if args.patch_features:
        patch_features_map()
    for n in (int(s) for s in args.sizes.split(",")):
        report_size(n, args.repeat, not args.no_umap, args.gui)


if __name__ == "__main__":
    main()
