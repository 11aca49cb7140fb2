"""``mnist-desktop download``: fetch and verify a dataset into the data folder."""

from __future__ import annotations

import argparse
import math
import sys

from ..core.catalog import CATALOG, SPLITS
from ..core.download.downloader import DEFAULT_TIMEOUT, dataset_dir, download
from ..core.errors import DownloadError
from ._progress import ProgressBar, format_bytes

__all__ = ["register", "run"]

#: Largest --timeout accepted (a day); beyond it the socket layer overflows.
MAX_TIMEOUT = 86400.0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "download", help="download a dataset from its mirrors and verify every file's SHA-256",
        description="Download MNIST, Fashion-MNIST, Kuzushiji-MNIST, CIFAR-10 or CIFAR-100 into "
                    "<data-dir>/<dataset>/. Mirrors are tried in order; a file is kept only when its size and "
                    "SHA-256 match the official ones. Files already present and verified are not downloaded "
                    "again. CIFAR comes as one archive of both splits (about 170 MB), which is extracted "
                    "safely beside itself (no links, nothing outside the folder) and kept.")
    p.add_argument("--dataset", default="mnist", choices=tuple(CATALOG), help="which dataset (default: mnist)")
    p.add_argument("--split", default="all", choices=(*SPLITS, "all"),
                   help="which split (default: all); CIFAR's archive always holds both")
    p.add_argument("--data-dir", metavar="D",
                   help="data folder (default: $MNIST_DESKTOP_DATA or the user data folder, "
                        "e.g. ~/.local/share/mnist-desktop)")
    p.add_argument("--mirror", action="append", metavar="URL",
                   help="base URL to fetch from instead of the built-in mirrors; repeat for several, "
                        "tried in the order given")
    p.add_argument("--force", action="store_true", help="download again even files already present and verified")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                   help=f"give up on a mirror that is silent, or slower than 1 kB/s, for this many seconds "
                        f"(default: {DEFAULT_TIMEOUT:g})")
    p.set_defaults(func=run, parser=p)


def run(args: argparse.Namespace) -> int:
    for url in args.mirror or ():
        if not url.startswith(("http://", "https://")):
            args.parser.error(f"--mirror {url!r}: expected an http:// or https:// URL")
    if not (math.isfinite(args.timeout) and 0 < args.timeout <= MAX_TIMEOUT):
        args.parser.error(f"--timeout must be a number of seconds between 0 and {MAX_TIMEOUT:g}, "
                          f"got {args.timeout:g}")
    info = CATALOG[args.dataset]
    if info.is_archive and args.split != "all":
        print(f"note: {info.title} comes as one archive of both splits; downloading all of it", file=sys.stderr)
    bar = ProgressBar(f"download {args.dataset} {args.split if not info.is_archive else 'all'}")
    try:
        paths = download(args.dataset, args.split, args.data_dir, mirrors=args.mirror, force=args.force,
                         progress=bar.update, notify=lambda line: _tell(bar, line), timeout=args.timeout)
    except DownloadError as exc:
        if not exc.attempts:
            raise  # a local problem: cli.main prints it
        # Each mirror's reason was already printed as it failed: say only what it adds up to.
        print(f"error: {str(exc).splitlines()[0].rstrip(':')} (reasons above)", file=sys.stderr)
        return 1
    finally:  # other errors (Ctrl-C, signals) are told by cli.main in one "error:" line
        bar.close()
    total = sum(p.stat().st_size for p in paths)
    folder = dataset_dir(args.dataset, args.data_dir)
    print(f"{len(paths)} file{'s' if len(paths) != 1 else ''} ({format_bytes(total)}) verified in {folder}")
    print(f"next: mnist-desktop info --source {folder}"
          + (" (add --labels coarse for the 20 superclasses)" if args.dataset == "cifar-100" else ""))
    return 0


def _tell(bar: ProgressBar, line: str) -> None:
    """Print a status line on stderr without breaking a live progress bar."""
    prefix = "\r\x1b[K" if bar.tty else ""
    bar.stream.write(f"{prefix}{line}\n")
    bar.stream.flush()
