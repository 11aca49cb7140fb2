#!/bin/sh
# The libraries Qt 6 needs on Debian/Ubuntu, offscreen and under X (Xvfb),
# installed when missing (see apt-install-missing.sh).
set -eu
exec sh "$(dirname "$0")/apt-install-missing.sh" \
  libegl1 libgl1 libx11-6 libdbus-1-3 libfontconfig1 libfreetype6 libglib2.0-0 libxkbcommon0 \
  xvfb xauth libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0 \
  libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0 fonts-dejavu-core
