"""CSV files: one image per row, both common layouts, with or without a label column.

- ``label,pixel0,...,pixel783``: Kaggle's digit-recognizer competition
  (``train.csv``); its ``test.csv`` has the pixel columns only: an
  unlabelled split. Square images only (the side is the root of the count).
- ``label,1x1,1x2,...,28x28``: the "MNIST in CSV" dataset (row x column,
  1-based); any H x W.
- ``label,r0,g0,b0,r1,...``: colour, each pixel's red, green, blue in turn
  (what ``export --csv-colour interleaved`` writes); square images.
- no header: a square number of columns is unlabelled pixels, one more is
  label then pixels.

Integers must lie in 0..255 (uint8 images); a file whose first row holds a
decimal point or an exponent is float data (float32, what a float export
writes). Rows are parsed in blocks of 256 KB by numpy's C parser, into an
array allocated once from the line count, so a 100 MB file needs its images
plus one block in memory. A bad row (ragged, not a number, out of range)
raises an error naming the file and line.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..dataset import Dataset
from ..errors import DatasetError
from ..inputs import open_input
from ..progress import Progress
from .common import build_dataset, check_class_count, make_split, order_splits, split_name_of

__all__ = ["CsvLayout", "sniff_csv", "csv_splits", "load_csv_file", "load_csv_folder"]

_BLOCK = 1 << 18  # numpy's parser needs ~10x a block in temporaries; 256 KB keeps them small (and is fastest)
_ROWCOL = re.compile(r"^(\d+)x(\d+)$")
_PIXEL = re.compile(r"^pixel(\d+)$", re.IGNORECASE)
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


@dataclass(frozen=True)
class CsvLayout:
    """How a CSV holds its images."""

    header: bool
    labelled: bool
    shape: tuple[int, ...]  # (H, W), or (H, W, 3) for colour columns r0,g0,b0,...
    floats: bool
    names: str  # "pixel", "rowcol", "rgb" or "none" (no header)

    @property
    def columns(self) -> int:
        return math.prod(self.shape) + self.labelled


def _shape_from_header(cols: list[str]) -> tuple[tuple[int, ...], str] | None:
    if cols and cols[0].lower() == "r0":  # colour, interleaved: r0,g0,b0,r1,... (export --csv-colour interleaved)
        side = math.isqrt(len(cols) // 3)
        expected = [f"{c}{k}" for k in range(side * side) for c in "rgb"]
        return ((side, side, 3), "rgb") if [c.lower() for c in cols] == expected else None
    if all(_PIXEL.match(c) for c in cols):
        n = len(cols)
        side = math.isqrt(n)
        if [int(_PIXEL.match(c)[1]) for c in cols] != list(range(n)) or side * side != n:
            return None
        return (side, side), "pixel"
    rc = [_ROWCOL.match(c) for c in cols]
    if all(rc):
        h, w = max(int(m[1]) for m in rc), max(int(m[2]) for m in rc)
        expected = [f"{r}x{c}" for r in range(1, h + 1) for c in range(1, w + 1)]
        return ((h, w), "rowcol") if cols == expected else None
    return None


def sniff_csv(path: Path, head: bytes | None = None) -> CsvLayout | None:
    """The layout of a CSV of images, or None when the file is not one (by content, not name)."""
    if head is None:
        with open_input(path) as f:
            head = f.read(1 << 16)
    lines = head.split(b"\n", 2)
    try:
        first = lines[0].decode("utf-8-sig").strip().strip("\r")
        second = lines[1].decode("ascii").strip() if len(lines) > 1 else ""
    except UnicodeDecodeError:
        return None
    cols = [c.strip().strip('"') for c in first.split(",")]
    if len(cols) < 2:
        return None
    if all(_NUMBER.match(c) for c in cols):  # no header
        n = len(cols)
        for labelled in (False, True):
            side = math.isqrt(n - labelled)
            if side and side * side == n - labelled:
                return CsvLayout(False, labelled, (side, side), any(not c.isdigit() for c in cols[labelled:]),
                                 "none")
        return None
    labelled = cols[0].lower() == "label"
    found = _shape_from_header(cols[labelled:])
    if found is None:
        return None
    floats = any(not c.strip().isdigit() for c in second.split(",")[labelled:]) if second else False
    return CsvLayout(True, labelled, found[0], floats, found[1])


def csv_splits(folder: Path) -> tuple[dict[str, tuple[Path, CsvLayout]], list[str]]:
    """({split: (file, layout)}, notes) for the image CSVs directly in ``folder``; others noted."""
    found: dict[str, tuple[Path, CsvLayout]] = {}
    notes = []
    for p in sorted(folder.iterdir()):
        if not p.is_file() or p.name.startswith("."):
            continue
        layout = sniff_csv(p) if _looks_textual(p) else None
        if layout is None:
            if p.suffix.lower() == ".csv":
                notes.append(f"{p.name}: not a CSV of images; skipped")
            continue
        split = split_name_of(p.stem)
        if split in found:
            raise DatasetError(f"{folder}: both {found[split][0].name} and {p.name} look like the {split} split; "
                               "open one file")
        found[split] = (p, layout)
    return order_splits(found), notes


def _looks_textual(path: Path) -> bool:
    with open_input(path) as f:
        head = f.read(512)
    return bool(head) and b"\x00" not in head and b"," in head


def _count_lines(path: Path) -> int:
    n, last = 0, b"\n"
    with open_input(path) as f:
        while block := f.read(_BLOCK):
            n += block.count(b"\n")
            last = block[-1:]
    return n + (last != b"\n")


def read_csv(path: Path, layout: CsvLayout, progress: Progress | None = None) -> tuple[np.ndarray, np.ndarray | None]:
    """(images (N, H, W), labels or None) of a CSV, read in blocks."""
    total = path.stat().st_size
    rows = _count_lines(path) - layout.header
    x = np.empty((max(rows, 0), *layout.shape), np.float32 if layout.floats else np.uint8)
    y = np.empty(max(rows, 0), np.int64) if layout.labelled else None
    n, line_no, done, rest = 0, 1 + layout.header, 0, b""
    with open_input(path) as f:
        if layout.header:
            done = len(f.readline())
        while True:
            block = f.read(_BLOCK)
            data = rest + block
            cut = len(data) if not block else data.rfind(b"\n") + 1
            rest, data = data[cut:], data[:cut]
            lines = data.decode("ascii", errors="replace").splitlines()
            if lines:
                got = _parse_block(path, lines, line_no, layout)
                x[n:n + len(got)] = got[:, layout.labelled:].reshape(len(got), *layout.shape)
                if y is not None:
                    y[n:n + len(got)] = got[:, 0]
                n += len(got)
                line_no += len(lines)
            done += len(data)
            if progress:
                progress(min(done, total), total)
            if not block:
                break
    return (x[:n].copy() if n < len(x) else x), (None if y is None else y[:n])


def _parse_block(path: Path, lines: list[str], first_line: int, layout: CsvLayout) -> np.ndarray:
    keep = [i for i, s in enumerate(lines) if s.strip()]
    text = [lines[i] for i in keep] if len(keep) < len(lines) else lines
    dtype = np.float64 if layout.floats else np.int32
    try:
        vals = np.loadtxt(text, delimiter=",", dtype=dtype, ndmin=2)
    except ValueError:
        vals = None
    if vals is None or vals.shape[1] != layout.columns:
        for i in keep:  # slow path, only to name the first bad line
            _check_line(path, lines[i], first_line + i, layout, dtype)
        raise DatasetError(f"{path}: line {first_line}: cannot be read")
    px = vals[:, layout.labelled:]
    bad = np.zeros(len(vals), bool)
    if not layout.floats:
        bad |= ((px < 0) | (px > 255)).any(axis=1)
    if layout.labelled:
        bad |= (vals[:, 0] < 0) | (vals[:, 0] != np.round(vals[:, 0]))
    if bad.any():
        i = keep[int(np.argmax(bad))]
        _check_line(path, lines[i], first_line + i, layout, dtype)
    return vals


def _check_line(path: Path, line: str, number: int, layout: CsvLayout, dtype) -> None:
    cells = line.split(",")
    where = f"{path}: line {number}"
    if len(cells) != layout.columns:
        raise DatasetError(f"{where}: {len(cells)} values, expected {layout.columns} "
                           f"({'a label and ' if layout.labelled else ''}{layout.shape[0]}x{layout.shape[1]} pixels"
                           f"{' x 3 colours' if len(layout.shape) == 3 else ''})")
    for k, cell in enumerate(cells):
        what = "label" if layout.labelled and k == 0 else "pixel"
        try:
            v = float(cell) if layout.floats and what == "pixel" else int(cell)
        except ValueError:
            raise DatasetError(f"{where}: {what} value {cell.strip()!r} is not "
                               f"{'a number' if layout.floats and what == 'pixel' else 'a whole number'}") from None
        if what == "label" and v < 0:
            raise DatasetError(f"{where}: label {v} is negative")
        if what == "label":
            check_class_count(v, where)  # beyond int32 the fast parse fails: say why
        if what == "pixel" and not layout.floats and not 0 <= v <= 255:
            raise DatasetError(f"{where}: pixel value {v} is out of range 0..255")


def load_csv_file(path: Path, layout: CsvLayout | None = None, *, splits: tuple[str, ...] | None = None,
                  progress: Progress | None = None) -> Dataset:
    """One CSV as one split named after the file (``train.csv`` -> train)."""
    layout = layout or sniff_csv(path)
    if layout is None:
        raise DatasetError(f"{path}: not a CSV of images (expected a header label,pixel0,... or "
                           "label,1x1,..., or rows of numbers)")
    split = split_name_of(path.stem)
    x, y = read_csv(path, layout, progress)
    notes = [] if layout.labelled else [f"{path.name}: no label column; unlabelled"]
    return build_dataset(path.stem, path.name, {split: make_split(split, x, y, path, path if y is not None else None)},
                         path, "csv", notes=notes)


def load_csv_folder(folder: Path, *, splits: tuple[str, ...] | None = None,
                    progress: Progress | None = None) -> Dataset:
    """Every image CSV in ``folder`` as a split (``train.csv``, ``test.csv``, ``mnist_train.csv`` ...)."""
    found, notes = csv_splits(folder)
    found = {k: v for k, v in found.items() if splits is None or k in splits}
    sizes = {k: p.stat().st_size for k, (p, _) in found.items()}
    total, before, loaded = sum(sizes.values()), 0, {}
    for split, (path, layout) in found.items():
        def part(d, t, before=before):
            if progress:
                progress(before + d, total)
        x, y = read_csv(path, layout, part)
        before += sizes[split]
        loaded[split] = make_split(split, x, y, path, path if y is not None else None)
        if not layout.labelled:
            notes.append(f"{path.name}: no label column; unlabelled")
    return build_dataset(folder.name, folder.name, loaded, folder, "csv", notes=notes)
