"""Output options shared by the writing subcommands: file-name checks and the inputs to protect.

The rule itself is :mod:`..core.output`; here are only the pieces the CLI
adds: ``--out ''`` / ``--out .`` are usage errors (exit 2) before anything
runs, and the list of a command's inputs (source files, recipe) that no
output may replace.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from ..core.output import input_files, no_file_name

__all__ = ["output_name", "given_inputs", "dataset_inputs", "FORCE_HELP"]

FORCE_HELP = ("replace an existing output file that is not an earlier output of this tool "
              "(never an input file or an export's manifest)")


def output_name(example: str):
    """argparse type: a path that names a file or folder (not ``''``, ``.`` or ``..``); kept as given."""
    def parse(text: str) -> str:
        if no_file_name(text):
            raise argparse.ArgumentTypeError(f"{text!r} names no file; give a name such as {example}")
        return text
    parse.__name__ = "output file name"
    return parse


def given_inputs(args: argparse.Namespace) -> tuple[Path, ...]:
    """The input files named on the command line: ``--source`` when a file, ``--recipe``.

    For a check before loading; a source folder is known precisely only after
    loading (:func:`dataset_inputs`: an IDX folder's files, an image folder).
    """
    found = []
    source = getattr(args, "source", None)
    if source and source != "sample" and os.path.isfile(source):
        found.append(Path(source))
    recipe = getattr(args, "recipe", None)
    if recipe:
        found.append(Path(recipe))
    return tuple(found)


def dataset_inputs(dataset, args: argparse.Namespace | None = None) -> tuple[Path, ...]:
    """Every file (or image folder) ``dataset`` was read from, plus the command's ``--recipe``."""
    files = list(input_files(dataset))
    recipe = getattr(args, "recipe", None) if args is not None else None
    return tuple(dict.fromkeys([*files, *([Path(recipe)] if recipe else [])]))
