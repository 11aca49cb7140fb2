"""Issue 27, items 10 and 16: Ctrl-C at any moment is one line and exit 130; SIGHUP ignored by nohup stays ignored.

Beside tests/faults/test_bad_inputs_27.py (the bad inputs of the same issue).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fault_support import REPO

POSIX = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX pipes and signals")

TIMEOUT = 30


def _start(args: list[str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "mnist_desktop", *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, cwd=REPO)


def _interrupted_ok(child: subprocess.Popen) -> None:
    _, err = child.communicate(timeout=TIMEOUT)
    assert child.returncode == 130 and "Traceback" not in err and "Fatal" not in err, (child.returncode, err)
    assert err.strip().splitlines()[-1] == "error: interrupted; nothing partial was kept"
    assert len(err.strip().splitlines()) <= 2, err  # at most a progress line before it


@pytest.mark.skipif(not os.path.exists("/proc/self/maps"), reason="Linux /proc")
@pytest.mark.parametrize(("command", "library"), [
    (["info", "--source", "sample"], "_multiarray_umath"),  # numpy's C core is being loaded
    (["gui", "--source", "sample", "--screenshot", "SHOT"], "shiboken6"),  # PySide6 is starting
])
def test_item10_ctrl_c_in_the_middle_of_an_import_is_one_line_and_130(tmp_path, command, library):
    """Caught the moment the library's shared object is mapped: no traceback, no ImportError, no abort."""
    child = subprocess.Popen([sys.executable, "-m", "mnist_desktop",
                              *[str(tmp_path / "s.png") if a == "SHOT" else a for a in command]],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=REPO,
                             env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    deadline = time.monotonic() + TIMEOUT
    while True:
        assert child.poll() is None and time.monotonic() < deadline, "never loaded " + library
        try:
            if library in Path(f"/proc/{child.pid}/maps").read_text():
                break
        except OSError:
            pass
        time.sleep(0.001)
    child.send_signal(signal.SIGINT)
    _interrupted_ok(child)
    assert not (tmp_path / "s.png").exists()


@POSIX
@pytest.mark.parametrize("delay", [0.5, 1.0, 1.5])
def test_item10_ctrl_c_while_starting_up_is_one_line_and_130(delay):
    child = _start(["info", "--source", "sample"])
    time.sleep(delay)
    child.send_signal(signal.SIGINT)
    if child.wait(timeout=TIMEOUT) == 0:  # finished before the signal arrived (an idle machine)
        child.communicate()  # close its pipes (an unclosed one is a ResourceWarning, an error here)
        return
    _interrupted_ok(child)


@POSIX
def test_item10_ctrl_c_before_main_exits_130_without_a_traceback():
    """The guard the package installs first: an interrupt while ``mnist_desktop.cli`` is imported."""
    code = ("import os, signal, sys; sys.argv = ['mnist-desktop']; import mnist_desktop; "
            "os.kill(os.getpid(), signal.SIGINT); import time; time.sleep(5); print('not reached')")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=TIMEOUT)
    assert result.returncode == 130 and "not reached" not in result.stdout
    assert result.stderr == "error: interrupted; nothing partial was kept\n"


def test_item10_importing_the_package_changes_no_signal_handler():
    code = ("import signal, mnist_desktop, mnist_desktop.cli; "
            "print(signal.getsignal(signal.SIGINT) is signal.default_int_handler)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=TIMEOUT)
    assert result.stdout.strip() == "True", result.stderr


@POSIX
def test_item16_sighup_ignored_by_nohup_stays_ignored(tmp_path, small_source):
    out = tmp_path / "o.npz"
    child = subprocess.Popen([sys.executable, "-m", "mnist_desktop", "export", "--source", str(small_source),
                              "--out", str(out), "--format", "npz", "--rotation", "10", "--copies", "20"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
                             preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN))  # what nohup does
    deadline = time.monotonic() + TIMEOUT
    while child.poll() is None and not any(p.name.startswith(".") for p in tmp_path.iterdir()):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    child.send_signal(signal.SIGHUP)
    _, err = child.communicate(timeout=120)
    assert child.returncode == 0, err  # it was 129
    assert out.is_file()
