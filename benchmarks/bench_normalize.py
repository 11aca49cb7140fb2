"""Normalization of 60,000 images vs a single np.divide(x, 255, out=..., dtype=float32).

Goal (issue 4): every method within 1.3x of that baseline, measured side by
side in this process (interleaved runs, medians).
"""

from __future__ import annotations

import numpy as np
from _common import interleaved, tiled_sample

from mnist_desktop.core.processing.normalize import NormParams, normalize

GOAL = 1.3


def main() -> int:
    x, _ = tiled_sample(60000)
    x = np.ascontiguousarray(x)
    out = np.empty(x.shape, np.float32)
    methods = {
        "scale": NormParams("scale"),
        "zscore": NormParams("zscore").fit(x),
        "minmax (dataset)": NormParams("minmax").fit(x),
        "minmax (image)": NormParams("minmax", scope="image"),
    }
    fns = {"baseline np.divide": lambda: np.divide(x, 255, out=out, dtype=np.float32)}
    for name, p in methods.items():
        fns[name] = lambda p=p: normalize(x, p, out=out)
    times = interleaved(fns, repeat=9)
    base = times["baseline np.divide"]
    print("normalize 60,000 images (uint8 -> float32, preallocated output); medians of 9 runs")
    for name, t in times.items():
        print(f"  {name:20s} {t * 1e3:7.1f} ms  {len(x) / t:12,.0f} images/s  {t / base:5.2f}x baseline")
    # scale is one pass like the baseline; zscore and minmax need a second
    # float pass (numpy has no fused subtract-divide), per-image minmax also
    # two reductions.
    print(f"scale vs baseline: {times['scale'] / base:.2f}x (goal <= {GOAL}x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
