"""Opening 60,000 images in each format: load time and peak memory, as ratios to the arrays.

Goal (issue 15): opening a 60,000-image npz or npy set costs at most ~1.3x
the arrays (60,000 x 28 x 28 uint8 + labels = 47 MB); CSV and image folders
stream. The files are what ``export`` writes from the embedded sample tiled
to 60,000 images (npz, npy, CSV in Kaggle's layout, PNG folder), plus a
compressed npz as ``np.savez_compressed`` (and Keras' own tools) write it.

Each load runs in a fresh child process; memory is the peak resident memory
(VmHWM; ru_maxrss would carry over the parent's peak across fork) minus the
resident memory just before the load, once right after ``load_dataset`` and
once after a full pass over the pixels (memory-mapped files count once their
pages are read). Baseline in the same run: numpy's own ``np.load`` of the
same npz / npy files (read fully into memory).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[3])
import _common  # noqa: F401  (puts the project first on the path)
import numpy as np
from mnist_desktop import load_dataset
from mnist_desktop.core.stats import pixel_stats

def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()

def peak():
    # VmHWM, not ru_maxrss: ru_maxrss survives fork + exec, so a child would report its parent's peak
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmHWM:"))

path, how = sys.argv[1], sys.argv[2]
before = rss()
t0 = time.perf_counter()
if how == "np.load":
    from pathlib import Path
    p = Path(path)
    if p.is_dir():
        arrays = [np.load(f) for f in sorted(p.glob("*.npy"))]
    else:
        with np.load(p) as z:
            arrays = [z[k] for k in z.files]
    n = sum(len(a) for a in arrays if a.ndim == 3)
    opened = time.perf_counter() - t0
    after_open = peak()
    total = sum(float(a.sum(dtype=np.uint64)) for a in arrays if a.ndim == 3)
else:
    ds = load_dataset(path)
    n = len(ds)
    opened = time.perf_counter() - t0
    after_open = peak()
    for s in ds.splits.values():
        pixel_stats(s.images)
full = time.perf_counter() - t0
print(json.dumps({"n": n, "before": before, "open_peak": after_open, "full_peak": peak(),
                  "open_s": opened, "full_s": full}))
"""


def build(folder: Path) -> dict[str, Path]:
    """The 60,000-image files in each format, written by the exporter (and numpy)."""
    import numpy as np

    from _common import tiled_sample
    from mnist_desktop.core.dataset import Dataset, Split
    from mnist_desktop.core.export.exporter import export
    from mnist_desktop.core.processing.recipe import Recipe

    x, y = tiled_sample(60000)
    ds = Dataset("mnist", "tiled", {"train": Split("train", x, y)}, tuple("0123456789"), "tiled")
    recipe = Recipe.from_dict({"version": 1, "normalize": {"method": "none"}})
    paths = {"npz": folder / "mnist.npz", "npy": folder / "npy", "csv": folder / "csv", "png": folder / "png"}
    for fmt, path in paths.items():
        export(ds, recipe, path, fmt)
    paths["npz (compressed)"] = folder / "keras.npz"
    np.savez_compressed(paths["npz (compressed)"], x_train=x, y_train=y)
    return paths


def run(path: Path, how: str, bench_dir: str) -> dict:
    proc = subprocess.run([sys.executable, "-c", CHILD, str(path), how, bench_dir],
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout)


def main() -> int:
    bench_dir = str(Path(__file__).resolve().parent)
    sys.path.insert(0, bench_dir)
    array_bytes = 60000 * 28 * 28 + 60000
    print(f"opening 60,000 images (arrays {array_bytes / 1e6:.1f} MB); memory = extra peak / array size")
    print(f"  {'format':17s} {'open s':>7s} {'full s':>7s} {'mem open':>9s} {'mem full':>9s}  file size")
    with tempfile.TemporaryDirectory() as tmp:
        paths = build(Path(tmp))
        rows = [(name, path, "load_dataset") for name, path in paths.items()]
        rows += [("np.load npz", paths["npz"], "np.load"), ("np.load npy", paths["npy"], "np.load"),
                 ("np.load npz (c)", paths["npz (compressed)"], "np.load")]
        for name, path, how in rows:
            r = run(path, how, bench_dir)
            assert r["n"] == 60000, r
            size = sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.is_dir() \
                else path.stat().st_size
            mo = max(r["open_peak"] - r["before"], 0) / array_bytes
            mf = max(r["full_peak"] - r["before"], 0) / array_bytes
            print(f"  {name:17s} {r['open_s']:7.2f} {r['full_s']:7.2f} {mo:8.2f}x {mf:8.2f}x  {size / 1e6:7.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
