"""read_idx on a 60,000-image gzip file against plain zlib inflation of the same bytes.

Target (issue 2): at most 1.2x the time of ``zlib.decompress`` and peak memory
at most ~1.3x the array. Also: an uncompressed file through np.memmap.
"""

from __future__ import annotations

import tempfile
import tracemalloc
import zlib
from pathlib import Path

from _common import interleaved, tiled_sample

from mnist_desktop import read_idx, write_idx


def main() -> None:
    images, _ = tiled_sample(60000)
    with tempfile.TemporaryDirectory() as tmp:
        gz = Path(tmp) / "train-images-idx3-ubyte.gz"
        plain = Path(tmp) / "train-images-idx3-ubyte"
        write_idx(gz, images)
        write_idx(plain, images)
        print(f"60,000 images: {gz.stat().st_size:,} bytes gzip, array {images.nbytes:,} bytes")

        def baseline():
            return zlib.decompress(gz.read_bytes(), 31)

        t = interleaved({"zlib.decompress": baseline, "read_idx(gz)": lambda: read_idx(gz),
                         "read_idx(plain)": lambda: read_idx(plain),
                         "read_idx(plain, copy)": lambda: read_idx(plain, copy=True)}, repeat=9)
        for name, sec in t.items():
            print(f"{name:24s} {sec * 1e3:8.1f} ms  ratio {sec / t['zlib.decompress']:.2f}x")

        tracemalloc.start()
        arr = read_idx(gz)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"peak memory read_idx(gz): {peak / 1e6:.1f} MB = {peak / arr.nbytes:.2f}x the array")
        tracemalloc.start()
        zlib.decompress(gz.read_bytes(), 31)
        _, peak_base = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"peak memory zlib.decompress(whole file): {peak_base / 1e6:.1f} MB = "
              f"{peak_base / arr.nbytes:.2f}x the array")
        print(f"RESULT idx_read_ratio={t['read_idx(gz)'] / t['zlib.decompress']:.2f} "
              f"peak_ratio={peak / arr.nbytes:.2f}")


if __name__ == "__main__":
    main()
