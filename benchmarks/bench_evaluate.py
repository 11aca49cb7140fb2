"""Evaluate: accuracy and time of the baseline, augmentation vs plain, 60,000 training images.

Run: ``.venv/bin/python benchmarks/bench_evaluate.py [--seeds 0,1,2] [--skip-60k] [--skip-sklearn]``

1. The embedded sample (MNIST's 10,000 test images) on its stratified
   half/half hold-out, plain ``scale`` recipe: accuracy and wall/CPU time,
   one run per hold-out seed (medians printed).
2. Augmentation: the recipe of the issue (rotation 12, shift 0.1, zoom
   0.9-1.1, 3 copies) against plain on the same hold-outs, same run.
3. 60,000 training images built from the sample (we have no real training
   images here): the 5,000 images of the hold-out's training half, each as
   12 augmented copies (rotation 10, shift 0.08, zoom 0.9-1.1, seed 1) in
   the train split; the test split is the whole sample (10,000). Accuracy is
   given on all 10,000 and on the 5,000 the training copies never came from
   (the honest number). Then the same set with 4 copies per image
   (240,000 rows): the evaluation trains on its stated cap of 120,000 rows.
4. If scikit-learn is importable: an RBF SVM and a 3-NN on exactly the same
   training and test rows (raw pixels), for perspective.

Times are wall clock on whatever machine runs it (shared: CPU seconds are
printed too); peak memory is the process's maximum resident set size, and
for the 240,000-row case the peak of traced allocations inside evaluate().
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
import tracemalloc

import numpy as np

import _common  # noqa: F401  (puts the repo on sys.path)

from mnist_desktop import AugParams, Recipe, augment_images, evaluate, load_dataset
from mnist_desktop.core.dataset import Dataset, Split
from mnist_desktop.core.evaluate.plan import holdout_sides, plan_rows
from mnist_desktop.core.processing.pipeline import process_rows

AUG = Recipe(augment=AugParams(rotation=12, translate=0.1, scale=(0.9, 1.1), copies=3))


def timed(fn):
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - t0, time.process_time() - c0


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def sample_runs(ds: Dataset, seeds: list[int]) -> None:
    print("== sample hold-out (5,000 train / 5,000 test per seed) ==")
    rows = []
    for seed in seeds:
        plain, tp, cp = timed(lambda seed=seed: evaluate(ds, seed=seed))
        aug, ta, ca = timed(lambda seed=seed: evaluate(ds, AUG, seed=seed))
        rows.append((plain.accuracy, tp, cp, aug.accuracy, ta, ca))
        print(f"seed {seed}: plain {plain.accuracy:.4f} ({plain.n_train:,} rows, {tp:.1f} s wall, {cp:.1f} s CPU)"
              f" | augmented {aug.accuracy:.4f} ({aug.n_train:,} rows, {ta:.1f} s wall, {ca:.1f} s CPU)"
              f" | difference {100 * (aug.accuracy - plain.accuracy):+.2f} points")
    med = [statistics.median(r[i] for r in rows) for i in range(6)]
    wins = sum(r[3] > r[0] for r in rows)
    print(f"median: plain {med[0]:.4f} in {med[1]:.1f} s ({med[2]:.1f} s CPU); augmented {med[3]:.4f} in "
          f"{med[4]:.1f} s ({med[5]:.1f} s CPU); augmented higher on {wins} of {len(rows)} hold-outs")


def built_60k(ds: Dataset, copies_per_image: int = 12) -> tuple[Dataset, np.ndarray]:
    """Train split: augmented copies of the hold-out's training half; test split: the whole sample."""
    s = ds.splits["test"]
    train_half = np.flatnonzero(holdout_sides(s.labels, 0))
    src = np.repeat(train_half, copies_per_image)
    x = augment_images(s.images[src], rotation=10, translate=0.08, scale=(0.9, 1.1), seed=1,
                       indices=np.arange(len(src)))
    x = np.rint(np.clip(x, 0, 1) * 255).astype(np.uint8)
    big = Dataset("mnist", "60k from the sample", {"train": Split("train", x, s.labels[src]),
                                                    "test": Split("test", s.images, s.labels)},
                  ds.class_names, "built-60k")
    return big, train_half


def big_runs(ds: Dataset) -> None:
    print("== 60,000 training images built from the sample -> 10,000 test ==")
    (big, train_half), t_build, _ = timed(lambda: built_60k(ds))
    print(f"built {len(big.splits['train']):,} training images in {t_build:.1f} s")
    r, t, c = timed(lambda: evaluate(big))
    unseen = ~np.isin(r.test_indices - big.offsets["test"], train_half)
    acc_unseen = float((r.y_pred[unseen] == r.y_true[unseen]).mean())
    print(f"plain: accuracy {r.accuracy:.4f} on all 10,000, {acc_unseen:.4f} on the {unseen.sum():,} never "
          f"trained on; {r.n_train:,} rows in {t:.1f} s wall ({c:.1f} s CPU); peak RSS {peak_mb():,.0f} MB")
    four = Recipe(augment=AugParams(rotation=5, copies=4))
    r, t, c = timed(lambda: evaluate(big, four))
    acc_unseen = float((r.y_pred[unseen] == r.y_true[unseen]).mean())
    print(f"x4 copies (240,000 rows): {r.holdout.split('; ')[-1]}; accuracy {acc_unseen:.4f} unseen; "
          f"{t:.1f} s wall ({c:.1f} s CPU)")
    # Memory of the evaluation alone (traced numpy allocations above what the data already holds),
    # in a separate run because tracing slows Python down a little.
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    evaluate(big, four)
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    print(f"x4 copies: peak traced memory of evaluate() {peak / 2**20:,.0f} MB "
          f"(the 240,000 processed rows alone would be {240_048 * 784 * 4 / 2**20:,.0f} MB)")


def sklearn_side_by_side(ds: Dataset) -> None:
    try:
        from sklearn.neighbors import KNeighborsClassifier
        from sklearn.svm import SVC
    except ImportError:
        print("== scikit-learn not installed: side-by-side skipped ==")
        return
    print("== scikit-learn on the same rows (sample hold-out seed 0, plain) ==")
    recipe = Recipe().resolve(ds)
    plan = plan_rows(ds, recipe)
    xtr, ytr = process_rows(ds, plan.train_split, plan.train_indices, plan.train_copies, recipe)
    xte, yte = process_rows(ds, plan.test_split, plan.test_indices, -1, recipe)
    xtr, xte = xtr.reshape(len(xtr), -1), xte.reshape(len(xte), -1)
    ours, t, c = timed(lambda: evaluate(ds))
    print(f"baseline (ours): {ours.accuracy:.4f} in {t:.1f} s wall ({c:.1f} s CPU)")
    for name, model in (("SVC(rbf) raw pixels", SVC()), ("3-NN raw pixels", KNeighborsClassifier(3))):
        acc, t, c = timed(lambda model=model: float((model.fit(xtr, ytr).predict(xte) == yte).mean()))
        print(f"{name}: {acc:.4f} in {t:.1f} s wall ({c:.1f} s CPU)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", default="0,1,2", help="hold-out seeds (comma separated)")
    ap.add_argument("--skip-60k", action="store_true")
    ap.add_argument("--skip-sklearn", action="store_true")
    args = ap.parse_args()
    ds = load_dataset("sample")
    sample_runs(ds, [int(s) for s in args.seeds.split(",")])
    if not args.skip_sklearn:
        sklearn_side_by_side(ds)
    if not args.skip_60k:
        big_runs(ds)


if __name__ == "__main__":
    main()
