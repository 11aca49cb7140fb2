"""Variants of ``check --thorough`` tried for issue 26 (serif 1s), measured side by side.

Run: ``.venv/bin/python benchmarks/bench_thorough_variants.py [--seeds 6] [--cache DIR]``

What is compared (the members are always out of fold on the pipeline's folds):

* pooling of the members' calibrated probabilities: arithmetic mean (before)
  or normalised geometric mean (kept, ``thorough.pool``), and a heavier
  default member;
* training copies of the patch models: +-1 px shifts only (kept), plus
  +-10 degree rotations, plus a thickened / thinned stroke (3x3 cross
  dilation / erosion); scored with test-time averaging over the same copies;
* a k-NN agreement member (the rank-weighted vote of the 10 nearest
  neighbours in deskewed PCA space: same-label neighbours lower the score).

For each: the 15 real errors in the top 50 / 100 (even / odd halves), the
ranks of the three correctly labelled serif 1s, and the realistic planted
benchmark of ``bench_label_errors`` (0.5 % flips, ``--seeds``) on the tuning
(even) and untuned (odd) halves.

Why it is fast enough to run: the patch models' Gram matrices and pooled
features do not depend on the labels, so they are computed once per variant
(cached in ``--cache``) and each labelling costs a few solves; the ranking is
the pipeline's own (``flag_and_rank``).
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from _common import tiled_sample  # noqa: F401  (also puts the repo on sys.path)
from bench_label_errors import REFERENCE, positions
from bench_quality import class_distances, half_metrics, plausible_flips

from mnist_desktop import load_dataset
from mnist_desktop.core.numeric.deskew import deskew
from mnist_desktop.core.numeric.patches import SHIFTS, _solve, _with_bias, learn_filters, patch_features
from mnist_desktop.core.quality.duplicates import exact_groups
from mnist_desktop.core.quality.label_models import confident_ranking, gaussian_cv, knn_vote, softmax_rows, temperature
from mnist_desktop.core.quality.pipeline import QualityParams, Samples, deskewed_pca, flag_and_rank, neighbours
from mnist_desktop.core.quality.ridge import feature_count, fold_groups, ridge_oof
from mnist_desktop.core.quality.thorough import pool

ERRORS = np.array(REFERENCE["indices"])
ONES = np.array(REFERENCE["correct_serif_ones"]["indices"])


def rotate(images: np.ndarray, deg: float) -> np.ndarray:
    """Bilinear rotation of (n, h, w) uint8 about the centre (zero outside)."""
    n, h, w = images.shape
    a = np.deg2rad(deg)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    cy, cx = (h - 1) / 2, (w - 1) / 2
    sy = np.cos(a) * (yy - cy) - np.sin(a) * (xx - cx) + cy
    sx = np.sin(a) * (yy - cy) + np.cos(a) * (xx - cx) + cx
    y0, x0 = np.floor(sy).astype(int), np.floor(sx).astype(int)
    fy, fx = sy - y0, sx - x0
    p = np.pad(images.astype(np.float32), ((0, 0), (1, 2), (1, 2)))

    def at(yi, xi):
        return p[:, np.clip(yi + 1, 0, h + 2), np.clip(xi + 1, 0, w + 2)]

    out = (at(y0, x0) * (1 - fy) * (1 - fx) + at(y0 + 1, x0) * fy * (1 - fx) + at(y0, x0 + 1) * (1 - fy) * fx
           + at(y0 + 1, x0 + 1) * fy * fx)
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)


def _cross(images: np.ndarray, reduce) -> np.ndarray:
    p = np.pad(images, ((0, 0), (1, 1), (1, 1)))
    h, w = images.shape[1:]
    return reduce.reduce([p[:, 1:h + 1, 1:w + 1], p[:, :h, 1:w + 1], p[:, 2:, 1:w + 1], p[:, 1:h + 1, :w],
                          p[:, 1:h + 1, 2:]])


TRANSFORMS = {"r+10": lambda x: rotate(x, 10), "r-10": lambda x: rotate(x, -10),
              "thick": lambda x: _cross(x, np.maximum), "thin": lambda x: _cross(x, np.minimum)}
COPIES = {"shifts": (), "rotation": ("r+10", "r-10"), "stroke": ("thick", "thin")}


class Bench:
    """The sample, its folds, and cached label-independent statistics."""

    def __init__(self, cache: Path) -> None:
        ds = load_dataset("sample")
        self.images, self.labels = ds.images, ds.labels.astype(np.intp)
        self.n = len(self.labels)
        self.copies = exact_groups(self.images.reshape(self.n, -1))
        self.groups = fold_groups(np.zeros(self.n, np.intp), 5, self.copies)
        self.deskewed = np.rint(deskew(self.images) * 255).astype(np.uint8).reshape(self.images.shape)
        self.cache = cache
        cache.mkdir(parents=True, exist_ok=True)
        self._base: dict[bytes, dict] = {}

    def patch_stats(self, view: str, seed: int, copies: str) -> dict:
        """Per-group Gram matrices, per-sample sum of training-copy features, mean of scoring copies."""
        path = self.cache / f"{view}_{seed}_{copies}.npz"
        if path.exists():
            return dict(np.load(path))
        t0 = time.process_time()
        x0 = self.images if view == "pixels" else self.deskewed
        filters = learn_filters(x0, 128, 5, seed=seed)
        _, inverse = np.unique(self.groups, return_inverse=True)
        order = np.argsort(inverse, kind="stable")
        d = filters.count * 16 + 1
        grams = np.zeros((inverse.max() + 1, d, d), np.float32)
        total = np.zeros((self.n, d), np.float32)
        views = [(x0, SHIFTS)] + [(TRANSFORMS[t](x0), ((0, 0),)) for t in COPIES[copies]]
        for x, shifts in views:
            for rows, feats in patch_features(x, filters, shifts=shifts, order=order):
                f = _with_bias(feats)
                for g in np.unique(inverse[rows]):
                    part = f[:, inverse[rows] == g].reshape(-1, d)
                    grams[g] += part.T @ part
                total[rows] += f.sum(0)
        k = len(SHIFTS) + len(COPIES[copies])
        out = {"grams": grams, "sum": total, "mean": total / k, "cpu": time.process_time() - t0}
        np.savez(path, **out)
        return out

    def patch_probs(self, stats: dict, labels: np.ndarray) -> np.ndarray:
        """Calibrated out-of-fold probabilities of a cached patch model for ``labels``."""
        onehot = np.eye(10, dtype=np.float32)[labels]
        _, inverse = np.unique(self.groups, return_inverse=True)
        ids = range(inverse.max() + 1)
        rhs = np.stack([stats["sum"][inverse == g].T.astype(np.float64) @ onehot[inverse == g] for g in ids])
        total, total_b = stats["grams"].sum(0, dtype=np.float64), rhs.sum(0)
        scores = np.zeros((self.n, 10), np.float32)
        for g in ids:
            w = _solve(total - stats["grams"][g], total_b - rhs[g], 1e-3)
            scores[inverse == g] = stats["mean"][inverse == g] @ w
        return softmax_rows(scores / temperature(scores, labels))

    def base(self, labels: np.ndarray) -> dict:
        """The default model's parts for ``labels`` (features, neighbours, Gaussians, calibrated ridge)."""
        key = labels.tobytes()
        if key not in self._base:
            tick = lambda: None  # noqa: E731
            z, _ = deskewed_pca(self.images, 50, tick)
            nn, nd = neighbours(z, 10, tick)
            scores = ridge_oof(z, labels, 10, self.groups, step=tick, n_features=feature_count(self.n, 2000))
            self._base[key] = {"nn": nn, "nd": nd, "loglik": gaussian_cv(z, labels, 10, self.groups, 0.1, tick),
                               "probs": softmax_rows(scores / temperature(scores, labels))}
        return self._base[key]

    def order(self, probs: np.ndarray, labels: np.ndarray, base: dict) -> np.ndarray:
        samples = Samples(self.images, labels, 10, np.zeros(self.n, np.intp), np.arange(self.n))
        judged = confident_ranking(probs, labels)
        return flag_and_rank(samples, labels, probs, self.copies, judged, base["loglik"],
                             (base["nn"], base["nd"]), QualityParams())["order"]


