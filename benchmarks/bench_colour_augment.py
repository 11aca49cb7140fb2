"""Colour augmentation throughput (images/s) on 50,000 32x32x3 images, against baselines in the same run.

Ours: ``augment_batch`` on a coloured MNIST of 50,000 images (the sample's
digits padded to 32 x 32 and painted with seeded colours, like CIFAR-10's
training set in size), every image with its own keyed random numbers:

- crop+flip: ``crop_padding=4`` (zero) and ``flip=0.5``, the CIFAR recipe;
- jitter: ``ColorJitter(0.4, 0.4, 0.4, 0.1)`` semantics, in a random order per image;
- crop+flip+jitter: both;
- rotation: ``rotation=15`` (bilinear, zero fill; one geometry for the 3 channels).

Baselines, in the same process:

- numpy copy: ``x / 255`` into float32, the conversion any pipeline makes
  (the floor: how close to touching the data once we are);
- plain numpy per image: the same crop, flip and brightness/contrast/saturation
  written the obvious way, one image at a time (what a training script does
  in a ``Dataset.__getitem__``), on a subset;
- Albumentations (per image, ``PadIfNeeded + RandomCrop + HorizontalFlip +
  ColorJitter`` and ``Rotate``), on a subset, only if importable;
- torchvision.transforms.v2 only if importable: on batched tensors (which
  draws ONE set of random parameters per batch, so it does less than we do)
  on 10,000 images and per image (a fair per-image comparison) on a subset; with torch's
  threads set to ours and again with 1 thread (its best on a busy 2-core
  machine, where its OpenMP threads wait for each other at every operation).

Neither library is a dependency: run this script in a throwaway venv that has
them, with ``PYTHONPATH`` at the repository. Goal (issue 24): at least parity
with torchvision, >= 10x Albumentations. Medians of 3 runs.
"""

from __future__ import annotations

import os

import numpy as np
from _common import median_time

from mnist_desktop.core.processing.aug_params import AugParams
from mnist_desktop.core.processing.augment import THREADS, augment_batch

N = 50000
SUBSET = 2000
#: Images for torchvision on batches (its float tensor copy of all 50,000 would take 600 MB).
TORCH_BATCHED = 10000
CROP_FLIP = AugParams(crop_padding=4, flip=0.5)
JITTER = AugParams(jitter_brightness=0.4, jitter_contrast=0.4, jitter_saturation=0.4, jitter_hue=0.1)
ALL = AugParams(crop_padding=4, flip=0.5, jitter_brightness=0.4, jitter_contrast=0.4, jitter_saturation=0.4,
                jitter_hue=0.1)
ROTATION = AugParams(rotation=15)


