"""Peak memory of exporting 60,000 normalised float32 images, per format.

Goal (issue 4): the peak stays within about 1.5x the output array (60,000 x
28 x 28 float32 = 188 MB). Each format runs in a fresh child process; the
number quoted is the peak resident memory (ru_maxrss) of the export minus the
resident memory just before it (dataset already loaded), next to the time.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from _common import tiled_sample
from mnist_desktop.core.dataset import Dataset, Split
from mnist_desktop.core.export.exporter import export
from mnist_desktop.core.processing.recipe import Recipe

def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()

x, y = tiled_sample(60000)
ds = Dataset("mnist", "tiled", {"train": Split("train", x, y)}, tuple("0123456789"), "tiled")
before = rss()
t0 = time.perf_counter()
export(ds, Recipe.from_dict({"version": 1, "normalize": {"method": "zscore"}}), sys.argv[2], sys.argv[1])
elapsed = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"before": before, "peak": peak, "seconds": elapsed}))
"""


def main() -> int:
    bench_dir = str(Path(__file__).resolve().parent)
    out_bytes = 60000 * 28 * 28 * 4
    print(f"export of 60,000 zscore-normalised float32 images (output array {out_bytes / 1e6:.0f} MB)")
    formats = sys.argv[1:] or ["npz", "npy", "idx", "csv", "png"]
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in formats:
            target = Path(tmp) / (f"m.{fmt}" if fmt == "npz" else f"m_{fmt}")
            proc = subprocess.run([sys.executable, "-c", CHILD, fmt, str(target), bench_dir],
                                  capture_output=True, text=True, check=True)
            r = json.loads(proc.stdout)
            extra = max(r["peak"] - r["before"], 0)
            print(f"  {fmt:5s} extra peak {extra / 1e6:7.1f} MB = {extra / out_bytes:5.2f}x the output array "
                  f"(process peak {r['peak'] / 1e6:6.1f} MB), {r['seconds']:6.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
