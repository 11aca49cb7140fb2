"""Command line: ``mnist-desktop <subcommand>``.

Each subcommand lives in its own module exposing ``register(subparsers)``,
which adds its parser and sets ``func`` to a ``run(args) -> int``. Modules
import heavy things (Qt, the GUI) inside ``run`` only, so ``--help`` and the
headless subcommands start fast and work without a display.

Exit codes: 0 done; 1 a data, file or network problem, told in one line on
stderr that starts with ``error:``; 2 bad usage (argparse); 128+n after
signal n (SIGINT 130, SIGTERM 143, SIGHUP 129). SIGTERM and SIGHUP are
handled like Ctrl-C: they raise an exception, so every writer removes its
temporaries and the previous output stays intact. Ctrl-C is caught from the
first line of :func:`main`, before a subcommand (and numpy, Qt...) is
imported, so an interrupt while starting up is the same one line and 130.
A signal the parent set to be ignored (``nohup`` ignores SIGHUP, a
background job SIGINT) stays ignored.
"""

from __future__ import annotations

import sys

from .. import _exit_at_once, _guard_startup

_guard_startup()  # ``python -m mnist_desktop``: sys.argv[0] names the command only from here

import argparse  # noqa: E402 - after the interrupt guard, on purpose
import contextlib  # noqa: E402
import importlib  # noqa: E402
import signal  # noqa: E402
import warnings  # noqa: E402
from collections.abc import Sequence  # noqa: E402

from .._version import __version__  # noqa: E402
from ..core.errors import MnistDesktopError, describe_os_error  # noqa: E402

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
    _catch_interrupts()
    try:  # from the first line: an interrupt while importing is one line and 130 too
        return _run(list(sys.argv[1:] if argv is None else argv) or ["gui"])
    except KeyboardInterrupt:
        return _interrupted()
    except BaseException:
        if _INTERRUPT["seen"]:  # an import cut by Ctrl-C fails as ImportError (numpy's C modules)
            return _interrupted()
        raise
    finally:
        if argv is None and signal.getsignal(signal.SIGINT) is _on_interrupt:
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # done: Ctrl-C while Python exits changes nothing


#: Whether Ctrl-C arrived: what looks like a failure after it is the interrupt's doing.
_INTERRUPT = {"seen": False}


def _on_interrupt(signum, frame) -> None:
    """Ctrl-C: KeyboardInterrupt, so every writer removes its temporaries; inside an import, exit at once.

    An exception raised into a module being imported can abort the interpreter
    (PySide6's start-up: "Fatal Python error") or surface as an ImportError;
    nothing is being written by an import, so exiting there loses nothing.
    """
    if _in_import(frame):
        _exit_at_once(signum, frame)
    _INTERRUPT["seen"] = True
    raise KeyboardInterrupt


def _in_import(frame) -> bool:
    while frame is not None:
        if frame.f_code.co_filename.startswith("<frozen importlib"):
            return True
        frame = frame.f_back
    return False


def _catch_interrupts() -> None:
    """Ctrl-C raises KeyboardInterrupt (remembered) from here on, unless the parent ignores it."""
    _INTERRUPT["seen"] = False
    with contextlib.suppress(ValueError):  # not the main thread: leave it
        if signal.getsignal(signal.SIGINT) in (signal.default_int_handler, _exit_at_once):
            signal.signal(signal.SIGINT, _on_interrupt)


def _interrupted() -> int:
    with contextlib.suppress(KeyboardInterrupt):
        print("error: interrupted; nothing partial was kept", file=sys.stderr)
    return 130


def _run(args_list: list[str]) -> int:
    first = args_list[0]
    # --version needs no subcommand: registering none keeps it from importing any feature
    parser = build_parser(only=first if first in SUBCOMMANDS else "" if first == "--version" else None)
    args = parser.parse_args(args_list)
    handled = () if args_list[0] == "gui" else _HANDLED_SIGNALS  # Qt's loop would delay Python handlers
    try:
        with _signals_raise(handled), warnings.catch_warnings():
            # numpy's arithmetic warnings (with a line of source code) are never for the user: bad
            # values are refused by the readers with one line (NaN/Inf) before any arithmetic
            warnings.simplefilter("ignore", RuntimeWarning)
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
        return _interrupted()
    except Terminated as exc:
        with contextlib.suppress(KeyboardInterrupt, Terminated):
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
    """Turn ``signums`` into :class:`Terminated` while the block runs (main thread only).

    A signal already ignored (``nohup`` ignores SIGHUP) is left ignored: the
    parent asked for that, and turning it back on made ``nohup`` useless.
    """
    def raise_terminated(signum, _frame):
        raise Terminated(signum)

    previous = {}
    try:
        for s in signums:
            if signal.getsignal(s) == signal.SIG_IGN:
                continue
            previous[s] = signal.signal(s, raise_terminated)
    except ValueError:  # not the main thread: leave the defaults
        pass
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def fail(message: str) -> int:
    """Print one ``error:`` line on stderr and return exit code 1 (130 when Ctrl-C caused the failure)."""
    if _INTERRUPT["seen"]:
        return _interrupted()
    print(f"error: {message}", file=sys.stderr)
    return 1
