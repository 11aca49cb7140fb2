"""Minimal PNG encoder (and decoder of what it writes) for 8-bit grayscale and RGB images (stdlib zlib + struct).

Keeps core/ free of Qt and Pillow. The filter bytes and rows of a whole
batch are laid out with numpy; only the compression runs per image.
"""

from __future__ import annotations

import struct
import zlib

import numpy as np

__all__ = ["encode_gray_batch", "encode_gray", "encode_rgb", "encode_batch", "SOFTWARE", "is_our_picture",
           "decode_simple", "decode_gray"]

#: ``tEXt`` chunk ``Software`` of the pictures the tool draws (maps, reports, screenshots, notebook
#: pictures; not the images of a PNG export): how a later run recognises its own earlier picture.
SOFTWARE = "mnist-desktop"

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


def encode_rgb(image: np.ndarray, level: int = 9, *, signed: bool = False) -> bytes:
    """One (H, W, 3) uint8 RGB image (an alpha channel is dropped) as PNG bytes.

    ``signed`` adds the ``Software: mnist-desktop`` text chunk (:func:`is_our_picture`).
    """
    image = np.asarray(image)
    if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] not in (3, 4):
        raise ValueError(f"need an (H, W, 3) uint8 image, got {image.dtype} {image.shape}")
    h, w = image.shape[:2]
    head = _SIGNATURE + _chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
    raw = np.zeros((h, 3 * w + 1), np.uint8)  # filter type 0 (None) before each row
    raw[:, 1:] = image[:, :, :3].reshape(h, 3 * w)
    if signed:
        head += _chunk(b"tEXt", b"Software\0" + SOFTWARE.encode("latin-1"))
    return head + _chunk(b"IDAT", zlib.compress(raw.tobytes(), level)) + _IEND


def encode_batch(images: np.ndarray, level: int = 6) -> list[bytes]:
    """PNG files for a batch of (n, H, W) grey or (n, H, W, 3) RGB uint8 images."""
    if images.ndim == 4:
        return [encode_rgb(img, level) for img in images]
    return encode_gray_batch(images, level)


def is_our_picture(path) -> bool:
    """Whether the file at ``path`` is a PNG with the ``Software: mnist-desktop`` text (never raises).

    Reads chunk headers only (seeking over the image data), up to ``IEND``.
    """
    want = b"Software\0" + SOFTWARE.encode("latin-1")
    try:
        with open(path, "rb") as f:
            if f.read(8) != _SIGNATURE:
                return False
            for _ in range(100_000):
                head = f.read(8)
                if len(head) < 8 or head[4:] == b"IEND":
                    return False
                (length,) = struct.unpack(">I", head[:4])
                if head[4:] in (b"tEXt", b"iTXt") and length <= 4096:
                    data = f.read(length)
                    if data == want or (head[4:] == b"iTXt" and data.startswith(b"Software\0\0")
                                        and data.endswith(b"\0" + SOFTWARE.encode("latin-1"))):
                        return True
                    f.seek(4, 1)
                else:
                    f.seek(length + 4, 1)
    except OSError:
        return False
    return False


def decode_simple(data: bytes) -> np.ndarray | None:
    """(H, W) or (H, W, 3) uint8 of a simple 8-bit grey or RGB PNG (what the encoders here write), else None.

    Why: an export's PNG folder is reopened file by file, and Pillow costs
    ~10x more per small file than one ``zlib.decompress``. None for anything
    this fast path does not cover (other colour types or bit depths,
    interlacing, row filters other than 0, a damaged stream): decode those
    with a full decoder, which also reports real damage. The result is a
    read-only view of the decompressed bytes; copy it where it must live.
    """
    if not data.startswith(_SIGNATURE) or data[12:16] != b"IHDR":
        return None
    w, h, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", data[16:29])
    if depth != 8 or colour not in (0, 2) or interlace != 0 or not w or not h:
        return None
    pos, idat = 33, []
    while pos + 8 <= len(data):
        (length,), kind = struct.unpack(">I", data[pos:pos + 4]), data[pos + 4:pos + 8]
        if kind == b"IDAT":
            idat.append(data[pos + 8:pos + 8 + length])
        elif kind == b"IEND":
            break
        pos += 12 + length
    try:
        raw = zlib.decompress(b"".join(idat))
    except zlib.error:
        return None
    channels = 3 if colour == 2 else 1
    if len(raw) != h * (channels * w + 1):
        return None
    rows = np.frombuffer(raw, np.uint8).reshape(h, channels * w + 1)
    if rows[:, 0].any():
        return None
    return rows[:, 1:].reshape(h, w, 3) if channels == 3 else rows[:, 1:]


def decode_gray(data: bytes) -> np.ndarray | None:
    """(H, W) uint8 of a simple grayscale PNG (as :func:`encode_gray` writes), else None (see :func:`decode_simple`)."""
    img = decode_simple(data)
    return img if img is not None and img.ndim == 2 else None
