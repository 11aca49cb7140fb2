"""The 2-D layout: fuzzy neighbour graph, then UMAP-style attract / repel epochs.

Why not a library: umap-learn brings numba + llvmlite (~210 MB) and openTSNE
brings scikit-learn + scipy (~165 MB); on two cores both took minutes for the
10,000-image sample (numba compiles on first use) and both would swell the
standalone executable. The method itself is short once the exact k-NN exists
(``core/quality/neighbours.py``): a few hundred lines of numpy reach the same
10-NN label agreement (see ``benchmarks/bench_map.py``).

What differs from umap-learn, and why:

- Updates are vectorised per epoch: every edge due in an epoch and its
  negative samples are computed from the positions at the start of the epoch
  and summed with ``np.bincount`` (umap-learn applies them one by one in a
  numba loop). Summed steps are damped by the node's degree so that a hub
  does not overshoot.
- The initial layout is the first two PCA components (umap-learn's spectral
  initialisation needs scipy's sparse eigensolver).
- Everything random comes from one ``numpy.random.Generator`` seeded by the
  caller, and the edge schedule is a fixed function of the weights: the same
  seed gives the same map, bit for bit, on the same machine.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

__all__ = ["fuzzy_graph", "curve_ab", "initial_layout", "optimize"]

#: UMAP's fit of ``1 / (1 + a d^(2b))`` to its target curve for min_dist 0.1, spread 1.
A_MIN_DIST_01, B_MIN_DIST_01 = 1.5769434603113077, 0.8950608779109733


def curve_ab(min_dist: float) -> tuple[float, float]:
    """(a, b) of the low-dimensional similarity ``1 / (1 + a d^(2b))``.

    Fitted like umap-learn (least squares against ``exp(-(d - min_dist))``
    beyond ``min_dist``, 1 below, spread 1), with a few Gauss-Newton steps
    in numpy instead of scipy's ``curve_fit``.
    """
    if abs(min_dist - 0.1) < 1e-12:
        return A_MIN_DIST_01, B_MIN_DIST_01
    x = np.linspace(0, 3, 300)
    y = np.where(x < min_dist, 1.0, np.exp(-(x - min_dist)))
    a, b = 1.5, 0.9
    xs = np.maximum(x, 1e-6)
    for _ in range(200):
        p = xs ** (2 * b)
        f = 1 / (1 + a * p)
        r = f - y
        ja = -p * f * f
        jb = -a * p * 2 * np.log(xs) * f * f
        jac = np.stack([ja, jb], 1)
        step = np.linalg.lstsq(jac, -r, rcond=None)[0]
        a, b = max(a + step[0], 1e-3), max(b + step[1], 1e-3)
        if np.abs(step).max() < 1e-10:
            break
    return float(a), float(b)


def fuzzy_graph(nn: np.ndarray, nd: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Symmetric fuzzy neighbour graph as edges ``(head, tail, weight)``.

    For each point, ``rho`` is the distance to its nearest neighbour and
    ``sigma`` is found by bisection (all rows at once) so that the weights
    ``exp(-(d - rho) / sigma)`` of its k neighbours sum to ``log2(k)``. The
    directed weights are then combined as a fuzzy union,
    ``w_ij + w_ji - w_ij * w_ji``; both directions of every edge are kept.
    """
    n, k = nn.shape
    d = nd.astype(np.float64)
    rho = d[:, 0]
    excess = np.maximum(d - rho[:, None], 0)
    target = np.log2(k)
    lo = np.zeros(n)
    hi = np.full(n, np.inf)
    sigma = np.ones(n)
    for _ in range(64):
        total = np.exp(-excess / sigma[:, None]).sum(1)
        big = total > target
        hi = np.where(big, sigma, hi)
        lo = np.where(big, lo, sigma)
        sigma = np.where(np.isinf(hi), sigma * 2, (lo + hi) / 2)
    mean_d = d.mean()
    sigma = np.maximum(sigma, 1e-3 * np.maximum(d.mean(1), mean_d))
    w = np.exp(-excess / sigma[:, None]).ravel()
    head = np.repeat(np.arange(n, dtype=np.int64), k)
    tail = nn.ravel()
    # Union with the transpose: sort the edges of both directions by key.
    keys = np.concatenate([head * n + tail, tail * n + head])
    vals = np.concatenate([w, w])
    order = np.argsort(keys, kind="stable")
    keys, vals = keys[order], vals[order]
    first = np.r_[True, keys[1:] != keys[:-1]]
    start = np.flatnonzero(first)
    count = np.diff(np.r_[start, len(keys)])
    # A key occurs twice when the pair was found from both sides, as (w_ij, w_ji), else once.
    a = vals[start]
    b = np.where(count == 2, vals[np.minimum(start + 1, len(vals) - 1)], 0.0)
    ukeys = keys[start]
    weight = a + b - a * b
    return ukeys // n, ukeys % n, weight.astype(np.float32)


