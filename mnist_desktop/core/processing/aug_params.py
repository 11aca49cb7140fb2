"""The augmentation parameters: AugParams, its field table and its JSON form.

Kept apart from the engine (:mod:`.augment`) because the recipe, the GUI's
controls and the CLI's flags need the parameters and their ranges, not the
numerical code that applies them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from ..errors import Problem, RecipeError
from ..validation import FieldRange, check_bool, check_choice, read_fields, shown
from . import colour_ops as _colour

__all__ = ["AugParams", "AUG_RANGES", "AUG_GROUPS", "KEEP_ORIGINAL_HELP", "CROP_MODE_HELP", "MAX_COPIES"]

MAX_COPIES = 1000

#: Every numeric AugParams field: range, steps, words, typical and "off" values.
#: ``problems()``, the GUI's controls and the CLI's flags all read it (``scale``
#: applies to both ends of the range).
AUG_RANGES: dict[str, FieldRange] = {
    "rotation": FieldRange(
        "Rotation", 0, 180, 1, 10, 1, "degrees", suffix=" ±°", group="affine", typical=15.0, identity=0.0,
        help="each image turns by a random angle in [-r, +r] degrees"),
    "translate": FieldRange(
        "Shift", 0, 1, 0.01, 0.05, 3, "fraction of the image size", suffix=" ±", group="affine", typical=0.1,
        identity=0.0, help="random shift within +-t of the width and height, drawn for x and y separately"),
    "scale": FieldRange(
        "Scale", 0.1, 10, 0.01, 0.1, 2, "zoom factor", group="affine", typical=(0.9, 1.1), identity=(1.0, 1.0),
        help="each image is zoomed by a random factor in [low, high]"),
    "shear": FieldRange(
        "Shear", 0, 80, 1, 5, 1, "degrees", suffix=" ±°", group="affine", typical=10.0, identity=0.0,
        help="random horizontal shear angle in [-s, +s] degrees"),
    "elastic_alpha": FieldRange(
        "Elastic strength", 0, 1000, 1, 10, 1, "pixels", group="elastic", typical=34.0, identity=0.0,
        help="strength of the elastic displacement in pixels, as in Simard et al. 2003"),
    "elastic_sigma": FieldRange(
        "Elastic smoothness", 0.01, 50, 0.1, 1, 2, "pixels", group="elastic", typical=4.0,
        help="smoothness of the elastic displacement field in pixels"),
    "noise": FieldRange(
        "Noise", 0, 1, 0.01, 0.05, 3, "standard deviation on the 0..1 scale", suffix=" (std)", group="noise",
        typical=0.05, identity=0.0, help="standard deviation of Gaussian noise added on the 0..1 scale"),
    "flip": FieldRange(
        "Flip probability", 0, 1, 0.05, 0.25, 2, "probability", group="flip", typical=0.5, identity=0.0,
        help="each image is mirrored left-right with this probability (photos yes; digits and letters no)"),
    "crop_padding": FieldRange(
        "Padding", 0, 64, 1, 4, 0, "pixels", integer=True, suffix=" px", group="crop", typical=4, identity=0,
        help="pad every side by N pixels, then cut the original size at a random place (CIFAR: 4)"),
    "jitter_brightness": FieldRange(
        "Brightness", 0, 2, 0.01, 0.1, 2, "factor spread", suffix=" ±", group="jitter", typical=0.4,
        identity=0.0, help="pixels times a random factor in [max(0, 1-b), 1+b] (torchvision ColorJitter)"),
    "jitter_contrast": FieldRange(
        "Contrast", 0, 2, 0.01, 0.1, 2, "factor spread", suffix=" ±", group="jitter", typical=0.4,
        identity=0.0, help="blend with the image's mean grey by a random factor in [max(0, 1-c), 1+c]"),
    "jitter_saturation": FieldRange(
        "Saturation", 0, 2, 0.01, 0.1, 2, "factor spread", suffix=" ±", group="jitter", typical=0.4,
        identity=0.0, help="blend with the pixel's grey by a random factor in [max(0, 1-s), 1+s] (colour only)"),
    "jitter_hue": FieldRange(
        "Hue", 0, 0.5, 0.01, 0.05, 2, "fraction of the colour circle", suffix=" ±", group="jitter", typical=0.1,
        identity=0.0, help="turn the hue by a random amount in [-h, +h] of a full turn (colour only)"),
    "random_greyscale": FieldRange(
        "Probability", 0, 1, 0.05, 0.1, 2, "probability", group="greyscale", typical=0.2, identity=0.0,
        help="each colour image becomes grey (luminance in all channels) with this probability"),
    "copies": FieldRange(
        "Copies per image", 0, MAX_COPIES, 1, 10, 0, integer=True,
        help="augmented versions of each image in the export"),
}
#: What ``crop_mode`` (a choice, not a number) does.
CROP_MODE_HELP = "what fills the padding before the crop: zero (black) or reflect (mirror the border)"
#: Fields added for photos: written to JSON only when they differ from their default.
OPTIONAL_FIELDS = ("flip", "crop_padding", "crop_mode", "jitter_brightness", "jitter_contrast",
                   "jitter_saturation", "jitter_hue", "random_greyscale")
#: What ``keep_original`` (the one field that is a switch, not a number) does.
KEEP_ORIGINAL_HELP = "also export each original image, before its augmented copies"
#: The groups of AUG_RANGES fields a person switches on and off together, with their titles.
AUG_GROUPS = {"affine": "Random affine", "elastic": "Elastic distortion", "noise": "Gaussian noise",
              "flip": "Horizontal flip", "crop": "Random crop with padding", "jitter": "Colour jitter",
              "greyscale": "Random greyscale"}


@dataclass(frozen=True)
class AugParams:
    """Augmentation parameters; the fields mirror the CLI flags.

    Attributes
    ----------
    rotation
        Maximum rotation in degrees; each image turns by U(-rotation, +rotation)
        (positive = counter-clockwise on screen).
    translate
        Maximum shift as a fraction of the width/height, drawn separately for x and y.
    scale
        (low, high): isotropic zoom drawn from U(low, high).
    shear
        Maximum horizontal shear angle in degrees, U(-shear, +shear).
    elastic_alpha, elastic_sigma
        Elastic distortion (Simard et al. 2003): a U(-1, 1) displacement field
        per axis, smoothed by a Gaussian of ``elastic_sigma`` pixels, times
        ``elastic_alpha`` pixels. alpha = 0 turns it off; 34 and 4 are the usual values.
    noise
        Standard deviation of additive Gaussian noise on the 0..1 scale.
    copies
        Augmented versions made of each image.
    keep_original
        Also output each image unchanged, before its copies.
    flip
        Probability of mirroring an image left-right (0 = never; 0.5 is usual for photos, never for digits).
    crop_padding, crop_mode
        Pad every side by ``crop_padding`` pixels ("zero" or "reflect"), then
        cut the original size at a random offset (CIFAR's pad 4, crop 32).
    jitter_brightness, jitter_contrast, jitter_saturation, jitter_hue
        Colour jitter with torchvision's semantics (see :mod:`.colour_ops`).
    random_greyscale
        Probability of turning a colour image grey.

    Construction never raises, so a GUI can hold a half-edited value;
    :meth:`problems` says what is wrong in words.
    """

    rotation: float = 0.0
    translate: float = 0.0
    scale: tuple[float, float] = (1.0, 1.0)
    shear: float = 0.0
    elastic_alpha: float = 0.0
    elastic_sigma: float = 4.0
    noise: float = 0.0
    copies: int = 1
    keep_original: bool = False
    flip: float = 0.0
    crop_padding: int = 0
    crop_mode: str = "zero"
    jitter_brightness: float = 0.0
    jitter_contrast: float = 0.0
    jitter_saturation: float = 0.0
    jitter_hue: float = 0.0
    random_greyscale: float = 0.0

    @property
    def is_identity(self) -> bool:
        """True when an "augmented" copy equals the original (nothing is switched on)."""
        return self.is_off(*(name for name, spec in AUG_RANGES.items() if spec.identity is not None))

    def is_off(self, *names: str) -> bool:
        """True when every field in ``names`` has its "off" value (:attr:`FieldRange.identity`)."""
        return all(_same(getattr(self, name), AUG_RANGES[name].identity) for name in names)

    @property
    def per_image(self) -> int:
        """Output rows per source image: the original (if kept) plus the copies."""
        return int(self.keep_original) + self.copies

    def problems(self) -> list[Problem]:
        """Every invalid value as a (field, message) problem (empty if valid)."""
        out = [_check_scale(self.scale) if name == "scale" else spec.check(name, getattr(self, name))
               for name, spec in AUG_RANGES.items()]
        out.append(check_bool("keep_original", self.keep_original))
        if not any(out[-2:]) and self.copies == 0 and self.keep_original is False:
            out.append(Problem("copies", "is 0 and the original is not kept: the export would have no images"))
        out.append(check_choice("crop_mode", self.crop_mode, _colour.PAD_MODES))
        return [p for p in out if p]

    def to_dict(self) -> dict[str, Any]:
        """The JSON object; the photo fields only when set, so older recipes are written as before."""
        d = asdict(self)
        d["scale"] = list(self.scale)
        default = AugParams()
        for name in OPTIONAL_FIELDS:
            if d[name] == getattr(default, name):
                del d[name]
        return d

    @classmethod
    def from_dict(cls, data: Any, where: str = "augment") -> AugParams:
        """Build from a JSON object; unknown fields or bad values raise RecipeError naming the field."""
        d = read_fields(data, tuple(f.name for f in fields(cls)), where)
        if "scale" in d and isinstance(d["scale"], list):
            d["scale"] = tuple(d["scale"])
        params = cls(**d)
        problems = params.problems()
        if problems:
            raise RecipeError(f"{where}.{problems[0]}")
        return params


def _same(value: Any, identity: Any) -> bool:
    """``value == identity``, a list or tuple compared as a tuple (JSON gives lists)."""
    if isinstance(identity, tuple):
        return isinstance(value, (tuple, list)) and tuple(value) == identity
    return value == identity


def _check_scale(scale: Any) -> Problem | None:
    spec = AUG_RANGES["scale"]
    ok = (isinstance(scale, (tuple, list)) and len(scale) == 2
          and all(spec.check("", v) is None for v in scale) and scale[0] <= scale[1])
    if ok:
        return None
    return Problem("scale", f"must be two numbers [low, high] with {spec.lo:g} <= low <= high <= {spec.hi:g}, "
                            f"got {shown(scale)}")
