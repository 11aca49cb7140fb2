"""Export processed datasets: npz / npy / idx / csv / png folders, with a manifest.

Layouts (``out`` is the path given):

npz
    one file ``out`` (Keras layout ``x_train, y_train, x_test, y_test``, only
    the exported splits), manifest ``out.manifest.json`` beside it.
npy, idx, idx.gz, csv, png, hf, wds
    a folder ``out`` holding the files and ``manifest.json``:
    ``x_<split>.npy``/``y_<split>.npy``; ``train-images-idx3-ubyte[.gz]``...;
    ``<split>.csv``; ``<split>/<label>/<index>.png`` (``<index>_<copy>.png``
    when a sample has several output rows); ``data/<split>-00000-of-00001.parquet``
    (Hugging Face ``datasets``); ``<split>-000000.tar`` (WebDataset), see :mod:`.shards`.

Atomic: a single file is written under a temporary name beside the target
and renamed; a folder is built as a hidden sibling and swapped in at the end.
Any failure, cancel or handled signal removes the temporaries and leaves the
previous export untouched. A target is replaced only if it is an earlier
export (recognised by its manifest) and never if it is one of the input
files; an unrelated ``<out>.manifest.json`` is never overwritten.

One writer per target: an exclusive lock (:func:`..atomic.target_lock`)
makes a second export to the same path fail at once, and under that lock
the leftovers of killed runs are cleaned first: temporaries removed, a
folder hidden by a killed swap restored, an npz manifest whose rename was
cut off completed. Folders are swapped in one atomic exchange where the
system has it. Before writing, the size is estimated and checked against
the free space (:mod:`.estimate`).

Rows stream through in chunks (:func:`.pipeline.iter_chunks`), so memory stays
at a few chunks whatever the size.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import shards as _shards
from . import writers as _writers
from .estimate import check_space, estimate
from .manifest import MANIFEST, manifest_bytes, manifest_path
from .target import FORMATS, check_target, recover_target
from ..atomic import OLD_SUFFIX, exchange, name_the_target, target_lock, temp_dir_for, temp_path_for
from ..dataset import Dataset
from ..errors import ExportError, TargetBusyError
from ..hashing import sha256_file
from ..processing.normalize import output_dtype, to_uint8
from ..progress import Cancel, Progress, raise_if_cancelled
from ..processing.pipeline import CHUNK, iter_chunks, output_shape
from ..processing.split_plan import SplitRows, exported_split_names, split_rows
from ..processing.recipe import Recipe
from ..testhook import pause_point
from ..formats.sources import as_dataset, as_recipe

#: Array layouts of npz / npy exports: channels last (the default) or first (PyTorch).
LAYOUTS = ("nhwc", "nchw")

__all__ = ["FORMATS", "LAYOUTS", "MANIFEST", "ExportResult", "export", "manifest_path", "check_target",
           "recover_target"]

Notify = Callable[[str], None]


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


def export(dataset: Dataset, recipe: Recipe, out: str | os.PathLike[str], fmt: str = "npz", *,
           overwrite: bool = False, progress: Progress | None = None, cancel: Cancel = None,
           chunk_size: int = CHUNK, notify: Notify | None = None, csv_header: str = "pixel",
           layout: str = "nhwc", csv_colour: str | None = None,
           shard_bytes: int = _shards.SHARD_BYTES) -> ExportResult:
    """Process ``dataset`` with ``recipe`` and write it to ``out`` in format ``fmt``.

    Parameters
    ----------
    fmt
        One of :data:`FORMATS`.
    overwrite
        Replace an earlier export at ``out`` (never anything else).
    progress
        Called with (rows written, rows total) after each chunk.
    cancel
        ``threading.Event`` or callable; checked between chunks. Cancelling
        raises :class:`Cancelled` and leaves nothing behind.
    notify
        Called with one line per cleanup of an earlier interrupted run.
    csv_header
        CSV column names: ``"pixel"`` (``label,pixel0,...``, Kaggle's
        competition, the default) or ``"rowcol"`` (``label,1x1,...``).
    layout
        ``"nhwc"`` (images (N, H, W) grey or (N, H, W, 3), the default) or
        ``"nchw"`` (npz and npy only: (N, C, H, W), what PyTorch wants; grey gets C=1).
    csv_colour
        ``"interleaved"`` lets colour go to CSV as ``label,r0,g0,b0,...``;
        without it a colour CSV export is refused (npz is the better home).
    shard_bytes
        hf and wds: the largest shard file (a new one starts before a sample would pass it).

    Returns
    -------
    ExportResult
        Paths, counts per split and class, output files with SHA-256.

    Raises
    ------
    UnsafeTargetError, TargetExistsError, TargetBusyError, NoSpaceError, ExportError, RecipeError
        See :func:`check_target`; another export to ``out`` is running; the
        estimate does not fit in the free space; a write failed (the message
        names ``out``); the recipe does not fit the dataset.
    """
    dataset, recipe = as_dataset(dataset), as_recipe(recipe) or Recipe()  # "sample" or a path, as load_data
    out = Path(out)
    inputs = tuple(p for s in dataset.splits.values() for p in s.files)
    check_target(out, fmt, overwrite=overwrite, inputs=inputs)
    if csv_header not in _writers.CSV_HEADERS:
        raise ExportError(f"unknown CSV header {csv_header!r}; choose {' or '.join(_writers.CSV_HEADERS)}")
    # the manifest says which splits the normalization statistics came from
    statistics = {"from": list(recipe.validate().statistics_splits(dataset)),
                  "warning": recipe.statistics_warning(dataset)}
    recipe = recipe.resolve(dataset)
    check_exclusions(recipe, dataset)
    colour_out = len(recipe.target.output_shape(dataset.images.shape[1:])) > 2  # after --channels
    check_colour_options(dataset, out, fmt, layout, csv_colour, colour=colour_out)
    check_space(out, estimate(dataset, recipe, fmt), fmt)
    with target_lock(out, lambda: TargetBusyError(f"{out}: another export to this path is running; "
                                                  "wait for it to finish or choose another name")):
        for line in recover_target(out, fmt):
            (notify or (lambda _m: None))(line)
        check_target(out, fmt, overwrite=overwrite, inputs=inputs)
        return _export_locked(dataset, recipe, out, fmt, progress, cancel, chunk_size, statistics, csv_header,
                              layout, shard_bytes)


def check_colour_options(dataset: Dataset, out: Path, fmt: str, layout: str, csv_colour: str | None, *,
                         colour: bool | None = None) -> None:
    """Refuse layouts a format cannot hold, and colour CSV unless asked for (one line naming ``out``).

    ``colour``: whether the exported images are colour (after the recipe's
    ``target.channels``); default: whether the dataset is.
    """
    colour = dataset.is_colour if colour is None else colour
    if layout not in LAYOUTS:
        raise ExportError(f"unknown layout {layout!r}; choose {' or '.join(LAYOUTS)}")
    if layout == "nchw" and fmt not in ("npz", "npy"):
        raise ExportError(f"{out}: --layout nchw is for npz and npy arrays; {fmt} stores images as they are")
    if csv_colour not in (None, "interleaved"):
        raise ExportError(f"unknown CSV colour layout {csv_colour!r}; the one there is: interleaved")
    if fmt == "csv" and colour and csv_colour is None:
        raise ExportError(f"{out}: CSV has one column per pixel and these images are colour; export them "
                          "with --format npz (or --csv-colour interleaved for label,r0,g0,b0,... columns)")


def check_exclusions(recipe: Recipe, dataset: Dataset) -> None:
    """Raise RecipeError when the recipe excludes a split or index the dataset does not have
    (the check every command makes: :meth:`Recipe.check_dataset`)."""
    recipe.check_dataset(dataset)


def _export_locked(dataset: Dataset, recipe: Recipe, out: Path, fmt: str, progress: Progress | None,
                   cancel: Cancel, chunk_size: int, statistics: dict | None = None,
                   csv_header: str = "pixel", layout: str = "nhwc",
                   shard_bytes: int = _shards.SHARD_BYTES) -> ExportResult:
    splits = []
    plans = {}
    for name in exported_split_names(dataset, recipe):
        rows = plans[name] = split_rows(dataset, recipe, name)
        s = dataset.splits[rows.source]
        indices, copies = rows.indices, rows.copies
        splits.append(_writers.SplitData(name, len(indices), output_shape(dataset, recipe, rows.source),
                                         output_dtype(recipe.normalize),
                                         recipe.labels_for(rows.source, indices, s.labels[indices]), indices, copies,
                                         lambda: iter(()), s.labelled, source=rows.source,
                                         original=s.labels[indices] if s.labelled else None))
        if layout == "nchw":
            shape = splits[-1].image_shape
            splits[-1].image_shape = (1, *shape) if len(shape) == 2 else (shape[2], *shape[:2])
            splits[-1].layout = "nchw"
    total = sum(s.rows for s in splits)
    state = {"done": 0}

    def stream(name: str):
        for _, x, _, _, _ in iter_chunks(dataset, recipe, name, chunk_size=chunk_size, cancel=cancel):
            if x.dtype.kind == "f" and not np.isfinite(x).all():
                raise ExportError(f"{out}: the recipe turns pixels into infinite or undefined values "
                                  "(check the normalization: a tiny std or huge mean); nothing was written")
            yield x
            state["done"] += len(x)
            if progress:
                progress(state["done"], total)
            if state["done"] == len(x):
                pause_point("export.writing")

    for s in splits:
        s.chunks = (lambda name=s.name: _channels_first(stream(name))) if layout == "nchw" else \
            (lambda name=s.name: stream(name))
    if progress:
        progress(0, total)
    counts = _counts(dataset, recipe, splits, plans)
    if fmt == "npz":
        files = _export_file(out, recipe, splits, counts, dataset, cancel, statistics)
    else:
        files = _export_folder(out, fmt, recipe, splits, counts, dataset, cancel, statistics, csv_header,
                               shard_bytes)
    return ExportResult(out, manifest_path(out, fmt), fmt, counts, files)


def _export_file(out: Path, recipe: Recipe, splits: list, counts: dict, dataset: Dataset, cancel: Cancel,
                 statistics: dict | None = None) -> list:
    man = manifest_path(out, "npz")
    tmp = tmp_man = None
    try:
        tmp = temp_path_for(out)
        tmp_man = temp_path_for(man)
        with open(tmp, "wb") as f:
            _writers.write_npz(f, splits)
            f.flush()
            os.fsync(f.fileno())
        raise_if_cancelled(cancel)
        files = [{"path": out.name, "bytes": tmp.stat().st_size, "sha256": sha256_file(tmp)}]
        tmp_man.write_bytes(manifest_bytes(recipe=recipe, fmt="npz", splits=splits, counts=counts,
                                           dataset=dataset, files=files, statistics=statistics))
        _umask_mode(tmp)
        _umask_mode(tmp_man)
        pause_point("export.before-swap")
        os.replace(tmp, out)  # a kill between the renames is finished by _complete_manifest next time
        pause_point("export.between-renames")
        os.replace(tmp_man, man)
    except BaseException as exc:
        for p in (tmp, tmp_man):
            if p is not None:
                with contextlib.suppress(OSError):
                    p.unlink()
        if isinstance(exc, OSError) and tmp is not None:
            raise name_the_target(exc, tmp, out) from None
        raise
    return files


def _channels_first(chunks):
    """Image chunks (n, H, W) or (n, H, W, C) as (n, C, H, W)."""
    for x in chunks:
        yield x[:, None] if x.ndim == 3 else np.ascontiguousarray(x.transpose(0, 3, 1, 2))


def _export_folder(out: Path, fmt: str, recipe: Recipe, splits: list, counts: dict, dataset: Dataset,
                   cancel: Cancel, statistics: dict | None = None, csv_header: str = "pixel",
                   shard_bytes: int = _shards.SHARD_BYTES) -> list:
    tmp = temp_dir_for(out)
    try:
        hashes = _write_folder(tmp, fmt, recipe, splits, dataset, csv_header, shard_bytes)
        raise_if_cancelled(cancel)
        files = []
        for p in sorted(q for q in tmp.rglob("*") if q.is_file()):
            rel = p.relative_to(tmp).as_posix()
            files.append({"path": rel, "bytes": p.stat().st_size,
                          "sha256": hashes[rel] if rel in hashes else sha256_file(p)})
        (tmp / MANIFEST).write_bytes(manifest_bytes(recipe=recipe, fmt=fmt, splits=splits, counts=counts,
                                                    dataset=dataset, files=files, statistics=statistics))
        _umask_mode(tmp, folder=True)
        pause_point("export.before-swap")
        _swap_in(tmp, out)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise name_the_target(exc, tmp, out) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return files


def _write_folder(tmp: Path, fmt: str, recipe: Recipe, splits: list, dataset: Dataset, csv_header: str,
                  shard_bytes: int) -> dict:
    """Write the files of a folder format into ``tmp``; returns the SHA-256 of those already hashed."""
    def uint8(x):
        return to_uint8(x, recipe.normalize)

    if fmt == "npy":
        return _writers.write_npy(tmp, splits)
    if fmt in ("idx", "idx.gz"):
        return _writers.write_idx_files(tmp, splits, compress=fmt == "idx.gz")
    if fmt == "csv":
        return _writers.write_csv(tmp, splits, csv_header)
    if fmt == "hf":
        return _shards.write_hf(tmp, splits, to_uint8=uint8, class_names=dataset.class_names,
                                shard_bytes=shard_bytes)
    if fmt == "wds":
        return _shards.write_wds(tmp, splits, to_uint8=uint8, class_names=dataset.class_names,
                                 per_image=_rows_per_image(recipe, splits), shard_bytes=shard_bytes)
    return _writers.write_png(tmp, splits, to_uint8=uint8, per_image=_rows_per_image(recipe, splits))


def _umask_mode(path: Path, folder: bool = False) -> None:
    """Give a temporary (created 0600/0700) the permissions a normal new file would get."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, (0o777 if folder else 0o666) & ~umask)