def initial_layout(z: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Start from the first two PCA components, scaled to +-10, with a little noise.

    umap-learn scales its spectral start the same way; the noise separates
    exact duplicates, which would otherwise never move apart.
    """
    y = z[:, :2].astype(np.float64)
    if y.shape[1] < 2:
        y = np.hstack([y, np.zeros((len(y), 2 - y.shape[1]))])
    y -= y.mean(0)
    scale = np.abs(y).max()
    y *= 10 / scale if scale > 0 else 1
    y += rng.normal(0, 1e-4, y.shape)
    return y.astype(np.float32)


def optimize(y: np.ndarray, head: np.ndarray, tail: np.ndarray, weight: np.ndarray, epochs: int,
             rng: np.random.Generator, *, min_dist: float = 0.1, negative: int = 5,
             repulsion: float = 1.0) -> Iterator[int]:
    """Move the points of ``y`` (float32, (n, 2), changed in place); yield after each epoch.

    Parameters
    ----------
    y
        Start layout, updated in place.
    head, tail, weight
        Graph edges from :func:`fuzzy_graph`.
    epochs
        Number of epochs; the learning rate falls linearly from 1 to 0.
    rng
        Source of the negative samples.
    min_dist
        How tightly points may pack (UMAP's ``min_dist``).
    negative
        Negative samples per attractive edge sample.
    repulsion
        Weight of the repulsive force (UMAP's ``gamma``).

    Each edge is sampled ``weight / max weight`` times per epoch on average,
    on a fixed schedule (edge due in epoch e when ``floor((e + 1) w / w_max)``
    grows); edges sampled less than once over all epochs are dropped, as in
    umap-learn.
    """
    n = len(y)
    a, b = curve_ab(min_dist)
    a, b = np.float32(a), np.float32(b)
    keep = weight >= weight.max() / epochs if len(weight) else weight.astype(bool)
    head, tail, rate = head[keep], tail[keep], weight[keep] / weight.max()
    # Steps summed over a node's edges would overshoot where sequential SGD would not:
    # scale each node's summed step by its expected number of samples per epoch.
    load = np.bincount(head, rate, minlength=n) + np.bincount(tail, rate, minlength=n)
    damp = (1.0 / np.maximum(load, 1.0)).astype(np.float32)
    period = (1.0 / rate).astype(np.float64)
    next_due = period.copy() - 1  # an edge of weight w_max is due every epoch, from the first
    cols = [np.ascontiguousarray(y[:, 0]), np.ascontiguousarray(y[:, 1])]
    for epoch in range(epochs):
        due = np.flatnonzero(next_due <= epoch)
        next_due[due] += period[due]
        i, j = head[due], tail[due]
        dx, dy = (np.take(c, i) - np.take(c, j) for c in cols)
        g = _attract(dx * dx + dy * dy, a, b)
        sx = _sum_at(i, j, np.clip(g * dx, -4, 4), n)
        sy = _sum_at(i, j, np.clip(g * dy, -4, 4), n)
        ii = np.repeat(i, negative)
        kk = rng.integers(0, n, len(ii))
        dx, dy = (np.take(c, ii) - np.take(c, kk) for c in cols)
        g = _repel(dx * dx + dy * dy, a, b, np.float32(repulsion))
        sx += np.bincount(ii, np.clip(g * dx, -4, 4), minlength=n)
        sy += np.bincount(ii, np.clip(g * dy, -4, 4), minlength=n)
        alpha = np.float32(1 - epoch / epochs)
        cols[0] += (alpha * damp) * sx.astype(np.float32)
        cols[1] += (alpha * damp) * sy.astype(np.float32)
        y[:, 0], y[:, 1] = cols
        yield epoch + 1


def _attract(d2: np.ndarray, a: np.float32, b: np.float32) -> np.ndarray:
    """UMAP's attractive gradient coefficient ``-2ab d^(2b-2) / (1 + a d^(2b))`` (0 at d = 0)."""
    p = np.power(np.maximum(d2, np.float32(1e-12)), b)
    return np.where(d2 > 0, (-2 * a * b) * p / np.maximum(d2, np.float32(1e-12)) / (1 + a * p), np.float32(0))


def _repel(d2: np.ndarray, a: np.float32, b: np.float32, gamma: np.float32) -> np.ndarray:
    """UMAP's repulsive coefficient ``2 gamma b / ((0.001 + d^2)(1 + a d^(2b)))`` (0 for the point itself)."""
    p = np.power(d2, b)
    return np.where(d2 > 0, (2 * gamma * b) / ((np.float32(0.001) + d2) * (1 + a * p)), np.float32(0))


def _sum_at(i: np.ndarray, j: np.ndarray, g: np.ndarray, n: int) -> np.ndarray:
    """Per point: the sum of ``g`` over edges where it is the head, minus where it is the tail."""
    return np.bincount(i, g, minlength=n) - np.bincount(j, g, minlength=n)
