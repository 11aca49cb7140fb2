#!/bin/sh
# System packages the PyInstaller build needs on Debian/Ubuntu, installed only
# when missing (as root, or with sudo): binutils (objdump, strip), the shared
# libpython of the venv's Python (Debian's python3 links it statically, and
# PyInstaller must bundle the .so) and desktop-file-utils (validates the
# .desktop file in the tests). Does nothing without apt-get/dpkg.
#
#   sh packaging/install-build-deps.sh [PYTHON]      default: .venv/bin/python, else python3
set -eu
PY=${1:-.venv/bin/python}
[ -x "$PY" ] || PY=python3
ver=$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
PKGS="binutils desktop-file-utils"
# A Python from python.org/pyenv ships its own libpython; Debian's needs the package.
if "$PY" -c 'import sys; sys.exit(0 if sys.base_prefix.startswith("/usr") and not sys.base_prefix.startswith("/usr/local") else 1)'; then
  PKGS="$PKGS libpython$ver"
fi
exec sh "$(dirname "$0")/../scripts/apt-install-missing.sh" $PKGS
