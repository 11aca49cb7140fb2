"""Export processed datasets: npz / npy / idx / csv / png folders, with a manifest.

Layouts (``out`` is the path given):

npz
    one file ``out`` (Keras layout ``x_train, y_train, x_test, y_test``, only
    the exported splits), manifest ``out.manifest.json`` beside it.
npy, idx, idx.gz, csv, png
    a folder ``out`` holding the files and ``manifest.json``:
    ``x_<split>.npy``/``y_<split>.npy``; ``train-images-idx3-ubyte[.gz]``...;
    ``<split>.csv``; ``<split>/<label>/<index>.png`` (``<index>_<copy>.png``
    when a sample has several output rows).

Atomic: a single file is written under a temporary name beside the target
and renamed; a folder is built as a hidden sibling and swapped in at the end.
Any failure or cancel removes the temporaries and leaves the previous
export untouched. Existing folders are replaced only if they are empty or
an earlier export (they hold ``manifest.json``), never an arbitrary folder.

Rows stream through in chunks (:func:`.recipe.iter_chunks`), so memory stays
at a few chunks whatever the size.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import writers as _writers
from ..atomic import temp_path_for
from ..dataset import Dataset
from ..hashing import sha256_file
from ..errors import ExportError, TargetExistsError
from ..processing.normalize import output_dtype, to_uint8
from ..progress import Cancel, Progress, raise_if_cancelled
from ..processing.pipeline import CHUNK, iter_chunks, output_rows
from ..processing.recipe import Recipe

__all__ = ["FORMATS", "ExportResult", "export", "manifest_path", "check_target"]

FORMATS = ("npz", "npy", "idx", "idx.gz", "csv", "png")
MANIFEST = "manifest.json"


@dataclass
class ExportResult:
    """What an export wrote."""

    path: Path
    manifest_path: Path
    format: str
    counts: dict[str, dict[str, Any]]
    files: list[dict[str, Any]] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(c["rows"] for c in self.counts.values())


def manifest_path(out: str | os.PathLike[str], fmt: str) -> Path:
    """Where the manifest of an export to ``out`` goes."""
    out = Path(out)
    return out.with_name(out.name + ".manifest.json") if fmt == "npz" else out / MANIFEST


def check_target(out: str | os.PathLike[str], fmt: str, *, overwrite: bool) -> None:
    """Raise ExportError if ``out`` cannot (or may not) be written."""
    out = Path(out)
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if not out.parent.is_dir():
        raise ExportError(f"{out.parent}: no such folder")
    if not out.exists():
        return
    if fmt == "npz" and out.is_dir():
        raise ExportError(f"{out} is a folder; give a file name for the npz export")
    if fmt != "npz" and not out.is_dir():
        raise ExportError(f"{out} is a file; the {fmt} export writes a folder")
    if fmt != "npz" and any(out.iterdir()) and not (out / MANIFEST).is_file():
        raise ExportError(f"{out} is a folder that is not an mnist-desktop export (no {MANIFEST}); "
                          "refusing to replace it: choose a new or empty folder")
    if not overwrite:
        raise TargetExistsError(f"{out} already exists; overwrite it explicitly (--force) to replace it")


def export(dataset: Dataset, recipe: Recipe, out: str | os.PathLike[str], fmt: str = "npz", *,
           overwrite: bool = False, progress: Progress | None = None, cancel: Cancel = None,
           chunk_size: int = CHUNK) -> ExportResult:
    """Process ``dataset`` with ``recipe`` and write it to ``out`` in format ``fmt``.

    Parameters
    ----------
    fmt
        One of :data:`FORMATS`.
    overwrite
        Replace an existing export at ``out``.
    progress
        Called with (rows written, rows total) after each chunk.
    cancel
        ``threading.Event`` or callable; checked between chunks. Cancelling
        raises :class:`Cancelled` and leaves nothing behind.

    Returns
    -------
    ExportResult
        Paths, counts per split and class, output files with SHA-256.
    """
    out = Path(out)
    check_target(out, fmt, overwrite=overwrite)
    recipe = recipe.validate().resolve(dataset)
    splits = []
    for name in recipe.split_names(dataset):
        s = dataset.splits[name]
        indices, copies = output_rows(recipe, name, len(s))
        splits.append(_writers.SplitData(name, len(indices), s.images.shape[1:], output_dtype(recipe.normalize),
                                         s.labels[indices], indices, copies, lambda: iter(())))
    total = sum(s.rows for s in splits)
    state = {"done": 0}

    def stream(name: str):
        for _, x, _, _, _ in iter_chunks(dataset, recipe, name, chunk_size=chunk_size, cancel=cancel):
            yield x
            state["done"] += len(x)
            if progress:
                progress(state["done"], total)

    for s in splits:
        s.chunks = lambda name=s.name: stream(name)
    if progress:
        progress(0, total)
    counts = _counts(dataset, recipe, splits)
    if fmt == "npz":
        files = _export_file(out, recipe, splits, counts, dataset, cancel)
    else:
        files = _export_folder(out, fmt, recipe, splits, counts, dataset, cancel)
    return ExportResult(out, manifest_path(out, fmt), fmt, counts, files)


def _export_file(out: Path, recipe: Recipe, splits: list, counts: dict, dataset: Dataset, cancel: Cancel) -> list:
    tmp = temp_path_for(out)
    man = manifest_path(out, "npz")
    tmp_man = temp_path_for(man)
    try:
        with open(tmp, "wb") as f:
            _writers.write_npz(f, splits)
            f.flush()
            os.fsync(f.fileno())
        raise_if_cancelled(cancel)
        files = [{"path": out.name, "bytes": tmp.stat().st_size, "sha256": sha256_file(tmp)}]
        tmp_man.write_bytes(_manifest_bytes(recipe, "npz", splits, counts, dataset, files))
        _umask_mode(tmp)
        _umask_mode(tmp_man)
        os.replace(tmp, out)  # the two renames are the only window where file and manifest disagree
        os.replace(tmp_man, man)
    except BaseException:
        for p in (tmp, tmp_man):
            with contextlib.suppress(OSError):
                p.unlink()
        raise
    return files


def _export_folder(out: Path, fmt: str, recipe: Recipe, splits: list, counts: dict, dataset: Dataset,
                   cancel: Cancel) -> list:
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent))
    try:
        if fmt == "npy":
            hashes = _writers.write_npy(tmp, splits)
        elif fmt in ("idx", "idx.gz"):
            hashes = _writers.write_idx_files(tmp, splits, compress=fmt == "idx.gz")
        elif fmt == "csv":
            hashes = _writers.write_csv(tmp, splits)
        else:
            hashes = _writers.write_png(tmp, splits, to_uint8=lambda x: to_uint8(x, recipe.normalize),
                                        per_image=recipe.augment.per_image)
        raise_if_cancelled(cancel)
        files = []
        for p in sorted(q for q in tmp.rglob("*") if q.is_file()):
            rel = p.relative_to(tmp).as_posix()
            files.append({"path": rel, "bytes": p.stat().st_size,
                          "sha256": hashes[rel] if rel in hashes else sha256_file(p)})
        (tmp / MANIFEST).write_bytes(_manifest_bytes(recipe, fmt, splits, counts, dataset, files))
        _umask_mode(tmp, folder=True)
        _swap_in(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return files


def _umask_mode(path: Path, folder: bool = False) -> None:
    """Give a temporary (created 0600/0700) the permissions a normal new file would get."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, (0o777 if folder else 0o666) & ~umask)


