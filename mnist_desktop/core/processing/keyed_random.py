"""Counter-based random numbers keyed by (seed, split, index, copy).

Why not ``np.random.Generator``: a generator is a *stream*, so the numbers an
image gets would depend on how many images were drawn before it, i.e. on the
chunk size and on which page the GUI shows. Here every number is a pure
function of its key and its position, computed with vectorised splitmix64
(Steele, Lea & Flood 2014): ``value_j = mix(key + (j + 1) * golden)``.
Augmenting images 100..199 alone therefore gives exactly the rows 100..199 of
augmenting everything, whatever the chunking.

All arithmetic is on uint64 arrays (numpy wraps on overflow without a
warning); Python-int constants are masked to 64 bits by hand.
"""

from __future__ import annotations

import zlib

import numpy as np

__all__ = ["image_keys", "uniforms", "normals"]

_MASK = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15
_C1 = 0xBF58476D1CE4E5B9
_C2 = 0x94D049BB133111EB
_COPY_MUL = 0xD1B54A32D192ED03

#: Disjoint position ranges of one image's stream, one per use.
STREAM_AFFINE = 0
STREAM_ELASTIC = 1 << 24
STREAM_NOISE = 2 << 24
#: Flip, crop offsets, colour jitter and greyscale: a few numbers per image.
STREAM_PHOTO = 3 << 24


def _mix_int(z: int) -> int:
    """splitmix64 finaliser on a Python int (for building keys from seeds)."""
    z &= _MASK
    z = ((z ^ (z >> 30)) * _C1) & _MASK
    z = ((z ^ (z >> 27)) * _C2) & _MASK
    return z ^ (z >> 31)


def _mix(z: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser, in place on a uint64 array (returns it)."""
    z ^= z >> np.uint64(30)
    z *= np.uint64(_C1)
    z ^= z >> np.uint64(27)
    z *= np.uint64(_C2)
    z ^= z >> np.uint64(31)
    return z


def split_code(split: str | None) -> int:
    """A stable 32-bit number for a split name (CRC-32; 0 for None)."""
    return 0 if not split else zlib.crc32(split.encode("utf-8"))


def image_keys(seed: int, split: str | None, indices: np.ndarray, copies: np.ndarray | int) -> np.ndarray:
    """One 64-bit key per image: a pure function of (seed, split, index, copy).

    Parameters
    ----------
    seed
        The recipe's seed (any non-negative int; only its low 64 bits count).
    split
        Split name ("train", "test"); part of the key so that image 5 of the
        training set and image 5 of the test set get different distortions.
    indices
        Index of each image within its split.
    copies
        Copy number of each image (0..K-1), or one number for all.
    """
    base = _mix_int(_mix_int(seed) ^ _mix_int(split_code(split) + 0x5EED))
    idx = np.asarray(indices).astype(np.uint64)
    cop = np.broadcast_to(np.asarray(copies), idx.shape).astype(np.uint64)
    k = idx * np.uint64(_GOLDEN)
    k += np.uint64(base)
    _mix(k)
    k ^= (cop + np.uint64(1)) * np.uint64(_COPY_MUL)
    return _mix(k)


def _bits(keys: np.ndarray, stream: int, n64: int, ws=None) -> np.ndarray:
    """(len(keys), n64) uint64: positions ``stream .. stream + n64 - 1`` of each key's stream."""
    steps = (np.arange(stream + 1, stream + n64 + 1, dtype=np.uint64) * np.uint64(_GOLDEN))
    shape = (len(keys), n64)
    z = ws.get("bits", shape, np.uint64) if ws is not None else np.empty(shape, np.uint64)
    np.add(keys[:, None], steps[None, :], out=z)
    return _mix(z)


def uniforms(keys: np.ndarray, stream: int, n: int, *, low: float = 0.0, high: float = 1.0,
             ws=None, name: str = "uniform") -> np.ndarray:
    """(len(keys), n) float32 uniform on [low, high), 24 random bits each.

    Each 64-bit hash gives two 32-bit halves, so ``ceil(n / 2)`` hashes are
    made. ``ws`` (a :class:`._warp.Workspace`) lends reusable buffers; the
    result is then a view of its buffer ``name``.
    """
    bits = _bits(keys, stream, (n + 1) // 2, ws).view(np.uint32)[:, :n]
    bits >>= np.uint32(8)
    shape = (len(keys), n)
    out = ws.get(name, shape) if ws is not None else np.empty(shape, np.float32)
    np.multiply(bits, np.float32((high - low) * 2.0 ** -24), out=out, dtype=np.float32)
    if low:
        out += np.float32(low)
    return out


def normals(keys: np.ndarray, stream: int, n: int, ws=None) -> np.ndarray:
    """(len(keys), n) float32 standard normal numbers (Box-Muller, float32)."""
    half = (n + 1) // 2
    u = uniforms(keys, stream, 2 * half, ws=ws, name="normal")
    r = u[:, :half]
    np.subtract(np.float32(1), r, out=r)  # (0, 1]: no log(0)
    np.log(r, out=r)
    r *= np.float32(-2)
    np.sqrt(r, out=r)
    theta = u[:, half:]
    theta *= np.float32(2 * np.pi)
    out = np.empty((len(keys), 2 * half), np.float32)
    np.cos(theta, out=out[:, :half])
    np.sin(theta, out=out[:, half:])
    out[:, :half] *= r
    out[:, half:] *= r
    return out[:, :n]