def _swap_in(tmp: Path, out: Path) -> None:
    """Put folder ``tmp`` at ``out``; the old ``out`` survives until the new one is in place.

    One atomic exchange where the system has it (afterwards ``tmp`` holds the
    old export and is removed); otherwise two renames, with the old export
    hidden as ``.<name>.XXXXXXXX.old.part`` in between, which
    :func:`recover_target` restores if the process dies there.
    """
    if not os.path.lexists(out):
        os.replace(tmp, out)
        return
    if exchange(tmp, out):
        shutil.rmtree(tmp, ignore_errors=True)
        return
    old = temp_dir_for(out, OLD_SUFFIX)
    os.rmdir(old)
    os.replace(out, old)
    pause_point("export.between-renames")
    try:
        os.replace(tmp, out)
    except BaseException:
        os.replace(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _rows_per_image(recipe: Recipe, splits: list) -> int:
    """The most rows one sample has in any split (PNG names carry the copy when above 1)."""
    most = max((int(np.bincount(s.indices).max()) for s in splits if s.rows), default=1)
    return max(recipe.augment.per_image, most)


def _counts(dataset: Dataset, recipe: Recipe, splits: list, plans: dict[str, SplitRows]) -> dict:
    """Per split: samples given, excluded, relabelled, rows and rows per class (after balancing).

    A split drawn by sampling (val, a test cut from the only labelled split)
    also names its source and the SHA-256 of its sample indices (int64
    little-endian), so two exports can be checked for the same val set.
    """
    n_classes = len(dataset.class_names)
    out = {}
    for s in splits:
        rows = plans[s.name]
        per_class = np.bincount(s.labels, minlength=n_classes).tolist() if s.labelled else []
        excluded = np.intersect1d(rows.members, recipe.excluded_indices(rows.source))
        relabelled = np.intersect1d(rows.members, np.fromiter(recipe.relabelled_in(rows.source), np.int64))
        c = {"samples": rows.samples, "excluded": len(excluded), "relabelled": len(relabelled), "rows": s.rows,
             "labelled": s.labelled, "per_class": {str(k): n for k, n in enumerate(per_class)}}
        if rows.drawn or rows.name != rows.source:
            c["source"] = rows.source
        if rows.drawn:
            c["indices_sha256"] = hashlib.sha256(np.asarray(rows.indices, "<i8").tobytes()).hexdigest()
        out[s.name] = c
    return out
