"""``python -m mnist_desktop`` runs the command line (see :mod:`mnist_desktop.cli`)."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
