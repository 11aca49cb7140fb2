"""The ``--source sample|DIR`` option shared by several subcommands."""

from __future__ import annotations

import argparse


def add_source_argument(parser: argparse.ArgumentParser, *, default: str | None = "sample") -> None:
    parser.add_argument(
        "--source", default=default, metavar="sample|DIR",
        help="'sample' (the embedded MNIST test set) or a folder holding MNIST-style IDX files"
             + (f" (default: {default})" if default else ""))

