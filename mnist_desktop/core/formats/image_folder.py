"""Image folders: ``<class>/*.png|jpg`` (torchvision's ImageFolder) and ``<split>/<class>/...``.

Decoding (:mod:`.image_decode`) uses Pillow (simple 8-bit grey or RGB PNGs,
what the export writes, take the project's own fast path in :mod:`..draw.png`).
Qt may not be imported in ``core/`` and the project's own PNG code reads only
what it writes; JPEG (and the PNG variants other tools write: palette,
16-bit, interlaced, filtered rows) need a real decoder, and Pillow is the
small, well-kept one everybody already has. It is imported only when an
image folder is opened.

- Files are images when named so (``.png``, ``.jpg``, ``.jpeg``) or when their
  first bytes say so (PNG or JPEG signature); other files are skipped. The
  folder itself is recognised by its content, never by a name alone.
- Class names are the folder names, sorted as ImageFolder sorts them; when
  every class folder is a whole number (what ``export --format png`` writes)
  that number is the label. A split folder holding images directly, or a
  folder of images with no class folders, is unlabelled.
- Row order: class by class, files in name order, as ImageFolder; when every
  name is ``<index>.png`` or ``<index>_<copy>.png`` (an export) the rows
  follow the index, which gives back the exported arrays.
- Colour: a folder of grey files is (N, H, W); one real colour file makes the
  split (N, H, W, 3) RGB (grey files then repeat their value in R, G, B).
  Colour files whose channels are all equal count as grey; RGBA, LA and
  palette files are converted to RGB (alpha dropped), each with a note.
  All images one size, or an error naming the first odd file. Many small files are read on a few threads.
- Files are held as plain path strings, not ``Path`` objects: a ``Path``
  costs ~350 bytes more per file, 20 MB for 60,000 files (over 10 % of the
  images' own size at 32 x 32 x 3), which counted in the peak memory of opening.
- Links: a symbolic link that points back at the folder holding it or at one
  of its parents (a loop, ``self -> .``), or out of the opened folder, is
  skipped with a note; the split/class structure is read from real entries
  only. Pipes, devices and sockets are never opened.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np

from ..dataset import Dataset
from ..errors import DatasetError
from ..progress import Progress
from .common import build_dataset, check_class_count, make_split, natural_key, order_splits, split_name_of
from .image_decode import read_split

__all__ = ["IMAGE_MAGICS", "is_image_file", "scan_image_folder", "load_image_folder"]

IMAGE_MAGICS = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")
_IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg"}
_EXPORT_NAME = re.compile(r"^(\d+)(?:_(\d+))?\.png$")


def is_image_file(path: str | os.PathLike[str]) -> bool:
    """Whether the file starts with a PNG or JPEG signature."""
    try:
        with open(path, "rb") as f:
            return f.read(8).startswith(IMAGE_MAGICS)
    except OSError:
        return False


class _Scan:
    """One scan of an image folder: the opened ``root`` (resolved) and the notes about skipped links."""

    def __init__(self, root: Path, notes: list[str] | None = None) -> None:
        self.root = Path(os.path.realpath(root))
        self.notes = notes if notes is not None else []

    def entries(self, folder: Path) -> list[os.DirEntry]:
        """Entries of ``folder`` not hidden, without links that loop or leave the root (noted)."""
        try:
            with os.scandir(folder) as it:
                found = [e for e in it if not e.name.startswith(".")]
        except NotADirectoryError:
            return []
        return [e for e in found if not e.is_symlink() or self._link_ok(folder, e)]

    def _link_ok(self, folder: Path, entry: os.DirEntry) -> bool:
        target = Path(os.path.realpath(entry.path))
        here = Path(os.path.realpath(folder))
        if target == here or target in here.parents:
            why = "points back at a folder that holds it (a loop)"
        elif target != self.root and self.root not in target.parents:
            why = f"points out of {self.root.name} ({target})"
        else:
            return True
        link = Path(os.path.realpath(folder)) / entry.name
        shown = link.relative_to(self.root) if _inside(link, self.root) else Path(entry.path)
        self.notes.append(f"{shown}: a link that {why}; skipped")
        return False

    def images_in(self, folder: Path) -> list[str]:
        """Paths (strings) of the image files of ``folder`` in name order: a usual image name, or PNG/JPEG first bytes.

        Named files are not opened here (60,000 opens would double the scan); a
        ``.png`` that is not one fails at decoding, with its name. Only regular
        files count (a pipe named ``x.png`` would block the reader).
        """
        names = sorted((e.name for e in self.entries(folder) if e.is_file()), key=natural_key)
        return [path for path in (os.path.join(folder, n) for n in names)
                if os.path.splitext(path)[1].lower() in _IMAGE_SUFFIXES or is_image_file(path)]

    def subdirs(self, folder: Path) -> list[Path]:
        return sorted(Path(e.path) for e in self.entries(folder) if e.is_dir())

    def classes(self, folder: Path) -> dict[str, list[str]]:
        """{class folder name: images} of a folder of class folders ("" = images directly in it)."""
        out = {d.name: self.images_in(d) for d in self.subdirs(folder)}
        out = {k: v for k, v in out.items() if v}
        loose = self.images_in(folder)
        if loose:
            out[""] = loose
        return out


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
        return True
    except ValueError:
        return False


def scan_image_folder(folder: Path, notes: list[str] | None = None) -> dict[str, dict[str, list[str]]] | None:
    """{split: {class name: file paths}} or None when ``folder`` holds no image layout.

    ``<split>/<class>/`` when a subfolder holds class folders (or an export's
    manifest says so); then a split folder of loose images is unlabelled.
    Links that loop or leave ``folder`` are skipped, each with a line in ``notes``.
    """
    scan = _Scan(folder, notes)
    subs = {sub: scan.classes(sub) for sub in scan.subdirs(folder)}
    nested = any(c.keys() - {""} for c in subs.values()) or (folder / "manifest.json").is_file()
    if not nested:  # each subfolder is a class: its images were listed above (listing them again held both)
        direct = {sub.name: c[""] for sub, c in subs.items() if c.get("")}
        loose = scan.images_in(folder)
        if loose:
            direct[""] = loose
        return {split_name_of(folder.name, "images"): direct} if direct else None
    splits = {split_name_of(sub.name): classes for sub, classes in subs.items() if classes}
    return order_splits(splits) or None


def _plan(folder: Path, layout: dict[str, dict[str, list[str]]]):
    """Class names and, per split, (files, labels or None) in row order."""
    names = sorted({c for classes in layout.values() for c in classes if c})
    numeric = bool(names) and all(c.isdigit() for c in names)
    if numeric:
        label_of = {c: int(c) for c in names}
        top = max(label_of, key=label_of.__getitem__)
        check_class_count(label_of[top], next(Path(cl[top][0]).parent for cl in layout.values() if top in cl))
        class_names = tuple(str(i) for i in range(max(label_of.values()) + 1))
    else:
        label_of = {c: i for i, c in enumerate(names)}
        class_names = tuple(names)
    plan = {}
    for split, classes in layout.items():
        if "" in classes and len(classes) > 1:
            raise DatasetError(f"{folder / split}: holds both images and class folders; "
                               "put every image in a class folder, or none (unlabelled)")
        files = [p for ps in classes.values() for p in ps]
        labels = np.repeat(np.array([label_of.get(c, -1) for c in classes], np.int64),
                           [len(ps) for ps in classes.values()])
        order = _export_order(files)
        if order is not None:
            files, labels = [files[i] for i in order], labels[order]
        plan[split] = (files, None if "" in classes else labels)
    return class_names if names else None, plan


def _export_order(files: list[str]) -> np.ndarray | None:
    """Row order by index, then copy, when every name is an export's ``<index>[_<copy>].png``; else None.

    Keys go into one numpy array, not a tuple per file: with 60,000 files the
    tuples (and a list of (path, label) pairs) were megabytes at the peak.
    """
    keys = np.empty((2, len(files)), np.int64)
    for i, path in enumerate(files):
        m = _EXPORT_NAME.match(os.path.basename(path))
        if m is None:
            return None
        keys[0, i], keys[1, i] = int(m.group(1)), int(m.group(2) or -1)
    return np.lexsort((keys[1], keys[0]))


def load_image_folder(folder: Path, *, splits: tuple[str, ...] | None = None,
                      progress: Progress | None = None) -> Dataset:
    """Open an image folder; see the module docstring for the layouts."""
    scan_notes: list[str] = []
    layout = scan_image_folder(folder, scan_notes)
    if not layout:
        raise DatasetError(f"{folder}: no PNG or JPEG images found (expected <class>/*.png or "
                           "<split>/<class>/*.png)")
    class_names, plan = _plan(folder, {k: v for k, v in layout.items() if splits is None or k in splits})
    total = sum(len(f) for f, _ in plan.values())
    state = {"done": 0}

    def tick(n: int) -> None:
        state["done"] += n
        if progress:
            progress(state["done"], total)

    loaded, notes = {}, list(dict.fromkeys(scan_notes))
    for split, (files, labels) in plan.items():
        x, counts = read_split(files, tick, state)
        if counts.get("equal"):
            notes.append(f"{split}: {counts['equal']:,} images stored as colour with equal channels; "
                         "read as grayscale")
        if counts.get("alpha"):
            notes.append(f"{split}: {counts['alpha']:,} RGBA or palette images converted to RGB "
                         "(transparency dropped)")
        if labels is None:
            notes.append(f"{split}: images without class folders; unlabelled")
        where = Path(files[0]).parent.parent if labels is not None else Path(files[0]).parent
        loaded[split] = make_split(split, x, labels, where if len(plan) > 1 and files else folder)
    return build_dataset(folder.name, folder.name, loaded, folder, "images", class_names=class_names, notes=notes)
