"""Minimal PNG encoder for 8-bit grayscale and RGB images (stdlib zlib + struct).

Keeps core/ free of Qt and Pillow. The filter bytes and rows of a whole
batch are laid out with numpy; only the compression runs per image.
"""

from __future__ import annotations

import struct
import zlib

import numpy as np

__all__ = ["encode_gray_batch", "encode_gray", "encode_rgb"]

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_IEND = struct.pack(">I", 0) + b"IEND" + struct.pack(">I", zlib.crc32(b"IEND"))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def encode_gray_batch(images: np.ndarray, level: int = 6) -> list[bytes]:
    """PNG files (bytes) for a batch of (n, H, W) uint8 grayscale images."""
    if images.dtype != np.uint8 or images.ndim != 3:
        raise ValueError(f"need (n, H, W) uint8 images, got {images.dtype} {images.shape}")
    n, h, w = images.shape
    head = _SIGNATURE + _chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
    raw = np.zeros((n, h, w + 1), np.uint8)  # filter type 0 (None) before each row
    raw[:, :, 1:] = images
    return [head + _chunk(b"IDAT", zlib.compress(raw[i].tobytes(), level)) + _IEND for i in range(n)]


def encode_gray(image: np.ndarray, level: int = 6) -> bytes:
    """One (H, W) uint8 image as PNG bytes."""
    return encode_gray_batch(np.asarray(image)[None], level)[0]


def encode_rgb(image: np.ndarray, level: int = 9) -> bytes:
    """One (H, W, 3) uint8 RGB image (an alpha channel is dropped) as PNG bytes."""
    image = np.asarray(image)
    if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] not in (3, 4):
        raise ValueError(f"need an (H, W, 3) uint8 image, got {image.dtype} {image.shape}")
    h, w = image.shape[:2]
    head = _SIGNATURE + _chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
    raw = np.zeros((h, 3 * w + 1), np.uint8)  # filter type 0 (None) before each row
    raw[:, 1:] = image[:, :, :3].reshape(h, 3 * w)
    return head + _chunk(b"IDAT", zlib.compress(raw.tobytes(), level)) + _IEND
