"""``mnist-desktop download``: the issue's done-when command, errors, Ctrl-C.

A real HTTP server on 127.0.0.1 serves the real MNIST test files shipped in
resources/sample/ under /good/ and fails on purpose under other prefixes.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from http_mirror import MirrorServer
from mnist_desktop.cli import main
from mnist_desktop.core.catalog import MNIST
from mnist_desktop.core.hashing import sha256_file

TEST_FILES = MNIST.files_for("test")
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def server(sample_dir):
    srv = MirrorServer({f.name: (sample_dir / f.name).read_bytes() for f in TEST_FILES}).start()
    yield srv
    srv.stop()


def run_cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mnist_desktop", *args], capture_output=True, text=True,
                          cwd=REPO, timeout=timeout)


def assert_verified(folder) -> None:
    assert sorted(p.name for p in folder.iterdir()) == sorted(f.name for f in TEST_FILES)
    for f in TEST_FILES:
        assert sha256_file(folder / f.name) == f.sha256


def test_done_when_command_falls_back_from_403_and_info_picks_it_up(server, tmp_path):
    data = tmp_path / "D"
    out = run_cli("download", "--split", "test", "--data-dir", str(data),
                  "--mirror", server.url("forbidden"), "--mirror", server.url("good"))
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr
    assert f"{server.url('forbidden')}t10k-images-idx3-ubyte.gz: HTTP 403 Forbidden; trying the next mirror" \
        in out.stderr
    assert "100%" in out.stderr  # plain progress lines when stderr is not a terminal
    assert f"2 files (1.7 MB) verified in {data / 'mnist'}" in out.stdout
    assert_verified(data / "mnist")

    info = run_cli("info", "--source", str(data / "mnist"), "--json")
    assert info.returncode == 0, info.stderr
    report = json.loads(info.stdout)
    assert report["dataset"] == "mnist" and report["total"] == 10_000
    assert report["splits"]["test"]["shape"] == [10_000, 28, 28]


def test_every_mirror_bad_exit_1_with_each_url(server, tmp_path, capsys):
    mirrors = [server.url(p) for p in ("forbidden", "missing", "error", "cut", "wrong", "html", "slow")]
    args = ["download", "--split", "test", "--data-dir", str(tmp_path), "--timeout", "0.5"]
    for m in mirrors:
        args += ["--mirror", m]
    assert main(args) == 1
    err = capsys.readouterr().err
    error_lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert error_lines == ["error: could not download t10k-images-idx3-ubyte.gz from any of 7 mirrors "
                           "(reasons above)"]
    # one line per mirror, each reason told once (not repeated in the error)
    listing = [line for line in err.splitlines() if line.startswith("http://")]
    reasons = ["HTTP 403", "HTTP 404", "HTTP 500", "connection closed after", "SHA-256 mismatch", "HTML page",
               "timed out"]
    assert len(listing) == len(mirrors)
    for line, mirror, reason in zip(listing, mirrors, reasons):
        assert line.startswith(f"{mirror}t10k-images-idx3-ubyte.gz: ") and reason in line, line
        assert err.count(line.split(": ", 1)[1].split(";")[0]) == 1
    assert "Traceback" not in err
    assert sorted(p.name for p in (tmp_path / "mnist").iterdir()) == []


def test_default_data_dir_is_the_environment_variable(server, capsys):
    data = os.environ["MNIST_DESKTOP_DATA"]  # set to an empty temp folder by conftest
    assert main(["download", "--split", "test", "--mirror", server.url("good")]) == 0
    assert_verified(Path(data) / "mnist")


def test_second_run_downloads_nothing_and_force_downloads_again(server, tmp_path, capsys):
    args = ["download", "--split", "test", "--data-dir", str(tmp_path), "--mirror", server.url("good")]
    assert main(args) == 0
    assert main(args) == 0
    assert "already present, SHA-256 verified" in capsys.readouterr().err
    assert all(server.hits[f"/good/{f.name}"] == 1 for f in TEST_FILES)
    assert main([*args, "--force"]) == 0
    assert all(server.hits[f"/good/{f.name}"] == 2 for f in TEST_FILES)
    assert_verified(tmp_path / "mnist")


def test_unusable_data_dir_exit_1_naming_it(server, tmp_path, capsys):
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    assert main(["download", "--split", "test", "--data-dir", str(blocker), "--mirror", server.url("good")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: cannot create the data folder ") and "file-not-folder" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("args", [["--mirror", "ftp://example.org/"], ["--split", "validation"],
                                  ["--dataset", "cifar10"], ["--timeout", "0"]])
def test_bad_usage_exit_2(args, capsys):
    with pytest.raises(SystemExit) as info:
        main(["download", *args])
    assert info.value.code == 2


@pytest.mark.skipif(os.name != "posix", reason="SIGINT delivery to a child is POSIX-specific")
def test_ctrl_c_mid_file_leaves_nothing_partial(server, tmp_path):
    """SIGINT while the body trickles in: exit 130, one error line, no temp or partial file."""
    folder = tmp_path / "mnist"
    proc = subprocess.Popen(
        [sys.executable, "-m", "mnist_desktop", "download", "--split", "test", "--data-dir", str(tmp_path),
         "--mirror", server.url("drip")], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
    killer = threading.Timer(30, proc.kill)  # a safety net only; the test does not wait on it
    killer.start()
    try:
        # The child prints a plain progress line at every 10 % step, after writing those bytes;
        # the drip route sends 400 kB (24 %) and then stalls, so a line above 0 % proves that a
        # temp file exists and the child is blocked mid-body.
        for line in proc.stderr:
            match = re.match(r"download mnist test:\s+(\d+)%", line)
            if match and int(match.group(1)) > 0:
                break
        assert server.drip_started.is_set()
        temps = [p.name for p in folder.iterdir() if not p.name.endswith(".lock")]  # the lock of the running download
        assert len(temps) == 1 and temps[0].startswith(".t10k-images-idx3-ubyte.gz.") and temps[0].endswith(".part")
        proc.send_signal(signal.SIGINT)
        _, rest = proc.communicate(timeout=20)
    finally:
        killer.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 130
    assert "error: interrupted" in rest and "Traceback" not in rest
    assert list(folder.iterdir()) == []