def colour_images(n: int) -> np.ndarray:
    """(n, 32, 32, 3) uint8: the sample's digits tiled, padded to 32 x 32, painted with seeded colours."""
    from mnist_desktop import load_dataset

    grey = np.asarray(load_dataset("sample").images)
    grey = np.pad(np.tile(grey, (-(-n // len(grey)), 1, 1))[:n], ((0, 0), (2, 2), (2, 2)))
    rng = np.random.default_rng(0)
    fg = rng.integers(128, 256, (n, 1, 1, 3)).astype(np.float32)
    bg = rng.integers(0, 100, (n, 1, 1, 3)).astype(np.float32)
    a = grey[..., None].astype(np.float32) / 255
    return np.rint(bg * (1 - a) + fg * a).astype(np.uint8)


def rate(fn, n: int, repeat: int = 3) -> float:
    return n / median_time(fn, repeat=repeat)


def numpy_per_image(x: np.ndarray):
    """Crop (pad 4), flip and brightness/contrast/saturation jitter, one image at a time."""
    rng = np.random.default_rng(0)
    weights = np.array([0.2989, 0.587, 0.114], np.float32)

    def one(img):
        t = np.pad(img.astype(np.float32) / 255, ((4, 4), (4, 4), (0, 0)))
        dy, dx = rng.integers(0, 9, 2)
        t = t[dy:dy + 32, dx:dx + 32]
        if rng.random() < 0.5:
            t = t[:, ::-1]
        t = np.clip(t * rng.uniform(0.6, 1.4), 0, 1)
        f = rng.uniform(0.6, 1.4)
        t = np.clip(f * t + (1 - f) * (t @ weights).mean(), 0, 1)
        f = rng.uniform(0.6, 1.4)
        return np.clip(f * t + (1 - f) * (t @ weights)[..., None], 0, 1)
    return lambda: [one(img) for img in x]


def albumentations(x: np.ndarray, rotation: bool):
    try:
        import albumentations as A
        import cv2
    except ImportError:
        return None
    cv2.setNumThreads(THREADS)
    tf = (A.Rotate(limit=15, border_mode=cv2.BORDER_CONSTANT, p=1) if rotation else
          A.Compose([A.PadIfNeeded(40, 40, border_mode=cv2.BORDER_CONSTANT), A.RandomCrop(32, 32),
                     A.HorizontalFlip(p=0.5), A.ColorJitter(0.4, 0.4, 0.4, 0.1, p=1)]))
    return lambda: [tf(image=img)["image"] for img in x]


def torchvision(x: np.ndarray, rotation: bool, batched: bool, threads: int = THREADS):
    try:
        import torch
        from torchvision.transforms import v2
    except ImportError:
        return None

    def set_threads(fn):
        def run():
            torch.set_num_threads(threads)
            return fn()
        return run
    tf = (v2.RandomRotation(15) if rotation else
          v2.Compose([v2.RandomCrop(32, padding=4), v2.RandomHorizontalFlip(), v2.ColorJitter(0.4, 0.4, 0.4, 0.1)]))
    t = torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2))).float() / 255
    if batched:
        return set_threads(lambda: [tf(t[i:i + 256]) for i in range(0, len(t), 256)])
    return set_threads(lambda: [tf(img) for img in t])


def main() -> int:
    x = colour_images(N)
    sub = x[:SUBSET]
    idx = np.arange(N)
    out = np.empty(x.shape, np.float32)
    print(f"colour augmentation, {N:,} images 32x32x3, medians of 3 runs, {THREADS} threads "
          f"({os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}); per-image baselines on {SUBSET:,}")
    copy = rate(lambda: np.divide(x, 255, out=out, dtype=np.float32), N)
    print(f"  numpy copy x/255 (floor)                 {copy:10,.0f} images/s")
    ours = {}
    for name, params in (("crop+flip", CROP_FLIP), ("jitter", JITTER), ("crop+flip+jitter", ALL),
                         ("rotation", ROTATION)):
        ours[name] = rate(lambda p=params: augment_batch(x, p, seed=1, indices=idx, out=out), N)
        print(f"  ours {name:36s}{ours[name]:10,.0f} images/s  ({copy / ours[name]:4.1f}x the copy's time)")
    tv = x[:TORCH_BATCHED]
    rows = [("plain numpy per image, crop+flip+jitter", lambda: numpy_per_image(sub), SUBSET, "crop+flip+jitter",
             None),
            ("albumentations crop+flip+jitter", lambda: albumentations(sub, False), SUBSET, "crop+flip+jitter", 10),
            ("albumentations Rotate", lambda: albumentations(sub, True), SUBSET, "rotation", 10)]
    # torch's OpenMP threads wait for each other at every operation: on a loaded 2-core machine
    # 2 threads measured 2-5x slower than 1, so torch also gets its best case, 1 thread
    for threads in sorted({THREADS, 1}, reverse=True):
        rows += [(f"torchvision v2 {name} (torch {threads} thread{'s' * (threads > 1)})",
                  lambda a=images, r=rot, b=batched, t=threads: torchvision(a, r, b, t), len(images), case, 1)
                 for name, images, rot, batched, case in (
                     ("batched crop+flip+jitter", tv, False, True, "crop+flip+jitter"),
                     ("batched rotation", tv, True, True, "rotation"),
                     ("per image crop+flip+jitter", sub, False, False, "crop+flip+jitter"),
                     ("per image rotation", sub, True, False, "rotation"))]
    for name, make, n, case, goal in rows:
        fn = make()  # built one at a time: a batched torch copy of the images is 600 MB
        if fn is None:
            print(f"  {name:58s} not installed, skipped")
            continue
        r = rate(fn, n)
        verdict = "" if goal is None else f" (goal >= {goal}x: {'met' if ours[case] / r >= goal else 'NOT met'})"
        print(f"  {name:58s} {r:10,.0f} images/s  ours {ours[case] / r:6.1f}x{verdict}")
    print(f"  load average at the end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
