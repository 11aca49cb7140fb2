"""``mnist-desktop evaluate``: text and JSON reports, --out, the error contract."""

from __future__ import annotations

import json

import numpy as np
import pytest

from mnist_desktop.cli import main
from mnist_files import sample_rows, write_mnist

KEYS = {"accuracy", "per_class", "macro", "weighted", "confusion", "n_train", "n_test", "holdout", "seconds", "recipe"}


@pytest.fixture(scope="module")
def small_folder(tmp_path_factory, sample_dataset):
    """A folder with MNIST-style train (400) and test (200) files cut from the sample."""
    return write_mnist(tmp_path_factory.mktemp("small"), train=sample_rows(sample_dataset, slice(0, 400)),
                       test=sample_rows(sample_dataset, slice(400, 600)), gz=False)


def test_json_report_has_the_stable_keys(small_folder, capsys):
    assert main(["evaluate", "--source", str(small_folder), "--json", "--copies", "2", "--rotation", "10"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert KEYS <= set(d)
    assert (d["n_train"], d["n_test"]) == (800, 200)
    assert d["recipe"]["augment"]["copies"] == 2 and d["recipe"]["augment"]["rotation"] == 10
    assert set(d["per_class"]["7"]) == {"precision", "recall", "f1", "support"}
    assert sum(c["support"] for c in d["per_class"].values()) == 200 == np.sum(d["confusion"])
    assert np.trace(d["confusion"]) / 200 == pytest.approx(d["accuracy"])
    assert "test split" in d["holdout"]


def test_text_report_and_out_file(small_folder, tmp_path, capsys):
    out = tmp_path / "report.json"
    assert main(["evaluate", "--source", str(small_folder), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    d = json.loads(out.read_text())
    assert f"accuracy {d['accuracy']:.4f}" in text
    assert "confusion matrix (rows: true class, columns: predicted class)" in text
    assert text.count("\n") > 25 and KEYS <= set(d)
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


@pytest.mark.slow
def test_sample_holdout_json(capsys):
    assert main(["evaluate", "--source", "sample", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["accuracy"] >= 0.95 and d["n_train"] + d["n_test"] == 10_000
    assert "hold-out" in d["holdout"]


def test_bad_recipe_file_is_one_error_line(tmp_path, capsys):
    bad = tmp_path / "r.json"
    bad.write_text('{"version": 1, "augment": {"copies": -3}}')
    assert main(["evaluate", "--recipe", str(bad), "--out", str(tmp_path / "o.json")]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {bad}: augment.copies") and err.count("\n") == 1
    assert not (tmp_path / "o.json").exists()


def test_bad_flag_value_names_the_flag(capsys):
    assert main(["evaluate", "--rotation", "400"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: --rotation") and err.count("\n") == 1


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["evaluate", "--scale", "big"])
    assert exc.value.code == 2
    assert "expected LO,HI" in capsys.readouterr().err


def test_missing_source_and_out_folder(tmp_path, capsys):
    assert main(["evaluate", "--source", str(tmp_path / "nope")]) == 1
    assert capsys.readouterr().err.startswith(f"error: {tmp_path / 'nope'}")
    assert main(["evaluate", "--out", str(tmp_path / "no" / "r.json")]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {tmp_path / 'no' / 'r.json'}") and err.count("\n") == 1


@pytest.mark.slow
def test_model_patch_json(small_folder, capsys):
    assert main(["evaluate", "--source", str(small_folder), "--json", "--model", "patch"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert KEYS <= set(d) and "patch features" in d["model"]
    assert (d["n_train"], d["n_test"]) == (400, 200) and d["accuracy"] > 0.8
    assert main(["evaluate", "--source", str(small_folder), "--json"]) == 0
    assert "random ReLU features" in json.loads(capsys.readouterr().out)["model"]


def test_unknown_model_is_a_usage_error(small_folder, capsys):
    with pytest.raises(SystemExit) as e:
        main(["evaluate", "--source", str(small_folder), "--model", "cnn"])
    assert e.value.code == 2 and "--model" in capsys.readouterr().err