@dataclasses.dataclass
class Variant:
    name: str
    copies: str = "shifts"
    geometric: bool = True
    base_weight: int = 1
    knn: bool = False

    def probs(self, bench: Bench, labels: np.ndarray) -> np.ndarray:
        base = bench.base(labels)
        members = [base["probs"]] * self.base_weight
        members += [bench.patch_probs(bench.patch_stats(v, s, self.copies), labels)
                    for v, s in (("pixels", 0), ("deskewed", 1))]
        if self.knn:
            members.append(0.9 * knn_vote(labels, base["nn"], 10) + 0.01)
        return pool(members) if self.geometric else np.mean(members, axis=0)


VARIANTS = [Variant("arithmetic mean (before)", geometric=False), Variant("geometric mean (kept)"),
            Variant("geometric, default member x2", base_weight=2),
            Variant("rotation +-10, arithmetic", "rotation", geometric=False),
            Variant("rotation +-10, geometric", "rotation"),
            Variant("stroke thick/thin, arithmetic", "stroke", geometric=False),
            Variant("geometric + k-NN agreement member", knn=True)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=6, help="seeds of the planted benchmark")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "mnist_desktop_thorough_variants")
    args = parser.parse_args()
    bench = Bench(args.cache)
    dist = class_distances(bench.images, bench.labels)
    planted = [plausible_flips(dist, bench.labels, 0.005, s) for s in range(args.seeds)]
    print(f"{'variant':<36} {'top 50/100':>10} {'even/odd':>8}  {'serif 1s':<12} {'tune r@100 r@1%':>16} "
          f"{'untuned r@100 r@1%':>19}")
    for v in VARIANTS:
        pos = positions(bench.order(v.probs(bench, bench.labels), bench.labels, bench.base(bench.labels)))
        r = pos[ERRORS]
        halves = {0: [], 1: []}
        for noisy, flips in planted:
            order = bench.order(v.probs(bench, noisy), noisy, bench.base(noisy))
            for h in (0, 1):
                halves[h].append(half_metrics(order, flips, h))
        m = {h: [statistics.mean(x[k] for x in halves[h]) for k in ("recall@100", "recall@1%")] for h in (0, 1)}
        print(f"{v.name:<36} {int((r < 50).sum()):>4} / {int((r < 100).sum()):<3} "
              f"{int((r[ERRORS % 2 == 0] < 100).sum())}/5 {int((r[ERRORS % 2 == 1] < 100).sum())}/10  "
              f"{', '.join(str(int(p) + 1) for p in pos[ONES]):<12} {m[0][0]:>8.3f} {m[0][1]:.3f} "
              f"{m[1][0]:>11.3f} {m[1][1]:.3f}", flush=True)


if __name__ == "__main__":
    main()
