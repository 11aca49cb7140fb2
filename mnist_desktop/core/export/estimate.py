"""How much an export will write, known before writing it, and whether it fits.

``--copies 1000`` on the sample is 10 million rows and ~31 GB of float32: an
export that only notices when the disk is full has already filled it for
everything else. :func:`estimate` gives rows and bytes up front (exact for
npz, npy and idx; measured on a few hundred processed rows and extrapolated
for csv, png and idx.gz), :func:`check_space` refuses an export that would
not leave a margin free. ``export --dry-run`` prints the estimate and the GUI
export dialog shows it.
"""

from __future__ import annotations

import gzip
import math
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import shards as _shards
from ..draw import png as _png
from ..dataset import Dataset
from ..errors import NoSpaceError
from ..processing.normalize import output_dtype, to_uint8
from ..processing.pipeline import output_shape, process_rows
from ..processing.split_plan import exported_split_names, split_rows
from ..processing.recipe import Recipe
from ..units import format_bytes

__all__ = ["Estimate", "estimate", "check_space", "on_disk_words", "SAMPLE_ROWS"]

#: Rows processed and encoded to measure formats whose size depends on the pixels.
SAMPLE_ROWS = 256
_MANIFEST_BYTES = 64 * 1024  # the manifest, generously
_ZIP_ENTRY = 300  # local + central header, zip64 extras, data descriptor
_LAZY_HINT = ("; for a big target size, --format png or wds writes uint8 images resized once, or read the data "
              "lazily with ImageDataset (the target stage applied per batch)")
#: Bytes per shard file beside its samples: parquet footer and schema; tar end-of-archive blocks.
_SHARD_FILE = {"hf": 4096, "wds": _shards.TAR_END}
_MANIFEST_PER_FILE = 160  # each output file's path, size and SHA-256 in the manifest


@dataclass(frozen=True)
class Estimate:
    """What an export would write.

    Attributes
    ----------
    rows
        Output rows (images) over all exported splits.
    bytes
        Total size of the files, manifest included.
    files
        Number of files (one per image for png).
    exact
        False when ``bytes`` is extrapolated from a sample of rows.
    """

    rows: int
    bytes: int
    files: int
    exact: bool

    def disk_bytes(self, block: int = 4096) -> int:
        """Space taken on disk: every file occupies whole blocks."""
        per_file = self.bytes / max(self.files, 1)
        return int(self.files * math.ceil(per_file / block) * block)


def estimate(dataset: Dataset, recipe: Recipe, fmt: str, shard_bytes: int = _shards.SHARD_BYTES) -> Estimate:
    """Rows and bytes an export of ``dataset`` with ``recipe`` in ``fmt`` would write.

    Cheap: nothing is written; at most :data:`SAMPLE_ROWS` rows per split are
    processed (only for csv, png, idx.gz, hf and wds). ``shard_bytes``: the
    largest shard of hf and wds, which sets their number of files.
    """
    recipe = recipe.validate().resolve(dataset)
    dtype = output_dtype(recipe.normalize)
    rows = total = files = 0
    exact = True
    for name in exported_split_names(dataset, recipe):
        source, picker, r = _rows_of(dataset, recipe, name)
        pixels = int(np.prod(output_shape(dataset, recipe, source)))
        raw = r * pixels * dtype.itemsize
        rows += r
        if fmt in ("npz", "npy"):
            total += 2 * 128 + raw + r + (2 * _ZIP_ENTRY if fmt == "npz" else 0)
            files += 2 if fmt == "npy" else 0
        elif fmt == "idx":
            total += 16 + raw + 8 + r
            files += 2
        elif fmt in ("hf", "wds"):
            exact = False
            per_row = _shard_bytes_per_row(_bytes_per_row(dataset, recipe, source, picker, r, "png"), fmt)
            shards = _shards.shard_count(r, per_row, shard_bytes, fmt)
            total += int(per_row * r) + shards * _SHARD_FILE[fmt]
            files += shards
        else:
            exact = False
            total += int(_bytes_per_row(dataset, recipe, source, picker, r, fmt) * r) + 4096
            files += r if fmt == "png" else (1 if fmt == "csv" else 2)
    total += _MANIFEST_BYTES + _MANIFEST_PER_FILE * files + (22 + 56 + 20 if fmt == "npz" else 0)
    files += 1  # the manifest
    return Estimate(rows, total, max(files, 1), exact)


