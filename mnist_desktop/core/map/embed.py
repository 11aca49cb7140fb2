"""Compute the map of a dataset: PCA, exact k-NN, fuzzy graph, layout epochs.

:func:`iter_embed` is the one implementation: a generator that yields the
layout as it unfolds (the GUI draws it every half second and can stop it),
with progress and cancel in the project's vocabulary. :func:`embed` runs it
to the end and returns a :class:`Map`; the CLI calls that.

Stages and their progress steps: PCA fit (blocks of at most 10,000 evenly
spread images: the components barely change with more), projection of every
image (blocks), k-NN (row blocks, never N x N), the graph (one step), the
epochs (one step each). Cancel is checked after every step, so it takes
effect within one block or one epoch.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import numpy as np

from ..dataset import Dataset
from ..processing.normalize import to_unit_float
from ..processing.pipeline import at_source_shape, process_rows
from ..processing.recipe import Recipe
from ..progress import Cancel, Progress, Steps
from ..numeric.neighbours import fit_pca, knn_blocks, row_block
from ..formats.sources import as_dataset, as_recipe
from .cache import cache_key, default_cache_dir, load_cached, store_cached
from .layout import fuzzy_graph, initial_layout, optimize
from .model import Map, MapParams

__all__ = ["Frame", "iter_embed", "embed"]

#: Images per feature block (~3 MB of float32 at 28 x 28).
IMAGE_BLOCK = 1024
#: At most this many images (evenly spread) fit the PCA.
PCA_FIT_MAX = 10_000


class Frame(NamedTuple):
    """One intermediate (or the final) layout: ``epoch`` of ``epochs``, coords (N, 2) float32 (a copy)."""

    epoch: int
    epochs: int
    coords: np.ndarray


def _features(dataset: Dataset, recipe: Recipe | None, rows: np.ndarray) -> np.ndarray:
    """Float32 (len(rows), H*W) pixels of global ``rows``: /255, or the recipe's normalization."""
    if recipe is None:  # ``pixels``: uint8 for every source, float data mapped to 0..255
        return to_unit_float(dataset.pixels[rows].reshape(len(rows), -1))
    out = np.empty((len(rows), int(np.prod(dataset.images.shape[1:]))), np.float32)
    codes, local = dataset.locate_many(rows)
    for c, name in enumerate(dataset.split_names):
        sel = codes == c
        if sel.any():
            x, _ = process_rows(dataset, name, local[sel], -1, at_source_shape(recipe))
            out[sel] = x.reshape(int(sel.sum()), -1)
    return out


def _blocks(rows: np.ndarray) -> list[np.ndarray]:
    return [rows[s:s + IMAGE_BLOCK] for s in range(0, len(rows), IMAGE_BLOCK)]


def _cache_folder(cache: bool | str | Path | None) -> Path | None:
    if cache is True:
        return default_cache_dir()
    return Path(cache) if cache else None


