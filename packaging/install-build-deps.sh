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
command -v dpkg-query >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 || exit 0
ver=$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
PKGS="binutils desktop-file-utils"
# A Python from python.org/pyenv ships its own libpython; Debian's needs the package.
if "$PY" -c 'import sys; sys.exit(0 if sys.base_prefix.startswith("/usr") and not sys.base_prefix.startswith("/usr/local") else 1)'; then
  PKGS="$PKGS libpython$ver"
fi
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing build dependencies:$missing"
if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
  echo "warning: missing packages:$missing (run as root: apt-get install$missing)" >&2; exit 0
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null 2>&1 || {
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null; }
