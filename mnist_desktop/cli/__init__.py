"""Command line: ``mnist-desktop <subcommand>``.

Each subcommand lives in its own module exposing ``register(subparsers)``,
which adds its parser and sets ``func`` to a ``run(args) -> int``. Modules
import heavy things (Qt, the GUI) inside ``run`` only, so ``--help`` and the
headless subcommands start fast and work without a display.

Exit codes: 0 done; 1 a data, file or network problem, told in one line on
stderr that starts with ``error:``; 2 bad usage (argparse); 128+n after
signal n (SIGINT 130, SIGTERM 143, SIGHUP 129). SIGTERM and SIGHUP are
handled like Ctrl-C: they raise an exception, so every writer removes its
temporaries and the previous output stays intact.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import signal
import sys
from collections.abc import Sequence

from .._version import __version__
from ..core.errors import MnistDesktopError, describe_os_error

#: Subcommand modules, in the order ``--help`` lists them.
SUBCOMMANDS = ("gui", "download", "info", "check", "export", "evaluate", "map")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; with ``only``, just that subcommand is imported and registered.

    Running one subcommand then imports nothing of the others (``gui`` starts
    without loading requests, the quality or export code); ``only=""``
    registers none (``--version``).
    """
    parser = argparse.ArgumentParser(
        prog="mnist-desktop",
        description="Download, verify, inspect, clean, augment and export MNIST-style datasets. "
                    "Without a subcommand, opens the desktop app.")
    parser.add_argument("--version", action="version", version=f"mnist-desktop {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMANDS if only is None else (only,) if only else ():
        importlib.import_module(f"{__name__}.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    args_list = args_list or ["gui"]
    first = args_list[0]
    # --version needs no subcommand: registering none keeps it from importing any feature
    parser = build_parser(only=first if first in SUBCOMMANDS else "" if first == "--version" else None)
    args = parser.parse_args(args_list)
    handled = () if args_list[0] == "gui" else _HANDLED_SIGNALS  # Qt's loop would delay Python handlers
    try:
        with _signals_raise(handled):
            return int(args.func(args) or 0)
    except MnistDesktopError as exc:
        return fail(str(exc))
    except OSError as exc:
        return fail(describe_os_error(exc))
    except MemoryError:
        return fail("not enough memory for this input (the data, or the output of the recipe, is too large "
                    "for this machine)")
    except RecursionError:
        return fail("the input is nested too deeply to read")
    except KeyboardInterrupt:
        print("error: interrupted; nothing partial was kept", file=sys.stderr)
        return 130
    except Terminated as exc:
        print(f"error: stopped by {exc.name}; nothing partial was kept", file=sys.stderr)
        return 128 + exc.signum


class Terminated(BaseException):
    """SIGTERM or SIGHUP arrived: unwinds like KeyboardInterrupt, so cleanups run."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum
        self.name = signal.Signals(signum).name


_HANDLED_SIGNALS = tuple(getattr(signal, n) for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n))


@contextlib.contextmanager
def _signals_raise(signums: tuple[int, ...]):
    """Turn ``signums`` into :class:`Terminated` while the block runs (main thread only)."""
    def raise_terminated(signum, _frame):
        raise Terminated(signum)

    previous = {}
    try:
        for s in signums:
            previous[s] = signal.signal(s, raise_terminated)
    except ValueError:  # not the main thread: leave the defaults
        pass
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def fail(message: str) -> int:
    """Print one ``error:`` line on stderr and return exit code 1."""
    print(f"error: {message}", file=sys.stderr)
    return 1
