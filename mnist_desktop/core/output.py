"""The one output rule: how every single file the tool writes is checked and written.

Every writer of a single file (``--save-recipe`` and ``Recipe.save``,
``map --out/--png``, ``evaluate --out``, ``gui --screenshot``,
``Picture.save``, the GUI's Save actions) calls :func:`write_output`, which
applies :func:`check_output` and then writes through
:func:`..atomic.atomic_write`. Exports, which write a file and a manifest or a
whole folder, follow the same rule in :mod:`.export.target`.

The rule
--------
1. The path must name a file: ``''``, ``.``, ``..`` and existing folders are
   refused, and its folder must exist.
2. Never one of the command's inputs, even with force: not the same file
   (symlinks and hard links resolved: same device and inode), not inside an
   input folder (an image folder), not an export's manifest or a file its
   manifest lists (the proof of an export and its data; replacing either
   would make the export unrecognisable).
3. An existing file is replaced without asking only when it is this tool's
   own earlier output of the same kind, which the writer recognises with its
   ``own`` function (a recipe JSON, a report JSON with our keys, a map with
   our header, a PNG carrying our ``Software`` text); anything else only
   with force (``--force``; in the GUI, after the save dialog's overwrite
   question).
4. Written to a temporary beside the target and renamed over it only when
   complete, so the target is never truncated or half-written; the new file
   gets the mode a plain new file gets (``0666 & ~umask``), like exports.
   Errors name the user's path, never the temporary.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

from .atomic import atomic_write
from .errors import ExportError, TargetExistsError, UnsafeTargetError

__all__ = ["check_output", "write_output", "no_file_name", "is_export_manifest", "json_object", "input_files"]

#: Recognises this tool's own earlier output of one kind at a path (must not raise).
Own = Callable[[Path], bool]
Writer = Callable[[BinaryIO], None]

#: JSON files read to recognise them are at most this big.
_JSON_LIMIT = 64 << 20


def no_file_name(text: str | os.PathLike[str]) -> bool:
    """Whether ``text`` names no file: empty, ``.``, ``..`` or a bare root (usage errors)."""
    text = os.fspath(text)
    return not text.strip() or Path(text).name in ("", ".", "..")


def check_output(path: str | os.PathLike[str], *, kind: str, own: Own | None = None,
                 inputs: Iterable[str | os.PathLike[str]] = (), force: bool = False,
                 force_hint: str = "--force") -> Path:
    """Raise unless ``path`` may be written as a ``kind`` (see the module's rule); return it as a Path.

    Parameters
    ----------
    kind
        What is written, in words for the message: "recipe", "map", "screenshot".
    own
        Recognises an earlier output of this kind (replaced without force); None: none is.
    inputs
        The command's input files and folders (missing ones are ignored).
    force
        Replace an existing file that is not an earlier output of this kind.
    force_hint
        How the user asks for force, for the message (``--force``, ``force=True``); empty
        where force is the user's answer to a save dialog.

    Raises
    ------
    UnsafeTargetError
        An input, an export manifest, a folder, no file name: force does not help.
    TargetExistsError
        Something else is there and ``force`` is false.
    ExportError
        The folder does not exist.
    """
    if no_file_name(path):
        raise UnsafeTargetError(f"{os.fspath(path)!r} names no file; give a file name for the {kind}")
    target = Path(path)
    if not target.parent.is_dir():
        raise ExportError(f"{target}: the folder {target.parent} does not exist")
    if target.is_dir():
        raise UnsafeTargetError(f"{target} is a folder; give a file name for the {kind}")
    even = f", even with {force_hint}" if force_hint else ""
    _check_not_an_input(target, kind, inputs, even)
    if not os.path.lexists(target):
        return target
    if is_export_manifest(target):
        raise UnsafeTargetError(f"{target} is the manifest of an mnist-desktop export; refusing to replace it "
                                f"with the {kind}{even}: choose another name")
    manifest = _manifest_listing(target)
    if manifest is not None:
        raise UnsafeTargetError(f"{target} is part of an mnist-desktop export (listed in {manifest}); refusing to "
                                f"replace it with the {kind}{even}: choose another name")
    if not force and not (own is not None and target.is_file() and _safely(own, target)):
        raise TargetExistsError(f"{target} exists and is not an earlier mnist-desktop {kind}; refusing to "
                                f"replace it: choose another name, or replace it explicitly ({force_hint})")
    return target


def write_output(path: str | os.PathLike[str], content: bytes | Writer, *, kind: str, own: Own | None = None,
                 inputs: Iterable[str | os.PathLike[str]] = (), force: bool = False,
                 force_hint: str = "--force") -> Path:
    """Check ``path`` (:func:`check_output`), then write ``content`` atomically; return the path.

    ``content`` is the file's bytes or a function that writes them to a
    binary file. The check runs again right before writing, so a file that
    appeared while the command worked is not replaced either.
    """
    target = check_output(path, kind=kind, own=own, inputs=inputs, force=force, force_hint=force_hint)
    with atomic_write(target) as f:
        if isinstance(content, (bytes, bytearray, memoryview)):
            f.write(content)
        else:
            content(f)
    return target


def input_files(dataset) -> tuple[Path, ...]:
    """Every file (or image folder) a ``Dataset`` was read from: the inputs no output may replace."""
    if dataset is None:
        return ()
    return tuple(dict.fromkeys(p for s in dataset.splits.values() for p in s.files))


def _check_not_an_input(target: Path, kind: str, inputs: Iterable[str | os.PathLike[str]], even: str) -> None:
    try:
        st = target.stat() if os.path.exists(target) else None
    except OSError:
        st = None
    real = Path(os.path.realpath(target))
    for src in inputs:
        src = Path(src)
        try:
            src_st = src.stat()
        except OSError:
            continue
        same = st is not None and os.path.samestat(st, src_st)
        inside = src.is_dir() and real.is_relative_to(os.path.realpath(src))
        if same or inside:
            what = ("is one of the inputs being read" if same and os.path.abspath(src) == os.path.abspath(target)
                    else f"is the same file as the input {src}" if same else f"is inside the input folder {src}")
            raise UnsafeTargetError(f"{target} {what}; refusing to write the {kind} there{even}: "
                                    "choose another name")


def _safely(test: Own, path: Path) -> bool:
    try:
        return bool(test(path))
    except Exception:  # noqa: BLE001 - a recogniser that fails recognises nothing
        return False


def json_object(path: Path) -> dict | None:
    """The JSON object in ``path`` (at most 64 MB, regular file), else None; never raises."""
    try:
        if not path.is_file() or path.stat().st_size > _JSON_LIMIT:
            return None
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    return doc if isinstance(doc, dict) else None


def _manifest_listing(target: Path) -> Path | None:
    """The export manifest that lists ``target`` as one of its files (an npz's ``<name>.manifest.json``,
    or ``manifest.json`` in a folder up to 3 levels above), else None."""
    candidates = [(target.with_name(target.name + ".manifest.json"), target.name)]
    folder, rel = target.parent, target.name
    for _ in range(3):
        candidates.append((folder / "manifest.json", rel))
        folder, rel = folder.parent, f"{folder.name}/{rel}"
    for man, name in candidates:
        if os.path.isfile(man) and is_export_manifest(man):
            doc = json_object(man) or {}
            if any(isinstance(f, dict) and f.get("path") == name for f in doc.get("files", [])):
                return man
    return None


def is_export_manifest(path: Path) -> bool:
    """Whether ``path`` is a manifest an mnist-desktop export wrote (``tool`` and ``files`` in it)."""
    if not path.name.endswith(".json"):
        return False
    doc = json_object(path)
    return doc is not None and doc.get("tool") == "mnist-desktop" and isinstance(doc.get("files"), list)
