"""Build an EMNIST-style (balanced, 47 classes) set for the docs screenshot ``docs/emnist.png``.

Classes 0-9 are real digits from the embedded sample; the 37 letter classes
(A-Z and a b d e f g h n q r t, as in EMNIST balanced) are synthesized: each
letter drawn with Pillow's built-in font, then given a seeded random
rotation, zoom, shear and elastic distortion so no two look alike. The files
use EMNIST's names and store every image transposed, as EMNIST does, so the
screenshot shows that the reader puts them upright::

    python docs/emnist_sample.py /tmp/emnist
    mnist-desktop gui --source /tmp/emnist --screenshot docs/emnist.png
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from mnist_desktop import augment_images, load_dataset, write_idx
from mnist_desktop.core.formats.idx_files import emnist_class_names


def letter(ch: str, size: int = 19) -> np.ndarray:
    """One 28 x 28 uint8 glyph, white on black, centred like an EMNIST character."""
    im = Image.new("L", (28, 28), 0)
    draw = ImageDraw.Draw(im)
    font = ImageFont.load_default(size=size)
    box = draw.textbbox((0, 0), ch, font=font, stroke_width=1)
    x, y = (28 - (box[2] - box[0])) / 2 - box[0], (28 - (box[3] - box[1])) / 2 - box[1]
    draw.text((x, y), ch, fill=255, font=font, stroke_width=1, stroke_fill=255)
    return np.asarray(im.filter(ImageFilter.GaussianBlur(0.7)))


def build(n_per_class: int = 100) -> tuple[np.ndarray, np.ndarray]:
    names = emnist_class_names("balanced")
    sample = load_dataset("sample").splits["test"]
    images, labels = [], []
    for k, name in enumerate(names):
        if k < 10:
            x = sample.images[np.flatnonzero(sample.labels == k)[:n_per_class]]
        else:
            base = np.repeat(letter(name)[None], n_per_class, axis=0)
            x = augment_images(base, rotation=12, scale=(0.85, 1.1), shear=10, elastic_alpha=20, elastic_sigma=4,
                               seed=k, indices=np.arange(n_per_class))
            x = np.rint(x * 255).astype(np.uint8)
        images.append(x)
        labels.append(np.full(len(x), k, np.uint8))
    x, y = np.concatenate(images), np.concatenate(labels)
    order = np.random.default_rng(0).permutation(len(x))  # mixed, as the real files are
    return x[order], y[order]


def main(folder: str) -> None:
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    x, y = build()
    write_idx(out / "emnist-balanced-test-images-idx3-ubyte.gz", np.ascontiguousarray(x.transpose(0, 2, 1)))
    write_idx(out / "emnist-balanced-test-labels-idx1-ubyte.gz", y)
    print(f"wrote {len(x):,} images in 47 classes to {out}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "emnist-sample")
