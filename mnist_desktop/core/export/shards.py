"""Sharded exports for fine-tuning pipelines: Hugging Face parquet (``hf``) and WebDataset tars (``wds``).

Both hold each image as a PNG file (uint8, what ``--format png`` writes),
so a 224x224x3 target costs what its PNG costs, not 600 kB of float32.
Both cut every split into shards of at most :data:`SHARD_BYTES` (a loader
can spread them over workers and a copy can resume per shard), and both
stream: one chunk of images plus one row group (parquet) or one sample
(tar) is all that is held, whatever the number of rows.

``hf``
    ``data/<split>-00000-of-0000N.parquet`` with columns ``image``
    (the ``datasets.Image()`` storage: a struct of PNG ``bytes`` and a null
    ``path``), ``label`` (int64 under a ``datasets.ClassLabel`` carrying the
    class names; -1 in an unlabelled split) and ``index`` (the sample's index
    in its source split). The features are in the schema's ``huggingface``
    metadata, which is where ``datasets`` looks, so
    ``datasets.load_dataset("parquet", data_dir=OUT)`` gives one split per
    exported split with the right features. Needs pyarrow (an optional extra:
    ``pip install mnist-desktop[hf]``); imported only when writing.
``wds``
    ``<split>-000000.tar``...: per sample ``<key>.png``, ``<key>.cls`` (the
    label as decimal text; left out when unlabelled) and ``<key>.json``
    (index, copy, label, original label, class name). The key is the PNG
    export's file name without ``.png`` (``<index>`` or ``<index>_<copy>``),
    so it has no dot and is unique in its split. Plain ``tarfile``, no
    dependency; members have mtime 0 and no owner, so the same recipe gives
    the same bytes.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import tarfile
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from ..draw import png as _png
from ..errors import ExportError

__all__ = ["SHARD_BYTES", "HF_EXTRA", "check_pyarrow", "hf_features", "write_hf", "write_wds", "wds_key",
           "shard_count", "TAR_END"]

#: Largest shard by default (256 MiB: big enough for few files, small enough to spread over workers).
SHARD_BYTES = 256 << 20
#: What to install for ``--format hf``.
HF_EXTRA = "pip install 'mnist-desktop[hf]'"
#: What a parquet row adds to its PNG: the label and index columns (what a shard's size counts per row).
HF_ROW_BYTES = 16
#: Rows and image bytes per parquet row group: what a streaming reader holds at once.
ROW_GROUP_ROWS = 256
ROW_GROUP_BYTES = 16 << 20
#: The end-of-archive marker that closes every tar: two zero blocks (no padding to a 10 kB record).
TAR_END = 2 * tarfile.BLOCKSIZE

Encode = Callable[[np.ndarray], np.ndarray]


def check_pyarrow() -> None:
    """Raise :class:`ExportError` (one line, what to install) when pyarrow cannot be imported."""
    if importlib.util.find_spec("pyarrow") is not None:
        return
    if getattr(sys, "frozen", False):
        raise ExportError("--format hf needs pyarrow, which this executable does not include (it would add "
                          f"about 100 MB); install the Python package instead ({HF_EXTRA}) or use --format wds")
    raise ExportError(f"--format hf needs the pyarrow package, which is not installed: {HF_EXTRA} "
                      "(or pip install pyarrow)")


def hf_features(class_names: tuple[str, ...] | list[str]) -> dict:
    """The ``datasets.Features`` of an hf export, as ``Features.to_dict()`` writes it."""
    return {"image": {"_type": "Image"},
            "label": {"names": [str(n) for n in class_names], "_type": "ClassLabel"},
            "index": {"dtype": "int64", "_type": "Value"}}


def shard_count(rows: int, row_bytes: float, shard_bytes: int, fmt: str) -> int:
    """How many shards ``rows`` samples of ``row_bytes`` each take (at least one: an empty split has a file).

    Mirrors the writers: a wds shard keeps room for its end-of-archive
    blocks, and a shard always holds at least one sample.
    """
    room = shard_bytes - (TAR_END if fmt == "wds" else 0)
    per_shard = max(1, int(room // max(row_bytes, 1)))
    return max(1, -(-int(rows) // per_shard))


def _encoded(split, to_uint8: Encode) -> Iterator[tuple[int, bytes]]:
    """(row, PNG bytes) of every row of ``split``, one chunk encoded at a time."""
    row = 0
    for chunk in split.chunks():
        for k, blob in enumerate(_png.encode_batch(to_uint8(chunk))):
            yield row + k, blob
        row += len(chunk)


# ---------------------------------------------------------------------------------------------- hf


def write_hf(folder: Path, splits: list, *, to_uint8: Encode, class_names, shard_bytes: int = SHARD_BYTES) -> dict:
    """``data/<split>-KKKKK-of-NNNNN.parquet`` per split (see the module docstring). Returns no hashes."""
    check_pyarrow()
    try:
        import pyarrow as pa
        import pyarrow.parquet  # noqa: F401  (the writer below)
    except ImportError as exc:  # installed but broken (a numpy it was not built for, a missing library)
        raise ExportError(f"--format hf: pyarrow is installed but does not import ({exc}); reinstall it: "
                          f"{HF_EXTRA}") from None

    meta = json.dumps({"info": {"features": hf_features(class_names)}}, separators=(",", ":"))
    schema = pa.schema([("image", pa.struct([("bytes", pa.binary()), ("path", pa.string())])),
                        ("label", pa.int64()), ("index", pa.int64())], metadata={"huggingface": meta})
    (folder / "data").mkdir(parents=True, exist_ok=True)
    for s in splits:
        _ParquetShards(folder / "data", s.name, schema, shard_bytes).write(s, to_uint8)
    return {}


class _ParquetShards:
    """The shards of one split: a new file whenever the next row group would pass ``shard_bytes``."""

    def __init__(self, folder: Path, split: str, schema, shard_bytes: int) -> None:
        self.folder, self.split, self.schema, self.limit = folder, split, schema, shard_bytes
        self.paths: list[Path] = []
        self.writer = None
        self.in_shard = 0  # image bytes in the open shard
        self.rows: list[tuple[bytes, int, int]] = []
        self.buffered = 0

    def write(self, s, to_uint8: Encode) -> None:
        labels = s.labels.astype(np.int64) if s.labelled else np.full(s.rows, -1, np.int64)
        for row, blob in _encoded(s, to_uint8):
            size = len(blob) + HF_ROW_BYTES
            if self.in_shard + self.buffered + size > self.limit and self.in_shard + self.buffered > 0:
                self._flush()
                self._close()
            self.rows.append((blob, int(labels[row]), int(s.indices[row])))
            self.buffered += size
            if len(self.rows) >= ROW_GROUP_ROWS or self.buffered >= ROW_GROUP_BYTES:
                self._flush()
        self._flush()
        if self.writer is None and not self.paths:
            self._open()  # an empty split: one file with the schema and no rows
        self._close()
        n = len(self.paths)
        for k, p in enumerate(self.paths):
            os.replace(p, self.folder / f"{self.split}-{k:05d}-of-{n:05d}.parquet")

    def _open(self) -> None:
        import pyarrow.parquet as pq

        path = self.folder / f".{self.split}-{len(self.paths):05d}.parquet"
        self.paths.append(path)
        self.writer = pq.ParquetWriter(path, self.schema, compression="none", write_statistics=False)

    def _flush(self) -> None:
        if not self.rows:
            return
        import pyarrow as pa

        if self.writer is None:
            self._open()
        blobs, labels, indices = zip(*self.rows)
        image = pa.StructArray.from_arrays([pa.array(blobs, pa.binary()), pa.nulls(len(blobs), pa.string())],
                                           fields=list(self.schema.field("image").type))
        table = pa.Table.from_arrays([image, pa.array(labels, pa.int64()), pa.array(indices, pa.int64())],
                                     schema=self.schema)
        self.writer.write_table(table, row_group_size=len(blobs))
        self.in_shard += self.buffered
        self.rows, self.buffered = [], 0

    def _close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.writer, self.in_shard = None, 0


# --------------------------------------------------------------------------------------------- wds


def wds_key(index: int, copy: int, per_image: int) -> str:
    """The sample key: ``<index>`` for an original or the only copy, ``<index>_<copy>`` otherwise (no dot)."""
    return str(index) if per_image == 1 or copy < 0 else f"{index}_{copy}"


def _tar_size(n: int) -> int:
    return BLOCK + -(-n // BLOCK) * BLOCK


def write_wds(folder: Path, splits: list, *, to_uint8: Encode, class_names, per_image: int,
              shard_bytes: int = SHARD_BYTES) -> dict:
    """``<split>-NNNNNN.tar`` per split (see the module docstring). Returns no hashes.

    A shard is closed before a sample would take it past ``shard_bytes``
    (end-of-archive blocks included), so no shard is larger unless one
    sample alone is; the members of one sample are always in one shard.
    """
    for s in splits:
        shard, used, count = None, 0, 0
        try:
            for row, blob in _encoded(s, to_uint8):
                members = _wds_members(s, row, blob, class_names, per_image)
                size = sum(_tar_size(len(data)) for _, data in members)
                if shard is None or (used + size + TAR_END > shard_bytes and used > 0):
                    if shard is not None:
                        _close_tar(shard)
                    shard, used = open(folder / f"{s.name}-{count:06d}.tar", "wb"), 0
                    count += 1
                for name, data in members:
                    _add(shard, name, data)
                used += size
            if shard is None:  # an empty split still has a (valid, empty) shard
                shard = open(folder / f"{s.name}-000000.tar", "wb")
            _close_tar(shard)
        finally:
            if shard is not None:
                shard.close()
    return {}


def ustar_header(name: str, size: int) -> bytes:
    """The 512-byte USTAR header of a regular file: mode 0644, owner 0 without names, mtime 0.

    The same bytes as ``tarfile.TarInfo(name).tobuf(tarfile.USTAR_FORMAT)``
    with those fields (a test checks it), built directly: tarfile takes about
    20 times as long per member, which was most of a wds export's time.
    """
    raw = name.encode("ascii")
    if len(raw) > 100:
        raise ValueError(f"tar member name longer than 100 bytes: {name!r}")
    head = bytearray(_HEADER)
    head[0:len(raw)] = raw
    head[124:136] = b"%011o\0" % size
    head[148:156] = b"%06o\0 " % sum(head)  # summed with the checksum field as 8 spaces
    return bytes(head)


def _template() -> bytes:
    head = bytearray(BLOCK)
    head[100:108] = b"0000644\0"  # mode
    head[108:116] = head[116:124] = b"0000000\0"  # uid, gid
    head[136:148] = b"00000000000\0"  # mtime
    head[148:156] = b" " * 8  # checksum, while summing
    head[156:157] = b"0"  # regular file
    head[257:265] = b"ustar\x0000"
    return bytes(head)


BLOCK = tarfile.BLOCKSIZE
_HEADER = _template()


def _add(f, name: str, data: bytes) -> None:
    f.write(ustar_header(name, len(data)))
    f.write(data)
    if len(data) % BLOCK:
        f.write(bytes(BLOCK - len(data) % BLOCK))


def _close_tar(f) -> None:
    f.write(bytes(TAR_END))
    f.close()


def _wds_members(s, row: int, blob: bytes, class_names, per_image: int) -> list[tuple[str, bytes]]:
    index, copy = int(s.indices[row]), int(s.copies[row])
    key = wds_key(index, copy, per_image)
    info: dict = {"index": index, "copy": copy, "split": s.source_split}
    members = [(f"{key}.png", blob)]
    if s.labelled:
        label = int(s.labels[row])
        original = int(s.original[row]) if s.original is not None else label
        members.append((f"{key}.cls", str(label).encode("ascii")))
        info.update(label=label, original_label=original,
                    class_name=str(class_names[label]) if 0 <= label < len(class_names) else str(label))
    members.append((f"{key}.json", json.dumps(info, ensure_ascii=False, separators=(",", ":")).encode("utf-8")))
    return members
