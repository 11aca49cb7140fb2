"""How far to trust ``check``'s label ranking on colour data: planted label flips, grey vs colour.

Run: ``.venv/bin/python benchmarks/bench_colour_trust.py [--n 5000] [--flips 50] [--seeds 3]
[--kind random|plausible] [--no-clean]``

The colour set is the coloured MNIST the tests use (``tests/colour_data.py``:
each digit of the embedded sample padded to 32 x 32 and painted with its own
random foreground and background colour), so the classes are the digits and
colour carries no label information; the grey set is the same digits, padded
the same way, without colour. The same ``--flips`` labels are changed to
another class (uniformly) in both, and ``analyze`` ranks each set. Printed per
set: how many samples are flagged, how many are flagged "mislabelled" on the
clean set (false alarms), and for the flips: recall among the flagged
samples, precision and recall in the top K (K = the number of flips), recall
in the top 1 %; medians over the seeds. The numbers quoted in the trust note
(``mnist_desktop/core/quality/trust.py``) and the README come from this script.

``--kind plausible`` flips like ``bench_quality.py``'s realistic errors
instead: ambiguous digits (for an independent raw-pixel model fitted on the
grey digits) moved to their second most plausible class, the same flips for
both sets. ``--no-clean`` skips the runs without flips.

The real MNIST label errors in the sample rank high too and count as misses
in the precision: the same for both sets, so compare them.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from mnist_desktop.core.formats.common import build_dataset, make_split
from mnist_desktop.core.formats.load import load_dataset
from mnist_desktop.core.quality.report import analyze


def coloured(grey: np.ndarray, seed: int) -> np.ndarray:
    """tests/colour_data.coloured_mnist's painting: random fg (128..255) and bg (0..99) colour per image."""
    rng = np.random.default_rng(seed)
    n = len(grey)
    fg = rng.integers(128, 256, (n, 1, 1, 3)).astype(np.float32)
    bg = rng.integers(0, 100, (n, 1, 1, 3)).astype(np.float32)
    a = grey[..., None].astype(np.float32) / 255
    return np.rint(bg * (1 - a) + fg * a).astype(np.uint8)


def dataset(images: np.ndarray, labels: np.ndarray, key: str):
    return build_dataset(key, key, {"test": make_split("test", images, labels)}, key, "npz",
                         class_names=tuple(str(d) for d in range(10)))


def flip(labels: np.ndarray, count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1000 + seed)
    where = np.sort(rng.choice(len(labels), count, replace=False))
    out = labels.copy()
    out[where] = (labels[where] + rng.integers(1, 10, count)) % 10
    return out, where


def score(report, planted: np.ndarray) -> dict:
    k, one_pct = len(planted), max(1, len(report) // 100)
    flagged = report.order[:report.n_flagged]
    top_k, top_1 = set(report.order[:k].tolist()), set(report.order[:one_pct].tolist())
    hit = set(planted.tolist())
    return {"flagged": report.n_flagged, "mislabelled": int(report.has_reason("mislabelled").sum()),
            "recall_flagged": len(hit & set(flagged.tolist())) / k, "precision_top_k": len(hit & top_k) / k,
            "recall_top_1pct": len(hit & top_1) / k}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--flips", type=int, default=50)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--kind", choices=("random", "plausible"), default="random")
    ap.add_argument("--no-clean", action="store_true")
    args = ap.parse_args()
    s = load_dataset("sample").splits["test"]
    grey = np.pad(np.asarray(s.images[:args.n]), ((0, 0), (2, 2), (2, 2)))
    labels = np.asarray(s.labels[:args.n], np.int64)
    rows: dict[str, list[dict]] = {"grey": [], "colour": []}
    if not args.no_clean:
        rows.update({"grey clean": [], "colour clean": []})
    if args.kind == "plausible":
        from bench_quality import class_distances, plausible_flips  # benchmarks/ is the script's folder

        dist = class_distances(grey, labels)
    for seed in range(args.seeds):
        if args.kind == "plausible":
            flipped, where = plausible_flips(dist, labels, args.flips / args.n, seed)
        else:
            flipped, where = flip(labels, args.flips, seed)
        colour = coloured(grey, seed)
        for name, images in (("grey", grey), ("colour", colour)):
            t = time.perf_counter()
            rows[name].append(score(analyze(dataset(images, flipped, name)), where))
            rows[name][-1]["seconds"] = time.perf_counter() - t
            if args.no_clean:
                continue
            clean = analyze(dataset(images, labels, name))
            rows[f"{name} clean"].append({"flagged": clean.n_flagged,
                                          "mislabelled": int(clean.has_reason("mislabelled").sum())})
    how = "uniformly" if args.kind == "random" else "to their second most plausible class (ambiguous digits)"
    print(f"{args.n} images, {args.flips} labels flipped {how}, medians of {args.seeds} seeds")
    for name, runs in rows.items():
        med = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
        print(f"  {name:<13} " + "  ".join(f"{key} {value:.3g}" for key, value in med.items()))


if __name__ == "__main__":
    main()
