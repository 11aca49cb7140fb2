#!/usr/bin/env bash
# Build the standalone executable with PyInstaller (same spec on every OS).
#
#   packaging/build.sh              one folder:  dist/mnist-desktop/mnist-desktop
#   packaging/build.sh --onefile    one file:    dist/onefile/mnist-desktop
#
# Uses the project venv ($VENV, default .venv; `make package` creates it) and
# installs the `package` extra (PyInstaller) into it when missing. Needs
# objdump (binutils) on Linux. Prints the build time and the size at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
PY="$VENV/bin/python"
[ -x "$PY" ] || PY="$VENV/Scripts/python.exe"   # Windows (Git Bash)
if [ ! -x "$PY" ]; then
  echo "error: $VENV: no virtual environment; run 'make package' (or 'make install') first" >&2
  exit 1
fi
onefile=0
for arg in "$@"; do
  case "$arg" in
    --onefile) onefile=1 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "error: unknown option $arg (use --onefile)" >&2; exit 2 ;;
  esac
done
sh packaging/install-build-deps.sh "$PY"   # binutils, libpython (Debian/Ubuntu; when missing)
if ! "$PY" -c "import PyInstaller" 2>/dev/null; then
  echo "installing PyInstaller (the 'package' extra)"
  "$PY" -m pip install --quiet -e '.[package]'
fi
if [ "$(uname -s)" = Linux ] && ! command -v objdump >/dev/null 2>&1; then
  echo "error: objdump not found; install binutils (scripts/install-system-deps.sh does)" >&2
  exit 1
fi

start=$(date +%s)
if [ "$onefile" = 1 ]; then
  MNIST_DESKTOP_ONEFILE=1 "$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
    --workpath build/pyinstaller-onefile --distpath dist/onefile packaging/mnist-desktop.spec
  out=dist/onefile/mnist-desktop
else
  "$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
    --workpath build/pyinstaller --distpath dist packaging/mnist-desktop.spec
  out=dist/mnist-desktop/mnist-desktop
fi
secs=$(( $(date +%s) - start ))
[ -x "$out" ] || [ -f "$out.exe" ] || { echo "error: $out was not built" >&2; exit 1; }
if [ "$onefile" = 1 ]; then size=$(du -h "$out"* | cut -f1); else size=$(du -sh "$(dirname "$out")" | cut -f1); fi
echo "built $out in ${secs}s (size $size)"