def _row_plan(recipe: Recipe, split: str, n_samples: int) -> tuple[np.ndarray, np.ndarray]:
    """(kept sample indices, copies per sample): the rows of :func:`.pipeline.output_rows`
    without materialising them (10 million rows would take 160 MB just to be counted)."""
    keep = np.setdiff1d(np.arange(n_samples), recipe.excluded_indices(split), assume_unique=True)
    aug = recipe.augment
    return keep, np.arange(-1 if aug.keep_original else 0, aug.copies)


def _rows_of(dataset: Dataset, recipe: Recipe, name: str):
    """(source split, picker, row count) of output split ``name``; picker(rows) -> (indices, copies).

    Without sampling the rows are not materialised (10 million rows would
    take 160 MB just to be counted).
    """
    if recipe.sampling.is_identity:
        keep, per = _row_plan(recipe, name, len(dataset.splits[name]))
        return name, lambda pick: (keep[pick // len(per)], per[pick % len(per)]), len(keep) * len(per)
    rows = split_rows(dataset, recipe, name)
    return rows.source, lambda pick: (rows.indices[pick], rows.copies[pick]), len(rows)


def _shard_bytes_per_row(png: float, fmt: str) -> float:
    """Bytes of one sample in a shard whose PNG takes ``png`` bytes on average.

    hf: the PNG plus the label and index columns. wds: every tar member is a
    512-byte header plus its data padded to 512 bytes; .cls and .json are a
    few dozen bytes, so one block each.
    """
    if fmt == "hf":
        return png + _shards.HF_ROW_BYTES
    block = 512
    return block + math.ceil(png / block) * block + 2 * 2 * block


def _bytes_per_row(dataset: Dataset, recipe: Recipe, split: str, picker, n: int, fmt: str) -> float:
    if n == 0:
        return 0.0
    pick = np.unique(np.linspace(0, n - 1, min(SAMPLE_ROWS, n)).astype(np.int64))
    x, y = process_rows(dataset, split, *picker(pick), recipe)
    if fmt == "png":
        return sum(map(len, _png.encode_batch(to_uint8(x, recipe.normalize)))) / len(pick)
    if fmt == "idx.gz":
        data = np.ascontiguousarray(x, x.dtype.newbyteorder(">")).tobytes()
        return (len(gzip.compress(data, 6)) + len(gzip.compress(y.tobytes(), 6))) / len(pick)
    flat = x.reshape(len(x), -1)
    cell = "%d" if x.dtype == np.uint8 else "%.9g"
    text = "".join(f"{lab}," + ",".join(cell % v for v in row) + "\n" for lab, row in zip(y.tolist(), flat.tolist()))
    return len(text) / len(pick)


def on_disk_words(est: Estimate, block: int = 4096) -> str:
    """", 10,001 files of whole 4 KiB blocks: 4.9 MB of data" when blocks make the files take more than their bytes."""
    disk = est.disk_bytes(block)
    if disk <= est.bytes * 1.1:
        return ""
    return (f", {est.files:,} files of whole {block // 1024 if block >= 1024 else block} "
            f"{'KiB' if block >= 1024 else 'byte'} blocks: {format_bytes(est.bytes)} of data")


def check_space(out: str | os.PathLike[str], est: Estimate, fmt: str = "") -> None:
    """Raise :class:`NoSpaceError` when ``est`` would not fit beside ``out`` with a margin.

    The margin is 5 % plus 16 MiB of space (the previous export stays until
    the new one is complete, so it is not counted as free) and 1,000 spare
    inodes for exports of many files.
    """
    out = Path(out)
    folder = out.parent
    usage = shutil.disk_usage(folder)
    block = 4096
    inodes_free = None
    if hasattr(os, "statvfs"):
        st = os.statvfs(folder)
        block = st.f_frsize or st.f_bsize or block
        inodes_free = st.f_favail if st.f_files else None  # some file systems report no inode limit
    disk = est.disk_bytes(block)
    need = int(disk * 1.05) + (16 << 20)
    if need > usage.free:
        raise NoSpaceError(
            f"{out}: not enough free space: the export needs about {format_bytes(disk)} on disk "
            f"({est.rows:,} images{on_disk_words(est, block)}) plus a margin, and {folder} has "
            f"{format_bytes(usage.free)} free; "
            "free some space, export fewer rows (--copies, --split) or write elsewhere"
            + (_LAZY_HINT if fmt in ("npz", "npy", "idx", "idx.gz", "csv") else ""))
    if inodes_free is not None and est.files + 1000 > inodes_free:
        raise NoSpaceError(
            f"{out}: the export writes {est.files:,} files but the file system of {folder} has room "
            f"for only {inodes_free:,} more (no free inodes); choose another format (npz, npy) or place")
