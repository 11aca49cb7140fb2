"""The recipe flags shared by ``export`` and ``evaluate``: --recipe, normalization (with per-channel
--mean/--std, --norm-preset and min-max --per-channel), augmentation (photo flips, crops and colour jitter too), --seed,
sampling (--val-fraction, --test-fraction, --balance) and the target shape (--size, --fit, --channels).

Both subcommands build their recipe the same way (the file or the defaults,
then every given flag on top), so a recipe judged with ``evaluate`` is the
recipe ``export`` writes.
"""

from __future__ import annotations

import argparse
from dataclasses import replace

from ..core.errors import RecipeError
from ..core.processing.aug_params import AUG_RANGES, CROP_MODE_HELP, KEEP_ORIGINAL_HELP, AugParams
from ..core.processing.colour_ops import PAD_MODES
from ..core.processing.normalize import NORM_RANGES, PRESETS
from ..core.processing.recipe import SEED_RANGE, Recipe
from ..core.processing.sampling import BALANCE_CHOICES
from ..core.processing.target_shape import FIT_CHOICES, parse_size
from ..core.validation import FieldRange

__all__ = ["add_recipe_arguments", "build_recipe", "AUG_FLAGS", "SAMPLING_FLAGS", "TARGET_FLAGS"]

AUG_FLAGS = ("rotation", "translate", "scale", "shear", "elastic_alpha", "elastic_sigma", "noise",
             "copies", "keep_original")
#: The photo augmentations (flag = field name with dashes; --crop-mode is a choice).
PHOTO_FLAGS = ("flip", "crop_padding", "jitter_brightness", "jitter_contrast", "jitter_saturation", "jitter_hue",
               "random_greyscale", "crop_mode")
SAMPLING_FLAGS = ("val_fraction", "test_fraction", "balance")
TARGET_FLAGS = ("size", "fit", "channels")
#: The metavar of each numeric flag (its help comes from the field's FieldRange).
METAVARS = {"mean": "M", "std": "S", "rotation": "DEG", "translate": "FRAC", "scale": "LO,HI", "shear": "DEG",
            "elastic_alpha": "A", "elastic_sigma": "S", "noise": "STD", "copies": "K", "seed": "N",
            "crop_padding": "N", "jitter_brightness": "B", "jitter_contrast": "C", "jitter_saturation": "S",
            "jitter_hue": "H", "random_greyscale": "P"}


def add_recipe_arguments(p: argparse.ArgumentParser) -> None:
    """Add --recipe, the normalization and augmentation groups and --seed to parser ``p``."""
    p.add_argument("--recipe", metavar="R.json",
                   help="start from this recipe file, or an export's manifest.json (its recipe with the "
                        "statistics it pinned: reproduces that export)")
    g = p.add_argument_group("normalization")
    g.add_argument("--normalize", choices=("none", "scale", "minmax", "zscore"),
                   help="none keeps uint8; scale = x/255; minmax (over the dataset; --per-channel: per colour "
                        "channel; a recipe can set \"scope\": \"image\"); zscore (default: scale)")
    g.add_argument("--per-channel", action="store_true", default=None,
                   help="with --normalize minmax: one low/high per colour channel (R, G, B), computed from the "
                        "train split, instead of one for all channels (recipe: \"scope\": \"channel\"); "
                        "grey data has one channel, so it is the same as without")
    for name in ("mean", "std"):
        spec = NORM_RANGES[name]
        g.add_argument("--" + name, type=_channel_values, metavar=METAVARS[name] + "|R,G,B",
                       help=(spec.describe() + "; three numbers R,G,B give one per colour channel").replace("%", "%%"))
    g.add_argument("--norm-preset", choices=tuple(PRESETS),
                   help="z-score with common statistics: " + "; ".join(f"{k} = {v[2]}" for k, v in PRESETS.items())
                        + " (--mean/--std override)")
    a = p.add_argument_group("augmentation")
    defaults = AugParams()
    for name in AUG_FLAGS[:-1]:
        kind = _scale_range if name == "scale" else int if AUG_RANGES[name].integer else float
        _add_field(a, name, AUG_RANGES[name], kind, getattr(defaults, name))
    a.add_argument("--keep-original", action=argparse.BooleanOptionalAction, default=None,
                   help=KEEP_ORIGINAL_HELP)
    _add_field(a, "seed", SEED_RANGE, int, Recipe().seed)
    ph = p.add_argument_group("photo augmentation (CIFAR-style; every image keyed like the others)")
    ph.add_argument("--flip", type=float, nargs="?", const=AUG_RANGES["flip"].typical, metavar="P",
                    help=AUG_RANGES["flip"].describe().replace("%", "%%") + "; without a value: 0.5")
    for name in PHOTO_FLAGS[1:-1]:
        spec = AUG_RANGES[name]
        _add_field(ph, name, spec, int if spec.integer else float, getattr(defaults, name))
    ph.add_argument("--crop-mode", choices=PAD_MODES, help=CROP_MODE_HELP + " (default zero)")
    m = p.add_argument_group("model-ready splits and shape")
    m.add_argument("--val-fraction", type=float, metavar="F",
                   help="draw a val split of this share of each class from train (seeded; never augmented)")
    m.add_argument("--test-fraction", type=float, metavar="F",
                   help="draw a test split the same way, for sources with one labelled split (the sample)")
    m.add_argument("--balance", choices=BALANCE_CHOICES,
                   help="equalise the train rows per class (oversample adds augmented copies or repeats)")
    m.add_argument("--size", type=_size, metavar="N|WxH", help="output size: 32 or 224x224 (default: as read)")
    m.add_argument("--fit", choices=FIT_CHOICES,
                   help="pad: centred on zeros, or centre crop (default); resize: bilinear, antialiased")
    m.add_argument("--channels", type=int, choices=(1, 3), help="1: grey (luminance); 3: RGB (grey replicated)")


