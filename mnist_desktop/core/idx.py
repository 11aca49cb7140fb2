"""Strict, fast IDX reader and writer (the file format of MNIST and its kin).

An IDX file is two zero bytes, a type code, the number of dimensions, one
big-endian uint32 per dimension, then the data, big-endian, in C order. The
official files are gzip-compressed; gzip is recognised by its magic bytes, not
by the file name.

Reading is strict because mirrors and file hosts serve HTML pages, truncated
bodies and wrong files under the right name: every inconsistency raises
:class:`IdxFormatError` with a message naming the file. Nothing is allocated
for what a header claims before the file is known to be able to hold it.
"""

from __future__ import annotations

import gzip
import io
import math
import os
import zlib
from pathlib import Path
from typing import BinaryIO, Union

import numpy as np

from .atomic import atomic_write
from .errors import IdxFormatError
from .hashing import GZIP_MAGIC, markup_kind

__all__ = ["IdxFormatError", "read_idx", "write_idx", "idx_header", "IDX_TYPES"]

#: IDX type code -> element dtype as stored on disk (big-endian).
IDX_TYPES: dict[int, np.dtype] = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_CODE_FOR_DTYPE = {dt.newbyteorder("="): code for code, dt in IDX_TYPES.items()}
_TYPE_NAMES = "ubyte (0x08), int8 (0x09), int16 (0x0B), int32 (0x0C), float32 (0x0D), float64 (0x0E)"

# Deflate cannot expand data by more than about 1032:1, so a gzip file of
# S bytes holds at most ~1032*S bytes; anything claiming more is rejected
# before allocating.
_MAX_DEFLATE_RATIO = 1032
_CHUNK = 1 << 18  # compressed bytes read at a time
_OUT_CHUNK = 1 << 20  # decompressed bytes per zlib call: bounds the temporary copy

Source = Union[str, os.PathLike, bytes, bytearray, memoryview, BinaryIO]


def read_idx(source: Source, *, copy: bool = False) -> np.ndarray:
    """Read an IDX file (optionally gzip-compressed) into a numpy array.

    Parameters
    ----------
    source
        A path, the file's bytes, or a binary file object. Gzip is detected by
        its magic bytes.
    copy
        An uncompressed one-byte-per-element file given by path is memory-mapped
        read-only (zero copy) unless ``copy`` is true.

    Returns
    -------
    numpy.ndarray
        Native-endian array with the shape the header gives.

    Raises
    ------
    IdxFormatError
        Anything malformed: empty or short header, bad magic, unknown type,
        zero dimensions, data shorter or longer than the header says, a
        truncated or corrupt gzip stream, an HTML page instead of data.
    OSError
        The file cannot be opened or read.
    """
    name, f, size, path, owned = _open_source(source)
    try:
        start = f.read(2)
        if start == GZIP_MAGIC:
            return _read_gzip(f, start, name, size)
        return _read_plain(f, start, name, size, path, copy)
    finally:
        if owned:
            f.close()


def write_idx(path: str | os.PathLike[str] | BinaryIO, array: np.ndarray, *, compresslevel: int = 6) -> None:
    """Write ``array`` as an IDX file; gzip when the name ends in ``.gz``.

    The file is replaced atomically: a failure leaves any previous file intact.
    Arrays must be uint8, int8, int16, int32, float32 or float64; integer
    arrays of other types are accepted when every value fits in int32 or
    uint8 (labels often come as int64).
    """
    arr = _as_idx_array(np.asarray(array))
    header = idx_header(arr.dtype, arr.shape)
    data = np.ascontiguousarray(arr, dtype=arr.dtype.newbyteorder(">")).reshape(-1).view(np.uint8)
    if hasattr(path, "write"):
        _write_stream(path, header, data)  # type: ignore[arg-type]
        return
    target = Path(path)  # type: ignore[arg-type]
    with atomic_write(target) as raw:
        if target.name.endswith(".gz"):
            # mtime=0 and a fixed inner name make the output reproducible.
            with gzip.GzipFile(filename=target.name[:-3], mode="wb", fileobj=raw,
                               compresslevel=compresslevel, mtime=0) as gz:
                _write_stream(gz, header, data)
        else:
            _write_stream(raw, header, data)


def idx_header(dtype: np.dtype, shape: tuple[int, ...]) -> bytes:
    """The IDX header for an array of ``dtype`` and ``shape`` (any byte order).

    The one place that maps dtypes to type codes: :func:`write_idx` and the
    streaming export writer both use it.
    """
    code = _CODE_FOR_DTYPE.get(np.dtype(dtype).newbyteorder("="))
    if code is None:
        raise ValueError(f"IDX cannot store {np.dtype(dtype)} values; it stores {_TYPE_NAMES}")
    return bytes([0, 0, code, len(shape)]) + np.asarray(shape, ">u4").tobytes()


