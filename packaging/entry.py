"""Entry point of the standalone executable: the same CLI as ``mnist-desktop``."""

import sys

from mnist_desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
