"""Issue 17, cases 3 and 4: signals and kills during an export, swap windows, concurrent exports.

Each child stops at a named point (``MNIST_DESKTOP_PAUSE_AT``) and is killed
there, so every moment is hit exactly, without sleeps.
"""

from __future__ import annotations

import json
import signal

import pytest

from fault_support import hidden, run_cli, snapshot
from mnist_desktop.cli import main
from mnist_desktop.core.atomic import SWAP_ENV, target_lock
from mnist_desktop.core.export.exporter import recover_target

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX signals")

SOURCE = "sample"
HANDLED = [(signal.SIGTERM, 143), (signal.SIGHUP, 129), (signal.SIGINT, 130)]


@pytest.fixture(autouse=True)
def _small(small_source):
    global SOURCE
    SOURCE = str(small_source)


def _args(out, fmt, *extra):
    return ["export", "--source", SOURCE, "--out", str(out), "--format", fmt, "--normalize", "none", *extra]


def _earlier_export(out, fmt):
    assert main(_args(out, fmt)) == 0  # in this process: quicker than a child
    return snapshot(out)


@pytest.mark.parametrize("fmt,signum,code", [("npz", *HANDLED[0]), ("npz", *HANDLED[1]), ("png", *HANDLED[2]),
                                             ("png", *HANDLED[0])], ids=["npz-TERM", "npz-HUP", "png-INT", "png-TERM"])
def test_handled_signal_mid_export_cleans_up_and_keeps_the_previous_export(tmp_path, paused, fmt, signum, code):
    out = tmp_path / ("data.npz" if fmt == "npz" else "data")
    before = _earlier_export(out, fmt)
    child = paused(_args(out, fmt, "--rotation", "5", "--force"), "export.writing")
    assert hidden(tmp_path)  # the temporary and the lock exist now
    rc, err = child.kill(signum)
    assert rc == code
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "nothing partial was kept" in errors[0] and "Traceback" not in err
    assert hidden(tmp_path) == [] and snapshot(out) == before


@pytest.mark.parametrize("fmt", ["npz", "png"])
def test_sigkill_leftovers_are_removed_by_the_next_run(tmp_path, paused, fmt):
    out = tmp_path / ("data.npz" if fmt == "npz" else "data")
    before = _earlier_export(out, fmt)
    rc, _ = paused(_args(out, fmt, "--rotation", "5", "--force"), "export.writing").kill(signal.SIGKILL)
    assert rc == -signal.SIGKILL
    assert any(name.endswith(".part") for name in hidden(tmp_path)) and snapshot(out) == before
    again = run_cli(*_args(out, fmt, "--rotation", "5", "--force"))
    assert again.returncode == 0, again.stderr
    assert "removed" in again.stderr and "leftover" in again.stderr
    assert hidden(tmp_path) == []
    assert json.loads((tmp_path / "data.npz.manifest.json" if fmt == "npz" else out / "manifest.json")
                      .read_text())["recipe"]["augment"]["rotation"] == 5


def test_a_running_exports_files_are_never_touched_by_another(tmp_path, paused):
    """The second export finds the lock: it fails at once and removes nothing of the first."""
    out = tmp_path / "data"
    before = _earlier_export(out, "npy")
    first = paused(_args(out, "npy", "--rotation", "5", "--force"), "export.writing")
    temps = hidden(tmp_path)
    second = run_cli(*_args(out, "npy", "--force"))
    assert second.returncode == 1 and "another export to this path is running" in second.stderr
    assert hidden(tmp_path) == temps
    rc, _ = first.kill(signal.SIGTERM)
    assert rc == 143 and snapshot(out) == before and hidden(tmp_path) == []


def test_folder_swap_uses_one_atomic_exchange(tmp_path, paused):
    """Killed right before the swap or (with renameat2) there is no window with the target missing."""
    out = tmp_path / "data"
    before = _earlier_export(out, "idx")
    paused(_args(out, "idx", "--rotation", "5", "--force"), "export.before-swap").kill(signal.SIGKILL)
    assert snapshot(out) == before
    done = run_cli(*_args(out, "idx", "--rotation", "5", "--force"))
    assert done.returncode == 0 and hidden(tmp_path) == []


@pytest.mark.parametrize("force", [False, True])
def test_folder_swap_killed_between_its_two_renames_is_restored(tmp_path, paused, force):
    """Without renameat2: old export hidden, new one not yet in place. The next run puts the old one back."""
    out = tmp_path / "data"
    before = _earlier_export(out, "idx")
    env = {SWAP_ENV: "rename"}
    paused(_args(out, "idx", "--rotation", "5", "--force"), "export.between-renames", env).kill(signal.SIGKILL)
    assert not out.exists() and any(n.endswith(".old.part") for n in hidden(tmp_path))
    again = run_cli(*_args(out, "idx", "--rotation", "5", *(["--force"] if force else [])), env=env)
    assert "restored the previous export" in again.stderr
    if force:
        assert again.returncode == 0 and snapshot(out) != before
    else:  # restored, then refused as any existing export is: the user's previous export is back intact
        assert again.returncode == 1 and "--force" in again.stderr and snapshot(out) == before
    assert hidden(tmp_path) == []


def test_npz_killed_between_data_and_manifest_is_detected_and_completed(tmp_path, paused):
    out = tmp_path / "data.npz"
    _earlier_export(out, "npz")
    paused(_args(out, "npz", "--rotation", "5", "--force"), "export.between-renames").kill(signal.SIGKILL)
    info = run_cli("info", str(out))
    assert info.returncode == 1 and "MISMATCH" in info.stdout
    assert [e for e in info.stderr.splitlines() if e.startswith("error:")] == [info.stderr.strip()]
    with target_lock(out, RuntimeError):  # what the next export does first
        notes = recover_target(out, "npz")
    assert any("completed the manifest" in n for n in notes) and hidden(tmp_path) == []
    info = run_cli("info", str(out))
    assert info.returncode == 0 and "data matches its manifest" in info.stdout
    man = json.loads((tmp_path / "data.npz.manifest.json").read_text())
    assert man["recipe"]["augment"]["rotation"] == 5
