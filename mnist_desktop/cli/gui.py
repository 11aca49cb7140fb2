"""``mnist-desktop gui``: the desktop app (the default when no subcommand is given)."""

from __future__ import annotations

import argparse
import gc
import sys

from ._output import FORCE_HELP, given_inputs, output_name
from ._source import add_source_argument


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("gui", help="open the desktop app (the default)",
                       description="Open the desktop app on a dataset: the full MNIST in the data folder "
                                   "when it is there, otherwise the embedded sample.")
    add_source_argument(p, default=None)
    p.add_argument("--recipe", metavar="R.json", help="start with this processing recipe")
    p.add_argument("--screenshot", metavar="OUT.png", type=output_name("window.png"),
                   help="render the main window offscreen, save it as a PNG and exit (an existing file only "
                        "if it is an earlier screenshot or picture of this tool, or with --force)")
    p.add_argument("--force", action="store_true", help="with --screenshot: " + FORCE_HELP)
    p.add_argument("--size", metavar="WxH", type=window_size, default=None,
                   help="window size in pixels, e.g. 800x600 (default: 1400x900 for screenshots)")
    p.set_defaults(func=run)


def window_size(text: str) -> tuple[int, int]:
    """Parse ``WxH`` (e.g. 800x600) into (width, height); argparse turns errors into usage errors."""
    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT such as 800x600, got {text!r}") from None
    if not (200 <= width <= 10000 and 200 <= height <= 10000):
        raise argparse.ArgumentTypeError(f"window size {text} is outside 200x200 .. 10000x10000")
    return width, height


def run(args: argparse.Namespace) -> int:
    # Start-up makes a few million objects (PySide6, pyqtgraph, numpy, the window) that all live
    # on, and the cyclic GC walked them ~170 times on the way (~50 ms); run_app freezes them and
    # turns the GC back on once the window is up (gui/app.py: _start_up_done).
    gc.disable()
    try:
        return _run(args)
    finally:
        gc.enable()


def _run(args: argparse.Namespace) -> int:
    from ..gui.preflight import check_gui_environment

    if args.screenshot is not None:  # refused before the window starts, not after
        from ..core.draw.png import is_our_picture
        from ..core.output import check_output

        check_output(args.screenshot, kind="screenshot", own=is_our_picture, inputs=given_inputs(args),
                     force=args.force)

    early = _start_early_load(args.source, args.labels)  # reads the data while Qt and the window start
    problem = check_gui_environment(screenshot=args.screenshot is not None)
    if problem is not None:  # say what is missing before Qt aborts with its own noise
        early.close()
        print(f"error: {problem.error}\nhint: {problem.hint}", file=sys.stderr)
        return 1
    from ..gui.app import run_app  # Qt is imported only here

    return run_app(source=early.source, recipe=args.recipe, screenshot=args.screenshot, size=args.size,
                   force=args.force, early=early)


def _start_early_load(source: str | None, labels: str):
    """Start loading ``source`` (default: the best data at hand) in a thread (core.view.open_data)."""
    from ..core.formats.load import best_source
    from ..core.view.open_data import EarlyLoad

    return EarlyLoad(source or best_source(), labels=labels)
