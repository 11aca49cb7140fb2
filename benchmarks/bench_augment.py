"""Augmentation throughput (images/s) against other libraries, side by side.

Ours: 60,000 images (the sample tiled), random affine (rotation, translation,
scale, shear) and elastic distortion (alpha 34, sigma 4). Baselines, each only
if importable (none is a dependency): torch ``affine_grid`` + ``grid_sample``
in batches of 1,000; Albumentations ``Affine`` / ``ElasticTransform`` per
image; scipy.ndimage per image (``affine_transform``; ``gaussian_filter`` x2 +
``map_coordinates``). Per-image baselines run on a subset and are quoted in
images/s. Goals (issue 4): affine >= 1.5x torch and >= 10x Albumentations;
elastic >= 8x scipy.
"""

from __future__ import annotations

import numpy as np
from _common import median_time, tiled_sample

from mnist_desktop.core.processing.aug_params import AugParams
from mnist_desktop.core.processing.augment import augment_batch

N = 60000
SUBSET = 2000
AFFINE = AugParams(rotation=15, translate=0.1, scale=(0.9, 1.1), shear=10)
ELASTIC = AugParams(elastic_alpha=34, elastic_sigma=4)


def rate(fn, n: int, repeat: int = 3) -> float:
    """Median images/s of fn() over ``repeat`` runs (after one warm-up)."""
    return n / median_time(fn, repeat=repeat)


def torch_affine(x: np.ndarray):
    try:
        import torch
        import torch.nn.functional as F
    except ImportError:
        return None
    t = torch.from_numpy(x.astype(np.float32) / 255).unsqueeze(1)
    rng = np.random.default_rng(0)
    a = np.deg2rad(rng.uniform(-15, 15, len(x)))
    s = rng.uniform(0.9, 1.1, len(x))
    theta = np.zeros((len(x), 2, 3), np.float32)
    cos, sin = np.cos(a) / s, np.sin(a) / s
    theta[:, 0, 0], theta[:, 0, 1], theta[:, 1, 0], theta[:, 1, 1] = cos, -sin, sin, cos
    theta[:, :, 2] = rng.uniform(-0.2, 0.2, (len(x), 2))
    theta = torch.from_numpy(theta)

    def run():
        for i in range(0, len(x), 1000):
            grid = F.affine_grid(theta[i:i + 1000], (min(1000, len(x) - i), 1, 28, 28), align_corners=False)
            F.grid_sample(t[i:i + 1000], grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    return run


def albumentations(x: np.ndarray, elastic: bool):
    try:
        import albumentations as A
    except ImportError:
        return None
    tf = (A.ElasticTransform(alpha=34, sigma=4, p=1) if elastic else
          A.Affine(rotate=(-15, 15), translate_percent=(-0.1, 0.1), scale=(0.9, 1.1), shear=(-10, 10), p=1))
    return lambda: [tf(image=img)["image"] for img in x]


def scipy_affine(x: np.ndarray):
    try:
        import scipy.ndimage as ndi
    except ImportError:
        return None
    rng = np.random.default_rng(0)

    def run():
        for img in x:
            a = np.deg2rad(rng.uniform(-15, 15))
            m = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]]) / rng.uniform(0.9, 1.1)
            c = np.array([13.5, 13.5])
            ndi.affine_transform(img.astype(np.float32) / 255, m, c - m @ c + rng.uniform(-2.8, 2.8, 2), order=1)
    return run


def scipy_elastic(x: np.ndarray):
    try:
        import scipy.ndimage as ndi
    except ImportError:
        return None
    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[:28, :28].astype(np.float32)

    def run():
        for img in x:
            dx = ndi.gaussian_filter(rng.uniform(-1, 1, (28, 28)).astype(np.float32), 4) * 34
            dy = ndi.gaussian_filter(rng.uniform(-1, 1, (28, 28)).astype(np.float32), 4) * 34
            ndi.map_coordinates(img.astype(np.float32) / 255, [yy + dy, xx + dx], order=1)
    return run


def main() -> int:
    x, _ = tiled_sample(N)
    x = np.ascontiguousarray(x)
    sub = x[:SUBSET]
    idx = np.arange(N)
    out = np.empty(x.shape, np.float32)
    ours_affine = rate(lambda: augment_batch(x, AFFINE, seed=1, indices=idx, out=out), N)
    ours_elastic = rate(lambda: augment_batch(x, ELASTIC, seed=1, indices=idx, out=out), N)
    print(f"augmentation, medians of 3 runs; ours on {N:,} images, per-image baselines on {SUBSET:,}")
    print(f"  ours affine          {ours_affine:10,.0f} images/s")
    print(f"  ours elastic         {ours_elastic:10,.0f} images/s")
    rows = [("torch affine_grid+grid_sample", torch_affine(x), N, ours_affine, 1.5),
            ("albumentations Affine", albumentations(sub, False), SUBSET, ours_affine, 10),
            ("scipy affine_transform", scipy_affine(sub), SUBSET, ours_affine, None),
            ("albumentations ElasticTransform", albumentations(sub, True), SUBSET, ours_elastic, None),
            ("scipy elastic (gaussian+map_coordinates)", scipy_elastic(sub), SUBSET, ours_elastic, 8)]
    for name, fn, n, ours, goal in rows:
        if fn is None:
            print(f"  {name:42s} not installed, skipped")
            continue
        r = rate(fn, n)
        verdict = "" if goal is None else f" (goal >= {goal}x: {'met' if ours / r >= goal else 'NOT met'})"
        print(f"  {name:42s} {r:10,.0f} images/s  ours {ours / r:5.1f}x{verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
