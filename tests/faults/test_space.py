"""Issue 17, case 6 (and the full-disk message of 11): estimate before writing, refuse what cannot fit."""

from __future__ import annotations

import collections
import errno
import os
import shutil

import pytest

from fault_support import snapshot
from mnist_desktop.cli import main
from mnist_desktop.core.formats.load import load_dataset
from mnist_desktop.core.errors import NoSpaceError
from mnist_desktop.core.export import writers
from mnist_desktop.core.export.estimate import estimate
from mnist_desktop.core.export.exporter import export
from mnist_desktop.core.processing.recipe import Recipe

Usage = collections.namedtuple("Usage", "total used free")


@pytest.mark.parametrize("fmt", ["npz", "npy", "idx", "idx.gz", "csv", "png"])
@pytest.mark.parametrize("recipe", [Recipe(), Recipe.from_dict({"version": 1, "normalize": {"method": "none"},
                                                                  "augment": {"rotation": 10, "copies": 2}})],
                         ids=["float32", "uint8-augmented"])
def test_estimate_matches_what_is_written(small_source, tmp_path, fmt, recipe):
    ds = load_dataset(small_source)
    est = estimate(ds, recipe, fmt)
    result = export(ds, recipe, tmp_path / "out", fmt)
    written = sum(len(b) for b in snapshot(tmp_path / "out").values()) if fmt != "npz" else \
        sum(p.stat().st_size for p in tmp_path.iterdir())
    assert est.rows == result.rows
    if est.exact:  # npz, npy, idx: everything but the manifest is known to the byte
        assert 0 <= est.bytes - written <= 64 * 1024 + 4096
    else:  # measured on a sample of rows
        assert 0.8 * written <= est.bytes <= 1.25 * written + 64 * 1024


def test_an_export_that_cannot_fit_is_refused_before_writing(tmp_path, monkeypatch, capsys):
    """--copies 1000 on the sample is ~31 GB: refused at once, nothing written, the disk untouched."""
    monkeypatch.setattr(shutil, "disk_usage", lambda _p: Usage(20 << 30, 10 << 30, 10 << 30))
    out = tmp_path / "big.npz"
    assert main(["export", "--out", str(out), "--format", "npz", "--copies", "1000"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {out}: not enough free space: the export needs about 31.")  # 4 bytes x 784 x 10 M
    assert "10,000,000 images" in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_the_margin_counts(small_source, tmp_path, monkeypatch):
    ds = load_dataset(small_source)
    est = estimate(ds, Recipe(), "npz")
    monkeypatch.setattr(shutil, "disk_usage", lambda _p: Usage(1 << 40, 0, est.bytes + 4096))
    with pytest.raises(NoSpaceError, match="not enough free space"):
        export(ds, Recipe(), tmp_path / "x.npz", "npz")
    monkeypatch.setattr(shutil, "disk_usage", lambda _p: Usage(1 << 40, 0, 2 * est.bytes + (32 << 20)))
    export(ds, Recipe(), tmp_path / "x.npz", "npz")


def test_too_few_inodes_for_a_png_export_is_refused(small_source, tmp_path, monkeypatch):
    real = os.statvfs(tmp_path)
    fake = os.statvfs_result((*real[:5], 10_000, 200, 200, *real[8:]))  # f_files, f_ffree, f_favail
    monkeypatch.setattr(os, "statvfs", lambda _p: fake)
    with pytest.raises(NoSpaceError, match="no free inodes"):
        export(load_dataset(small_source), Recipe(), tmp_path / "pngs", "png")
    assert list(tmp_path.iterdir()) == []


def test_dry_run_prints_rows_and_bytes_and_writes_nothing(tmp_path, capsys, sample_dataset):
    out = tmp_path / "m.npz"
    assert main(["export", "--out", str(out), "--format", "npz", "--copies", "3", "--dry-run"]) == 0
    lines = capsys.readouterr().out.splitlines()
    est = estimate(sample_dataset, Recipe.from_dict({"version": 1, "augment": {"copies": 3}}), "npz")
    assert est.rows == 30_000 and est.bytes > 30_000 * 28 * 28 * 4
    assert lines[0].startswith(f"would write 30,000 images as npz to {out}: ")
    assert f"({est.bytes:,} bytes) in 1 file" in lines[0]
    assert "nothing was written" in lines[1] and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt,writer", [("npz", "write_npz"), ("npy", "write_npy")])
def test_disk_full_while_writing_names_the_target_and_leaves_nothing(small_source, tmp_path, monkeypatch,
                                                                     capsys, fmt, writer):
    def full(*_a, **_k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(writers, writer, full)
    out = tmp_path / "out"
    assert main(["export", "--source", str(small_source), "--out", str(out), "--format", fmt]) == 1
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error:")]
    assert errors == [f"error: {out}: No space left on device"]
    assert list(tmp_path.iterdir()) == []
