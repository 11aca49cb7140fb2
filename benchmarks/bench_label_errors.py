"""Real and realistic label errors: the default check against ``check --thorough``.

Run: ``.venv/bin/python benchmarks/bench_label_errors.py [--seeds 2] [--sizes 70000] [--skip-planted]``

* Real errors: the 15 MNIST test images that fewer than 3 of 5 reviewers
  called by their label (``real_label_errors.json``, from cleanlab/label-errors),
  ranked by ``analyze`` on the embedded sample (which is that test set): how
  many are in the top 50 and top 100, per half too (even / odd image index:
  the ensemble's members were chosen among a few candidates that all scored
  11-12 of 15, so compare the halves), and the rank of three correctly
  labelled serif 1s that look like 2s to every model. Wall and CPU time
  (``time.process_time``, all threads) of each run, and the load average:
  on the shared 2-core machine wall time is inflated by the load, CPU time
  is not.
* Realistic planted errors (``bench_quality``'s benchmark): labels of ambiguous
  images flipped to an independent raw-pixel model's second choice, rate
  0.5 %, seeds 0..; recall in the top 100 and the top 1 % of each half
  (even indices: the tuning half; odd: untuned).
* ``--sizes``: thorough-mode time and peak resident memory on the sample
  tiled to n images (shifted copies with noise, as in ``bench_quality``).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import resource
import statistics
import time
from pathlib import Path

import numpy as np

from _common import tiled_sample  # noqa: F401  (also puts the repo on sys.path)
from bench_quality import class_distances, half_metrics, one_split, plausible_flips, tiled

from mnist_desktop import load_dataset
from mnist_desktop.core.quality.report import QualityParams, analyze

REFERENCE = json.loads((Path(__file__).parent / "real_label_errors.json").read_text())
MODES = {"default": QualityParams(), "thorough": QualityParams(thorough=True)}


def timed(fn):
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - t0, time.process_time() - c0


def positions(order: np.ndarray) -> np.ndarray:
    where = np.empty(len(order), np.int64)
    where[order] = np.arange(len(order))
    return where


def real_errors() -> None:
    ds = load_dataset("sample")
    errors = np.array(REFERENCE["indices"])
    ones = np.array(REFERENCE["correct_serif_ones"]["indices"])
    print(f"real label errors: {len(errors)} confirmed in the MNIST test set (load average "
          f"{os.getloadavg()[0]:.1f} at the start)")
    print(f"  {'mode':<9} {'top 50':>6} {'top 100':>7} {'even/odd top 100':>17} {'wall s':>7} {'CPU s':>6}  "
          f"serif 1s at rank   ranks of the 15")
    for name, params in MODES.items():
        report, wall, cpu = timed(functools.partial(analyze, ds, params=params))
        pos = positions(report.order)
        r = pos[errors]
        halves = "/".join(str(int((r[errors % 2 == h] < 100).sum())) + f" of {int((errors % 2 == h).sum())}"
                          for h in (0, 1))
        print(f"  {name:<9} {int((r < 50).sum()):>6} {int((r < 100).sum()):>7} {halves:>17} {wall:>7.1f} "
              f"{cpu:>6.1f}  {', '.join(str(int(p) + 1) for p in pos[ones]):<17}  "
              f"{' '.join(str(int(p) + 1) for p in np.sort(r))}")


def planted(seeds: int, rate: float = 0.005) -> None:
    ds = load_dataset("sample")
    images, labels = ds.images, ds.labels.astype(np.intp)
    dist = class_distances(images, labels)
    results = {name: {0: [], 1: []} for name in MODES}
    for seed in range(seeds):
        noisy, flips = plausible_flips(dist, labels, rate, seed)
        for name, params in MODES.items():
            order = analyze(one_split(images, noisy.astype(np.uint8)), params=params).order
            for half in (0, 1):
                results[name][half].append(half_metrics(order, flips, half))
    print(f"realistic planted errors: {rate:.1%} flips to an independent model's second choice, seeds "
          f"0-{seeds - 1}")
    print(f"  {'mode':<9} {'untuned recall@100':>18} {'recall@1%':>9}   {'tuning recall@100':>17} {'recall@1%':>9}")
    for name in MODES:
        m = [{k: statistics.mean(r[k] for r in results[name][h]) for k in ("recall@100", "recall@1%")}
             for h in (1, 0)]
        print(f"  {name:<9} {m[0]['recall@100']:>18.3f} {m[0]['recall@1%']:>9.3f}   "
              f"{m[1]['recall@100']:>17.3f} {m[1]['recall@1%']:>9.3f}")


def size(n: int) -> None:
    ds = tiled(n)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    report, wall, cpu = timed(functools.partial(analyze, ds, params=MODES["thorough"]))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"thorough on {n:,} images (tiled sample): {wall:.0f} s wall, {cpu:.0f} s CPU, load average "
          f"{os.getloadavg()[0]:.1f}; peak RSS {peak / 1024:.0f} MB (before {before / 1024:.0f} MB, images "
          f"{ds.images.nbytes / 1e6:.0f} MB); {report.n_flagged} flagged")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=2, help="seeds of the planted benchmark")
    parser.add_argument("--sizes", default="", help="comma-separated image counts for the thorough timing")
    parser.add_argument("--skip-planted", action="store_true")
    args = parser.parse_args()
    real_errors()
    if not args.skip_planted:
        planted(args.seeds)
    for n in (int(s) for s in args.sizes.split(",") if s):
        size(n)


if __name__ == "__main__":
    main()
