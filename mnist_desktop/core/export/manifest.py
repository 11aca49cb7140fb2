"""The manifest of an export: what it holds, where it came from, and proof of both.

Written beside every export (``<out>.manifest.json`` for npz, ``manifest.json``
inside a folder). It is also how the tool recognises its own earlier exports
(only those may be replaced) and how ``info`` tells that data and manifest
belong together: each output file is listed with its size and SHA-256.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from ..._version import __version__
from ..hashing import sha256_file
from ..inputs import read_small_text

__all__ = ["MANIFEST", "manifest_path", "manifest_bytes", "read_manifest", "is_earlier_export",
           "verify_export"]

MANIFEST = "manifest.json"
TOOL = "mnist-desktop"


def manifest_path(out: str | os.PathLike[str], fmt: str) -> Path:
    """Where the manifest of an export to ``out`` goes."""
    out = Path(out)
    return out.with_name(out.name + ".manifest.json") if fmt == "npz" else out / MANIFEST


def read_manifest(path: Path) -> dict[str, Any] | None:
    """The manifest at ``path`` if it is one this tool wrote, else None (never raises)."""
    try:
        doc = json.loads(read_small_text(path))  # a pipe or a huge file: refused unread (a ValueError)
    except (OSError, ValueError, RecursionError):
        return None
    ok = (isinstance(doc, dict) and doc.get("tool") == TOOL and isinstance(doc.get("format"), str)
          and isinstance(doc.get("files"), list) and all(isinstance(f, dict) for f in doc["files"]))
    return doc if ok else None


def is_earlier_export(out: Path, fmt: str) -> bool:
    """Whether ``out`` is an export this tool wrote (its manifest says so).

    A file (npz) needs ``<out>.manifest.json`` naming it; a folder needs its
    ``manifest.json`` (any folder format: an npy export may become a png one).
    """
    if fmt == "npz":
        doc = read_manifest(manifest_path(out, "npz"))
        return doc is not None and doc["format"] == "npz" and any(
            f.get("path") == out.name for f in doc["files"])
    doc = read_manifest(out / MANIFEST)
    return doc is not None and doc["format"] != "npz"


def manifest_bytes(*, recipe: Any, fmt: str, splits: list, counts: dict, dataset: Any,
                   files: list, statistics: dict | None = None) -> bytes:
    """The JSON text of a manifest (UTF-8, indented, newline at the end).

    ``statistics``: which splits the normalization statistics came from, and
    a warning when that is the test split (see ``Recipe.statistics_warning``).
    """
    sources = []
    for s in splits:
        for p in dataset.splits[s.source_split].files:
            if p.is_dir():  # an image folder: too many files to list here
                sources.append({"split": s.name, "path": str(p), "kind": "folder"})
            else:
                sources.append({"split": s.name, "path": str(p), "bytes": p.stat().st_size,
                                "sha256": sha256_file(p)})
    doc = {
        "tool": TOOL, "version": __version__,
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "format": fmt,
        "dataset": {"key": dataset.key, "title": dataset.title, "source": dataset.source,
                    "class_names": list(dataset.class_names)},
        "recipe": recipe.to_dict(),
        "normalization_statistics": statistics,
        "row_order": "per split: samples in index order without the excluded ones; for each sample "
                     "the original (if keep_original) then copies 0..copies-1; val (and a test drawn "
                     "by sampling) holds originals only; a balanced train split is sorted by (index, copy)",
        "arrays": {s.name: _array_entry(s, fmt) for s in splits},
        "counts": counts,
        "source_files": sources,
        "files": files,
    }
    return (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


#: What a PNG file holds when the recipe's values are floats (PNG pixels are 8-bit).
PNG_RENDERING = ("8-bit rendering: PNG pixels are uint8 0..255; float values (x_dtype_processed) were "
                 "un-normalized (z-score: x*std+mean) and written as round(255*x) clipped to 0..255, so reading "
                 "the files back gives uint8, not the processed floats (npz/npy/idx/csv hold those exactly)")


def _array_entry(s: Any, fmt: str) -> dict:
    """One split's arrays as the files hold them: for PNG the 8-bit pixels, whatever the recipe computed."""
    dtype = str(np.dtype(s.dtype))
    entry = {"x_shape": [s.rows, *s.image_shape], "x_dtype": dtype,
             "y_dtype": str(s.labels.dtype) if s.labelled else None,
             "channels": s.channels,
             "layout": s.layout if len(s.image_shape) == 3 else "nhw"}
    if fmt == "png" and dtype != "uint8":
        entry["x_dtype"] = "uint8"
        entry["x_dtype_processed"] = dtype
        entry["png_pixels"] = PNG_RENDERING
    return entry


def verify_export(manifest: Path) -> list[str]:
    """Compare the files a manifest lists with what is on disk; one sentence per mismatch.

    Empty when every file has the size and SHA-256 the manifest gives. Sizes
    are compared first, so a mismatch is usually found without reading data.
    """
    doc = read_manifest(manifest)
    if doc is None:
        return [f"{manifest}: not an mnist-desktop manifest"]
    base = manifest.parent
    problems = []
    for entry in doc["files"]:
        rel = str(entry.get("path", ""))
        path = base / rel
        try:
            size = path.stat().st_size
        except OSError:
            problems.append(f"{path}: listed in {manifest.name} but missing")
            continue
        if size != entry.get("bytes") or sha256_file(path) != entry.get("sha256"):
            problems.append(f"{path}: does not match {manifest.name} (size or SHA-256 differs: "
                            "the data and the manifest come from different exports)")
    return problems
