"""Normalization: what the pixel values of an export mean.

Methods
-------
none
    uint8 0..255 kept (augmented images are rounded back to uint8).
scale
    x / 255, float32 in [0, 1].
minmax
    (t - low) / (high - low) with t = x / 255, where low/high are the pixel
    minimum and maximum of the whole dataset (``scope="dataset"``), of each
    colour channel over the dataset (``scope="channel"``: one low/high per
    channel, R, G, B; grey data has one channel, so it equals "dataset") or of
    each image (``scope="image"``). A constant image or channel (high == low)
    becomes all zeros instead of dividing by zero.
zscore
    (t - mean) / std with t = x / 255; mean and std are given (e.g. MNIST's
    0.1307 / 0.3081) or computed from the training split. For colour data
    they are per channel: given as three numbers (R, G, B; a preset such as
    ImageNet's, see :data:`PRESETS`) or computed per channel; one number
    applies to every channel.

Every method works on uint8 (0..255) or float (0..1, e.g. augmented) input
with float32 operations that give an original image and its float copy the
same bits. Output is float32 written in place into a
preallocated array, in cache-sized chunks, without float64 temporaries.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any

import numpy as np

from ..validation import FieldRange, check_choice, read_fields
from ..errors import Problem, RecipeError
from ..stats import channel_histograms, histogram_stats, pixel_stats

__all__ = ["NormParams", "METHODS", "SCOPES", "STATISTICS", "NORM_RANGES", "PRESETS", "normalize", "output_dtype",
           "to_uint8", "to_unit_float", "channel_count"]

METHODS = ("none", "scale", "minmax", "zscore")
SCOPES = ("dataset", "channel", "image")
#: Smallest zscore std: below it the outputs overflow float32 or mean nothing (a 1e-300 std gives inf).
MIN_STD = 1e-6
#: The statistics a recipe may give (None = computed from the data): range, steps,
#: words. ``problems()``, the GUI's boxes and the CLI's flags all read it.
NORM_RANGES: dict[str, FieldRange] = {
    "mean": FieldRange("Mean", -1e6, 1e6, 0.001, 0.01, 4, "0..1 pixel scale", typical=0.1307,
                       help="z-score mean on the 0..1 scale, from the data when not given"),
    "std": FieldRange("Std", MIN_STD, 1e6, 0.001, 0.01, 6, "0..1 pixel scale", typical=0.3081,
                      help="z-score standard deviation on the 0..1 scale, from the data when not given"),
    "low": FieldRange("Low", 0, 1, 0.001, 0.01, 4, "0..1 pixel scale",
                      help="min-max: the darkest value, mapped to 0, from the data when not given"),
    "high": FieldRange("High", 0, 1, 0.001, 0.01, 4, "0..1 pixel scale",
                       help="min-max: the brightest value, mapped to 1, from the data when not given"),
}
#: Common per-channel z-score statistics (R, G, B on the 0..1 scale): (mean, std, where from).
#: "data" (None, None) means computed from the training split of the data at hand.
PRESETS: dict[str, tuple[Any, Any, str]] = {
    "data": (None, None, "computed from this data's train split, per channel"),
    "imagenet": ((0.485, 0.456, 0.406), (0.229, 0.224, 0.225), "ImageNet (torchvision's pretrained models)"),
    "clip": ((0.48145466, 0.4578275, 0.40821073), (0.26862954, 0.26130258, 0.27577711),
             "CLIP (OpenAI's image encoders)"),
}
#: The statistics each method uses; each may be one number or one per colour channel.
STATISTICS = {"zscore": ("mean", "std"), "minmax": ("low", "high")}
CHANNEL_FIELDS = ("mean", "std", "low", "high")
#: Images per chunk: the 3-pass methods keep a chunk in L2 between passes.
CHUNK = 512


@dataclass(frozen=True)
class NormParams:
    """How to normalize pixels.

    Attributes
    ----------
    method
        "none", "scale", "minmax" or "zscore".
    scope
        For minmax: "dataset" (one low/high for all), "channel" (one low/high
        per colour channel, computed from the data like the z-score's) or
        "image" (per image).
    mean, std
        For zscore, on the 0..1 scale: one number, or one per colour channel
        (a tuple of 3). None: computed from the data (see :meth:`fit`), per
        channel for colour images.
    low, high
        For minmax over the dataset or per channel, on the 0..1 scale: one
        number, or one per colour channel (a tuple of 3). None: computed from
        the data (per channel with ``scope="channel"`` on colour images).
    """

    method: str = "scale"
    scope: str = "dataset"
    mean: Any = None
    std: Any = None
    low: Any = None
    high: Any = None

    def __post_init__(self) -> None:
        for name in CHANNEL_FIELDS:  # JSON gives lists; keep the object hashable
            if isinstance(getattr(self, name), list):
                object.__setattr__(self, name, tuple(getattr(self, name)))

    def problems(self) -> list[Problem]:
        """Every invalid value as a (field, message) problem (empty if valid)."""
        out = [check_choice("method", self.method, METHODS), check_choice("scope", self.scope, SCOPES)]
        for name, spec in NORM_RANGES.items():
            value = getattr(self, name)
            if isinstance(value, tuple):
                out.append(_check_channels(name, value, spec))
            elif value is not None:
                out.append(spec.check(name, value))
        if self.low is not None and self.high is not None and not any(out[-2:]):
            out.append(_check_low_high(self.low, self.high))
        return [p for p in out if p]

    @property
    def is_resolved(self) -> bool:
        """True when no statistic is left to compute from data."""
        if self.method == "zscore":
            return self.mean is not None and self.std is not None
        if self.method == "minmax" and self.scope in ("dataset", "channel"):
            return self.low is not None and self.high is not None
        return True

    @property
    def is_per_channel(self) -> bool:
        """True when a statistic of the method is given per colour channel (a tuple)."""
        return any(isinstance(getattr(self, name), tuple) for name in STATISTICS.get(self.method, ()))

    def fit(self, images: np.ndarray) -> NormParams:
        """Fill the statistics left as None from ``images`` (uint8 0..255 or float 0..1).

        uint8 statistics come from :func:`~.stats.pixel_stats`' chunked
        256-bin histogram: exact, one pass, no copy of the images.
        """
        if self.is_resolved:
            return self
        k = 255.0 if images.dtype == np.uint8 else 1.0
        if self.method == "zscore" and images.ndim == 4:
            st = channel_stats(images)
            std = tuple(v / k if v > 0 else 1.0 for v in st["std"])
            return replace(self, mean=self.mean if self.mean is not None else tuple(v / k for v in st["mean"]),
                           std=self.std if self.std is not None else std)
        if self.method == "minmax" and self.scope == "channel" and images.ndim == 4:
            st = channel_stats(images)
            return replace(self, low=self.low if self.low is not None else tuple(v / k for v in st["min"]),
                           high=self.high if self.high is not None else tuple(v / k for v in st["max"]))
        st = pixel_stats(images)
        if self.method == "zscore":
            std = st["std"] / k
            return replace(self, mean=self.mean if self.mean is not None else st["mean"] / k,
                           std=self.std if self.std is not None else (std if std > 0 else 1.0))
        return replace(self, low=self.low if self.low is not None else st["min"] / k,
                       high=self.high if self.high is not None else st["max"] / k)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for name in CHANNEL_FIELDS:
            if isinstance(d[name], tuple):
                d[name] = list(d[name])
        return d

    def check_channels(self, channels: int) -> Problem | None:
        """A problem when per-channel statistics do not fit images of ``channels`` channels."""
        for name in STATISTICS[self.method] if self.method in STATISTICS else ():
            value = getattr(self, name)
            if isinstance(value, tuple) and len(value) != channels:
                what = "grey images (1 channel)" if channels == 1 else f"images of {channels} channels"
                return Problem(name, f"has {len(value)} values (one per channel) but the data has {what}: "
                                     "give one number")
        return None

    @classmethod
    def from_dict(cls, data: Any, where: str = "normalize") -> NormParams:
        """Build from a JSON object; unknown fields or bad values raise RecipeError naming the field."""
        params = cls(**read_fields(data, tuple(f.name for f in fields(cls)), where))
        problems = params.problems()
        if problems:
            raise RecipeError(f"{where}.{problems[0]}")
        return params


def output_dtype(params: NormParams) -> np.dtype:
    """uint8 for "none", float32 for every other method."""
    return np.dtype(np.uint8 if params.method == "none" else np.float32)


def normalize(images: np.ndarray, params: NormParams | str = "scale", *, out: np.ndarray | None = None) -> np.ndarray:
    """Normalize a batch of images.

    Parameters
    ----------
    images
        (n, ...) uint8 on the 0..255 scale, or float on the 0..1 scale.
    params
        A :class:`NormParams` or a method name. Statistics left as None are
        computed from ``images`` themselves (call :meth:`NormParams.fit` on
        the training data first to use its statistics instead).
    out
        Preallocated output of the right shape and :func:`output_dtype`.

    Returns
    -------
    numpy.ndarray
        float32 (uint8 for "none"), the same shape as ``images``.
    """
    p = NormParams(method=params) if isinstance(params, str) else params
    problems = p.problems()
    if problems:
        raise RecipeError(problems[0])
    p = p.fit(images)
    images = np.asarray(images)
    mismatch = p.check_channels(channel_count(images))
    if mismatch:
        raise RecipeError(str(mismatch))
    if out is None:
        out = np.empty(images.shape, output_dtype(p))
    for start in range(0, len(images), CHUNK):
        sl = slice(start, start + CHUNK)
        _normalize_chunk(images[sl], p, out[sl])
    return out


def channel_count(images: np.ndarray) -> int:
    """Channels of a batch: 1 for (n, H, W), C for (n, H, W, C)."""
    return images.shape[3] if images.ndim == 4 else 1


def channel_stats(images: np.ndarray, chunk: int = 1 << 12) -> dict[str, tuple[float, ...]]:
    """Per-channel mean, standard deviation, minimum and maximum of an (n, H, W, C) batch, chunked over images.

    uint8 data: one exact 256-bin histogram per channel, as :func:`pixel_stats`
    (min and max are its first and last non-empty bins).
    """
    c = images.shape[3]
    if images.dtype == np.uint8:
        return histogram_stats(channel_histograms(images, chunk))
    flat = np.asarray(images, np.float64).reshape(-1, c)
    mean, var = flat.mean(axis=0), flat.var(axis=0)
    low, high = (flat.min(axis=0), flat.max(axis=0)) if len(flat) else (np.zeros(c), np.zeros(c))
    return {"mean": tuple(float(v) for v in mean), "std": tuple(float(v) ** 0.5 for v in var),
            "min": tuple(float(v) for v in low), "max": tuple(float(v) for v in high)}


def _check_channels(name: str, value: tuple, spec: FieldRange) -> Problem | None:
    """Per-channel statistics: three numbers, each in the field's range."""
    if len(value) != 3:
        return Problem(name, f"must be one number or three (R, G, B), got {len(value)} values")
    for v in value:
        problem = spec.check(name, v)
        if problem:
            return problem
    return None


def _check_low_high(low: Any, high: Any) -> Problem | None:
    """Min-max: low must not exceed high (per channel when either is per channel)."""
    for c, (lo, hi) in enumerate(zip(np.broadcast_to(low, (3,)), np.broadcast_to(high, (3,)))):
        if lo > hi:
            which = f" (channel {'RGB'[c]})" if isinstance(low, tuple) or isinstance(high, tuple) else ""
            return Problem("low", f"({float(lo):g}) must not be greater than high ({float(hi):g}){which}")
    return None


def _per_channel(value: Any) -> Any:
    """A per-channel statistic as a float32 array (broadcasts over the channel axis); a scalar as is."""
    return np.asarray(value, np.float64) if isinstance(value, tuple) else value


def to_unit_float(images: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """uint8 0..255 -> float32 0..1 (float input is copied as is).

    The one conversion used by normalization, augmentation, the warp and the
    pipeline: preview and export are bit-identical only because all of them
    divide in float32 the same way.
    """
    if out is None:
        out = np.empty(images.shape, np.float32)
    if images.dtype == np.uint8:
        np.divide(images, 255, out=out, dtype=np.float32)
    else:
        out[...] = images
    return out


def _normalize_chunk(x: np.ndarray, p: NormParams, out: np.ndarray) -> None:
    if p.method == "none":
        if x.dtype == np.uint8:
            out[...] = x
        else:
            t = np.multiply(x, np.float32(255), dtype=np.float32)
            np.rint(t, out=t)
            np.clip(t, 0, 255, out=t)
            out[...] = t
        return
    if p.method == "scale":
        to_unit_float(x, out)
        return
    # The other methods work on v = pixel on the 0..255 scale: float32(x) for
    # uint8, t * 255 for float input. For every uint8 value u,
    # float32(float32(u / 255) * 255) == u exactly, so an original and its
    # float copy give the same bits; uint8 input needs just two passes.
    if x.dtype == np.uint8:
        v = x
    else:
        v = np.multiply(x, np.float32(255), out=out, dtype=np.float32)
    if p.method == "minmax" and p.scope == "image":
        flat = v.reshape(len(v), -1)
        keep = (len(v),) + (1,) * (v.ndim - 1)
        low = flat.min(axis=1).astype(np.float32).reshape(keep)
        span = flat.max(axis=1).astype(np.float32).reshape(keep)
        span -= low
        span[span == 0] = 1
        np.subtract(v, low, out=out, dtype=np.float32)
        out /= span
        return
    if p.method == "zscore" and (isinstance(p.mean, tuple) or isinstance(p.std, tuple)):
        shift = (255 * np.broadcast_to(_per_channel(p.mean), (3,))).astype(np.float32)
        div = (255 * np.broadcast_to(_per_channel(p.std), (3,))).astype(np.float32)
        np.subtract(v, shift, out=out, dtype=np.float32)
        out /= div
        return
    if p.method == "minmax" and (isinstance(p.low, tuple) or isinstance(p.high, tuple)):
        # per channel, the very arithmetic of the global case below on each channel
        low = np.broadcast_to(_per_channel(p.low), (3,))
        span = 255 * (np.broadcast_to(_per_channel(p.high), (3,)) - low)
        np.subtract(v, (255 * low).astype(np.float32), out=out, dtype=np.float32)
        out /= np.where(span == 0, 1.0, span).astype(np.float32)
        return
    if p.method == "zscore":
        shift, div = 255 * p.mean, 255 * p.std
    else:  # minmax over the dataset
        shift, div = 255 * p.low, 255 * (p.high - p.low) or 1.0
    np.subtract(v, np.float32(shift), out=out, dtype=np.float32)
    out /= np.float32(div)


def to_uint8(x: np.ndarray, params: NormParams) -> np.ndarray:
    """Map normalized values back to 0..255 uint8 for display or PNG.

    "none" is already uint8. zscore is undone (t = x * std + mean); scale and
    minmax outputs are already on 0..1. Then round(255 * t), clipped.
    """
    if x.dtype == np.uint8:
        return x
    t = x.astype(np.float32, copy=True)
    if params.method == "zscore":
        t *= np.asarray(_per_channel(params.std), np.float32)
        t += np.asarray(_per_channel(params.mean), np.float32)
    t *= np.float32(255)
    np.rint(t, out=t)
    np.clip(t, 0, 255, out=t)
    return t.astype(np.uint8)
