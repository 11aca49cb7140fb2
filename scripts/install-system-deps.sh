#!/bin/sh
# Install the Debian/Ubuntu libraries that Qt 6 needs, offscreen and under X
# (Xvfb), plus binutils for PyInstaller. Installs only what is missing; does
# nothing on systems without apt-get or dpkg (install the equivalents there).
set -eu
PKGS="libegl1 libgl1 libx11-6 libdbus-1-3 libfontconfig1 libfreetype6 libglib2.0-0 libxkbcommon0
xvfb xauth libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0
libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0 binutils fonts-dejavu-core"
command -v dpkg-query >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 || exit 0
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing system libraries for Qt:$missing"
if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
  echo "warning: missing system packages:$missing (run as root: apt-get install$missing)" >&2; exit 0
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
