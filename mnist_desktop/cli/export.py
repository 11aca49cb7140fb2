"""``mnist-desktop export``: normalize, augment and write a dataset for training code."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..core.export.estimate import check_space, estimate
from ..core.export import shards as _shards
from ..core.export.exporter import FORMATS, check_target, export
from ..core.units import format_bytes
from ..core.processing.recipe import Recipe
from ._output import dataset_inputs, given_inputs, output_name
from ._progress import ProgressBar
from ._recipe_flags import add_recipe_arguments, build_recipe
from ._source import add_source_argument, non_negative


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export", help="normalize, augment and export to npz, npy, idx, csv, png, hf or wds",
        description="Process a dataset with a recipe (normalization + seeded augmentation) and write it "
                    "in a format training code reads, with a manifest.json beside it. Flags override "
                    "the values of --recipe. npz writes one file (Keras layout x_train, y_train, x_test, "
                    "y_test); the other formats write a folder.")
    add_source_argument(p)
    p.add_argument("--out", required=True, metavar="PATH", type=output_name("data.npz"),
                   help="output file (npz) or folder (other formats)")
    p.add_argument("--format", required=True, choices=FORMATS, dest="fmt",
                   help="npz | npy | idx | idx.gz (gzip-compressed idx) | csv | png | hf (Hugging Face "
                        "datasets parquet, needs pyarrow) | wds (WebDataset tar shards)")
    add_recipe_arguments(p)
    p.add_argument("--csv-header", choices=("pixel", "rowcol"), default="pixel",
                   help="CSV columns: pixel = label,pixel0,...,pixel783 (Kaggle digit-recognizer, the default); "
                        "rowcol = label,1x1,...,28x28 (the 'MNIST in CSV' dataset)")
    p.add_argument("--layout", choices=("nhwc", "nchw"), default="nhwc",
                   help="npz/npy array layout: nhwc (N,H,W[,3], default) or nchw (N,C,H,W, PyTorch)")
    p.add_argument("--csv-colour", choices=("interleaved",), default=None,
                   help="allow colour in CSV as label,r0,g0,b0,... (refused otherwise; npz suits colour)")
    p.add_argument("--shard-mb", type=_shard_mb, default=_shards.SHARD_BYTES >> 20, metavar="MB",
                   help="hf/wds: the largest shard file in MiB (default %(default)s); 1..65536")
    p.add_argument("--split", choices=("train", "val", "test", "all"), help="which splits to export (default all)")
    p.add_argument("--exclude-flagged", action="store_true",
                   help="drop the samples the data-quality check flags (see `mnist-desktop check`)")
    p.add_argument("--top", type=non_negative, metavar="N",
                   help="with --exclude-flagged: drop only the N most suspicious")
    p.add_argument("--save-recipe", metavar="R.json", type=output_name("recipe.json"),
                   help="also save the effective recipe to this file (an existing file only if it is a recipe, "
                        "or with --force; never an input, the export itself or any export's manifest)")
    p.add_argument("--force", action="store_true",
                   help="replace an earlier export at --out (never a file or folder that is not an export), "
                        "and a file at --save-recipe that is not a recipe")
    p.add_argument("--dry-run", action="store_true",
                   help="print the rows and bytes the export would write, check the free space, write nothing")
    p.set_defaults(func=run, parser=p)



def run(args: argparse.Namespace) -> int:
    from ..core.formats.load import load_dataset

    if args.top is not None and not args.exclude_flagged:
        args.parser.error("--top needs --exclude-flagged")
    recipe = build_recipe(args)
    check_target(Path(args.out), args.fmt, overwrite=args.force)
    if args.save_recipe:
        _check_save_recipe(args, given_inputs(args))
    dataset = load_dataset(args.source, labels=args.labels)
    if args.save_recipe:
        _check_save_recipe(args, dataset_inputs(dataset, args))
    if args.exclude_flagged:
        recipe = _exclude_flagged(recipe, dataset, args.top)
    est = estimate(dataset, recipe, args.fmt, shard_bytes=args.shard_mb << 20)
    if args.dry_run:
        return _dry_run(args, est)
    check_space(Path(args.out), est, args.fmt)  # before saying anything else: refused at once
    if args.save_recipe:
        recipe.save(_check_save_recipe(args, dataset_inputs(dataset, args)), force=args.force,
                    inputs=dataset_inputs(dataset, args), force_hint="--force")
    if est.bytes >= LARGE:
        print(f"export: about {format_bytes(est.bytes)} to write ({est.rows:,} images)", file=sys.stderr)
    warning = recipe.statistics_warning(dataset)
    if warning:
        print(f"warning: {warning}", file=sys.stderr)
    bar = ProgressBar("export", unit="images")
    try:
        result = export(dataset, recipe, args.out, args.fmt, overwrite=args.force, progress=bar.update,
                        notify=lambda line: print(line, file=sys.stderr), csv_header=args.csv_header,
                        layout=args.layout, csv_colour=args.csv_colour, shard_bytes=args.shard_mb << 20)
    finally:
        bar.close()
    per_split = ", ".join(f"{name} {c['rows']:,}" for name, c in result.counts.items())
    print(f"wrote {result.rows:,} images ({per_split}) as {args.fmt} to {result.path}")
    print(f"manifest: {result.manifest_path}")
    return 0


def _check_save_recipe(args: argparse.Namespace, inputs: tuple[Path, ...]) -> Path:
    """Refuse a ``--save-recipe`` path that is an input, the export itself, its manifest or inside its folder."""
    import os

    from ..core.errors import UnsafeTargetError
    from ..core.export.manifest import manifest_path
    from ..core.output import check_output
    from ..core.processing.recipe import is_recipe_file

    target, out = Path(args.save_recipe), Path(args.out)
    real = Path(os.path.realpath(target))
    ours = {Path(os.path.realpath(p)) for p in (out, manifest_path(out, args.fmt))}
    if real in ours or (args.fmt != "npz" and real.is_relative_to(os.path.realpath(out))):
        raise UnsafeTargetError(f"{target}: --save-recipe names the export itself (--out {out} or its manifest); "
                                "choose another name for the recipe")
    return check_output(target, kind="recipe", own=is_recipe_file, inputs=inputs, force=args.force)


def _shard_mb(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number of MiB, got {text!r}") from None
    if not 1 <= value <= 65536:
        raise argparse.ArgumentTypeError(f"must be 1..65536 MiB, got {value}")
    return value


#: Exports at least this big say their size before they start.
LARGE = 1 << 30


def _dry_run(args: argparse.Namespace, est) -> int:
    import shutil

    from ..core.export.estimate import on_disk_words

    about = "" if est.exact else "about "
    disk = on_disk_words(est)
    print(f"would write {est.rows:,} images as {args.fmt} to {args.out}: {about}{format_bytes(est.bytes)} "
          f"({est.bytes:,} bytes) in {est.files:,} file{'s' if est.files != 1 else ''}"
          + (f"; about {format_bytes(est.disk_bytes())} on disk in whole 4 KiB blocks" if disk else ""))
    check_space(Path(args.out), est, args.fmt)
    free = shutil.disk_usage(Path(args.out).parent).free
    print(f"free space at {Path(args.out).parent}: {format_bytes(free)}; nothing was written (--dry-run)")
    return 0


def _exclude_flagged(recipe: Recipe, dataset, top: int | None) -> Recipe:
    from ..core.quality.report import flagged_indices

    from .check import labelled_part

    flagged = flagged_indices(labelled_part(dataset), top=top)
    for split, idx in flagged.items():
        recipe = recipe.with_more_excluded(split, idx)
    n = sum(len(v) for v in flagged.values())
    print(f"excluding {n:,} flagged samples", file=sys.stderr)
    return recipe


__all__ = ["register", "run", "build_recipe"]
