"""The recipe flags shared by ``export`` and ``evaluate``: --recipe, normalization, augmentation, --seed.

Both subcommands build their recipe the same way (the file or the defaults,
then every given flag on top), so a recipe judged with ``evaluate`` is the
recipe ``export`` writes.
"""

from __future__ import annotations

import argparse
from dataclasses import replace

from ..core.errors import RecipeError
from ..core.processing.augment import AUG_RANGES, KEEP_ORIGINAL_HELP, AugParams
from ..core.processing.normalize import NORM_RANGES
from ..core.processing.recipe import SEED_RANGE, Recipe
from ..core.validation import FieldRange

__all__ = ["add_recipe_arguments", "build_recipe", "AUG_FLAGS"]

AUG_FLAGS = ("rotation", "translate", "scale", "shear", "elastic_alpha", "elastic_sigma", "noise",
             "copies", "keep_original")
#: The metavar of each numeric flag (its help comes from the field's FieldRange).
METAVARS = {"mean": "M", "std": "S", "rotation": "DEG", "translate": "FRAC", "scale": "LO,HI", "shear": "DEG",
            "elastic_alpha": "A", "elastic_sigma": "S", "noise": "STD", "copies": "K", "seed": "N"}


def add_recipe_arguments(p: argparse.ArgumentParser) -> None:
    """Add --recipe, the normalization and augmentation groups and --seed to parser ``p``."""
    p.add_argument("--recipe", metavar="R.json",
                   help="start from this recipe file, or an export's manifest.json (its recipe with the "
                        "statistics it pinned: reproduces that export)")
    g = p.add_argument_group("normalization")
    g.add_argument("--normalize", choices=("none", "scale", "minmax", "zscore"),
                   help="none keeps uint8; scale = x/255; minmax (over the dataset; a recipe can set "
                        "\"scope\": \"image\"); zscore (default: scale)")
    for name in ("mean", "std"):
        _add_field(g, name, NORM_RANGES[name], float)
    a = p.add_argument_group("augmentation")
    defaults = AugParams()
    for name in AUG_FLAGS[:-1]:
        kind = _scale_range if name == "scale" else int if AUG_RANGES[name].integer else float
        _add_field(a, name, AUG_RANGES[name], kind, getattr(defaults, name))
    a.add_argument("--keep-original", action=argparse.BooleanOptionalAction, default=None,
                   help=KEEP_ORIGINAL_HELP)
    _add_field(a, "seed", SEED_RANGE, int, Recipe().seed)


def _add_field(group, name: str, spec: FieldRange, kind, default=None) -> None:
    """A flag for field ``name``: its help is the field's description (range, typical value, default)."""
    group.add_argument("--" + name.replace("_", "-"), type=kind, metavar=METAVARS[name],
                       help=spec.describe(default).replace("%", "%%"))


def _scale_range(text: str) -> tuple[float, float]:
    try:
        lo, hi = (float(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected LO,HI such as 0.9,1.1, got {text!r}") from None
    return lo, hi


def build_recipe(args: argparse.Namespace) -> Recipe:
    """The recipe file (or the defaults) with every given flag applied on top, validated."""
    base = Recipe.load(args.recipe) if args.recipe else Recipe()
    norm = {k: v for k, v in (("method", args.normalize), ("mean", args.mean), ("std", args.std)) if v is not None}
    aug = {k: getattr(args, k) for k in AUG_FLAGS if getattr(args, k) is not None}
    top = {k: getattr(args, k, None) for k in ("seed", "split") if getattr(args, k, None) is not None}
    recipe = replace(base, normalize=replace(base.normalize, **norm), augment=replace(base.augment, **aug), **top)
    problems = recipe.problems()
    if problems:
        # Name the flag when a flag set the value, else the recipe file's field.
        field, rest = problems[0].field, problems[0].message
        name = field.split(".")[-1]
        given = {"normalize." + k for k in norm} | {"augment." + k for k in aug} | set(top)
        flag = "--" + ("normalize" if name == "method" else name.replace("_", "-"))
        raise RecipeError(f"{flag} {rest}" if field in given or not args.recipe else f"{args.recipe}: {problems[0]}")
    return recipe