def iter_embed(dataset: Dataset, recipe: Recipe | None = None, *, params: MapParams | None = None,
               every: int = 5, progress: Progress | None = None, cancel: Cancel = None,
               cache: bool | str | Path | None = True) -> Iterator[Frame]:
    """Yield the layout of every image of ``dataset`` as it unfolds.

    Parameters
    ----------
    dataset
        All splits are mapped together, in global index order.
    recipe
        Its normalization is applied to the images first (the originals: no
        augmentation); excluded samples are mapped too, so they can be shown.
    params
        :class:`MapParams` (seed, epochs, neighbours ...); defaults if None.
    every
        Yield a frame every this many epochs (and the start and the end).
    progress, cancel
        See :mod:`core.progress`; cancel raises :class:`Cancelled`.
    cache
        True: the user's cache folder; a folder; False: no cache. On a hit
        one final frame is yielded at once.

    Yields
    ------
    Frame
        ``epoch`` 0 is the PCA start; the last frame has ``epoch == epochs``.
    """
    dataset, recipe = as_dataset(dataset), as_recipe(recipe)  # "sample" or a path, as load_data takes
    params = params or MapParams()
    norm = None if recipe is None else recipe.validate().normalize.to_dict()
    folder = _cache_folder(cache)
    key = cache_key(dataset, params, norm) if folder else None
    n = len(dataset)
    if key and (hit := load_cached(folder, key, n)) is not None:
        Steps([1], progress, cancel, "map cancelled").tick()
        yield Frame(params.epochs, params.epochs, hit)
        return
    if recipe is not None:
        recipe = recipe.resolve(dataset)
    rows = np.arange(n)
    fit_rows = rows[np.linspace(0, n - 1, PCA_FIT_MAX).astype(np.int64)] if n > PCA_FIT_MAX else rows
    k = max(1, min(params.neighbours, n - 1))
    tick = Steps([math.ceil(len(fit_rows) / IMAGE_BLOCK), math.ceil(n / IMAGE_BLOCK), math.ceil(n / row_block(n)),
                  1, params.epochs], progress, cancel, "map cancelled")
    coords = _embed_steps(dataset, recipe, params, fit_rows, k, every, tick)
    for frame in coords:
        if frame.epoch == params.epochs and key:
            store_cached(folder, key, frame.coords)
        yield frame


def _embed_steps(dataset, recipe, params, fit_rows, k, every, tick) -> Iterator[Frame]:
    n = len(dataset)
    dim = int(np.prod(dataset.images.shape[1:]))
    rng = np.random.default_rng(params.seed)
    if n < 3:  # nothing to lay out: a point, or two apart
        tick(tick.total - tick.done)
        yield Frame(params.epochs, params.epochs, np.array([[-1, 0], [1, 0]], np.float32)[:n])
        return
    comps = max(1, min(params.n_components, dim, len(fit_rows) - 1))
    pca = fit_pca(lambda: (_features(dataset, recipe, b) for b in _blocks(fit_rows)), len(fit_rows), comps, tick)
    z = np.empty((n, comps), np.float32)
    for b in _blocks(np.arange(n)):
        z[b[0]:b[-1] + 1] = pca.transform(_features(dataset, recipe, b))
        tick()
    nn = np.empty((n, k), np.int64)
    nd = np.empty((n, k), np.float32)
    for start, stop, idx, dist in knn_blocks(z, k):
        nn[start:stop], nd[start:stop] = idx, dist
        tick()
    head, tail, weight = fuzzy_graph(nn, nd)
    del nn, nd
    y = initial_layout(z, rng)
    del z
    tick()
    yield Frame(0, params.epochs, y.copy())
    for epoch in optimize(y, head, tail, weight, params.epochs, rng, min_dist=params.min_dist,
                          negative=params.negative):
        tick()
        if epoch % every == 0 or epoch == params.epochs:
            yield Frame(epoch, params.epochs, y.copy())


def embed(dataset: Dataset, recipe: Recipe | None = None, *, progress: Progress | None = None,
          cancel: Cancel = None, seed: int = 0, epochs: int = MapParams.epochs,
          params: MapParams | None = None, cache: bool | str | Path | None = True) -> Map:
    """The 2-D map of every image of ``dataset`` (both splits together).

    Runs :func:`iter_embed` to its end; ``seed`` and ``epochs`` override
    ``params``. The same data, parameters and seed give the same map, and a
    second call with the same inputs reads it from the cache.

    Raises
    ------
    Cancelled
        ``cancel`` was set; nothing is cached.
    """
    dataset, recipe = as_dataset(dataset), as_recipe(recipe)
    base = params or MapParams()
    params = MapParams(**{**base.to_dict(), "seed": seed, "epochs": epochs})
    last = None
    for frame in iter_embed(dataset, recipe, params=params, every=params.epochs, progress=progress,
                            cancel=cancel, cache=cache):
        last = frame
    return Map.from_coords(dataset, last.coords, params)
