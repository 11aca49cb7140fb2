"""Batched, seeded augmentation: random affine, elastic distortion, noise; flip, crop, colour jitter.

Every augmented image is a pure function of ``(seed, split, index, copy)``
and the parameters (see :mod:`._random`), never of the chunk size or of which
subset is processed: augmenting images 100..199 alone gives exactly rows
100..199 of augmenting all. That is what lets the GUI preview one page and
export the same pixels.

Order of operations for one image: elastic displacement of the output grid,
then the affine map (rotation, scale, shear about the centre, translation),
sampled once with bilinear interpolation and zero fill (every colour channel
with the same geometry); then the photo operations of :mod:`.colour_ops`
(crop after padding, horizontal flip, colour jitter, random greyscale); then
additive Gaussian noise, then clipping to [0, 1]. Work goes in chunks of
:data:`CHUNK` images so the temporaries stay in cache; there is no Python
loop per image.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from . import keyed_random as _random
from .normalize import to_unit_float
from . import warp as _warp
from . import colour_ops as _colour
from . import jitter as _jitter
from ..errors import RecipeError
from .aug_params import OPTIONAL_FIELDS, AugParams

__all__ = ["augment_batch", "augment_images", "CHUNK"]

#: Images per inner chunk: ~10 float32 temporaries of CHUNK x 784 stay in L2/L3.
CHUNK = 256
#: Images per chunk when only the photo operations are on (no warp temporaries).
PHOTO_CHUNK = 1024
#: Threads for large batches (numpy releases the GIL in the kernels).
THREADS = max(1, min(4, os.cpu_count() or 1))


def augment_batch(images: np.ndarray, params: AugParams, *, seed: int = 0, split: str | None = None,
                  indices: np.ndarray | Sequence[int] | None = None,
                  copies: np.ndarray | int = 0, out: np.ndarray | None = None) -> np.ndarray:
    """Augment a batch; image k gets the distortion keyed by (seed, split, indices[k], copies[k]).

    Parameters
    ----------
    images
        (n, H, W) grey or (n, H, W, C) colour, uint8 (0..255) or float (0..1).
        Colour channels share the geometry (one warp, crop and flip per image).
    params
        What to do. ``copies``/``keep_original`` are ignored here: the caller
        says which copy each row is.
    seed, split, indices, copies
        The key of each image. ``indices`` defaults to 0..n-1; pass the
        positions within the split so any subset reproduces the full run.
    out
        Optional float32 array of the images' shape to write into.

    Returns
    -------
    numpy.ndarray
        float32 in [0, 1], the images' shape.
    """
    images = np.asarray(images)
    if images.ndim not in (3, 4):
        raise ValueError(f"images must be (count, height, width[, channels]), got shape {images.shape}")
    n = len(images)
    idx = np.arange(n) if indices is None else np.asarray(indices)
    if idx.shape != (n,):
        raise ValueError(f"indices must have one entry per image ({n}), got shape {idx.shape}")
    cop = np.broadcast_to(np.asarray(copies), (n,))
    if out is None:
        out = np.empty(images.shape, np.float32)

    # Without a warp, bigger chunks: the jitter's groups of images (one per order of
    # its operations) are then large enough that numpy's per-call cost does not count.
    chunk = CHUNK if not _photo_only(params) else PHOTO_CHUNK

    def run(lo: int, hi: int) -> None:
        ws = _warp.Workspace()  # one per thread
        for start in range(lo, hi, chunk):
            sl = slice(start, min(start + chunk, hi))
            _augment_chunk(images[sl], params, seed, split, idx[sl], cop[sl], out[sl], ws)

    # numpy releases the GIL in the heavy kernels, so contiguous halves on two
    # threads run nearly twice as fast; each image still depends only on its key.
    threads = min(THREADS, n // (2 * chunk)) if not params.is_identity else 1
    if threads <= 1:
        run(0, n)
        return out
    bounds = [(n * t // threads) // chunk * chunk for t in range(threads)] + [n]
    with ThreadPoolExecutor(threads) as pool:
        for f in [pool.submit(run, bounds[t], bounds[t + 1]) for t in range(threads)]:
            f.result()
    return out


#: The fields of the warp-and-noise stage (the augmentation as it was before the photo fields).
_WARP_FIELDS = ("rotation", "translate", "scale", "shear", "elastic_alpha", "noise")


def _augment_chunk(images: np.ndarray, p: AugParams, seed: int, split: str | None,
                   idx: np.ndarray, cop: np.ndarray, out: np.ndarray, ws: _warp.Workspace) -> None:
    """Warp (elastic + affine), then crop, flip, jitter, greyscale, then noise; into ``out``."""
    if p.is_identity:
        to_unit_float(images, out)
        return
    keys = _random.image_keys(seed, split, idx, cop)
    photo = _random.uniforms(keys, _random.STREAM_PHOTO, 10) if _has_photo(p) else None
    jitter = photo is not None and any(_jitter_amounts(p))
    if _photo_only(p):
        # photo operations only: no warp; crop and flip move the source bytes before the conversion,
        # which the jitter makes group by group as it gathers its blocks
        source = _crop_and_flip(images, p, photo)
        if jitter:
            _jitter.jitter(source, photo[:, 3:8], _jitter_amounts(p), ws, out=out)
        else:
            to_unit_float(source, out)
    else:
        if images.ndim == 3:
            _warp.bilinear(_warp.pad_images(images, ws), *_coords(p, keys, images.shape[1:3], ws), out, ws)
        else:
            # one geometry, every channel: the index and weights once, the gathers per channel
            h, w = images.shape[1:3]
            plan = _warp.bilinear_plan(*_coords(p, keys, (h, w), ws), (h, w), ws)
            for c in range(images.shape[3]):
                out[..., c] = _warp.bilinear_apply(_warp.pad_images(images[..., c], ws), plan,
                                                   ws.get("channel", (len(images), h, w)), ws)
        if photo is not None and (p.crop_padding or p.flip):
            out[...] = _crop_and_flip(out, p, photo)
        if jitter:
            _jitter.jitter(out, photo[:, 3:8], _jitter_amounts(p), ws)
    if photo is not None and p.random_greyscale:
        _colour.greyscale(out, photo[:, 8], p.random_greyscale)
    if p.noise > 0:
        noise = _random.normals(keys, _random.STREAM_NOISE, int(np.prod(out.shape[1:])), ws).reshape(out.shape)
        noise *= np.float32(p.noise)
        out += noise
        np.clip(out, 0, 1, out=out)


def _photo_only(p: AugParams) -> bool:
    """True when the warp-and-noise fields are all "no change" (only the photo operations may be on)."""
    return p.is_off(*_WARP_FIELDS)


def _coords(p: AugParams, keys: np.ndarray, shape: tuple[int, int],
            ws: _warp.Workspace) -> tuple[np.ndarray, np.ndarray]:
    """Source coordinates of every output pixel: elastic displacement, then the affine map."""
    n, (h, w) = len(keys), shape
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
    return _warp.sample_coords(inv, shift, (h, w), disp, ws)


def _jitter_amounts(p: AugParams) -> tuple[float, float, float, float]:
    return (p.jitter_brightness, p.jitter_contrast, p.jitter_saturation, p.jitter_hue)


def _has_photo(p: AugParams) -> bool:
    return bool(p.crop_padding or p.flip or any(_jitter_amounts(p)) or p.random_greyscale)


def _crop_and_flip(x: np.ndarray, p: AugParams, u: np.ndarray | None) -> np.ndarray:
    """Crop after padding and flip (each only when on) with the image's numbers ``u`` (:data:`STREAM_PHOTO`).

    Positions of the stream: 0 flip, 1-2 crop offsets, 3-7 jitter, 8
    greyscale, so switching one on never changes the numbers another draws.
    """
    if u is None or not (p.crop_padding or p.flip):
        return x
    offsets = _colour.crop_offsets(u[:, 1:3], int(p.crop_padding)) if p.crop_padding else None
    flipped = u[:, 0] < np.float32(p.flip) if p.flip else None
    return _colour.crop_and_flip(x, offsets, int(p.crop_padding), p.crop_mode, flipped)


def augment_images(images: np.ndarray, *, rotation: float = 0, translate: float = 0,
                   scale: tuple[float, float] = (1, 1), shear: float = 0, elastic_alpha: float = 0,
                   elastic_sigma: float = 4, noise: float = 0, seed: int = 0,
                   indices: np.ndarray | Sequence[int] | None = None, copy: int = 0,
                   split: str | None = None, **photo: Any) -> np.ndarray:
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
    **photo
        The photo fields of :class:`AugParams` (``flip``, ``crop_padding``,
        ``crop_mode``, ``jitter_brightness`` ... ``random_greyscale``).

    Raises
    ------
    RecipeError
        A parameter is out of range (a ValueError naming the parameter).
    """
    unknown = sorted(set(photo) - set(OPTIONAL_FIELDS))
    if unknown:
        raise TypeError(f"augment_images() got an unexpected keyword argument {unknown[0]!r}")
    params = AugParams(rotation=rotation, translate=translate, scale=tuple(scale), shear=shear,
                       elastic_alpha=elastic_alpha, elastic_sigma=elastic_sigma, noise=noise,
                       **photo)
    problems = params.problems()
    if problems:
        raise RecipeError(str(problems[0]))
    return augment_batch(images, params, seed=seed, split=split, indices=indices, copies=copy)
