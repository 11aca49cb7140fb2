"""``mnist-desktop map``: 2-D coordinates of every image, as CSV or npy, and a picture."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..core.errors import ExportError
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
    p.add_argument("--out", required=True, metavar="map.csv|map.npy",
                   help="output file; .csv (with a header line) or .npy (a structured array)")
    p.add_argument("--png", metavar="map.png", help="also draw the map, points coloured by class")
    p.add_argument("--recipe", metavar="R.json", help="normalize the images with this recipe first")
    p.add_argument("--seed", type=non_negative, default=0, metavar="N", help="random seed (default: 0)")
    p.add_argument("--epochs", type=_positive, default=200, metavar="N",
                   help="optimisation epochs (default: 200)")
    p.add_argument("--no-cache", action="store_true", help="neither read nor write the map cache")
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


def _check_target(path: Path, formats: tuple[str, ...]) -> None:
    if path.suffix.lower() not in formats:
        raise ExportError(f"{path}: expected a file name ending in {' or '.join(formats)}")
    if not path.parent.is_dir():
        raise ExportError(f"{path}: the folder {path.parent} does not exist")


def run(args: argparse.Namespace) -> int:
    from ..core.formats.load import load_dataset
    from ..core.draw.png import encode_rgb
    from ..core.map import MAP_FORMATS, embed
    from ..core.map.render import render_map
    from ..core.processing.recipe import Recipe
    from ..core.atomic import atomic_write
    from ._progress import ProgressBar

    out = Path(args.out)
    png = Path(args.png) if args.png else None
    _check_target(out, MAP_FORMATS)  # before minutes of work, not after
    if png:
        _check_target(png, (".png",))
    recipe = Recipe.load(args.recipe) if args.recipe else None
    dataset = load_dataset(args.source, labels=args.labels)
    bar = ProgressBar(f"map {dataset.key}", unit="steps")
    try:
        result = embed(dataset, recipe, seed=args.seed, epochs=args.epochs, progress=bar.update,
                       cache=not args.no_cache)
    finally:
        bar.close()
    result.save(out)
    written = [str(out)]
    if png:
        with atomic_write(png) as f:
            f.write(encode_rgb(render_map(result)))
        written.append(str(png))
    print(f"{len(result):,} images mapped; wrote {', '.join(written)}")
    return 0
