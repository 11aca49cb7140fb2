"""``mnist-desktop check``: the suspicious samples of a dataset, ranked."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys

from ..core.formats.load import load_dataset
from ..core.quality.report import REASONS, QualityParams, QualityReport, analyze
from ..core.quality.trust import trust_note
from ._progress import ProgressBar
from ._source import add_source_argument, non_negative

__all__ = ["register", "run", "report_json", "format_table"]


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "check", help="find suspicious samples: likely mislabelled, duplicated, blank or odd images",
        description="Rank the samples of a dataset by suspicion, with the reason for each flag: "
                    "likely mislabelled (with a suggested label), exact or near duplicates (within a "
                    "split and across train/test), blank images, outliers. Without --top, lists the "
                    "flagged samples. --thorough judges the labels with a stronger ensemble (patch-feature "
                    "models): it finds more real label errors and takes about 10x as long.")
    add_source_argument(p)
    p.add_argument("--top", type=non_negative, metavar="N",
                   help="list the first N of the ranking (flagged or not) instead of the flagged ones")
    p.add_argument("--thorough", action="store_true",
                   help="judge the labels with an ensemble of patch-feature models as well (finds more real "
                        "label errors; about 10x slower: ~1 min for 10,000 images on 2 cores)")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    p.set_defaults(func=run, parser=p)



def run(args: argparse.Namespace) -> int:
    dataset = labelled_part(load_dataset(args.source, labels=args.labels))
    bar = ProgressBar(f"check {dataset.key}" + (" (thorough)" if args.thorough else ""), unit="steps")
    try:
        report = analyze(dataset, params=QualityParams(thorough=args.thorough), progress=bar.update)
    finally:
        bar.close()
    note = trust_note(dataset)  # colour: how far the ranking can be trusted (measured)
    if args.json:
        doc = report_json(report, dataset.source, args.top)
        print(json.dumps({**doc, "trust_note": note} if note else doc, indent=1))
    else:
        print(format_table(report, args.top))
    if note:
        print(f"note: {note}", file=sys.stderr)
    return 0


def labelled_part(dataset, what: str = "check"):
    """The labelled splits of ``dataset``, with a note on stderr for each unlabelled one left out."""
    from ..core.errors import DatasetError

    for name in dataset.unlabelled_splits:
        print(f"note: the {name} split has no labels; the label-based {what} skips it", file=sys.stderr)
    part = dataset.labelled_only()
    if not part.splits:
        raise DatasetError(f"{dataset.source}: no labelled split for the {what} (it judges images against "
                           "their labels)")
    return part


def report_json(report: QualityReport, source: str, top: int | None) -> dict:
    """The ``--json`` output: counts per reason and the ranked rows."""
    counts = {name: int(report.has_reason(name).sum()) for name in REASONS}
    return {"source": source, "total": len(report), "flagged": report.n_flagged, "reason_counts": counts,
            "params": dataclasses.asdict(report.params), "samples": report.rows(top)}


def format_table(report: QualityReport, top: int | None) -> str:
    """Text table: rank, split, index, label, suggestion, score, reasons."""
    rows = report.rows(top)
    what = f"top {len(rows)}" if top is not None else f"{len(rows)} flagged"
    mode = " (thorough)" if report.params.thorough else ""
    lines = [f"{len(report):,} samples checked{mode}, {report.n_flagged:,} flagged; showing {what}", "",
             f"{'rank':>5}  {'split':<5}  {'index':>6}  {'label':>5}  {'suggest':>7}  {'conf':>5}  "
             f"{'score':>6}  reasons"]
    for r in rows:
        sug = "" if r["suggested"] is None else str(r["suggested"])
        conf = "" if r["suggested"] is None else f"{r['confidence']:.2f}"
        why = ", ".join(r["reasons"]) or "-"
        if r["duplicate_of"]:
            d = r["duplicate_of"]
            why += f" (of {d['split']} #{d['index']}, label {d['label']})"
        lines.append(f"{r['rank']:>5}  {r['split']:<5}  {r['index']:>6}  {r['label']:>5}  {sug:>7}  {conf:>5}  "
                     f"{r['score']:>6.4f}  {why}")
    return "\n".join(lines)

