"""Which export targets may be written, and cleaning up after killed runs for one.

An export may replace only an earlier export (recognised by its manifest)
that holds nothing but the files its manifest lists, never an arbitrary
file or folder, never one of its own input files, and
never an unrelated ``<out>.manifest.json``. Each case has its own exception
type so the GUI can decide without reading messages: force helps only with
:class:`TargetExistsError`.
"""

from __future__ import annotations

import os
from pathlib import Path

from .manifest import MANIFEST, is_earlier_export, manifest_path, read_manifest
from .shards import check_pyarrow
from ..atomic import leftovers_of, remove_leftovers, restore_moved_aside
from ..errors import ExportError, TargetExistsError, UnsafeTargetError
from ..hashing import sha256_file

__all__ = ["FORMATS", "check_target", "recover_target"]

FORMATS = ("npz", "npy", "idx", "idx.gz", "csv", "png", "hf", "wds")


def check_target(out: str | os.PathLike[str], fmt: str, *, overwrite: bool,
                 inputs: tuple[Path, ...] = ()) -> None:
    """Raise if ``out`` cannot or may not be written.

    :class:`UnsafeTargetError` (force does not help): ``out`` or the npz
    manifest path holds something that is not an earlier export, or an input
    file is (inside) ``out``. :class:`TargetExistsError`: an earlier export is
    there and ``overwrite`` is false. :class:`ExportError`: anything else.
    """
    out = Path(out)
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "hf":
        check_pyarrow()  # before anything is read or written: say what to install
    if not out.parent.is_dir():
        raise ExportError(f"{out.parent}: no such folder")
    _check_not_an_input(out, fmt, inputs)
    if fmt == "npz":
        man = manifest_path(out, fmt)
        if out.is_dir():
            raise ExportError(f"{out} is a folder; give a file name for the npz export")
        if os.path.lexists(out) and not is_earlier_export(out, fmt):
            raise UnsafeTargetError(f"{out} exists and is not an mnist-desktop export (no {man.name} describing "
                                    "it); refusing to replace it, even with --force: choose another name")
        if os.path.lexists(man) and not is_earlier_export(out, fmt):
            raise UnsafeTargetError(f"{man} exists and is not the manifest of an mnist-desktop export of "
                                    f"{out.name}; refusing to replace it: choose another name")
        exists = os.path.lexists(out) or os.path.lexists(man)
    else:
        exists = os.path.lexists(out)
        if exists and not out.is_dir():
            raise ExportError(f"{out} is a file; the {fmt} export writes a folder")
        if exists and any(out.iterdir()) and not is_earlier_export(out, fmt):
            raise UnsafeTargetError(f"{out} is a folder that is not an mnist-desktop export (no {MANIFEST}); "
                                    "refusing to replace it: choose a new or empty folder")
        if exists and any(out.iterdir()):
            _check_only_export_files(out)
    if exists and not overwrite:
        raise TargetExistsError(f"{out} already exists; overwrite it explicitly (--force) to replace it")


def _check_only_export_files(out: Path) -> None:
    """Refuse to replace an earlier export folder that holds a file its manifest does not list.

    Replacing the folder swaps in a new one, so anything the user put inside
    (notes, a training log) would be gone: it is refused, naming the file,
    even with force. Empty folders are not files and are not kept.
    """
    doc = read_manifest(out / MANIFEST) or {"files": []}
    listed = {str(f.get("path")) for f in doc["files"]} | {MANIFEST}
    for folder, dirs, files in os.walk(out):  # os.walk lists symlinks to folders in dirs, never follows them
        rel = os.path.relpath(folder, out).replace(os.sep, "/")
        prefix = "" if rel == "." else rel + "/"
        dirs.sort()
        links = [d for d in dirs if os.path.islink(os.path.join(folder, d))]
        for name in sorted(files) + links:
            if prefix + name not in listed:
                raise UnsafeTargetError(f"{Path(folder) / name} is not part of the earlier export in {out} (its "
                                        f"{MANIFEST} does not list it); refusing to replace the folder, even with "
                                        "--force: move the file out or choose another folder")


def _check_not_an_input(out: Path, fmt: str, inputs: tuple[Path, ...]) -> None:
    outs = [out, manifest_path(out, fmt)] if fmt == "npz" else [out]
    for src in inputs:
        for o in outs:
            same = os.path.lexists(o) and os.path.exists(src) and os.path.samefile(o, src)
            inside = fmt != "npz" and Path(os.path.realpath(src)).is_relative_to(os.path.realpath(o))
            if same or inside:
                raise UnsafeTargetError(f"{out}: the export would replace its own input {src}; "
                                        "choose another --out")


def recover_target(out: Path, fmt: str) -> list[str]:
    """Clean up after runs killed while writing ``out``; hold the target lock. Returns notes."""
    notes = []
    if fmt != "npz" and restore_moved_aside(out):
        notes.append(f"{out}: restored the previous export, which an interrupted export had moved aside")
    if fmt == "npz" and _complete_manifest(out):
        notes.append(f"{out}: completed the manifest an interrupted export had not renamed into place")
    removed = remove_leftovers(out) + (remove_leftovers(manifest_path(out, fmt)) if fmt == "npz" else 0)
    if removed:
        notes.append(f"{out}: removed {removed} leftover temporary file{'s' if removed != 1 else ''} "
                     "of an interrupted export")
    return notes


def _complete_manifest(out: Path) -> bool:
    """Rename a complete temporary manifest that describes the npz now at ``out``."""
    man = manifest_path(out, "npz")
    for tmp in reversed(leftovers_of(man)):
        doc = read_manifest(tmp)
        entry = next((f for f in doc["files"] if f.get("path") == out.name), None) if doc else None
        if entry and out.is_file() and out.stat().st_size == entry.get("bytes") and \
                sha256_file(out) == entry.get("sha256"):
            os.replace(tmp, man)
            return True
    return False
