"""Batched, seeded augmentation: random affine, elastic distortion, Gaussian noise.

Every augmented image is a pure function of ``(seed, split, index, copy)``
and the parameters (see :mod:`._random`), never of the chunk size or of which
subset is processed: augmenting images 100..199 alone gives exactly rows
100..199 of augmenting all. That is what lets the GUI preview one page and
export the same pixels.

Order of operations for one image: elastic displacement of the output grid,
then the affine map (rotation, scale, shear about the centre, translation),
sampled once with bilinear interpolation and zero fill; then additive
Gaussian noise, then clipping to [0, 1]. Work goes in chunks of
:data:`CHUNK` images so the temporaries stay in cache; there is no Python
loop per image.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, fields
from typing import Any

import numpy as np

from . import keyed_random as _random
from .normalize import to_unit_float
from . import warp as _warp
from ..validation import FieldRange, check_bool, read_fields, shown
from ..errors import Problem, RecipeError

__all__ = ["AugParams", "AUG_RANGES", "AUG_GROUPS", "KEEP_ORIGINAL_HELP", "augment_batch", "augment_images", "CHUNK"]

#: Images per inner chunk: ~10 float32 temporaries of CHUNK x 784 stay in L2/L3.
CHUNK = 256
#: Threads for large batches (numpy releases the GIL in the kernels).
THREADS = max(1, min(4, os.cpu_count() or 1))
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
    "copies": FieldRange(
        "Copies per image", 0, MAX_COPIES, 1, 10, 0, integer=True,
        help="augmented versions of each image in the export"),
}
#: What ``keep_original`` (the one field that is a switch, not a number) does.
KEEP_ORIGINAL_HELP = "also export each original image, before its augmented copies"
#: The groups of AUG_RANGES fields a person switches on and off together, with their titles.
AUG_GROUPS = {"affine": "Random affine", "elastic": "Elastic distortion", "noise": "Gaussian noise"}


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

    @property
    def is_identity(self) -> bool:
        """True when an "augmented" copy equals the original (nothing is switched on)."""
        return all(_same(getattr(self, name), spec.identity)
                   for name, spec in AUG_RANGES.items() if spec.identity is not None)

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
        return [p for p in out if p]

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["scale"] = list(self.scale)
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


def augment_batch(images: np.ndarray, params: AugParams, *, seed: int = 0, split: str | None = None,
                  indices: np.ndarray | Sequence[int] | None = None,
                  copies: np.ndarray | int = 0, out: np.ndarray | None = None) -> np.ndarray:
    """Augment a batch; image k gets the distortion keyed by (seed, split, indices[k], copies[k]).

    Parameters
    ----------
    images
        (n, H, W) uint8 (0..255) or float (0..1).
    params
        What to do. ``copies``/``keep_original`` are ignored here: the caller
        says which copy each row is.
    seed, split, indices, copies
        The key of each image. ``indices`` defaults to 0..n-1; pass the
        positions within the split so any subset reproduces the full run.
    out
        Optional (n, H, W) float32 array to write into.

    Returns
    -------
    numpy.ndarray
        (n, H, W) float32 in [0, 1].
    """
    images = np.asarray(images)
    if images.ndim != 3:
        raise ValueError(f"images must be (count, height, width), got shape {images.shape}")
    n, h, w = images.shape
    idx = np.arange(n) if indices is None else np.asarray(indices)
    if idx.shape != (n,):
        raise ValueError(f"indices must have one entry per image ({n}), got shape {idx.shape}")
    cop = np.broadcast_to(np.asarray(copies), (n,))
    if out is None:
        out = np.empty((n, h, w), np.float32)

    def run(lo: int, hi: int) -> None:
        ws = _warp.Workspace()  # one per thread
        for start in range(lo, hi, CHUNK):
            sl = slice(start, min(start + CHUNK, hi))
            _augment_chunk(images[sl], params, seed, split, idx[sl], cop[sl], out[sl], ws)

    # numpy releases the GIL in the heavy kernels, so contiguous halves on two
    # threads run nearly twice as fast; each image still depends only on its key.
    threads = min(THREADS, n // (2 * CHUNK)) if not params.is_identity else 1
    if threads <= 1:
        run(0, n)
        return out
    bounds = [(n * t // threads) // CHUNK * CHUNK for t in range(threads)] + [n]
    with ThreadPoolExecutor(threads) as pool:
        for f in [pool.submit(run, bounds[t], bounds[t + 1]) for t in range(threads)]:
            f.result()
    return out


def _augment_chunk(images: np.ndarray, p: AugParams, seed: int, split: str | None,
                   idx: np.ndarray, cop: np.ndarray, out: np.ndarray, ws: _warp.Workspace) -> None:
    n, h, w = images.shape
    if p.is_identity:
        to_unit_float(images, out)
        return
    padded = _warp.pad_images(images, ws)
    keys = _random.image_keys(seed, split, idx, cop)
    u = _random.uniforms(keys, _random.STREAM_AFFINE, 5).astype(np.float64)
    lo, hi = p.scale
    inv = _warp.inverse_affine((2 * u[:, 0] - 1) * p.rotation, lo + u[:, 3] * (hi - lo),
                               (2 * u[:, 4] - 1) * p.shear)
    shift = np.empty((n, 2), np.float32)
    shift[:, 0] = (2 * u[:, 1] - 1) * (p.translate * w)
    shift[:, 1] = (2 * u[:, 2] - 1) * (p.translate * h)
    disp = None
    if p.elastic_alpha > 0:
        field = _random.uniforms(keys, _random.STREAM_ELASTIC, 2 * h * w, low=-1.0, high=1.0, ws=ws)
        disp = _warp.smooth_fields(field.reshape(n, 2, h, w), p.elastic_sigma, ws)
        disp *= np.float32(p.elastic_alpha)
    sx, sy = _warp.sample_coords(inv, shift, (h, w), disp, ws)
    result = _warp.bilinear(padded, sx, sy, out, ws)
    if p.noise > 0:
        noise = _random.normals(keys, _random.STREAM_NOISE, h * w, ws).reshape(n, h, w)
        noise *= np.float32(p.noise)
        result += noise
        np.clip(result, 0, 1, out=result)


def augment_images(images: np.ndarray, *, rotation: float = 0, translate: float = 0,
                   scale: tuple[float, float] = (1, 1), shear: float = 0, elastic_alpha: float = 0,
                   elastic_sigma: float = 4, noise: float = 0, seed: int = 0,
                   indices: np.ndarray | Sequence[int] | None = None, copy: int = 0,
                   split: str | None = None) -> np.ndarray:
    """Augment images with the same parameters as the CLI flags; float32 in [0, 1].

    Parameters
    ----------
    images
        (n, 28, 28) uint8 (0..255) or float (0..1).
    rotation, translate, scale, shear, elastic_alpha, elastic_sigma, noise
        See :class:`AugParams`.
    seed
        Same seed, same images: image k depends only on (seed, split, indices[k], copy).
    indices
        Index of each image in its dataset split (default 0..n-1). Pass them
        when augmenting a subset so the result matches augmenting everything.
    copy
        Which augmented copy (0, 1, ...) to make.
    split
        Split name, part of the key (the export uses "train"/"test").

    Raises
    ------
    RecipeError
        A parameter is out of range (a ValueError naming the parameter).
    """
    params = AugParams(rotation=rotation, translate=translate, scale=tuple(scale), shear=shear,
                       elastic_alpha=elastic_alpha, elastic_sigma=elastic_sigma, noise=noise)
    problems = params.problems()
    if problems:
        raise RecipeError(str(problems[0]))
    return augment_batch(images, params, seed=seed, split=split, indices=indices, copies=copy)
