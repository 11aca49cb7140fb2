"""Single-layer patch features (Coates & Ng 2011) and an out-of-fold ridge head on them.

The model: K small filters (p x p x C) are cut from whitened image patches
(sampled, or refined by a few rounds of spherical k-means), every image is
convolved with them (im2col by stride tricks, then one float32 matrix
product), rectified (ReLU), and average-pooled over a ``grid x grid``
partition of the response map: ``K * grid^2`` features per image, for any
image size and any number of channels (C channels per patch, so colour
works). A ridge regression onto one-hot labels is the head: closed form,
Gram matrix accumulated chunk by chunk (never N x N), one solve per fold.

Shifts: the image is padded by ``pad`` pixels and convolved once; a shift by
(dy, dx) is then only another crop of the response map before pooling, so
the +-1 px training copies and the test-time average over shifts cost a
pooling each, not a convolution. Training sees every shift of
:data:`SHIFTS` (augmentation: it rescues the hard, ambiguous digits);
scoring averages the scores of the same shifts (test-time averaging).

Memory: one chunk of images at a time (``chunk`` images: the response map is
``chunk * (H+2pad-p+1) * (W+2pad-p+1) * K * 4`` bytes, ~90 MB for 256 MNIST
images and 128 filters), plus one D x D float32 Gram matrix per fold group.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

__all__ = ["PatchFilters", "learn_filters", "patch_features", "patch_ridge_oof", "fit_patch_ridge",
           "PatchRidge", "patch_scores", "SHIFTS"]

#: Pixel shifts (dy, dx) used for training copies and test-time averaging.
SHIFTS = ((0, 0), (-1, 0), (1, 0), (0, -1), (0, 1))
#: Images convolved at once.
CHUNK = 256


@dataclass(frozen=True)
class PatchFilters:
    """Filters folded with the whitening: response = ``patch @ weights + bias``.

    Attributes
    ----------
    weights
        (C * size * size, K) float32: whitening matrix times unit filters.
    bias
        (K,) float32: minus the patch mean through the same matrix.
    size
        Patch side p.
    channels
        C, channels per pixel (1 for grey images).
    """

    weights: np.ndarray
    bias: np.ndarray
    size: int
    channels: int

    @property
    def count(self) -> int:
        """Number of filters K."""
        return self.weights.shape[1]


def _as_nhwc(images: np.ndarray) -> np.ndarray:
    """(n, h, w) or (n, h, w, c) uint8/float -> (n, h, w, c) float32 in [0, 1] for uint8."""
    x = np.asarray(images)
    if x.ndim == 3:
        x = x[..., None]
    if x.ndim != 4:
        raise ValueError(f"images must be (n, h, w) or (n, h, w, c), not {x.shape}")
    scale = np.float32(1 / 255) if x.dtype == np.uint8 else np.float32(1)
    return x.astype(np.float32) * scale


def _windows(x: np.ndarray, size: int, axes: tuple[int, int] = (1, 2)) -> np.ndarray:
    """Patches of ``x`` over its two spatial ``axes``, flattened last as (C * size * size) (a copy)."""
    v = sliding_window_view(x, (size, size), axis=axes)  # (..., C, p, p)
    return v.reshape(*v.shape[:3], -1)


def learn_filters(images: np.ndarray, n_filters: int = 128, size: int = 5, *, seed: int = 0,
                  n_patches: int = 20000, kmeans_iters: int = 0, eps: float = 0.1) -> PatchFilters:
    """K filters from whitened patches of ``images`` (seeded, deterministic).

    Parameters
    ----------
    images
        (n, h, w) or (n, h, w, c); uint8 is scaled to [0, 1].
    n_filters
        K.
    size
        Patch side p (at most the image side).
    seed
        Chooses the patches (and so the filters).
    n_patches
        Patches sampled to estimate the whitening and pick the filters.
    kmeans_iters
        0: the filters are K of the whitened patches with the most contrast,
        normalised; more: that many rounds of spherical k-means from them.
    eps
        ZCA regulariser, relative to the mean patch variance.
    """
    n, h, w = images.shape[:3]
    size = int(min(size, h, w))
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, n, n_patches)
    ys = rng.integers(0, h - size + 1, n_patches)
    xs = rng.integers(0, w - size + 1, n_patches)
    used = np.unique(pick)
    x = _as_nhwc(images[used])  # only the images patches are cut from, never all of them as float
    c = x.shape[3]
    off = np.arange(size)
    # (P, p, p, C) by fancy indexing, then C-major as patch_features flattens them: no window array
    cut = x[np.searchsorted(used, pick)[:, None, None], (ys[:, None] + off)[:, :, None],
            (xs[:, None] + off)[:, None, :]]
    patches = cut.transpose(0, 3, 1, 2).reshape(n_patches, -1).astype(np.float64)
    mean = patches.mean(0)
    centred = patches - mean
    cov = centred.T @ centred / len(centred)
    val, vec = np.linalg.eigh(cov)
    zca = vec @ np.diag(1 / np.sqrt(np.maximum(val, 0) + eps * max(val.mean(), 1e-12))) @ vec.T
    white = centred @ zca
    norms = np.linalg.norm(white, axis=1)
    live = np.flatnonzero(norms > np.median(norms))  # skip blank background patches
    chosen = rng.choice(live if len(live) >= n_filters else np.arange(len(white)), n_filters,
                        replace=len(live) < n_filters and len(white) < n_filters)
    filters = white[chosen] / np.maximum(norms[chosen, None], 1e-12)
    data = white[live] / norms[live, None] if len(live) else white
    for _ in range(kmeans_iters):
        assign = np.argmax(data @ filters.T, axis=1)
        sums = np.zeros_like(filters)
        np.add.at(sums, assign, data)
        empty = np.linalg.norm(sums, axis=1) < 1e-12
        sums[empty] = filters[empty]
        filters = sums / np.linalg.norm(sums, axis=1, keepdims=True)
    weights = zca @ filters.T
    return PatchFilters(weights.astype(np.float32), (-mean @ weights).astype(np.float32), size, c)


def _responses(x: np.ndarray, filters: PatchFilters, pad: int, buf: np.ndarray) -> np.ndarray:
    """ReLU responses (h', w', n, K) of the NHWC float32 chunk ``x`` padded by ``pad``.

    Laid out position-major so that pooling is one plain matrix product.
    Written into ``buf`` (reused across chunks: a fresh 90 MB array per chunk
    costs more in page faults than the matrix product itself).
    """
    if pad:
        x = np.pad(x, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    win = _windows(x.transpose(1, 2, 0, 3), filters.size, axes=(0, 1))  # (h', w', n, C*p*p)
    r = buf[:win.shape[0] * win.shape[1] * win.shape[2]]
    np.matmul(win.reshape(-1, win.shape[-1]), filters.weights, out=r)
    r += filters.bias
    np.maximum(r, 0, out=r)
    return r.reshape(*win.shape[:3], filters.count)


def _pool_matrix(offsets: list[int], length: int, full: int, grid: int) -> np.ndarray:
    """(len(offsets) * grid, full) averaging rows: bin i of a window of ``length`` starting at each offset."""
    edges = np.linspace(0, length, grid + 1).round().astype(np.intp)
    m = np.zeros((len(offsets), grid, full), np.float32)
    for o, start in enumerate(offsets):
        for i in range(grid):
            m[o, i, start + edges[i]:start + edges[i + 1]] = 1 / max(edges[i + 1] - edges[i], 1)
    return m.reshape(-1, full)


def _pool_shifts(resp: np.ndarray, shifts, pad: int, out_hw: tuple[int, int], grid: int) -> np.ndarray:
    """(len(shifts), n, grid*grid*K) average pools of the crops of ``resp`` shifted by each (dy, dx).

    Two matrix products read the (h', w', n, K) response map once for all
    shifts: rows are pooled for every distinct dy, then columns for every
    distinct dx.
    """
    h, w, n, k = resp.shape
    dys = sorted({pad - dy for dy, _ in shifts})
    dxs = sorted({pad - dx for _, dx in shifts})
    rows = _pool_matrix(dys, out_hw[0], h, grid) @ resp.reshape(h, w * n * k)
    cells = np.matmul(_pool_matrix(dxs, out_hw[1], w, grid), rows.reshape(-1, w, n * k))
    cells = cells.reshape(len(dys), grid, len(dxs), grid, n, k)
    return np.stack([cells[dys.index(pad - dy), :, dxs.index(pad - dx)].transpose(2, 0, 1, 3).reshape(n, -1)
                     for dy, dx in shifts])


def patch_features(images: np.ndarray, filters: PatchFilters, *, grid: int = 4,
                   shifts: tuple[tuple[int, int], ...] = ((0, 0),), chunk: int = CHUNK,
                   order: np.ndarray | None = None):
    """Yield ``(rows, feats)`` per chunk; ``feats`` is (len(shifts), len(rows), K*grid^2) float32.

    ``rows`` are the indices of the chunk's images (in ``order``, default
    0..n-1). The result does not depend on ``chunk`` or ``order`` beyond
    float32 rounding: BLAS may sum a row's products in another order for
    another matrix height (last-bit differences, tested to 1e-5). ``shifts`` are
    (dy, dx) pixel shifts of the image content (zero padding).
    """
    pad = max(abs(v) for sh in shifts for v in sh)
    n = len(images)
    order = np.arange(n) if order is None else np.asarray(order)
    h, w = images.shape[1:3]
    out_hw = (h - filters.size + 1, w - filters.size + 1)
    g = max(1, min(grid, *out_hw))
    buf = np.empty((min(chunk, n) * (out_hw[0] + 2 * pad) * (out_hw[1] + 2 * pad), filters.count), np.float32)
    for s in range(0, n, chunk):
        rows = order[s:s + chunk]
        x = _as_nhwc(images[rows] if len(rows) < n else images)
        yield rows, _pool_shifts(_responses(x, filters, pad, buf), shifts, pad, out_hw, g)


def _solve(gram: np.ndarray, rhs: np.ndarray, lam: float) -> np.ndarray:
    a = gram.astype(np.float32)
    a[np.diag_indices_from(a)] += np.float32(lam * max(float(np.trace(a)) / len(a), 1e-12))
    return np.linalg.solve(a, rhs.astype(np.float32))


def _with_bias(f: np.ndarray) -> np.ndarray:
    return np.concatenate([f, np.ones((*f.shape[:-1], 1), np.float32)], axis=-1)


#: Shift-averaged features are kept between the two passes below this size (else recomputed).
CACHE_BYTES = 512 << 20


def patch_ridge_oof(images: np.ndarray, labels: np.ndarray, n_classes: int, groups: np.ndarray, *,
                    n_filters: int = 128, size: int = 5, grid: int = 4, seed: int = 0, lam: float = 1e-3,
                    shifts: tuple[tuple[int, int], ...] = SHIFTS, chunk: int = CHUNK,
                    step: Callable[[], None] = lambda: None) -> np.ndarray:
    """(n, n_classes) held-out ridge scores on patch features, averaged over ``shifts``.

    Each group of ``groups`` is scored by the ridge model fitted on all the
    other groups (their images at every shift of ``shifts``), as in
    ``quality.ridge.ridge_oof``. The filters are learned (unsupervised, no
    labels) from all images. Images are visited group by group, so most
    chunks feed one Gram matrix. ``step`` is called once per chunk in each
    of the two passes (:func:`patch_steps`).
    """
    labels = np.asarray(labels, np.intp)
    n = len(labels)
    filters = learn_filters(images, n_filters, size, seed=seed)
    ids, inverse = np.unique(groups, return_inverse=True)
    order = np.argsort(inverse, kind="stable")
    onehot = np.zeros((n, n_classes), np.float32)
    onehot[np.arange(n), labels] = 1
    d = n_filters * grid * grid + 1
    grams = np.zeros((len(ids), d, d), np.float32)
    rhs = np.zeros((len(ids), d, n_classes), np.float64)
    cache = np.empty((n, d), np.float32) if n * d * 4 <= CACHE_BYTES else None
    for rows, feats in patch_features(images, filters, grid=grid, shifts=shifts, chunk=chunk, order=order):
        f = _with_bias(feats)
        mean = f.mean(0)
        if cache is not None:
            cache[rows] = mean
        for g in np.unique(inverse[rows]):
            mine = inverse[rows] == g
            part = f[:, mine].reshape(-1, d)
            grams[g] += part.T @ part
            rhs[g] += (len(shifts) * mean[mine]).T @ onehot[rows[mine]]
        step()
    total, total_b = grams.sum(0, dtype=np.float64), rhs.sum(0)
    several = len(ids) > 1
    weights = [_solve(total - grams[g] if several else total, total_b - rhs[g] if several else total_b, lam)
               for g in range(len(ids))]
    del grams
    out = np.zeros((n, n_classes), np.float32)
    if cache is not None:
        for g in range(len(ids)):
            mine = np.flatnonzero(inverse == g)
            out[mine] = cache[mine] @ weights[g]
        for _ in range(patch_steps(n, chunk) // 2):
            step()
        return out
    for rows, feats in patch_features(images, filters, grid=grid, shifts=shifts, chunk=chunk, order=order):
        mean = _with_bias(feats).mean(0)
        for g in np.unique(inverse[rows]):
            mine = inverse[rows] == g
            out[rows[mine]] = mean[mine] @ weights[g]
        step()
    return out


def patch_steps(n: int, chunk: int = CHUNK) -> int:
    """Steps :func:`patch_ridge_oof` ticks for n images (two passes over the chunks)."""
    return 2 * -(-n // chunk)


class PatchRidge:
    """The ridge head fitted from images streamed in chunks (shift-augmented, bounded memory).

    ``add`` as many chunks as needed, then ``solve``; memory is one D x D
    Gram matrix (D = K * grid^2 + 1), whatever the number of rows.
    """

    def __init__(self, filters: PatchFilters, n_classes: int, *, grid: int = 4,
                 shifts: tuple[tuple[int, int], ...] = SHIFTS, lam: float = 1e-3, chunk: int = CHUNK) -> None:
        self.filters, self.n_classes, self.grid, self.shifts, self.lam, self.chunk = \
            filters, int(n_classes), grid, shifts, lam, chunk
        self.dim = filters.count * grid * grid + 1
        self.gram = np.zeros((self.dim, self.dim), np.float32)
        self.rhs = np.zeros((self.dim, self.n_classes), np.float64)

    def add(self, images: np.ndarray, labels: np.ndarray, step: Callable[[], None] = lambda: None) -> None:
        """Add training images (every shift of :attr:`shifts`) with their labels; ``step`` per chunk."""
        labels = np.asarray(labels, np.intp)
        onehot = np.zeros((len(labels), self.n_classes), np.float32)
        onehot[np.arange(len(labels)), labels] = 1
        for rows, feats in patch_features(images, self.filters, grid=self.grid, shifts=self.shifts,
                                          chunk=self.chunk):
            f = _with_bias(feats)
            part = f.reshape(-1, self.dim)
            self.gram += part.T @ part
            self.rhs += f.sum(0).T @ onehot[rows]
            step()

    def solve(self) -> np.ndarray:
        """(D, n_classes) float32 weights for :func:`patch_scores`."""
        return _solve(self.gram, self.rhs, self.lam)


def patch_scores(images: np.ndarray, filters: PatchFilters, weights: np.ndarray, *, grid: int = 4,
                 shifts: tuple[tuple[int, int], ...] = SHIFTS, chunk: int = CHUNK) -> np.ndarray:
    """(n, n_classes) float32 ridge scores averaged over ``shifts`` (test-time averaging).

    The model is linear in the features, so the mean score over the shifts
    is the score of the mean features: one product per chunk.
    """
    out = np.zeros((len(images), weights.shape[1]), np.float32)
    for rows, feats in patch_features(images, filters, grid=grid, shifts=shifts, chunk=chunk):
        out[rows] = _with_bias(feats).mean(0) @ weights
    return out


def fit_patch_ridge(train: np.ndarray, labels: np.ndarray, n_classes: int, *, n_filters: int = 128,
                    size: int = 5, grid: int = 4, seed: int = 0, lam: float = 1e-3,
                    shifts: tuple[tuple[int, int], ...] = SHIFTS, chunk: int = CHUNK,
                    step: Callable[[], None] = lambda: None) -> Callable[[np.ndarray], np.ndarray]:
    """Fit on ``train`` (shift-augmented); return ``predict(images) -> (n, n_classes)`` scores.

    ``predict`` averages the scores over the same shifts (:func:`patch_scores`).
    ``step`` is called once per training chunk.
    """
    filters = learn_filters(train, n_filters, size, seed=seed)
    head = PatchRidge(filters, n_classes, grid=grid, shifts=shifts, lam=lam, chunk=chunk)
    head.add(train, labels, step)
    w = head.solve()
    return lambda images: patch_scores(images, filters, w, grid=grid, shifts=shifts, chunk=chunk)
