"""``mnist-desktop info``: text, JSON, and the error contract."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from mnist_desktop.cli import main

COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mnist_desktop", *args], capture_output=True, text=True)


def test_info_json_on_sample(capsys):
    assert main(["info", "--source", "sample", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    test = report["splits"]["test"]
    assert report["total"] == 10000 and report["dataset"] == "mnist"
    assert test["shape"] == [10000, 28, 28] and test["dtype"] == "uint8"
    assert test["label_counts"] == COUNTS
    assert test["pixels"]["min"] == 0 and test["pixels"]["max"] == 255
    assert round(test["pixels"]["mean"] / 255, 4) == 0.1325
    assert round(test["pixels"]["std"] / 255, 4) == 0.3105
    hashes = {f["path"].rsplit("/", 1)[-1]: f["sha256"] for f in test["files"]}
    assert hashes["t10k-labels-idx1-ubyte.gz"] == "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"


def test_info_text_on_files(sample_dir, capsys):
    assert main(["info", str(sample_dir / "t10k-labels-idx1-ubyte.gz")]) == 0
    out = capsys.readouterr().out
    assert "shape 10000 uint8" in out and "1: 1,135" in out


def test_info_bad_file_exit_1_one_line_no_traceback(tmp_path):
    bad = tmp_path / "train-images-idx3-ubyte.gz"
    bad.write_bytes(b"<!doctype html><html><title>Sign in</title></html>")
    out = run_cli("info", str(bad))
    assert out.returncode == 1
    assert out.stderr.startswith(f"error: {bad}: this is an HTML page")
    assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr


def test_info_missing_file_and_folder(tmp_path):
    out = run_cli("info", str(tmp_path / "missing.gz"))
    assert out.returncode == 1 and out.stderr == f"error: {tmp_path / 'missing.gz'}: No such file or directory\n"
    out = run_cli("info", "--source", str(tmp_path))
    assert out.returncode == 1 and "no dataset found in this folder; expected MNIST-style IDX files" in out.stderr


def test_usage_errors_exit_2():
    assert run_cli("info", "--bogus").returncode == 2
    assert run_cli("frobnicate").returncode == 2


@pytest.mark.parametrize("sub", ["info", "gui"])
def test_every_subcommand_has_help(sub):
    out = run_cli(sub, "--help")
    assert out.returncode == 0 and "usage: mnist-desktop" in out.stdout


def test_version():
    from mnist_desktop import __version__

    out = run_cli("--version")
    assert out.returncode == 0 and out.stdout.strip() == f"mnist-desktop {__version__}"
