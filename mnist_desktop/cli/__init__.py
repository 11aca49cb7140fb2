"""Command line: ``mnist-desktop <subcommand>``.

Each subcommand lives in its own module exposing ``register(subparsers)``,
which adds its parser and sets ``func`` to a ``run(args) -> int``. Modules
import heavy things (Qt, the GUI) inside ``run`` only, so ``--help`` and the
headless subcommands start fast and work without a display.

Exit codes: 0 done; 1 a data, file or network problem, told in one line on
stderr that starts with ``error:``; 2 bad usage (argparse).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from .. import __version__
from ..core.errors import MnistDesktopError, describe_os_error

#: Subcommand modules, in the order ``--help`` lists them.
SUBCOMMANDS = ("gui", "download", "info", "check", "export")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; with ``only``, just that subcommand is imported and registered.

    Running one subcommand then imports nothing of the others (``gui`` starts
    without loading requests, the quality or export code).
    """
    parser = argparse.ArgumentParser(
        prog="mnist-desktop",
        description="Download, verify, inspect, clean, augment and export MNIST-style datasets. "
                    "Without a subcommand, opens the desktop app.")
    parser.add_argument("--version", action="version", version=f"mnist-desktop {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in (only,) if only else SUBCOMMANDS:
        importlib.import_module(f"{__name__}.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    args_list = args_list or ["gui"]
    parser = build_parser(only=args_list[0] if args_list[0] in SUBCOMMANDS else None)
    args = parser.parse_args(args_list)
    try:
        return int(args.func(args) or 0)
    except MnistDesktopError as exc:
        return fail(str(exc))
    except OSError as exc:
        return fail(describe_os_error(exc))
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130


def fail(message: str) -> int:
    """Print one ``error:`` line on stderr and return exit code 1."""
    print(f"error: {message}", file=sys.stderr)
    return 1
