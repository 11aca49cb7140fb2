"""Small, realistic files in the forms people have MNIST-style data in, built from the sample."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def kaggle_csv(path: Path, x: np.ndarray, y: np.ndarray | None) -> Path:
    """Kaggle digit-recognizer layout: ``label,pixel0,...`` (train.csv) or pixels only (test.csv)."""
    n = x.shape[1] * x.shape[2]
    head = (["label"] if y is not None else []) + [f"pixel{k}" for k in range(n)]
    rows = x.reshape(len(x), -1).astype(int)
    if y is not None:
        rows = np.column_stack([y.astype(int), rows])
    path.write_text(",".join(head) + "\n" + "\n".join(",".join(map(str, r)) for r in rows) + "\n")
    return path


def rowcol_csv(path: Path, x: np.ndarray, y: np.ndarray) -> Path:
    """The "MNIST in CSV" layout: ``label,1x1,1x2,...``."""
    h, w = x.shape[1:]
    head = ["label"] + [f"{r}x{c}" for r in range(1, h + 1) for c in range(1, w + 1)]
    rows = np.column_stack([y.astype(int), x.reshape(len(x), -1).astype(int)])
    path.write_text(",".join(head) + "\n" + "\n".join(",".join(map(str, r)) for r in rows) + "\n")
    return path


def image_folder(root: Path, x: np.ndarray, y: np.ndarray | None, names: list[str] | None = None,
                 ext: str = "png", mode: str = "L", own: bool = False) -> Path:
    """``<class>/<i>.<ext>`` written by Pillow (or images directly in ``root`` when y is None).

    ``x`` grey (N, H, W) is saved in ``mode``; RGB (N, H, W, 3) as RGB. ``own``: PNGs by
    the tool's own encoder (what its export writes) instead of Pillow's.
    """
    from PIL import Image

    from mnist_desktop.core.draw.png import encode_gray, encode_rgb

    for i, img in enumerate(x):
        folder = root if y is None else root / (names[y[i]] if names else str(int(y[i])))
        folder.mkdir(parents=True, exist_ok=True)
        if own:
            (folder / f"img{i:04d}.png").write_bytes(encode_rgb(img) if img.ndim == 3 else encode_gray(img))
            continue
        im = Image.fromarray(img, "RGB" if img.ndim == 3 else "L")
        if mode not in ("L", im.mode):
            im = im.convert(mode)
        im.save(folder / f"img{i:04d}.{ext}", **({"quality": 100} if ext == "jpg" else {}))
    return root


def small_images(sample_dataset, n: int, size: int = 28) -> tuple[np.ndarray, np.ndarray]:
    """n sample digits (optionally shrunk to size x size by 2x2 mean and crop) and their labels."""
    s = sample_dataset.splits["test"]
    x, y = np.ascontiguousarray(s.images[:n]), s.labels[:n].copy()
    if size != 28:
        x = x.reshape(n, 14, 2, 14, 2).mean(axis=(2, 4)).astype(np.uint8)
        pad = size - 14
        x = np.pad(x, ((0, 0), (pad // 2, pad - pad // 2), (pad // 2, pad - pad // 2)))
    return x, y


def letters47(sample_dataset, n: int = 470) -> tuple[np.ndarray, np.ndarray]:
    """47-class data (EMNIST balanced-like): sample images with labels i % 47."""
    x = np.ascontiguousarray(sample_dataset.splits["test"].images[:n])
    return x, (np.arange(n) % 47).astype(np.uint8)
