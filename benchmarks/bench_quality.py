"""Suspicious-sample analysis: time, peak memory, and how well it finds planted label errors.

Run: ``.venv/bin/python benchmarks/bench_quality.py [--sizes 10000,60000] [--repeat 3]``

* Quality: 100 labels of the real sample are changed at random; how many of
  them are in the top 100 / top 200 of the ranking, against the baseline
  the issue names (a raw-pixel 10-NN majority vote, measured in the same
  run on the same data).
* Speed and memory on the sample (10,000) and on the sample tiled to 60,000
  (and 70,000). Tiling alone would make every image an exact duplicate of
  five others, so each tile after the first is shifted by one pixel
  (np.roll) and gets +-8 grey levels of noise: no exact duplicates, every
  code path runs at full size. The tiled run measures time and memory only:
  shifted copies are each other's nearest neighbours, so its ranking says
  nothing about quality.

Peak memory is the largest traced numpy/Python allocation (tracemalloc)
above what was allocated before the call, in a separate run from the timing.
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc

import numpy as np

from _common import tiled_sample  # noqa: F401  (also puts the repo on sys.path)

from mnist_desktop import load_dataset
from mnist_desktop.core.quality.neighbours import knn_blocks
from mnist_desktop.core.dataset import Dataset, Split
from mnist_desktop.core.quality.report import analyze

SHIFTS = [(0, 0), (0, 1), (1, 0), (0, -1), (-1, 0), (1, 1), (-1, -1)]


def one_split(images: np.ndarray, labels: np.ndarray) -> Dataset:
    return Dataset("bench", "bench", {"test": Split("test", images, labels)},
                   tuple(str(i) for i in range(10)), "bench")


def tiled(n: int) -> Dataset:
    ds = load_dataset("sample")
    rng = np.random.default_rng(0)
    tiles, labels = [], []
    for t in range(-(-n // len(ds))):
        img = np.roll(ds.images, SHIFTS[t % len(SHIFTS)], axis=(1, 2)).astype(np.int16)
        if t:
            img += rng.integers(-8, 9, img.shape, dtype=np.int16)
        tiles.append(np.clip(img, 0, 255).astype(np.uint8))
        labels.append(ds.labels)
    return one_split(np.concatenate(tiles)[:n], np.concatenate(labels)[:n])


def raw_knn_ranking(ds: Dataset, k: int = 10) -> np.ndarray:
    """Baseline: fraction of the 10 raw-pixel nearest neighbours that disagree with the label."""
    x = ds.images.reshape(len(ds), -1).astype(np.float32) / 255
    y = ds.labels
    disagree = np.empty(len(ds))
    for start, stop, idx, _ in knn_blocks(x, k):
        disagree[start:stop] = (y[idx] != y[start:stop, None]).mean(1)
    return np.lexsort((np.arange(len(ds)), -disagree))


def planted_quality(n_flips: int = 100) -> None:
    ds = load_dataset("sample")
    rng = np.random.default_rng(7)
    flips = rng.choice(len(ds), n_flips, replace=False)
    labels = ds.labels.copy()
    labels[flips] = (labels[flips] + rng.integers(1, 10, n_flips)) % 10
    noisy = one_split(ds.images, labels)
    t0 = time.perf_counter()
    report = analyze(noisy)
    t_ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    base = raw_knn_ranking(noisy)
    t_base = time.perf_counter() - t0
    planted = set(flips.tolist())
    print(f"planted label errors: {n_flips} random labels of the 10,000-image sample changed")
    for top in (100, 200):
        ours = len(planted & set(report.order[:top].tolist()))
        theirs = len(planted & set(base[:top].tolist()))
        print(f"  found in top {top}: ours {ours}/{n_flips}, raw-pixel 10-NN vote {theirs}/{n_flips}")
    right = sum(int(report.suggested[i]) == int(ds.labels[i]) for i in flips)
    print(f"  suggested label = original label for {right}/{n_flips} planted errors")
    print(f"  time: ours {t_ours:.1f} s, baseline {t_base:.1f} s (ratio {t_ours / t_base:.2f})")


def speed(n: int, repeat: int) -> None:
    ds = load_dataset("sample") if n == 10000 else tiled(n)
    _ = ds.images, ds.labels
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        analyze(ds)
        times.append(time.perf_counter() - t0)
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    report = analyze(ds)
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    kind = "sample" if n == 10000 else "tiled sample, shifted + noise"
    print(f"{n:>6,} images ({kind}): median {statistics.median(times):.1f} s of {repeat} "
          f"(min {min(times):.1f}, max {max(times):.1f}); peak memory {peak / 1e6:.0f} MB "
          f"(images {ds.images.nbytes / 1e6:.0f} MB); {report.n_flagged} flagged")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,60000", help="comma-separated image counts")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-quality", action="store_true")
    args = parser.parse_args()
    if not args.skip_quality:
        planted_quality()
    for n in (int(s) for s in args.sizes.split(",")):
        speed(n, args.repeat)


if __name__ == "__main__":
    main()
