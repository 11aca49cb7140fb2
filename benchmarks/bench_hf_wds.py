"""Writing the sample as hf (parquet) and wds (tar shards) against ``np.savez`` of the same arrays.

Issue 25's benchmark. The recipe is the issue's done-when one (val 0.1,
oversampled train, 32x32, 3 channels: 11,210 rows). Each measurement runs
in a fresh child process, so peak memory is the child's own: the peak
resident memory (ru_maxrss) minus the resident memory before the work, with
the sample already loaded and every module imported.

Baseline (``savez``): ``md.process`` builds the arrays in memory, then
``np.savez`` writes them: what a user does by hand. ``export hf`` and
``export wds`` process and write in streamed chunks (PNG-encoding each
image); ``export npz`` is the same streaming path to the array format.
Rounds alternate the variants; medians of the rounds are quoted (wall
time and the child's CPU time, steadier on a shared machine), and the
ratios are against the baseline of the same run.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
import numpy as np
import mnist_desktop as md
from mnist_desktop.core.export.exporter import export
from mnist_desktop.core.processing.recipe import Recipe
from mnist_desktop.core.processing.sampling import SamplingParams
from mnist_desktop.core.processing.target_shape import TargetParams
import pyarrow.parquet  # imported before measuring, like numpy: the import is not the write

def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()

variant, out = sys.argv[1], Path(sys.argv[2])
ds = md.load_dataset("sample")
recipe = Recipe(sampling=SamplingParams(val_fraction=0.1, balance="oversample"),
                target=TargetParams((32, 32), "pad", 3))
before = rss()
t0, c0 = time.perf_counter(), time.process_time()
if variant == "savez":
    arrays = md.process(ds, recipe)
    np.savez(out, **{f"{k}_{name}": a for name, (x, y) in arrays.items() for k, a in (("x", x), ("y", y))})
    rows = sum(len(x) for x, _ in arrays.values())
else:
    rows = export(ds, recipe, out, variant).rows
seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
size = out.stat().st_size if out.is_file() else sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
print(json.dumps({"seconds": seconds, "cpu": cpu, "extra": max(peak - before, 0), "rows": rows, "bytes": size}))
"""

VARIANTS = ("savez", "npz", "hf", "wds")


def run(variant: str, tmp: Path, k: int) -> dict:
    out = tmp / (f"{variant}{k}.npz" if variant in ("savez", "npz") else f"{variant}{k}")
    proc = subprocess.run([sys.executable, "-c", CHILD, variant, str(out)], capture_output=True, text=True,
                          check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> int:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    results: dict[str, list[dict]] = {v: [] for v in VARIANTS}
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(rounds):
            for v in VARIANTS:
                results[v].append(run(v, Path(tmp), k))
    base_t = statistics.median(r["seconds"] for r in results["savez"])
    base_c = statistics.median(r["cpu"] for r in results["savez"])
    base_m = statistics.median(r["extra"] for r in results["savez"])
    rows = results["savez"][0]["rows"]
    print(f"the sample, val 0.1 + oversample + 32x32x3 ({rows:,} rows), medians of {rounds} rounds, "
          "each a fresh process")
    for v in VARIANTS:
        t = statistics.median(r["seconds"] for r in results[v])
        c = statistics.median(r["cpu"] for r in results[v])
        m = statistics.median(r["extra"] for r in results[v])
        name = "md.process + np.savez" if v == "savez" else f"export {v}"
        print(f"  {name:22s} {t:6.2f} s ({t / base_t:5.2f}x), CPU {c:6.2f} s ({c / base_c:5.2f}x)  "
              f"extra peak {m / 1e6:6.1f} MB ({m / base_m:4.2f}x)  output {results[v][0]['bytes'] / 1e6:6.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
