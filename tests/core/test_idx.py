"""IDX reader/writer: round trips, an independent reader, and a corpus of malformed files."""

from __future__ import annotations

import gzip
import io

import idx2numpy
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from mnist_desktop import IdxFormatError, read_idx, write_idx

DTYPES = [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64]


@settings(max_examples=60, deadline=None)
@given(data=st.data(), dtype=st.sampled_from(DTYPES), gz=st.booleans())
def test_round_trip_every_type_and_shape(tmp_path_factory, data, dtype, gz):
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=4, min_side=0, max_side=6))
    arr = data.draw(hnp.arrays(dtype, shape))
    path = tmp_path_factory.mktemp("rt") / ("a.idx.gz" if gz else "a.idx")
    write_idx(path, arr)
    back = read_idx(path)
    assert back.dtype == np.dtype(dtype) and back.dtype.isnative
    assert back.shape == arr.shape
    np.testing.assert_array_equal(back, arr)
    # the same bytes through the other two source kinds
    raw = path.read_bytes()
    np.testing.assert_array_equal(read_idx(raw), arr)
    np.testing.assert_array_equal(read_idx(io.BytesIO(raw)), arr)


@pytest.mark.parametrize("dtype", DTYPES)
def test_idx2numpy_reads_what_we_write_and_we_read_what_it_writes(tmp_path, dtype):
    rng = np.random.default_rng(1)
    arr = (rng.standard_normal((7, 5, 3)) * 50).astype(dtype)
    ours = tmp_path / "ours.idx"
    write_idx(ours, arr)
    np.testing.assert_array_equal(idx2numpy.convert_from_file(str(ours)), arr)
    theirs = tmp_path / "theirs.idx"
    idx2numpy.convert_to_file(str(theirs), arr)
    np.testing.assert_array_equal(read_idx(theirs), arr)
    assert theirs.read_bytes() == ours.read_bytes()


def test_real_sample_shape_and_label_counts(sample_dir):
    images = read_idx(sample_dir / "t10k-images-idx3-ubyte.gz")
    labels = read_idx(sample_dir / "t10k-labels-idx1-ubyte.gz")
    assert images.shape == (10000, 28, 28) and images.dtype == np.uint8
    assert np.bincount(labels).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    # the first test digit is a 7 whose centre stroke is bright
    assert labels[0] == 7 and images[0].max() == 255


def test_uncompressed_file_is_memory_mapped_unless_copy_requested(tmp_path, sample_dir):
    images = read_idx(sample_dir / "t10k-images-idx3-ubyte.gz")
    path = tmp_path / "img.idx"
    write_idx(path, images)
    mapped = read_idx(path)
    assert isinstance(mapped.base, np.memmap) or isinstance(getattr(mapped.base, "base", None), np.memmap) \
        or "mmap" in type(mapped.base).__name__
    assert not mapped.flags.writeable
    copied = read_idx(path, copy=True)
    assert copied.flags.writeable and copied.flags.owndata
    np.testing.assert_array_equal(mapped, images)
    np.testing.assert_array_equal(copied, images)


def test_gzip_detected_by_magic_not_name(tmp_path):
    arr = np.arange(12, dtype=np.int16).reshape(3, 4)
    write_idx(tmp_path / "x.idx.gz", arr)
    renamed = tmp_path / "no-extension"
    renamed.write_bytes((tmp_path / "x.idx.gz").read_bytes())
    np.testing.assert_array_equal(read_idx(renamed), arr)
    plain = tmp_path / "looks.gz"
    write_idx(tmp_path / "p.idx", arr)
    plain.write_bytes((tmp_path / "p.idx").read_bytes())
    np.testing.assert_array_equal(read_idx(plain), arr)


def test_gzip_output_is_reproducible(tmp_path):
    arr = np.arange(100, dtype=np.uint8)
    (tmp_path / "1").mkdir()
    (tmp_path / "2").mkdir()
    write_idx(tmp_path / "1" / "a.idx.gz", arr)
    write_idx(tmp_path / "2" / "a.idx.gz", arr)
    assert (tmp_path / "1" / "a.idx.gz").read_bytes() == (tmp_path / "2" / "a.idx.gz").read_bytes()


