"""``mnist-desktop map``: 2-D coordinates of every image, as CSV or npy, and a picture."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..core.errors import ExportError
from ._output import FORCE_HELP, dataset_inputs, given_inputs, output_name
from ._source import add_source_argument, non_negative

__all__ = ["register", "run"]


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "map", help="a 2-D map of all images (similar images close together), as CSV or npy",
        description="Lay out every image of the dataset (all splits) in 2-D so that similar images lie "
                    "close together: classes form islands, mislabelled images sit inside another class's "
                    "island. Writes index (within its split), split, label, x, y per image. The result is "
                    "cached, so the same data and settings return at once.")
    add_source_argument(p)
    p.add_argument("--out", required=True, metavar="map.csv|map.npy", type=output_name("map.csv"),
                   help="output file; .csv (with a header line) or .npy (a structured array)")
    p.add_argument("--png", metavar="map.png", type=output_name("map.png"),
                   help="also draw the map, points coloured by class")
    p.add_argument("--recipe", metavar="R.json", help="normalize the images with this recipe first")
    p.add_argument("--seed", type=non_negative, default=0, metavar="N", help="random seed (default: 0)")
    p.add_argument("--epochs", type=_positive, default=200, metavar="N",
                   help="optimisation epochs (default: 200)")
    p.add_argument("--no-cache", action="store_true", help="neither read nor write the map cache")
    p.add_argument("--force", action="store_true", help=FORCE_HELP)
    p.set_defaults(func=run, parser=p)


def _whole(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None



def _positive(text: str) -> int:
    value = _whole(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected 1 or more, got {value}")
    return value


def _check_target(path: Path, formats: tuple[str, ...], kind: str, own, inputs, force: bool) -> None:
    from ..core.output import check_output

    if path.suffix.lower() not in formats:
        raise ExportError(f"{path}: expected a file name ending in {' or '.join(formats)}")
    if not path.parent.is_dir():
        raise ExportError(f"{path}: the folder {path.parent} does not exist")
    check_output(path, kind=kind, own=own, inputs=inputs, force=force)


def run(args: argparse.Namespace) -> int:
    from ..core.formats.load import load_dataset
    from ..core.draw.png import encode_rgb, is_our_picture
    from ..core.map import MAP_FORMATS, embed
    from ..core.map.model import is_map_file
    from ..core.map.render import render_map
    from ..core.output import write_output
    from ..core.processing.recipe import Recipe
    from ._progress import ProgressBar

    out = Path(args.out)
    png = Path(args.png) if args.png else None
    if png is not None and png.resolve() == out.resolve():
        raise ExportError(f"{png}: --png and --out name the same file")

    def check(inputs) -> None:  # before minutes of work, not after; again once the data's files are known
        _check_target(out, MAP_FORMATS, "map", is_map_file, inputs, args.force)
        if png:
            _check_target(png, (".png",), "map picture", is_our_picture, inputs, args.force)

    check(given_inputs(args))
    recipe = Recipe.load(args.recipe) if args.recipe else None
    dataset = load_dataset(args.source, labels=args.labels)
    inputs = dataset_inputs(dataset, args)
    check(inputs)
    bar = ProgressBar(f"map {dataset.key}", unit="steps")
    try:
        result = embed(dataset, recipe, seed=args.seed, epochs=args.epochs, progress=bar.update,
                       cache=not args.no_cache)
    finally:
        bar.close()
    result.save(out, force=args.force, inputs=inputs, force_hint="--force")
    written = [str(out)]
    if png:
        write_output(png, encode_rgb(render_map(result), signed=True), kind="map picture", own=is_our_picture,
                     inputs=inputs, force=args.force)
        written.append(str(png))
    print(f"{len(result):,} images mapped; wrote {', '.join(written)}")
    return 0
