#!/usr/bin/env bash
# Smoke test of the built executable, headless (CI runs it after the build).
#
#   packaging/smoke_test.sh [EXE]     default: dist/mnist-desktop/mnist-desktop
#
# Runs the executable offscreen from an empty folder, with an empty data folder
# and HOME, and checks: --version prints the version; `info --json` reports the
# 10,000 images of the embedded sample; `export --source sample` writes an npz
# whose x_test is (10000, 28, 28) with its manifest; `check` runs;
# `gui --screenshot` writes a 1400x900 PNG that is not blank; bad usage exits 2
# and a missing file exits 1 with one `error:` line. The checks read the files
# back with the project venv's numpy and PySide6 ($VENV, default .venv).
# Exits non-zero on the first failure.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
EXE=$(realpath "${1:-$ROOT/dist/mnist-desktop/mnist-desktop}")
PY="$ROOT/${VENV:-.venv}/bin/python"
[ -x "$EXE" ] || { echo "smoke: FAIL: $EXE is not built (run packaging/build.sh)" >&2; exit 1; }
[ -x "$PY" ] || { echo "smoke: FAIL: $PY not found (the checks need numpy and PySide6)" >&2; exit 1; }
VERSION=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$ROOT/mnist_desktop/_version.py")

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/home" "$T/data" "$T/cwd"
cd "$T/cwd"
# No display, nothing of the developer's environment that could help it along.
run() {
  env -i PATH=/usr/bin:/bin HOME="$T/home" MNIST_DESKTOP_DATA="$T/data" \
      QT_QPA_PLATFORM=offscreen LANG=C.UTF-8 "$EXE" "$@"
}
fail() { echo "smoke: FAIL: $*" >&2; exit 1; }
step() { printf 'smoke: %-44s' "$1"; }
t0() { start=$(date +%s%N); }
ok() { ms=$(( ($(date +%s%N) - start) / 1000000 )); printf 'ok (%d.%02ds)\n' $((ms / 1000)) $((ms % 1000 / 10)); }

step "--version prints $VERSION"; t0
out=$(run --version) || fail "--version exited $?"
[ "$out" = "mnist-desktop $VERSION" ] || fail "--version printed '$out', expected 'mnist-desktop $VERSION'"
ok

step "--help lists the subcommands"; t0
out=$(run --help) || fail "--help exited $?"
for c in gui download info check export; do
  grep -qw "$c" <<<"$out" || fail "--help does not list '$c'"
done
ok

step "info --json: 10,000 images"; t0
run info --json >"$T/info.json" || fail "info --json exited $?"
"$PY" - "$T/info.json" <<'PY' || fail "info --json: wrong content"
import json, sys
info = json.load(open(sys.argv[1]))
assert info["total"] == 10000, info["total"]
assert info["splits"]["test"]["shape"] == [10000, 28, 28], info["splits"]
PY
ok

step "export --source sample --format npz"; t0
mkdir -p "$T/out"
run export --source sample --out "$T/out/x.npz" --format npz >/dev/null 2>"$T/export.err" \
  || { cat "$T/export.err" >&2; fail "export exited non-zero"; }
"$PY" - "$T/out" <<'PY' || fail "export: the npz is not what the sample holds"
import json, sys
from pathlib import Path
import numpy as np
out = Path(sys.argv[1])
with np.load(out / "x.npz") as z:
    x, y = z["x_test"], z["y_test"]
    assert x.shape == (10000, 28, 28), x.shape
    assert y.shape == (10000,) and set(np.unique(y).tolist()) == set(range(10)), y.shape
    assert 0.12 < x.mean() / x.max() < 0.145, x.mean() / x.max()  # MNIST test: 33.8 / 255
    assert int(y[0]) == 7, y[0]          # the first test image is a 7
manifests = list(out.glob("*manifest*.json"))
assert manifests, "no manifest beside the npz"
json.loads(manifests[0].read_text())
PY
ok

step "check --top 5 --json"; t0
run check --source sample --top 5 --json >"$T/check.json" 2>/dev/null || fail "check exited $?"
"$PY" -c "import json,sys; json.load(open(sys.argv[1]))" "$T/check.json" || fail "check --json: not JSON"
ok

step "gui --screenshot: non-blank PNG"; t0
run gui --source sample --screenshot "$T/s.png" 2>"$T/gui.err" \
  || { cat "$T/gui.err" >&2; fail "gui --screenshot exited non-zero"; }
QT_QPA_PLATFORM=offscreen "$PY" - "$T/s.png" <<'PY' || fail "gui --screenshot: blank or unreadable PNG"
import sys
from pathlib import Path
import numpy as np
from PySide6.QtGui import QImage
path = Path(sys.argv[1])
assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
assert path.stat().st_size > 20_000, path.stat().st_size
img = QImage(str(path)).convertToFormat(QImage.Format.Format_Grayscale8)
assert (img.width(), img.height()) == (1400, 900), (img.width(), img.height())
a = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.bytesPerLine())[:, :img.width()]
assert a.std() > 10, f"pixel std {a.std():.1f}: blank"
assert len(np.unique(a)) > 50, "too few grey levels: blank"
PY
ok

step "bad usage exits 2, missing file exits 1"; t0
set +e
run export --bogus >/dev/null 2>&1; rc_usage=$?
run info "$T/missing.gz" >/dev/null 2>"$T/err.txt"; rc_missing=$?
set -e
[ "$rc_usage" = 2 ] || fail "bad usage exited $rc_usage, expected 2"
[ "$rc_missing" = 1 ] || fail "missing file exited $rc_missing, expected 1"
grep -q '^error: .*missing.gz' "$T/err.txt" || fail "missing file: stderr was '$(cat "$T/err.txt")'"
grep -q Traceback "$T/err.txt" && fail "missing file printed a traceback"
ok

echo "smoke: all passed ($EXE)"
