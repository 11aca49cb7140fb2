"""``mnist-desktop check``: JSON and text output, planted problems, the error contract."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from mnist_desktop.cli import main
from mnist_files import write_mnist

N = 1500


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mnist_desktop", *args], capture_output=True, text=True)


@pytest.fixture(scope="module")
def planted_dir(tmp_path_factory, sample_dataset):
    """A test-split folder: 1,500 sample images plus a blank one and a relabelled copy of #7."""
    folder = tmp_path_factory.mktemp("planted")
    x, y = sample_dataset.images[:N], sample_dataset.labels[:N]
    images = np.concatenate([x, np.zeros((1, 28, 28), np.uint8), x[[7]]])
    labels = np.concatenate([y, [4], [(int(y[7]) + 1) % 10]]).astype(np.uint8)
    return write_mnist(folder, test=(images, labels)), int(y[7])


def test_check_json_ranks_planted_problems_first(planted_dir, capsys):
    folder, true_label = planted_dir
    assert main(["check", "--source", str(folder), "--top", "5", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["total"] == N + 2 and out["flagged"] >= 3 and len(out["samples"]) == 5
    assert out["reason_counts"]["blank"] == 1 and out["reason_counts"]["label-conflict"] == 2
    by_index = {s["index"]: s for s in out["samples"]}
    assert {N, N + 1, 7} <= set(by_index)
    copy = by_index[N + 1]
    assert copy["split"] == "test" and copy["suggested"] == true_label
    assert "mislabelled" in copy["reasons"] and "label-conflict" in copy["reasons"]
    assert by_index[N]["reasons"] == ["blank"] and by_index[N]["suggested"] is None
    # Within one split the first copy is kept; the later one points to it.
    assert copy["duplicate_of"] == {"split": "test", "index": 7, "global_index": 7, "label": true_label}
    assert by_index[7]["duplicate_of"] is None and by_index[7]["reasons"] == ["label-conflict"]
    assert [s["rank"] for s in out["samples"]] == [1, 2, 3, 4, 5]
    assert set(out["samples"][0]) >= {"rank", "index", "split", "label", "suggested", "score", "reasons"}


def test_check_text_table(planted_dir, capsys):
    folder, _ = planted_dir
    assert main(["check", "--source", str(folder)]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0].startswith(f"{N + 2:,} samples checked,") and "flagged" in lines[0]
    assert lines[2].split() == ["rank", "split", "index", "label", "suggest", "conf", "score", "reasons"]
    assert any(line.split()[2] == str(N) and line.endswith("blank") for line in lines[3:])
    assert "check " in captured.err  # progress went to stderr, not into the table


def test_check_help():
    out = run_cli("check", "--help")
    assert out.returncode == 0 and "usage: mnist-desktop check" in out.stdout and "--top" in out.stdout


def test_check_errors_follow_the_contract(tmp_path):
    out = run_cli("check", "--source", str(tmp_path / "missing"))
    assert out.returncode == 1 and out.stderr.startswith("error: ") and out.stderr.count("\n") == 1
    assert "Traceback" not in out.stderr
    out = run_cli("check", "--source", str(tmp_path))
    assert out.returncode == 1 and "no dataset found in this folder; expected MNIST-style IDX files" in out.stderr
    assert run_cli("check", "--top", "-3").returncode == 2
    assert run_cli("check", "--top", "many").returncode == 2


@pytest.mark.slow
def test_thorough_json_has_the_same_schema_and_finds_the_planted_problems(planted_dir, capsys):
    folder, true_label = planted_dir
    assert main(["check", "--source", str(folder), "--top", "5", "--json"]) == 0
    default = json.loads(capsys.readouterr().out)
    assert main(["check", "--source", str(folder), "--top", "5", "--json", "--thorough"]) == 0
    captured = capsys.readouterr()
    thorough = json.loads(captured.out)
    assert set(thorough) == set(default) and set(thorough["params"]) == set(default["params"])
    assert [set(s) for s in thorough["samples"]] == [set(s) for s in default["samples"]]
    assert thorough["params"]["thorough"] is True and default["params"]["thorough"] is False
    assert "(thorough)" in captured.err
    by_index = {s["index"]: s for s in thorough["samples"]}
    assert {N, N + 1, 7} <= set(by_index) and by_index[N + 1]["suggested"] == true_label
    assert thorough["reason_counts"]["blank"] == 1 and thorough["reason_counts"]["label-conflict"] == 2
