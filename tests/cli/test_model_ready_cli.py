"""``export`` and ``evaluate`` with --val-fraction, --test-fraction, --balance, --size, --fit, --channels."""

from __future__ import annotations

import json

import numpy as np
import pytest

from mnist_desktop.cli import main


def test_export_with_val_balance_and_target_shape_reproduces_via_its_manifest(tmp_path, capsys):
    out = tmp_path / "a.npz"
    assert main(["export", "--source", "sample", "--val-fraction", "0.1", "--test-fraction", "0.1",
                 "--balance", "oversample", "--size", "32", "--channels", "3", "--format", "npz",
                 "--out", str(out)]) == 0
    with np.load(out) as z:
        shapes = {k: z[k].shape for k in z}
        y_train = z["y_train"]
    assert shapes["x_val"] == (1000, 32, 32, 3) and shapes["x_test"] == (1000, 32, 32, 3)
    assert len(set(np.bincount(y_train).tolist())) == 1  # balanced
    again = tmp_path / "b.npz"
    assert main(["export", "--source", "sample", "--recipe", str(tmp_path / "a.npz.manifest.json"),
                 "--format", "npz", "--out", str(again)]) == 0
    assert out.read_bytes() == again.read_bytes()


def test_a_bad_value_is_named_with_exit_1(tmp_path, capsys):
    code = main(["export", "--source", "sample", "--format", "npz", "--out", str(tmp_path / "o.npz"),
                 "--val-fraction", "0.95"])
    assert code == 1 and "error: --val-fraction must be a number between 0 and 0.9" in capsys.readouterr().err


@pytest.mark.parametrize("flags, message", [
    (["--balance", "more"], "invalid choice: 'more'"),
    (["--size", "32x"], "expected N or WxH such as 32 or 224x224, got '32x'"),
])
def test_bad_usage_exits_2(tmp_path, capsys, flags, message):
    with pytest.raises(SystemExit) as exc:
        main(["export", "--source", "sample", "--format", "npz", "--out", str(tmp_path / "o.npz"), *flags])
    assert exc.value.code == 2 and message in capsys.readouterr().err


def test_evaluate_uses_train_to_val_and_says_so(capsys):
    assert main(["evaluate", "--source", "sample", "--val-fraction", "0.2", "--balance", "undersample",
                 "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["holdout"].startswith("train -> val")
    assert d["n_test"] == 2000 and d["recipe"]["sampling"]["val_fraction"] == 0.2
