"""The building blocks of issue 17's guarantees: lock, leftovers, exchange, error names."""

from __future__ import annotations

import errno
import sys

import pytest

from mnist_desktop.core.atomic import (SWAP_ENV, atomic_write, exchange, leftovers_of, remove_leftovers,
                                       restore_moved_aside, target_lock, temp_dir_for, temp_path_for)
from mnist_desktop.core.errors import TargetBusyError


def test_a_second_writer_is_refused_while_the_first_holds_the_lock(tmp_path):
    target = tmp_path / "out.npz"
    with target_lock(target, lambda: TargetBusyError("busy")):
        with pytest.raises(TargetBusyError):
            with target_lock(target, lambda: TargetBusyError("busy")):
                pass
    with target_lock(target, lambda: TargetBusyError("busy")):  # released: free again
        pass
    assert list(tmp_path.iterdir()) == []  # the lock file goes with the lock


def test_leftovers_belong_to_one_target_only(tmp_path):
    out, other = tmp_path / "out", tmp_path / "out.npz"
    mine = [temp_path_for(out), temp_dir_for(out), temp_dir_for(out, ".old.part")]
    theirs = [temp_path_for(other), temp_dir_for(other)]
    (tmp_path / ".out.notes.part").write_text("not ours: no random part")
    assert sorted(leftovers_of(out)) == sorted(mine)
    assert remove_leftovers(out) == 3
    assert all(p.exists() for p in theirs) and not any(p.exists() for p in mine)


def test_a_folder_hidden_by_a_killed_swap_is_restored_only_when_the_target_is_missing(tmp_path):
    out = tmp_path / "export"
    old = temp_dir_for(out, ".old.part")
    (old / "manifest.json").write_text("{}")
    out.mkdir()
    assert restore_moved_aside(out) is None and old.exists()
    out.rmdir()
    assert restore_moved_aside(out) == out and (out / "manifest.json").read_text() == "{}"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="renameat2 is Linux")
def test_exchange_swaps_two_folders_in_one_step(tmp_path, monkeypatch):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "new").write_text("new")
    (b / "old").write_text("old")
    assert exchange(a, b) is True
    assert [p.name for p in b.iterdir()] == ["new"] and [p.name for p in a.iterdir()] == ["old"]
    monkeypatch.setenv(SWAP_ENV, "rename")  # the fallback path the fault tests force
    assert exchange(a, b) is False and [p.name for p in b.iterdir()] == ["new"]


def test_errors_name_the_target_not_the_temporary(tmp_path):
    target = tmp_path / "missing" / "r.json"
    with pytest.raises(FileNotFoundError) as failed:
        with atomic_write(target):
            pass
    assert failed.value.filename == str(target)
    target = tmp_path / "r.json"
    with pytest.raises(OSError) as failed:
        with atomic_write(target):
            raise OSError(errno.ENOSPC, "No space left on device")
    assert failed.value.errno == errno.ENOSPC and failed.value.filename == str(target)
    assert list(tmp_path.iterdir()) == []