def _header(code: int, dims: list[int]) -> bytes:
    return bytes([0, 0, code, len(dims)]) + np.asarray(dims, ">u4").tobytes()


def _corpus(sample_gz: bytes) -> dict[str, tuple[bytes, str]]:
    good = _header(0x08, [2, 3]) + bytes(6)
    return {
        "empty": (b"", "empty"),
        "short header": (b"\0\0\x08", "header is cut short"),
        "short dims": (b"\0\0\x08\x03\0\0\0\x02", "header is cut short"),
        "bad magic": (b"\x01\x02\x08\x01\0\0\0\x01\x05", "two zero bytes"),
        "unknown type": (_header(0x0A, [1]) + b"\0", "unknown IDX type code 0x0A"),
        "zero dims": (b"\0\0\x08\x00", "zero dimensions"),
        "data short": (good[:-2], "shorter than the header says"),
        "data long": (good + b"\0\0\0", "longer than the header says"),
        "truncated gzip": (sample_gz[: len(sample_gz) // 3], "cut off"),
        "corrupt gzip": (sample_gz[:200] + bytes(64) + sample_gz[264:], "corrupt"),
        "gzip data long": (gzip.compress(good + b"\0"), "longer than the header says"),
        "gzip data short": (gzip.compress(good[:-1]), "shorter than the header says"),
        "html": (b"<!DOCTYPE html>\n<html><head><title>403 Forbidden</title></head></html>", "HTML page"),
        "html in gzip": (gzip.compress(b"<html><body>Access denied</body></html>"), "HTML page"),
        "huge claim": (_header(0x08, [0xFFFFFFFF, 0xFFFFFFFF]) + b"\0" * 22, "shorter than the header says"),
        "huge claim gzip": (gzip.compress(_header(0x0E, [4_000_000_000]) + b"\0" * 10), "cannot hold that much"),
    }


@pytest.fixture(scope="module")
def sample_gz(sample_dir) -> bytes:
    return (sample_dir / "t10k-labels-idx1-ubyte.gz").read_bytes()


@pytest.mark.parametrize("case", list(_corpus(b"x" * 400)))
def test_malformed_files_raise_clear_error_naming_the_file(tmp_path, sample_gz, case):
    data, expected = _corpus(sample_gz)[case]
    path = tmp_path / "t10k-images-idx3-ubyte.gz"
    path.write_bytes(data)
    with pytest.raises(IdxFormatError) as info:
        read_idx(path)
    message = str(info.value)
    assert str(path) in message
    assert expected in message
    assert isinstance(info.value, ValueError)


def test_huge_claim_fails_at_once_without_allocating(tmp_path):
    """A 30-byte file claiming 4 billion float64 values must not try to allocate 32 GB."""
    import tracemalloc

    blob = gzip.compress(_header(0x0E, [4_000_000_000]) + b"\0" * 16)
    tracemalloc.start()
    with pytest.raises(IdxFormatError):
        read_idx(blob)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 50 << 20


def test_write_rejects_unsupported_types_and_narrows_fitting_ints(tmp_path):
    with pytest.raises(ValueError, match="cannot store complex128"):
        write_idx(tmp_path / "c.idx", np.zeros(3, complex))
    with pytest.raises(ValueError, match="at least one dimension"):
        write_idx(tmp_path / "s.idx", np.array(5))
    labels = np.array([0, 9, 3], dtype=np.int64)
    write_idx(tmp_path / "l.idx", labels)
    back = read_idx(tmp_path / "l.idx")
    assert back.dtype == np.uint8 and back.tolist() == [0, 9, 3]


def test_failed_write_leaves_previous_file_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "keep.idx"
    write_idx(path, np.arange(5, dtype=np.uint8))
    before = path.read_bytes()

    class Boom(Exception):
        pass

    import mnist_desktop.core.idx as idx_mod

    def exploding(f, header, data):
        f.write(header)
        raise Boom("disk full")

    monkeypatch.setattr(idx_mod, "_write_stream", exploding)
    with pytest.raises(Boom):
        write_idx(path, np.arange(50, dtype=np.uint8))
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.idx"]
