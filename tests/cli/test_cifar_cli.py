"""``mnist-desktop download --dataset cifar-10|cifar-100`` and ``--labels fine|coarse``.

A real HTTP server on 127.0.0.1 serves CIFAR-style archives; the catalog is
patched to expect their size and SHA-256.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from cifar_archives import N_TEST, N_TRAIN, cifar10_archive, cifar100_archive, expecting
from http_mirror import MirrorServer
from mnist_desktop.cli import main
from mnist_desktop.core.catalog import CATALOG

C10, C100 = "cifar-10-python.tar.gz", "cifar-100-python.tar.gz"


@pytest.fixture
def server(tmp_path_factory, sample_dataset, monkeypatch):
    root = tmp_path_factory.mktemp("archives")
    files = {C10: cifar10_archive(root / "10", sample_dataset), C100: cifar100_archive(root / "100", sample_dataset)}
    srv = MirrorServer(files).start()
    for key, name in (("cifar-10", C10), ("cifar-100", C100)):
        monkeypatch.setitem(CATALOG, key, expecting(key, files[name], (srv.url("good"),)))
    yield srv
    srv.stop()


def test_download_cifar10_then_info_opens_it(server, tmp_path, capsys):
    assert main(["download", "--dataset", "cifar-10", "--data-dir", str(tmp_path),
                 "--mirror", server.url("html"), "--mirror", server.url("good")]) == 0
    out, err = capsys.readouterr()
    folder = tmp_path / "cifar-10"
    assert "1 file (" in out and f"verified in {folder}" in out and f"--source {folder}" in out
    assert f"{server.url('html')}{C10}: served an HTML page" in err and "extracted" in err
    assert main(["info", "--source", str(folder), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["dataset"] == "cifar10" and report["total"] == N_TRAIN + N_TEST
    assert report["splits"]["train"]["shape"] == [N_TRAIN, 32, 32, 3]
    assert report["class_names"][1] == "automobile"
    assert main(["info", "--source", str(folder)]) == 0
    classes = capsys.readouterr().out.splitlines()[3]
    assert "automobile" in classes and classes.endswith("(classes from the CIFAR meta file)")


def test_download_cifar100_split_note_and_coarse_labels(server, tmp_path, capsys):
    assert main(["download", "--dataset", "cifar-100", "--split", "test", "--data-dir", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert "note: CIFAR-100 comes as one archive of both splits" in err
    assert "--labels coarse" in out
    folder = tmp_path / "cifar-100"
    assert main(["info", "--source", str(folder), "--labels", "coarse", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert len(report["class_names"]) == 20 and any("coarse" in n for n in report["notes"])

    npz = tmp_path / "coarse.npz"
    assert main(["export", "--source", str(folder), "--labels", "coarse", "--out", str(npz), "--format", "npz"]) == 0
    fine = tmp_path / "fine.npz"
    assert main(["export", "--source", str(folder), "--out", str(fine), "--format", "npz"]) == 0
    with np.load(npz) as c, np.load(fine) as f:
        assert c["y_train"].max() < 20 and f["y_train"].max() >= 20
        np.testing.assert_array_equal(c["y_train"], f["y_train"] // 5)
        np.testing.assert_array_equal(c["x_train"], f["x_train"])


def test_coarse_labels_on_data_with_one_label_set_is_one_error(tmp_path, capsys):
    assert main(["check", "--source", "sample", "--labels", "coarse"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: sample: coarse labels are CIFAR-100's 20 superclasses") and err.count("\n") == 1


def test_labels_flag_usage_and_help(capsys):
    with pytest.raises(SystemExit) as info:
        main(["info", "--source", "sample", "--labels", "superclass"])
    assert info.value.code == 2
    for command in ("info", "check", "export", "evaluate", "map"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        text = " ".join(capsys.readouterr().out.split())
        assert "--labels {fine,coarse}" in text and "CIFAR-100's 20 superclasses" in text, command


def test_check_on_colour_data_says_how_far_to_trust_the_ranking(tmp_path, sample_dataset, mnist_folder, capsys):
    from colour_data import cifar10_python, coloured_mnist

    x, y = coloured_mnist(sample_dataset, 200, seed=1)
    cifar10_python(tmp_path / "c", x[:150], y[:150], x[150:], y[150:])
    assert main(["check", "--source", str(tmp_path / "c"), "--json"]) == 0
    out, err = capsys.readouterr()
    note = json.loads(out)["trust_note"]
    assert note.startswith("Colour data: trust this ranking less") and "grey:" in note
    assert f"note: {note}" in err
    grey = mnist_folder("grey", test=(sample_dataset.images[:200], sample_dataset.labels[:200]))
    assert main(["check", "--source", str(grey), "--top", "3"]) == 0
    out, err = capsys.readouterr()
    assert "trust" not in err and "trust" not in out


def test_cut_archive_exit_1_one_error_line_nothing_left(server, tmp_path, capsys):
    assert main(["download", "--dataset", "cifar-10", "--data-dir", str(tmp_path), "--timeout", "0.5",
                 "--mirror", server.url("cut")]) == 1
    err = capsys.readouterr().err
    assert [line for line in err.splitlines() if line.startswith("error:")] == [
        f"error: could not download {C10} from any of 1 mirror (reasons above)"]
    assert f"{server.url('cut')}{C10}: connection closed after" in err and "Traceback" not in err
    assert sorted(p.name for p in (tmp_path / "cifar-10").iterdir()) == []
