"""Issue 27: the desktop app's Save actions follow the output rule (core/output.py).

The save dialog has already asked before replacing a file, so an existing
file is replaced; an input of the data on screen or an export's manifest is
still refused, the file stays byte-identical and the error says why.
"""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt

from formats_data import kaggle_csv
from mnist_desktop.cli import main as cli_main

NOTES = b"my notes\n"


@pytest.fixture
def csv_window(make_window, qtbot, tmp_path, sample_dataset):
    s = sample_dataset.splits["test"]
    src = kaggle_csv(tmp_path / "src.csv", s.images[:300], s.labels[:300])
    w = make_window()
    with qtbot.waitSignal(w.dataset_loaded, timeout=20000):
        w.open_source(str(src))
    return w, src


def test_save_recipe_never_over_the_data_on_screen_or_a_manifest(csv_window, tmp_path):
    window, src = csv_window
    before = src.read_bytes()
    assert not window.recipe.save_recipe(str(src))
    assert window.last_error.startswith(f"{src} is one of the inputs being read; refusing to write the recipe")
    assert src.read_bytes() == before

    assert cli_main(["export", "--out", str(tmp_path / "e.npz"), "--format", "npz", "--normalize", "none"]) == 0
    man = tmp_path / "e.npz.manifest.json"
    manifest = man.read_bytes()
    assert not window.recipe.save_recipe(str(man))
    assert window.last_error.startswith(f"{man} is the manifest of an mnist-desktop export")
    assert man.read_bytes() == manifest

    notes = tmp_path / "notes.txt"  # the save dialog asked "replace?" and the user said yes
    notes.write_bytes(NOTES)
    assert window.recipe.save_recipe(str(notes))
    assert json.loads(notes.read_text())["version"] == 1


def test_save_report_never_over_the_data_on_screen(csv_window, qtbot, tmp_path):
    window, src = csv_window
    ev = window.evaluate
    window.docks["evaluate"].raise_()
    qtbot.mouseClick(ev.panel.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(ev.runs) == 1, timeout=120000)
    qtbot.waitUntil(lambda: not ev.job.running, timeout=10000)
    before = src.read_bytes()
    assert not ev.save_report(str(src))
    assert window.last_error.startswith(f"{src} is one of the inputs being read; refusing to write the evaluation")
    assert src.read_bytes() == before
    assert ev.save_report(str(tmp_path / "r.json"))
    assert json.loads((tmp_path / "r.json").read_text())["accuracy"] == ev.report.accuracy


def test_copied_command_never_replaces_a_foreign_recipe_file(csv_window, tmp_path):
    window, _src = csv_window
    dialog = window.recipe.open_export_dialog()
    out = tmp_path / "out.npz"
    foreign = tmp_path / "out.npz.recipe.json"
    foreign.write_bytes(NOTES)
    dialog.path.setText(str(out))
    assert dialog.copy_command() == ""
    assert f"{foreign} exists and is not an earlier mnist-desktop recipe" in dialog.summary.text()
    assert foreign.read_bytes() == NOTES
    foreign.unlink()
    assert dialog.copy_command().startswith("mnist-desktop export")
    assert dialog.copy_command()  # its own recipe from the first copy is replaced
    assert json.loads(foreign.read_text())["version"] == 1
    dialog.close()


def test_export_dialog_keeps_a_users_file_in_an_earlier_export_folder(csv_window, tmp_path):
    """Issue 27 item 6 in the app: refused before any overwrite question, naming the file."""
    window, src = csv_window
    out = tmp_path / "exp"
    assert cli_main(["export", "--source", str(src), "--out", str(out), "--format", "npy", "--normalize", "none"]) == 0
    mine = out / "my_notes.txt"
    mine.write_bytes(NOTES)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    dialog = window.recipe.open_export_dialog()
    dialog.format.setCurrentIndex(dialog.format.findData("npy"))
    dialog.path.setText(str(out))
    asked = []
    dialog.ask_overwrite = lambda path: asked.append(path) or True
    dialog.start()
    assert not asked and not dialog.running
    assert f"{mine} is not part of the earlier export" in dialog.summary.text()
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    dialog.close()
