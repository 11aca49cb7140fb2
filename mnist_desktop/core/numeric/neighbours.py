"""PCA and exact k-nearest neighbours, in chunks: never an N x N matrix.

Why PCA first: 50 components keep the shape of a digit and drop pixel noise,
and make the all-pairs distance pass 16 times cheaper than on 784 pixels.
Why exact k-NN and not a tree: k-d trees do not help in 50 dimensions, and
a float32 matrix product per block of rows is what a laptop's BLAS does best.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

__all__ = ["Pca", "fit_pca", "knn_blocks", "row_block", "nearest"]

#: Bytes of float32 distances held at once by the k-NN pass (one block of rows).
BLOCK_BYTES = 64 << 20


class Pca:
    """A fitted PCA: ``transform(x) = (x - mean) @ components``."""

    def __init__(self, mean: np.ndarray, components: np.ndarray, variance: np.ndarray) -> None:
        self.mean = mean.astype(np.float32)
        self.components = components.astype(np.float32)  # (d, k)
        self.variance = variance  # explained variance per component

    def transform(self, x: np.ndarray) -> np.ndarray:
        return (x - self.mean) @ self.components


def fit_pca(blocks: Callable[[], Iterator[np.ndarray]], n: int, n_components: int,
            step: Callable[[], None] = lambda: None) -> Pca:
    """PCA from the covariance matrix, accumulated block by block.

    ``blocks()`` yields float32 (rows, d) blocks covering all ``n`` samples;
    ``step`` is called after each (progress and cancel). The d x d covariance
    (784 x 784) is summed in float64 from float32 block products, then
    ``eigh`` gives exact components: deterministic, unlike randomized SVD,
    and cheap because d is small. Each component's sign is fixed (largest
    loading positive) so the features, and hence the ranking, never flip
    between runs.

    Fewer samples than pixels (a few hundred 32 x 32 x 3 images: d = 3,072)
    take the same components from the n x n Gram matrix of the centred rows
    instead (its eigenvectors U give ``X^T U / sqrt(n values)``): n^2 d
    instead of n d^2 + d^3, seconds less, and the rows kept are no bigger
    than the covariance would be.
    """
    total = sums = None
    rows: list[np.ndarray] = []
    for x in blocks():
        if x.shape[1] > n:
            rows.append(x)
        else:
            xt = x.T @ x
            total = xt.astype(np.float64) if total is None else total + xt
        s = x.sum(0, dtype=np.float64)
        sums = s if sums is None else sums + s
        step()
    mean = sums / n
    if rows:
        values, comps = _components_from_gram(np.concatenate(rows), mean, n_components)
    else:
        cov = total / n - np.outer(mean, mean)
        values, vectors = np.linalg.eigh(cov)
        order = np.argsort(values)[::-1][:n_components]
        values, comps = values[order], vectors[:, order]
    signs = np.sign(comps[np.abs(comps).argmax(0), np.arange(comps.shape[1])])
    comps *= np.where(signs == 0, 1, signs)
    return Pca(mean, comps, values)


def _components_from_gram(x: np.ndarray, mean: np.ndarray, n_components: int) -> tuple[np.ndarray, np.ndarray]:
    """Top variances and (d, k) components of rows ``x`` (n < d) from their n x n Gram matrix."""
    centred = x.astype(np.float64) - mean
    values, vectors = np.linalg.eigh(centred @ centred.T / len(x))
    order = np.argsort(values)[::-1][:n_components]
    values = values[order]
    comps = centred.T @ vectors[:, order] / np.sqrt(np.maximum(values, 1e-300) * len(x))
    return values, comps


def row_block(n: int) -> int:
    """Rows per block so that a block of distances to all n points stays small."""
    return int(np.clip(BLOCK_BYTES // (4 * max(n, 1)), 64, 4096))


def knn_blocks(z: np.ndarray, k: int) -> Iterator[tuple[int, int, np.ndarray, np.ndarray]]:
    """Yield ``(start, stop, indices, distances)`` of the k nearest neighbours.

    For rows ``start:stop`` of ``z`` (float32, (n, m)): indices (rows, k) int64
    and Euclidean distances (rows, k) float32, nearest first, ties broken by
    the lower index, the point itself excluded. Exact, not approximate.

    A block costs one (rows x m) @ (m x n) product. Selecting the k smallest
    of each row with ``argpartition`` would dominate the run time, so a
    bound is taken first: the k-th smallest distance to every 16th point is
    at least the true k-th distance, which keeps ~1 % of the entries as
    candidates; only those are sorted. Ties at the bound (identical or blank
    images: thousands of equal distances) must not make the candidates grow
    with n, so a row with more than ``4 k`` candidates keeps only those
    strictly below its exact k-th distance plus the lowest-index ties
    (:func:`_first_k`): 70,000 identical images cost what distinct ones do.
    """
    n = len(z)
    k = min(k, n - 1)
    sq = np.einsum("ij,ij->i", z, z)
    # [z, 1] @ [-2z, |z|^2]^T = |b|^2 - 2ab in one product: no extra pass over the block.
    left = np.hstack([z, np.ones((n, 1), np.float32)])
    right = np.hstack([-2 * z, sq[:, None]]).T.copy()
    block = row_block(n)
    stride = 16 if n // 16 > k + 1 else 1
    for start in range(0, n, block):
        stop = min(n, start + block)
        rows = stop - start
        d = left[start:stop] @ right  # |b|^2 - 2ab: ranks like the distance for a fixed row
        d[np.arange(rows), np.arange(start, stop)] = np.inf
        if k <= 0:
            yield start, stop, np.empty((rows, 0), np.int64), np.empty((rows, 0), np.float32)
            continue
        bound = np.partition(d[:, ::stride], k - 1, axis=1)[:, k - 1]
        keep = d <= bound[:, None]
        crowded = np.flatnonzero(np.count_nonzero(keep, axis=1) > 4 * k)
        if len(crowded):
            keep[crowded] = _first_k(d[crowded], bound[crowded], k)
        flat = np.flatnonzero(keep)
        r, c = np.divmod(flat, n)
        v = d.ravel()[flat]
        order = np.lexsort((c, v, r))
        r, c, v = r[order], c[order], v[order]
        first = np.searchsorted(r, np.arange(rows))
        pick = first[:, None] + np.arange(k)[None, :]
        idx = c[pick]
        dist = np.sqrt(np.maximum(v[pick] + sq[start:stop, None], 0)).astype(np.float32)
        yield start, stop, idx.astype(np.int64), dist


def _first_k(d: np.ndarray, bound: np.ndarray, k: int) -> np.ndarray:
    """Mask of the k smallest entries of each row of ``d``, ties to the lower column.

    ``bound`` (rows,) is at least each row's k-th smallest value, so the k
    smallest are every entry strictly below it and, if fewer than k, the
    first ties at ``bound``. The ties are looked for in column prefixes
    that grow 4x until they hold enough: with many ties the first few
    hundred columns do, so the cost is one comparison pass, never a sort
    or a running count over all n tied entries.
    """
    rows, n = d.shape
    keep = d < bound[:, None]
    need = k - np.count_nonzero(keep, axis=1)
    todo = np.flatnonzero(need > 0)
    width = 4 * k
    while len(todo):
        width = min(width * 4, n)
        ties = d[todo, :width] == bound[todo, None]
        count = np.cumsum(ties, axis=1, dtype=np.int32)
        done = (count[:, -1] >= need[todo]) | (width == n)
        sel = todo[done]
        keep[sel, :width] |= ties[done] & (count[done] <= need[sel, None])
        todo = todo[~done]
    return keep


def nearest(z: np.ndarray, i: int, k: int, among: np.ndarray | None = None) -> np.ndarray:
    """The k nearest neighbours of point i (itself excluded), ties by index.

    ``among`` (bool per point) restricts the candidates, e.g. to one class.
    """
    d = ((z - z[i]) ** 2).sum(1)
    d[i] = np.inf
    candidates = np.arange(len(z)) if among is None else np.flatnonzero(among & (np.arange(len(z)) != i))
    k = min(k, len(candidates) - (1 if among is None else 0))
    order = candidates[np.lexsort((candidates, d[candidates]))]
    return order[:max(k, 0)].astype(np.int64)