def _swap_in(tmp: Path, out: Path) -> None:
    """Put folder ``tmp`` at ``out``; the old ``out`` survives until the new one is in place."""
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old.part", dir=out.parent))
        os.rmdir(old)
        os.replace(out, old)
    try:
        os.replace(tmp, out)
    except BaseException:
        if old is not None:
            os.replace(old, out)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _counts(dataset: Dataset, recipe: Recipe, splits: list) -> dict:
    n_classes = len(dataset.class_names)
    out = {}
    for s in splits:
        per_class = np.bincount(s.labels, minlength=n_classes).tolist()
        out[s.name] = {"samples": len(dataset.splits[s.name]), "excluded": len(recipe.excluded_indices(s.name)),
                       "rows": s.rows, "per_class": {str(k): c for k, c in enumerate(per_class)}}
    return out


def _manifest_bytes(recipe: Recipe, fmt: str, splits: list, counts: dict, dataset: Dataset, files: list) -> bytes:
    from ... import __version__

    sources = []
    for s in splits:
        for p in dataset.splits[s.name].files:
            sources.append({"split": s.name, "path": str(p), "bytes": p.stat().st_size, "sha256": sha256_file(p)})
    doc = {
        "tool": "mnist-desktop", "version": __version__,
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "format": fmt,
        "dataset": {"key": dataset.key, "title": dataset.title, "source": dataset.source,
                    "class_names": list(dataset.class_names)},
        "recipe": recipe.to_dict(),
        "row_order": "per split: samples in index order without the excluded ones; for each sample "
                     "the original (if keep_original) then copies 0..copies-1",
        "arrays": {s.name: {"x_shape": [s.rows, *s.image_shape], "x_dtype": str(np.dtype(s.dtype)),
                            "y_dtype": str(s.labels.dtype)} for s in splits},
        "counts": counts,
        "source_files": sources,
        "files": files,
    }
    return (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
