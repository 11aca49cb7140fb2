"""Exact and near duplicates, vectorised.

Exact: identical bytes. Rows are viewed as one opaque (void) value each and
grouped with ``np.unique``, a sort on the raw bytes: the effect of hashing
the bytes, but with no collisions to double-check and no Python loop.

Near: pairs already found by the k-NN pass (close in PCA space), confirmed on
the original pixels, so two different digits that merely project alike are
never called duplicates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["DuplicateFlags", "exact_groups", "find_duplicates", "keep_order", "near_pairs", "pixel_norms"]

#: Images converted to float at once when measuring pixel norms.
NORM_BLOCK = 1024


@dataclass(frozen=True)
class DuplicateFlags:
    """What :func:`find_duplicates` found; boolean masks and indices over all n samples.

    Attributes
    ----------
    duplicate_of
        For each copy that is not kept, the index of the kept one, else -1.
    conflict
        Members of a group of copies (exact or near) whose labels differ.
    exact, near
        Copies that are not kept: exact (same bytes) or near duplicates.
    cross
        Copies whose kept twin is in another split (a train/test leak).
    """

    duplicate_of: np.ndarray
    conflict: np.ndarray
    exact: np.ndarray
    near: np.ndarray
    cross: np.ndarray


def exact_groups(flat: np.ndarray) -> np.ndarray:
    """Group id per row of ``flat`` (n, d) uint8; ids are equal iff bytes are.

    Returns -1 for rows that have no duplicate, else the group's smallest row
    index (so ids are stable and mean something).
    """
    n = len(flat)
    if n == 0:
        return np.empty(0, np.int64)
    rows = np.ascontiguousarray(flat).view(np.dtype((np.void, flat.shape[1] * flat.itemsize))).ravel()
    _, inverse, counts = np.unique(rows, return_inverse=True, return_counts=True)
    inverse = inverse.ravel()
    first = np.full(len(counts), n, np.int64)
    np.minimum.at(first, inverse, np.arange(n))
    gid = first[inverse]
    return np.where(counts[inverse] > 1, gid, -1)


def keep_order(priority: np.ndarray) -> np.ndarray:
    """Rank of each sample as the copy to keep: lower is kept first.

    ``priority`` (n,) int: lower values are preferred (the caller puts the test
    split first, so a train/test leak drops the train copy and the benchmark
    test set stays intact); ties go to the lower index.
    """
    order = np.lexsort((np.arange(len(priority)), priority))
    rank = np.empty(len(priority), np.int64)
    rank[order] = np.arange(len(priority))
    return rank


def near_pairs(flat: np.ndarray, neighbours: np.ndarray, distances: np.ndarray,
               norm: np.ndarray, threshold: float, chunk: int = 4096) -> np.ndarray:
    """(p, 2) int64 pairs ``i < j`` that are near duplicates (not exact ones).

    A pair is a candidate when j is among i's k nearest neighbours and their
    PCA distance is below ``2 * threshold`` times i's pixel norm ``norm[i]`` (PCA distances are
    deskewed, so this is a loose pre-filter). It is confirmed when the pixel
    distance divided by the root mean square of the two images' norms is
    below ``threshold``: scale-free, so faint and bold digits are judged
    alike. On the MNIST test set the smallest such ratio between different
    images is 0.16 (two plain 1s); 0.08 leaves a wide margin.
    """
    n, k = neighbours.shape
    i = np.repeat(np.arange(n, dtype=np.int64), k)
    j = neighbours.ravel()
    keep = distances.ravel() < 2 * threshold * np.maximum(norm[i], 1e-6)
    keep &= i != j
    i, j = np.minimum(i[keep], j[keep]), np.maximum(i[keep], j[keep])
    if len(i) == 0:
        return np.empty((0, 2), np.int64)
    pairs = np.unique(np.stack([i, j], 1), axis=0)
    confirmed = np.zeros(len(pairs), bool)
    for s in range(0, len(pairs), chunk):
        a = flat[pairs[s:s + chunk, 0]].astype(np.float32)
        b = flat[pairs[s:s + chunk, 1]].astype(np.float32)
        diff = np.einsum("ij,ij->i", a - b, a - b)
        scale = 0.5 * (np.einsum("ij,ij->i", a, a) + np.einsum("ij,ij->i", b, b))
        confirmed[s:s + chunk] = (diff > 0) & (diff < threshold ** 2 * scale)
    return pairs[confirmed]


def pixel_norms(flat: np.ndarray) -> np.ndarray:
    """Euclidean norm of each uint8 row of ``flat`` scaled to [0, 1], in blocks (no float copy of all)."""
    norms = np.empty(len(flat))
    for s in range(0, len(flat), NORM_BLOCK):
        x = flat[s:s + NORM_BLOCK].astype(np.float32) * np.float32(1 / 255)
        norms[s:s + NORM_BLOCK] = np.sqrt(np.einsum("ij,ij->i", x, x))
    return norms


def find_duplicates(flat: np.ndarray, labels: np.ndarray, codes: np.ndarray, keep_priority: np.ndarray,
                    gid: np.ndarray, knn: tuple[np.ndarray, np.ndarray], threshold: float) -> DuplicateFlags:
    """Exact and near duplicates of ``flat`` (n, d) uint8 rows, and which copy to keep.

    Of each group of copies one is kept (see :func:`keep_order`; ``codes`` is
    the split of each row) and the others point to it. When copies carry
    different labels every member is a conflict: at most one label is right,
    and the reviewer must see all. ``gid`` is :func:`exact_groups` of
    ``flat``; near-duplicate candidates are the (neighbours, distances) of
    the k-NN pass, ``knn`` (see :func:`near_pairs`).
    """
    n = len(labels)
    rank = keep_order(keep_priority)
    duplicate_of = np.full(n, -1, np.int64)
    conflict, exact, near, cross = (np.zeros(n, bool) for _ in range(4))
    member = np.flatnonzero(gid >= 0)
    if len(member):
        g = gid[member]
        best = np.full(n, n, np.int64)
        np.minimum.at(best, g, rank[member])
        lo, hi = np.full(n, np.iinfo(np.intp).max), np.full(n, -1)
        np.minimum.at(lo, g, labels[member])
        np.maximum.at(hi, g, labels[member])
        kept = np.argsort(rank)[best[g]]
        copy = member != kept
        duplicate_of[member[copy]] = kept[copy]
        conflict[member[lo[g] != hi[g]]] = True
        exact[member[copy]] = True
        cross[member[copy]] = codes[member[copy]] != codes[kept[copy]]
    pairs = near_pairs(flat, *knn, pixel_norms(flat), threshold)
    pairs = pairs[~((gid[pairs[:, 0]] >= 0) & (gid[pairs[:, 0]] == gid[pairs[:, 1]]))]
    a, b = pairs[:, 0], pairs[:, 1]
    keep_a = rank[a] < rank[b]
    kept, copy = np.where(keep_a, a, b), np.where(keep_a, b, a)
    fresh = duplicate_of[copy] < 0
    duplicate_of[copy[fresh]] = kept[fresh]
    differ = labels[a] != labels[b]
    conflict[a[differ]] = conflict[b[differ]] = True
    near[copy] = True
    cross[copy] |= codes[copy] != codes[kept]
    return DuplicateFlags(duplicate_of, conflict, exact, near, cross)
