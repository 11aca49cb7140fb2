"""The ``--source`` option shared by several subcommands: the sample or any supported path."""

from __future__ import annotations

import argparse

SOURCE_HELP = ("'sample' (the embedded MNIST test set) or a file or folder in any supported format: IDX files "
               "(standard names, torchvision's MNIST/raw, EMNIST), a Keras npz, a folder of x_<split>.npy, "
               "a CSV (label,pixel0,... or label,1x1,...; without label column: unlabelled), "
               "an image folder (<class>/*.png|jpg or <split>/<class>/...)")


def add_source_argument(parser: argparse.ArgumentParser, *, default: str | None = "sample") -> None:
    parser.add_argument(
        "--source", default=default, metavar="sample|PATH",
        help=SOURCE_HELP + (f" (default: {default})" if default else ""))
