"""Issue 17, cases 2, 5, 7 and the download messages of 9 and 11.

A real server on 127.0.0.1 (tests/http_mirror.py): a trickling mirror, a
non-HTTP service; downloads killed at a named point in a child process.
"""

from __future__ import annotations

import signal
import socket

import pytest
import requests

from download_support import TEST_FILES, assert_verified, leftovers
from fault_support import run_cli
from http_mirror import NotHttpServer
from mnist_desktop.cli import main
from mnist_desktop.core.download.downloader import download
from mnist_desktop.core.download.http import _socket_of
from mnist_desktop.core.errors import DownloadError

NAME = TEST_FILES[0].name  # the first file a download fetches


def test_wrong_present_file_survives_until_a_verified_copy_replaces_it(server, tmp_path):
    folder = tmp_path / "mnist"
    folder.mkdir()
    (folder / NAME).write_bytes(b"my own labels")
    with pytest.raises(DownloadError) as failed:
        download("mnist", "test", tmp_path, mirrors=[server.url("missing"), server.url("wrong")])
    assert f"{folder / NAME} is still the earlier file" in str(failed.value)
    assert (folder / NAME).read_bytes() == b"my own labels"
    download("mnist", "test", tmp_path, mirrors=[server.url("good")])
    assert_verified(folder)


def test_trickling_mirror_is_given_up_and_the_next_one_used(server, tmp_path):
    """1 byte every 20 ms never trips a 0.3 s read timeout; the rate deadline does."""
    lines = []
    download("mnist", "test", tmp_path, mirrors=[server.url("trickle"), server.url("good")], timeout=0.3,
             notify=lines.append)
    assert_verified(tmp_path / "mnist")
    stalled = [line for line in lines if line.startswith(server.url("trickle")) and "stalled" in line]
    assert len(stalled) == len(TEST_FILES) and all("bytes/s" in line for line in stalled)  # once per file


def test_trickle_only_fails_with_the_reason(server, tmp_path):
    with pytest.raises(DownloadError, match="stalled"):
        download("mnist", "test", tmp_path, mirrors=[server.url("trickle")], timeout=0.3)
    assert leftovers(tmp_path / "mnist") == []


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX signals")
def test_partial_file_of_a_killed_download_is_removed_by_the_next_run(server, tmp_path, paused):
    folder = tmp_path / "mnist"
    child = paused(["download", "--split", "test", "--data-dir", str(tmp_path), "--mirror", server.url("good")],
                   "download.writing")
    assert any(n.endswith(".part") for n in leftovers(folder))
    assert child.kill(signal.SIGKILL)[0] == -signal.SIGKILL
    again = run_cli("download", "--split", "test", "--data-dir", str(tmp_path), "--mirror", server.url("good"))
    assert again.returncode == 0, again.stderr
    assert "removed the partial download of an interrupted run" in again.stderr
    assert_verified(folder)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX signals")
def test_sigterm_mid_download_removes_the_partial_file(server, tmp_path, paused):
    child = paused(["download", "--split", "test", "--data-dir", str(tmp_path), "--mirror", server.url("good")],
                   "download.writing")
    rc, err = child.kill(signal.SIGTERM)
    assert rc == 143 and "error: stopped by SIGTERM" in err and "Traceback" not in err
    assert leftovers(tmp_path / "mnist") == []


def test_non_http_reply_reads_as_such(tmp_path, capsys):
    srv = NotHttpServer().start()
    try:
        assert main(["download", "--split", "test", "--data-dir", str(tmp_path), "--mirror", srv.url(),
                     "--timeout", "5"]) == 1
    finally:
        srv.stop()
    err = capsys.readouterr().err
    assert "the reply is not HTTP (it starts with 'SSH-2.0-OpenSSH" in err
    assert "BadStatusLine" not in err and "Connection aborted" not in err


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e308", "0", "-1"])
def test_absurd_timeout_is_a_usage_error(value, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["download", f"--timeout={value}"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "--timeout must be a number of seconds" in err and "Traceback" not in err


def test_urllib3_internals_the_cancel_relies_on_are_still_there(server):
    """``abort_read_on_cancel`` shuts the socket of a streamed response down; it finds the socket
    through private urllib3 attributes. If an upgrade moves them, cancel would hang until the
    timeout: this test fails first."""
    with requests.get(server.url("good") + NAME, stream=True, timeout=5) as response:
        sock = _socket_of(response)
        assert isinstance(sock, socket.socket) and sock.fileno() >= 0
        assert sock.getpeername()[1] == server.port
