"""``mnist-desktop gui``: the desktop app (the default when no subcommand is given)."""

from __future__ import annotations

import argparse
import sys

from ._source import add_source_argument


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("gui", help="open the desktop app (the default)",
                       description="Open the desktop app on a dataset: the full MNIST in the data folder "
                                   "when it is there, otherwise the embedded sample.")
    add_source_argument(p, default=None)
    p.add_argument("--recipe", metavar="R.json", help="start with this processing recipe")
    p.add_argument("--screenshot", metavar="OUT.png",
                   help="render the main window offscreen, save it as a PNG and exit")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..gui.preflight import check_gui_environment

    problem = check_gui_environment(screenshot=args.screenshot is not None)
    if problem is not None:  # say what is missing before Qt aborts with its own noise
        print(f"error: {problem.error}\nhint: {problem.hint}", file=sys.stderr)
        return 1
    from ..gui.app import run_app  # Qt is imported only here

    return run_app(source=args.source, recipe=args.recipe, screenshot=args.screenshot)
