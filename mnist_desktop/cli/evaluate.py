"""``mnist-desktop evaluate``: does this recipe help? Train the baseline on it and measure it."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..core.errors import MnistDesktopError
from ._output import FORCE_HELP, dataset_inputs, given_inputs, output_name
from ._progress import ProgressBar
from ._recipe_flags import add_recipe_arguments, build_recipe
from ._source import add_source_argument

__all__ = ["register", "run", "format_report"]


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "evaluate", help="train a fast baseline model on a recipe's output and measure it",
        description="Train the baseline classifier (ridge regression on random features of deskewed "
                    "pixels, numpy, seconds) on the training rows a recipe exports (normalization, "
                    "augmented copies, exclusions) and measure it on the original test split; with one "
                    "split only (the sample), on a stratified half/half hold-out. Prints accuracy, "
                    "per-class precision/recall/F1 (as scikit-learn defines them) and the confusion matrix.")
    add_source_argument(p)
    add_recipe_arguments(p)
    p.add_argument("--model", choices=("baseline", "patch"), default="baseline",
                   help="baseline: ridge on random features of deskewed pixels (seconds); patch: ridge on "
                        "patch features trained on shifted copies (stronger, about 5x slower)")
    p.add_argument("--json", action="store_true", help="print the report as one JSON object")
    p.add_argument("--out", metavar="report.json", type=output_name("report.json"),
                   help="also write the JSON report to this file (an existing file only if it is an earlier "
                        "report, or with --force)")
    p.add_argument("--force", action="store_true", help=FORCE_HELP)
    p.set_defaults(func=run, parser=p)


def run(args: argparse.Namespace) -> int:
    from ..core.evaluate.report_file import is_report_file, save_report
    from ..core.formats.load import load_dataset
    from ..core.evaluate.report import evaluate
    from ..core.output import check_output

    recipe = build_recipe(args)
    if args.out and not Path(args.out).resolve().parent.is_dir():
        raise MnistDesktopError(f"{args.out}: the folder {Path(args.out).resolve().parent} does not exist")
    if args.out:  # refused before minutes of work, not after
        check_output(args.out, kind="evaluation report", own=is_report_file, inputs=given_inputs(args),
                     force=args.force)
    from .check import labelled_part

    loaded = load_dataset(args.source, labels=args.labels)
    inputs = dataset_inputs(loaded, args)
    if args.out:
        check_output(args.out, kind="evaluation report", own=is_report_file, inputs=inputs, force=args.force)
    dataset = labelled_part(loaded, "evaluation")
    bar = ProgressBar(f"evaluate {dataset.key}", unit="steps")
    try:
        report = evaluate(dataset, recipe, model=args.model, progress=bar.update)
    finally:
        bar.close()
    data = report.to_dict()
    if args.out:
        save_report(data, args.out, force=args.force, inputs=inputs)
    print(json.dumps(data, indent=1) if args.json else format_report(data))
    return 0


def format_report(d: dict) -> str:
    """Text form of a report's JSON: summary, per-class table, confusion matrix."""
    names = list(d["per_class"])
    width = max(12, *(len(n) for n in names))
    lines = [f"source {d['source']}: {d['holdout']}",
             f"model: {d['model']}",
             f"trained on {d['n_train']:,} rows, tested on {d['n_test']:,} in {d['seconds']:.1f} s", "",
             f"accuracy {d['accuracy']:.4f}", "",
             f"{'class':<{width}}  precision  recall      f1  support"]
    for name, c in d["per_class"].items():
        lines.append(f"{name:<{width}}  {c['precision']:9.4f}  {c['recall']:6.4f}  {c['f1']:6.4f}  {c['support']:7,}")
    for label in ("macro", "weighted"):
        a = d[label]
        lines.append(f"{label + ' avg':<{width}}  {a['precision']:9.4f}  {a['recall']:6.4f}  {a['f1']:6.4f}  "
                     f"{d['n_test']:7,}")
    cells = max(4, *(len(f"{v:,}") + 1 for row in d["confusion"] for v in row))
    short = [n[:cells - 1] for n in names]
    lines += ["", "confusion matrix (rows: true class, columns: predicted class)",
              " " * width + "".join(f"{n:>{cells}}" for n in short)]
    for name, row in zip(names, d["confusion"]):
        lines.append(f"{name:<{width}}" + "".join(f"{v:>{cells},}" for v in row))
    return "\n".join(lines)