def _size(text: str) -> tuple[int, int]:
    try:
        return parse_size(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _add_field(group, name: str, spec: FieldRange, kind, default=None) -> None:
    """A flag for field ``name``: its help is the field's description (range, typical value, default)."""
    group.add_argument("--" + name.replace("_", "-"), type=kind, metavar=METAVARS[name],
                       help=spec.describe(default).replace("%", "%%"))


def _channel_values(text: str) -> float | tuple[float, ...]:
    """``0.5`` -> 0.5; ``0.485,0.456,0.406`` -> a tuple (one value per channel)."""
    try:
        values = tuple(float(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a number or R,G,B such as 0.485,0.456,0.406, got {text!r}") from None
    if len(values) not in (1, 3):
        raise argparse.ArgumentTypeError(f"expected one number or three (R,G,B), got {len(values)} in {text!r}")
    return values[0] if len(values) == 1 else values


def _scale_range(text: str) -> tuple[float, float]:
    try:
        lo, hi = (float(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected LO,HI such as 0.9,1.1, got {text!r}") from None
    return lo, hi


def build_recipe(args: argparse.Namespace) -> Recipe:
    """The recipe file (or the defaults) with every given flag applied on top, validated."""
    base = Recipe.load(args.recipe) if args.recipe else Recipe()
    norm = {}
    if args.norm_preset:
        mean, std, _ = PRESETS[args.norm_preset]
        norm = {"method": "zscore", "mean": mean, "std": std}
    norm.update({k: v for k, v in (("method", args.normalize), ("mean", args.mean), ("std", args.std))
                 if v is not None})
    if getattr(args, "per_channel", None):
        norm["scope"] = "channel"
        if norm.get("method", base.normalize.method) != "minmax":
            raise RecipeError("--per-channel applies to --normalize minmax (a z-score of colour data is per "
                              "channel already)")
    aug = {k: getattr(args, k) for k in AUG_FLAGS + PHOTO_FLAGS if getattr(args, k) is not None}
    top = {k: getattr(args, k, None) for k in ("seed", "split") if getattr(args, k, None) is not None}
    samp = {k: getattr(args, k) for k in SAMPLING_FLAGS if getattr(args, k, None) is not None}
    targ = {k: getattr(args, k) for k in TARGET_FLAGS if getattr(args, k, None) is not None}
    recipe = replace(base, normalize=replace(base.normalize, **norm), augment=replace(base.augment, **aug),
                     sampling=replace(base.sampling, **samp), target=replace(base.target, **targ), **top)
    problems = recipe.problems()
    if problems:
        # Name the flag when a flag set the value, else the recipe file's field.
        field, rest = problems[0].field, problems[0].message
        name = field.split(".")[-1]
        given = ({"normalize." + k for k in norm} | {"augment." + k for k in aug} | set(top)
                 | {"sampling." + k for k in samp} | {"target." + k for k in targ})
        flag = "--" + ("normalize" if name == "method" else name.replace("_", "-"))
        if args.norm_preset and field in ("normalize.mean", "normalize.std") and getattr(args, name) is None:
            flag = "--norm-preset"
        raise RecipeError(f"{flag} {rest}" if field in given or not args.recipe else f"{args.recipe}: {problems[0]}")
    return recipe