# --------------------------------------------------------------------------- reading


def _open_source(source: Source) -> tuple[str, BinaryIO, int, Path | None, bool]:
    """Return (display name, file, bytes available, path or None, we-own-file)."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return "<bytes>", io.BytesIO(source), memoryview(source).nbytes, None, True
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        f = open(path, "rb")  # noqa: SIM115 - closed by read_idx
        return str(path), f, os.fstat(f.fileno()).st_size, path, True
    if hasattr(source, "read"):
        name = str(getattr(source, "name", "<stream>"))
        try:
            pos = source.tell()
            end = source.seek(0, io.SEEK_END)
            source.seek(pos)
            return name, source, end - pos, None, False
        except (OSError, AttributeError, ValueError):
            data = source.read()  # not seekable: its size is only known by reading it
            return name, io.BytesIO(data), len(data), None, True
    raise TypeError(f"read_idx needs a path, bytes or a binary file, not {type(source).__name__}")


def _read_plain(f: BinaryIO, start: bytes, name: str, size: int, path: Path | None, copy: bool) -> np.ndarray:
    def read(n: int) -> bytes:
        return f.read(n)

    dims, dtype, header_len = _parse_header(start, read, name)
    nbytes = math.prod(dims) * dtype.itemsize
    _check_data_size(name, dims, dtype, nbytes, size - header_len)
    if nbytes == 0:
        return np.empty(dims, dtype.newbyteorder("="))
    if path is not None and not copy:
        mapped = np.memmap(path, dtype=dtype, mode="r", offset=header_len, shape=tuple(dims))
        return _native(np.asarray(mapped))
    arr = np.empty(dims, dtype)
    view = memoryview(arr.reshape(-1).view(np.uint8))
    got = 0
    while got < nbytes:
        n = f.readinto(view[got:])
        if not n:
            break
        got += n
    _check_data_size(name, dims, dtype, nbytes, got)
    return _native(arr)


def _read_gzip(f: BinaryIO, start: bytes, name: str, size: int) -> np.ndarray:
    inflater = _Inflater(f, start, name)
    dims, dtype, _ = _parse_header(b"", inflater.read, name)
    nbytes = math.prod(dims) * dtype.itemsize
    limit = size * _MAX_DEFLATE_RATIO + 4096
    if nbytes > limit:
        raise IdxFormatError(
            f"{name}: the header claims {_shape_text(dims)} {_type_text(dtype)} values "
            f"({nbytes:,} bytes), but a {size:,}-byte gzip file cannot hold that much: "
            "the header is wrong or the file is truncated")
    arr = np.empty(dims, dtype)
    got = inflater.fill(memoryview(arr.reshape(-1).view(np.uint8)))
    if got < nbytes:
        raise IdxFormatError(
            f"{name}: the data is shorter than the header says: {_shape_text(dims)} "
            f"{_type_text(dtype)} values need {nbytes:,} bytes, the file has {got:,}")
    extra = inflater.count_rest()
    if extra:
        raise IdxFormatError(
            f"{name}: the data is longer than the header says: {extra:,} unexpected bytes "
            f"after the {_shape_text(dims)} {_type_text(dtype)} values")
    return _native(arr)


class _Inflater:
    """Streams a (possibly multi-member) gzip file into caller-owned buffers."""

    def __init__(self, f: BinaryIO, start: bytes, name: str) -> None:
        self._f = f
        self._pending = start
        self._name = name
        self._d = zlib.decompressobj(31)

    def _next_input(self) -> bytes:
        if self._pending:
            data, self._pending = self._pending, b""
            return data
        return self._f.read(_CHUNK)

    def fill(self, out: memoryview) -> int:
        """Fill ``out`` with decompressed bytes; return how many (short at end of stream)."""
        pos, n = 0, len(out)
        while pos < n:
            if self._d.eof:
                rest = self._d.unused_data or self._next_input()
                if not rest.strip(b"\0"):
                    if not rest:
                        break
                    continue  # zero padding after the last member, as tape tools write
                if rest[:2] != GZIP_MAGIC:
                    raise IdxFormatError(f"{self._name}: unexpected non-gzip bytes after the end of the gzip data")
                self._d = zlib.decompressobj(31)
                src = rest
            elif self._d.unconsumed_tail:
                src = self._d.unconsumed_tail
            else:
                src = self._next_input()
                if not src:
                    raise IdxFormatError(
                        f"{self._name}: the gzip data is cut off before its end "
                        "(the file is truncated, e.g. an incomplete download)")
            try:
                chunk = self._d.decompress(src, min(n - pos, _OUT_CHUNK))
            except zlib.error as exc:
                raise IdxFormatError(f"{self._name}: the gzip data is corrupt ({exc})") from None
            out[pos:pos + len(chunk)] = chunk
            pos += len(chunk)
        return pos

    def read(self, n: int) -> bytes:
        buf = bytearray(n)
        got = self.fill(memoryview(buf))
        return bytes(buf[:got])

    def count_rest(self) -> int:
        """Decompress whatever follows (checking CRCs) and count it, in small pieces."""
        total = 0
        buf = memoryview(bytearray(_CHUNK))
        while True:
            got = self.fill(buf)
            total += got
            if got < len(buf):
                return total


def _parse_header(start: bytes, read, name: str) -> tuple[list[int], np.dtype, int]:
    head = start + read(4 - len(start))
    if not head:
        raise IdxFormatError(f"{name}: the file is empty")
    if head[:2] != b"\0\0":
        raise IdxFormatError(f"{name}: {_not_idx_reason(head + read(1024), name)}")
    if len(head) < 4:
        raise IdxFormatError(f"{name}: the header is cut short: {len(head)} bytes, an IDX header needs at least 4")
    code, ndim = head[2], head[3]
    if code not in IDX_TYPES:
        raise IdxFormatError(f"{name}: unknown IDX type code 0x{code:02X}; known types are {_TYPE_NAMES}")
    if ndim == 0:
        raise IdxFormatError(f"{name}: the header declares zero dimensions; an IDX file needs at least one")
    raw_dims = read(4 * ndim)
    if len(raw_dims) < 4 * ndim:
        raise IdxFormatError(
            f"{name}: the header is cut short: it declares {ndim} dimensions "
            f"({4 + 4 * ndim} header bytes) but the file ends after {4 + len(raw_dims)} bytes")
    dims = [int(d) for d in np.frombuffer(raw_dims, ">u4")]
    return dims, IDX_TYPES[code], 4 + 4 * ndim


def _check_data_size(name: str, dims: list[int], dtype: np.dtype, need: int, have: int) -> None:
    what = f"{_shape_text(dims)} {_type_text(dtype)} values"
    if have < need:
        raise IdxFormatError(
            f"{name}: the data is shorter than the header says: {what} need {need:,} bytes, "
            f"the file has {have:,} (truncated?)")
    if have > need:
        raise IdxFormatError(
            f"{name}: the data is longer than the header says: {have - need:,} unexpected bytes after the {what}")


def _not_idx_reason(head: bytes, name: str = "") -> str:
    kind = markup_kind(head)
    if kind == "html":
        return ("this is an HTML page, not an IDX file (a mirror or file host served a web page, "
                "e.g. an error or login page, instead of the data)")
    if kind == "xml":
        return "this is an XML document (probably an error message from a server), not an IDX file"
    shown = head[:8].hex(" ")
    if name.lower().endswith(".gz"):  # the name promises gzip: that is what is wrong first
        return (f"not gzip data (a .gz file starts with the bytes 1f 8b) nor an IDX file (which starts with "
                f"two zero bytes): it starts with {shown}")
    return (f"not an IDX file: it must start with two zero bytes (the IDX magic number), "
            f"but starts with {shown}")


def _native(arr: np.ndarray) -> np.ndarray:
    return arr if arr.dtype.isnative else arr.astype(arr.dtype.newbyteorder("="))


def _shape_text(dims: list[int]) -> str:
    return "x".join(str(d) for d in dims)


def _type_text(dtype: np.dtype) -> str:
    return {"u1": "ubyte", "i1": "int8", "i2": "int16", "i4": "int32", "f4": "float32", "f8": "float64"}[
        dtype.str[1:]]


# --------------------------------------------------------------------------- writing


def _as_idx_array(arr: np.ndarray) -> np.ndarray:
    if arr.ndim == 0:
        raise ValueError("write_idx needs an array with at least one dimension, not a scalar")
    if arr.ndim > 255 or any(d >= 2**32 for d in arr.shape):
        raise ValueError(f"IDX cannot store an array of shape {arr.shape}")
    native = arr.dtype.newbyteorder("=")
    if native in _CODE_FOR_DTYPE:
        return arr.astype(native, copy=False)
    if arr.dtype.kind in "biu":
        for target in (np.uint8, np.int32):
            info = np.iinfo(target)
            if arr.size == 0 or (arr.min() >= info.min and arr.max() <= info.max):
                return arr.astype(target)
    raise ValueError(f"IDX cannot store {arr.dtype} values; it stores {_TYPE_NAMES}")


def _write_stream(f: BinaryIO, header: bytes, data: np.ndarray) -> None:
    f.write(header)
    step = 16 << 20
    for pos in range(0, data.size, step):
        f.write(data[pos:pos + step].data)
