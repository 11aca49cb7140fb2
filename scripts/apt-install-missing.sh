#!/bin/sh
# Install the given Debian/Ubuntu packages that are not installed yet (as root,
# or with sudo). Does nothing on systems without apt-get and dpkg; without root
# or sudo it prints the apt-get command to run instead.
#
#   sh scripts/apt-install-missing.sh PACKAGE...
set -eu
command -v dpkg-query >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 || exit 0
missing=""
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing system packages:$missing"
if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
  echo "warning: missing system packages:$missing (run as root: apt-get install$missing)" >&2; exit 0
fi
export DEBIAN_FRONTEND=noninteractive
# Try with the package lists at hand first; refresh them only if that fails.
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null 2>&1 || {
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null; }
