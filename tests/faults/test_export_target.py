"""Issue 17, case 1: an export replaces only an earlier export, never a user's file or its own input."""

from __future__ import annotations

import json

import pytest

from fault_support import snapshot
from mnist_desktop.cli import main
from mnist_desktop.core.formats.load import load_dataset
from mnist_desktop.core.errors import TargetExistsError, UnsafeTargetError
from mnist_desktop.core.export.exporter import check_target, export
from mnist_desktop.core.processing.recipe import Recipe

FAST = ["--normalize", "none"]


def _export(*args: str) -> list[str]:
    return ["export", *FAST, *args]


def test_npz_force_never_replaces_the_source_file(source_dir, capsys):
    """The reported data loss: --out pointing at an input file with --force."""
    target = source_dir / "t10k-images-idx3-ubyte.gz"
    before = snapshot(source_dir)
    assert main(_export("--source", str(source_dir), "--out", str(target), "--format", "npz", "--force")) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"error: {target}") and "Traceback" not in err
    assert snapshot(source_dir) == before


def test_npz_force_never_replaces_a_file_that_is_not_an_export(tmp_path, capsys):
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n")
    assert main(_export("--out", str(notes), "--format", "npz", "--force")) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {notes} exists and is not an mnist-desktop export")
    assert notes.read_text() == "my notes\n" and sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


@pytest.mark.parametrize("force", [False, True])
def test_an_unrelated_manifest_beside_the_target_is_never_overwritten(tmp_path, capsys, force):
    out = tmp_path / "data.npz"
    foreign = tmp_path / "data.npz.manifest.json"
    foreign.write_text('{"mine": true}\n')
    assert main(_export("--out", str(out), "--format", "npz", *(["--force"] if force else []))) == 1
    assert f"error: {foreign} exists and is not the manifest" in capsys.readouterr().err
    assert foreign.read_text() == '{"mine": true}\n' and not out.exists()


def test_an_earlier_npz_export_is_replaced_with_force_only(tmp_path, capsys):
    out = tmp_path / "data.npz"
    assert main(_export("--out", str(out), "--format", "npz")) == 0
    first = snapshot(tmp_path)
    assert main(_export("--out", str(out), "--format", "npz", "--rotation", "5")) == 1
    assert "--force" in capsys.readouterr().err and snapshot(tmp_path) == first
    assert main(_export("--out", str(out), "--format", "npz", "--rotation", "5", "--force")) == 0
    man = json.loads((tmp_path / "data.npz.manifest.json").read_text())
    assert man["recipe"]["augment"]["rotation"] == 5 and snapshot(tmp_path)["data.npz"] != first["data.npz"]


def test_a_folder_export_may_not_replace_the_folder_it_reads(tmp_path, capsys):
    """An idx export is a loadable dataset; exporting it onto itself would delete the input."""
    out = tmp_path / "idx"
    assert main(_export("--out", str(out), "--format", "idx")) == 0
    before = snapshot(out)
    assert main(_export("--source", str(out), "--out", str(out), "--format", "png", "--force")) == 1
    assert "would replace its own input" in capsys.readouterr().err
    assert snapshot(out) == before


def test_api_raises_types_a_dialog_can_act_on(tmp_path, source_dir):
    """Force helps with TargetExistsError only; UnsafeTargetError is final. No message parsing."""
    ds = load_dataset(source_dir)
    with pytest.raises(UnsafeTargetError):
        export(ds, Recipe(), source_dir / "t10k-labels-idx1-ubyte.gz", "npz", overwrite=True)
    (tmp_path / "x.npz").write_bytes(b"PK\x03\x04 not mine")
    with pytest.raises(UnsafeTargetError):
        check_target(tmp_path / "x.npz", "npz", overwrite=True)
    export(ds, Recipe(), tmp_path / "y.npz", "npz")
    with pytest.raises(TargetExistsError):
        check_target(tmp_path / "y.npz", "npz", overwrite=False)
    check_target(tmp_path / "y.npz", "npz", overwrite=True)
