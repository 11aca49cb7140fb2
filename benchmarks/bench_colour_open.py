"""Open time and peak memory of colour inputs against the size of the arrays they hold.

Inputs are built by tiling a coloured MNIST (the sample's digits painted in
random colours, 32 x 32 x 3) to CIFAR-10's size: 50,000 training + 10,000
test images as CIFAR python batches (written by Python 3, and as the official
files are: Python 2 cPickle), as binary batches, and a colour PNG folder of
``<class>/<i>.png`` as the export writes them (``--png N`` images, default
60,000: the training then the test images; a smaller N for quick runs).
Each open runs in a fresh child process, whose peak resident memory
(VmHWM) is reported beside the child's baseline (Python + numpy + the
package imported, nothing opened). ``--repeat K`` opens each input K times
and prints the median time and peak.

    .venv/bin/python benchmarks/bench_colour_open.py [--png N] [--repeat K]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from colour_data import cifar10_binary, cifar10_python, coloured_mnist  # noqa: E402
from mnist_desktop import load_dataset  # noqa: E402
from mnist_desktop.core.draw.png import encode_rgb  # noqa: E402

CHILD = """
import sys, time
from mnist_desktop import load_dataset
def hwm():  # peak resident KB of this process (VmHWM starts afresh at exec, unlike ru_maxrss)
    return next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM'))
base = hwm()
t0 = time.perf_counter()
if sys.argv[1] != "-":
    ds = load_dataset(sys.argv[1]); n = len(ds); nbytes = sum(s.images.nbytes for s in ds.splits.values())
else:
    n = nbytes = 0
t = time.perf_counter() - t0
print(n, nbytes, t, base, hwm())
"""


def child(path: str) -> tuple[int, int, float, float, float]:
    out = subprocess.run([sys.executable, "-c", CHILD, path], capture_output=True, text=True, check=True).stdout
    n, nbytes, t, base, peak = out.split()
    return int(n), int(nbytes), float(t), int(base) / 1024, int(peak) / 1024


def tiled(sample, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    x, y = coloured_mnist(sample, 10000, seed=seed)
    reps = -(-n // 10000)
    return np.concatenate([x] * reps)[:n], np.concatenate([y] * reps)[:n]


def png_folder(root: Path, x: np.ndarray, y: np.ndarray) -> Path:
    for i, (img, lab) in enumerate(zip(x, y)):
        d = root / str(int(lab))
        d.mkdir(parents=True, exist_ok=True)
        (d / f"{i}.png").write_bytes(encode_rgb(img, level=6))
    return root


def _option(name: str, default: int) -> int:
    return int(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


def main() -> None:
    n_png, repeat = _option("--png", 60000), _option("--repeat", 1)
    sample = load_dataset("sample")
    x, y = tiled(sample, 50000, 1)
    xt, yt = tiled(sample, 10000, 2)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        inputs = {"CIFAR-10 python batches (60,000)": cifar10_python(root / "py", x, y, xt, yt),
                  "CIFAR-10 python 2 batches (60,000)": cifar10_python(root / "py2", x, y, xt, yt, py2=True),
                  "CIFAR-10 binary batches (60,000)": cifar10_binary(root / "bin", x, y, xt, yt),
                  f"colour PNG folder ({n_png:,})": png_folder(root / "png", np.concatenate([x, xt])[:n_png],
                                                               np.concatenate([y, yt])[:n_png])}
        _, _, _, base, base_peak = child("-")
        print(f"child baseline (python + package, nothing opened): {base_peak:.0f} MB peak")
        for name, path in inputs.items():
            runs = [child(str(path)) for _ in range(repeat)]
            n, nbytes = runs[0][:2]
            t, peak = statistics.median(r[2] for r in runs), statistics.median(r[4] for r in runs)
            over = peak - base_peak
            print(f"{name:36s} open {t:6.2f} s   arrays {nbytes / 2**20:6.1f} MB   peak {peak:6.0f} MB "
                  f"(+{over:.0f} MB over baseline, {over / (nbytes / 2**20):.2f}x the arrays)"
                  + (f"   times {min(r[2] for r in runs):.2f}-{max(r[2] for r in runs):.2f} s" if repeat > 1 else ""))


if __name__ == "__main__":
    main()
