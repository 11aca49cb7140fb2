"""``mnist-desktop info``: what a dataset or a set of IDX files contains."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path


from ..core.dataset import Dataset
from ..core.formats.load import load_dataset
from ..core.export.manifest import MANIFEST, verify_export
from ..core.errors import DatasetError
from ..core.formats import detect
from ..core.hashing import sha256_file
from ..core.idx import read_idx
from ..core.processing.normalize import channel_stats
from ..core.stats import label_counts, pixel_stats
from ._source import add_source_argument


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "info", help="counts, shapes, pixel statistics, label counts and SHA-256 of a dataset or IDX files",
        description="Describe a dataset (--source) or individual IDX files: per split the count, shape, "
                    "dtype, pixel min/max/mean/std, label counts and the SHA-256 of each file. For an "
                    "export (a folder with manifest.json, or an npz with FILE.manifest.json beside it), "
                    "also checks that the data is the data its manifest describes.")
    add_source_argument(p, default=None)
    p.add_argument("files", nargs="*", metavar="FILE", help="IDX files to describe (gzip or not)")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    p.set_defaults(func=run, parser=p)


def run(args: argparse.Namespace) -> int:
    if args.files and args.source:
        args.parser.error("give either --source or FILE arguments, not both")
    if _other_format(args.files):
        args.source, args.files = args.files[0], []  # one file in another format: describe it as a dataset
    report = describe_files(args.files) if args.files else \
        describe_dataset(load_dataset(args.source or "sample", labels=args.labels))
    print(json.dumps(report, indent=2, ensure_ascii=False) if args.json else format_report(report))
    mismatches = [p for f in report.get("files", []) for p in f.get("export_check", [])]
    mismatches += report.get("export_check", [])
    if mismatches:
        print(f"error: {mismatches[0]}", file=sys.stderr)
        return 1
    return 0


def _starts_with(path: Path, magic: bytes) -> bool:
    with open(path, "rb") as f:
        return f.read(len(magic)) == magic


def _export_check(manifest: Path) -> list[str] | None:
    """Mismatches between an export and its manifest; None when ``manifest`` does not exist."""
    return verify_export(manifest) if manifest.is_file() else None


def _other_format(files: list[str]) -> bool:
    """Whether FILE is one folder, or one file in a format other than IDX (then it is opened as a dataset)."""
    if len(files) != 1:
        return False
    path = Path(files[0])
    if path.is_dir():
        return True
    try:
        return path.is_file() and detect(path) != "idx"
    except DatasetError:
        return False  # the IDX reader says what is wrong with it


def describe_dataset(ds: Dataset) -> dict:
    """The info report of a loaded dataset as plain JSON-able data."""
    splits = {}
    for name, split in ds.splits.items():
        splits[name] = {
            "count": len(split),
            "shape": list(split.images.shape),
            "dtype": str(split.images.dtype),
            "pixels": pixel_stats(split.images),
            **({"channels": channel_stats(split.images)} if split.images.ndim == 4 else {}),
            "labelled": split.labelled,
            "label_counts": label_counts(split.labels, len(ds.class_names)) if split.labelled else None,
            "files": [_file_entry(p) for p in split.files],
        }
    report = {"dataset": ds.key, "title": ds.title, "source": ds.source, "identified": ds.info is not None,
              "format": ds.format, "class_names": list(ds.class_names), "total": len(ds), "notes": list(ds.notes),
              "splits": splits}
    src = Path(ds.source)
    manifest = src / MANIFEST if src.is_dir() else src.with_name(src.name + ".manifest.json")
    check = _export_check(manifest) if ds.source != "sample" else None
    if check is not None:
        report["export_check"] = check
    return report


def describe_files(paths: list[str]) -> dict:
    """The info report of individual IDX files."""
    entries = []
    for path in paths:
        check = _export_check(Path(path).with_name(Path(path).name + ".manifest.json"))
        if check is not None and _starts_with(Path(path), b"PK"):  # an npz export: check it only
            entries.append({**_file_entry(Path(path)), "export_check": check})
            continue
        arr = read_idx(path)
        entry = _file_entry(Path(path))
        if check is not None:
            entry["export_check"] = check
        entry.update({"shape": list(arr.shape), "dtype": str(arr.dtype), "values": pixel_stats(arr)})
        if arr.ndim == 1 and arr.dtype.kind in "iu" and arr.size and arr.min() >= 0:
            entry["label_counts"] = label_counts(arr, int(arr.max()) + 1)
        entries.append(entry)
    return {"files": entries}


def _file_entry(path: Path) -> dict:
    if path.is_dir():  # an image folder: its size, not a digest of thousands of files
        sizes = [p.stat().st_size for p in path.rglob("*") if p.is_file()]
        return {"path": str(path), "bytes": sum(sizes), "files": len(sizes)}
    return {"path": str(path), "bytes": os.path.getsize(path), "sha256": sha256_file(path)}


def format_report(report: dict) -> str:
    """Human-readable text for a report from describe_dataset / describe_files."""
    lines: list[str] = []
    if "splits" in report:
        unknown = ("" if report.get("identified", True)
                   else "  (classes from the CIFAR meta file)" if str(report.get("format")).startswith("cifar")
                   else "  (not a catalog dataset: classes from the file names/labels)")
        lines += [f"{report['title']}  [{report['dataset']}]",
                  f"source:  {report['source']}",
                  f"format:  {report['format']}",
                  f"classes: {len(report['class_names']):,} ({_names_text(report['class_names'])}){unknown}",
                  f"total:   {report['total']:,} images"]
        lines += [f"note:    {n}" for n in report["notes"]]
        if "export_check" in report:
            lines.append("export:  " + (_check_text(report["export_check"])))
        for name, s in report["splits"].items():
            labels = _counts_text(s["label_counts"], report["class_names"]) if s["labelled"] else "none (unlabelled)"
            lines += ["", f"{name}: {s['count']:,} images, {'x'.join(map(str, s['shape'][1:]))} {s['dtype']}",
                      "  pixels: " + _stats_text(s["pixels"], scale=s["dtype"] == "uint8")]
            if "channels" in s:
                lines.append("  per channel: " + _channels_text(s["channels"], scale=s["dtype"] == "uint8"))
            lines.append("  labels: " + labels)
            lines += ["  " + _file_text(f) for f in s["files"]]
    for f in report.get("files", []):
        if "shape" not in f:
            lines += [f"{f['path']}", f"  {f['bytes']:,} bytes, sha256 {f['sha256']}",
                      "  export: " + _check_text(f["export_check"])]
            continue
        lines += [f"{f['path']}",
                  f"  shape {'x'.join(map(str, f['shape']))} {f['dtype']}, {f['bytes']:,} bytes",
                  "  values: " + _stats_text(f["values"], scale=f["dtype"] == "uint8" and len(f["shape"]) > 1),
                  f"  sha256 {f['sha256']}"]
        if "label_counts" in f:
            lines.append("  counts: " + _counts_text(f["label_counts"], None))
        if "export_check" in f:
            lines.append("  export: " + _check_text(f["export_check"]))
    return "\n".join(lines)


def _check_text(problems: list[str]) -> str:
    return "data matches its manifest (sizes and SHA-256)" if not problems else \
        "MISMATCH: " + "; ".join(problems)


def _stats_text(st: dict, *, scale: bool) -> str:
    text = f"min {st['min']:g}, max {st['max']:g}, mean {st['mean']:.4f}, std {st['std']:.4f}"
    if scale:
        text += f" (on 0..1: mean {st['mean'] / 255:.4f}, std {st['std'] / 255:.4f})"
    return text


def _channels_text(st: dict, *, scale: bool) -> str:
    """Mean and std per channel, and on 0..1 as the flags that give them to a z-score recipe."""
    def rgb(values, fmt):
        return " ".join(f"{c} {v:{fmt}}" for c, v in zip("RGB", values))

    text = f"mean {rgb(st['mean'], '.2f')}, std {rgb(st['std'], '.2f')}, min {rgb(st['min'], 'g')}, " \
           f"max {rgb(st['max'], 'g')}"
    if scale:
        text += (f" (on 0..1: --mean {','.join(f'{v / 255:.4f}' for v in st['mean'])} "
                 f"--std {','.join(f'{v / 255:.4f}' for v in st['std'])})")
    return text


#: Beyond this many classes the text lists the first names and only the classes that occur.
_LISTED = 100


def _names_text(names: list[str]) -> str:
    if len(names) <= _LISTED:
        return ", ".join(names)
    return ", ".join(names[:20]) + f", ... {names[-1]}"


def _counts_text(counts: list[int], names: list[str] | None) -> str:
    labels = names if names else [str(i) for i in range(len(counts))]
    pairs = list(zip(labels, counts))
    if len(pairs) > _LISTED:
        present = [(lab, c) for lab, c in pairs if c]
        pairs = present[:_LISTED]
        more = len(present) - len(pairs)
        return "  ".join(f"{lab}: {c:,}" for lab, c in pairs) + (f"  (and {more:,} more classes)" if more else "") \
            + f"  (the other {len(counts) - len(present):,} classes: 0)"
    return "  ".join(f"{lab}: {c:,}" for lab, c in pairs)


def _file_text(f: dict) -> str:
    if "sha256" not in f:
        return f"folder: {f['path']}  {f['files']:,} files, {f['bytes']:,} bytes"
    return f"file: {f['path']}  {f['bytes']:,} bytes  sha256 {f['sha256']}"


__all__ = ["register", "run", "describe_dataset", "describe_files", "format_report"]
