"""Options shared by several subcommands: ``--source`` (the sample or any supported path), whole numbers."""

from __future__ import annotations

import argparse

SOURCE_HELP = ("'sample' (the embedded MNIST test set) or a file or folder in any supported format: IDX files "
               "(standard names, torchvision's MNIST/raw, EMNIST), a Keras npz, a folder of x_<split>.npy, "
               "a CSV (label,pixel0,... or label,1x1,...; without label column: unlabelled), "
               "an image folder (<class>/*.png|jpg or <split>/<class>/...), CIFAR-10/100 python or binary batches "
               "(or the folder 'download --dataset cifar-10' fills)")

LABELS_HELP = ("which labels to use: fine (default; the dataset's labels, CIFAR-100's 100 classes) or coarse "
               "(CIFAR-100's 20 superclasses; an error for data with one set of labels)")


def add_source_argument(parser: argparse.ArgumentParser, *, default: str | None = "sample",
                        labels: bool = True) -> None:
    """``--source`` and, unless ``labels`` is false, ``--labels fine|coarse`` (CIFAR-100's two label sets)."""
    parser.add_argument(
        "--source", default=default, metavar="sample|PATH",
        help=SOURCE_HELP + (f" (default: {default})" if default else ""))
    if labels:
        parser.add_argument("--labels", default="fine", choices=("fine", "coarse"), help=LABELS_HELP)


def non_negative(text: str) -> int:
    """argparse type: a whole number >= 0 (``--top``, ``--seed``); bad input is a usage error."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more, got {value}")
    return value
