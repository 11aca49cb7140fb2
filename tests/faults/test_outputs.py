"""Issue 27 items 1-4, 6, 12 and issue 23 item 11: every file the tool writes follows one output rule.

Each data-loss case of the issue: the target stays byte-identical and the one
``error:`` line says why. The rule (core/output.py): atomic, never an input
(symlinks and hard links resolved) or an export manifest, an existing file
only when it is our own earlier output of that kind or with --force, mode
0666 & ~umask.
"""

from __future__ import annotations

import json
import os
import stat

import numpy as np
import pytest

from fault_support import snapshot
from formats_data import kaggle_csv
from mnist_desktop.cli import main
from mnist_desktop.core.draw.pictures import Picture
from mnist_desktop.core.draw.png import is_our_picture
from mnist_desktop.core.errors import TargetExistsError, UnsafeTargetError
from mnist_desktop.core.export.exporter import export
from mnist_desktop.core.formats.load import load_dataset
from mnist_desktop.core.map.model import Map, MapParams, is_map_file
from mnist_desktop.core.output import write_output
from mnist_desktop.core.processing.recipe import Recipe

FAST = ["--normalize", "none"]
NOTES = b"my notes: do not lose these\n"


@pytest.fixture
def src_csv(tmp_path, sample_dataset):
    s = sample_dataset.splits["test"]
    return kaggle_csv(tmp_path / "src.csv", s.images[:200], s.labels[:200])


@pytest.fixture
def src_npz(tmp_path, small_source, capsys):
    out = tmp_path / "src.npz"
    assert main(["export", "--source", str(small_source), "--out", str(out), "--format", "npz", *FAST]) == 0
    capsys.readouterr()
    return out


@pytest.fixture
def notes(tmp_path):
    p = tmp_path / "important.txt"
    p.write_bytes(NOTES)
    return p


@pytest.fixture
def umask():
    """Set the process umask for one test; the previous one comes back."""
    old = os.umask(0o022)
    yield lambda mask: os.umask(mask)
    os.umask(old)


def _error(capsys, code: int, expected: int = 1) -> str:
    assert code == expected
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("\n") == 1 and err.startswith("error: "), err
    return err.strip()


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# ---------------------------------------------------------------------- 1: gui --screenshot
def test_1_screenshot_never_truncates_a_file_that_is_not_a_picture_of_ours(notes, capsys):
    line = _error(capsys, main(["gui", "--source", "sample", "--screenshot", str(notes)]))
    assert line == (f"error: {notes} exists and is not an earlier mnist-desktop screenshot; refusing to replace "
                    "it: choose another name, or replace it explicitly (--force)")
    assert notes.read_bytes() == NOTES


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_1_screenshot_never_over_its_own_source(src_csv, capsys, force):
    before = src_csv.read_bytes()
    line = _error(capsys, main(["gui", "--source", str(src_csv), "--screenshot", str(src_csv), *force]))
    assert line.startswith(f"error: {src_csv} is one of the inputs being read; refusing to write the screenshot")
    assert src_csv.read_bytes() == before


@pytest.mark.slow
def test_1_screenshot_replaces_its_own_picture_and_refuses_a_file_in_an_image_folder(tmp_path, umask):
    """Two real screenshots (subprocesses): over our earlier picture (0644 with umask 022), then into the
    image folder it shows, which is known only after loading."""
    import subprocess
    import sys

    from formats_data import image_folder

    shot = tmp_path / "shot.png"
    Picture(np.zeros((4, 4, 3), np.uint8)).save(shot)  # an earlier picture of ours: replaced without --force
    umask(0o022)
    run = subprocess.run([sys.executable, "-m", "mnist_desktop", "gui", "--source", "sample", "--screenshot",
                          str(shot), "--size", "800x600"], capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stderr
    assert shot.stat().st_size > 10_000 and is_our_picture(shot) and _mode(shot) == 0o644

    folder = image_folder(tmp_path / "digits", np.zeros((4, 28, 28), np.uint8), np.array([0, 0, 1, 1]))
    inside = folder / "0" / "img0000.png"
    before = snapshot(folder)
    run = subprocess.run([sys.executable, "-m", "mnist_desktop", "gui", "--source", str(folder), "--screenshot",
                          str(inside), "--force", "--size", "800x600"], capture_output=True, text=True, timeout=180)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert run.stderr.strip() == (f"error: {inside} is inside the input folder {folder}; refusing "
                                  "to write the screenshot there, even with --force: choose another name")
    assert snapshot(folder) == before


# ---------------------------------------------------------------------- 2: evaluate --out
@pytest.mark.parametrize("which", ["csv", "npz"])
@pytest.mark.parametrize("force", [[], ["--force"]])
def test_2_evaluate_never_replaces_its_source(request, capsys, which, force):
    src = request.getfixturevalue(f"src_{which}")
    before = src.read_bytes()
    line = _error(capsys, main(["evaluate", "--source", str(src), "--out", str(src), *force]))
    assert line.startswith(f"error: {src} is one of the inputs being read; refusing to write the evaluation report")
    assert src.read_bytes() == before


def test_2_evaluate_replaces_an_earlier_report_but_an_unrelated_json_only_with_force(tmp_path, src_csv, capsys):
    foreign = tmp_path / "report.json"
    foreign.write_text('{"mine": 1}\n')
    line = _error(capsys, main(["evaluate", "--source", str(src_csv), "--out", str(foreign)]))
    assert line.startswith(f"error: {foreign} exists and is not an earlier mnist-desktop evaluation report")
    assert "--force" in line and foreign.read_text() == '{"mine": 1}\n'

    assert main(["evaluate", "--source", str(src_csv), "--out", str(foreign), "--force"]) == 0
    first = json.loads(foreign.read_text())
    assert "accuracy" in first
    assert main(["evaluate", "--source", str(src_csv), "--out", str(foreign), "--seed", "3"]) == 0  # ours: no --force
    assert json.loads(foreign.read_text())["recipe"]["seed"] == 3


def test_2_a_hard_link_or_symlink_to_the_source_is_the_source(tmp_path, src_csv, capsys):
    hard, soft = tmp_path / "hard.csv", tmp_path / "soft.json"
    os.link(src_csv, hard)
    soft.symlink_to(src_csv)
    before = src_csv.read_bytes()
    for target in (hard, soft):
        line = _error(capsys, main(["evaluate", "--source", str(src_csv), "--out", str(target), "--force"]))
        assert line.startswith(f"error: {target} is the same file as the input {src_csv}")
    assert src_csv.read_bytes() == before and soft.is_symlink()


# ---------------------------------------------------------------------- 3: map --out / --png
MAP = ["map", "--epochs", "5", "--no-cache"]


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_3_map_never_replaces_its_source(src_csv, capsys, force):
    before = src_csv.read_bytes()
    line = _error(capsys, main([*MAP, "--source", str(src_csv), "--out", str(src_csv), *force]))
    assert line.startswith(f"error: {src_csv} is one of the inputs being read; refusing to write the map")
    assert src_csv.read_bytes() == before


def test_3_map_never_replaces_a_data_file_of_a_source_folder(tmp_path, small_source, capsys):
    exp = tmp_path / "exp"
    assert main(["export", "--source", str(small_source), "--out", str(exp), "--format", "npy", *FAST]) == 0
    capsys.readouterr()
    before = snapshot(exp)
    target = exp / "x_test.npy"
    line = _error(capsys, main([*MAP, "--source", str(exp), "--out", str(target), "--force"]))
    assert line == (f"error: {target} is part of an mnist-desktop export (listed in {exp / 'manifest.json'}); "
                    "refusing to replace it with the map, even with --force: choose another name")
    assert snapshot(exp) == before
    (exp / "manifest.json").unlink()  # no longer an export: still an input of the map, known once it is read
    line = _error(capsys, main([*MAP, "--source", str(exp), "--out", str(target), "--force"]))
    assert line.startswith(f"error: {target} is one of the inputs being read; refusing to write the map")
    assert (exp / "x_test.npy").read_bytes() == before["x_test.npy"]


def test_3_map_png_replaces_only_its_own_picture_without_force(tmp_path, src_csv, capsys):
    from PIL import Image

    photo = tmp_path / "photo.png"
    Image.new("RGB", (8, 8), (200, 30, 30)).save(photo)
    before = photo.read_bytes()
    out = tmp_path / "map.csv"
    line = _error(capsys, main([*MAP, "--source", str(src_csv), "--out", str(out), "--png", str(photo)]))
    assert line.startswith(f"error: {photo} exists and is not an earlier mnist-desktop map picture")
    assert photo.read_bytes() == before and not out.exists()

    assert main([*MAP, "--source", str(src_csv), "--out", str(out), "--png", str(photo), "--force"]) == 0
    assert is_our_picture(photo) and is_map_file(out)
    assert main([*MAP, "--source", str(src_csv), "--out", str(out), "--png", str(photo), "--seed", "1"]) == 0
    capsys.readouterr()
    notes = tmp_path / "notes.csv"
    notes.write_bytes(NOTES)
    line = _error(capsys, main([*MAP, "--source", str(src_csv), "--out", str(notes)]))
    assert line.startswith(f"error: {notes} exists and is not an earlier mnist-desktop map")
    assert notes.read_bytes() == NOTES


def test_3_map_save_from_python_names_force(tmp_path, sample_dataset):
    m = Map.from_coords(sample_dataset, np.zeros((len(sample_dataset), 2), np.float32), MapParams())
    target = tmp_path / "m.npy"
    target.write_bytes(NOTES)
    with pytest.raises(TargetExistsError, match=r"force=True"):
        m.save(target)
    assert target.read_bytes() == NOTES
    m.save(target, force=True)
    assert is_map_file(target)
    m.save(target)  # an earlier map of ours


# ---------------------------------------------------------------------- 4: export --save-recipe
def _export_args(tmp_path, src, *more):
    return ["export", "--source", str(src), "--out", str(tmp_path / "o.npz"), "--format", "npz", *FAST, *more]


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_4_save_recipe_never_replaces_the_source(tmp_path, src_csv, capsys, force):
    before = src_csv.read_bytes()
    line = _error(capsys, main(_export_args(tmp_path, src_csv, "--save-recipe", str(src_csv), *force)))
    assert line.startswith(f"error: {src_csv} is one of the inputs being read; refusing to write the recipe")
    assert src_csv.read_bytes() == before and not (tmp_path / "o.npz").exists()


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_4_save_recipe_never_replaces_an_export_manifest(tmp_path, src_csv, src_npz, capsys, force):
    man = src_npz.with_name(src_npz.name + ".manifest.json")
    before = snapshot(tmp_path)
    line = _error(capsys, main(_export_args(tmp_path, src_csv, "--save-recipe", str(man), *force)))
    assert line == (f"error: {man} is the manifest of an mnist-desktop export; refusing to replace it with the "
                    f"recipe, even with --force: choose another name")
    assert snapshot(tmp_path) == before


def test_4_no_output_replaces_the_data_of_an_earlier_export(tmp_path, src_csv, src_npz, small_source, capsys):
    """One --force is for --out; it never lets --save-recipe (or any output) replace an export's data."""
    folder = tmp_path / "exp"
    assert main(["export", "--source", str(small_source), "--out", str(folder), "--format", "png", *FAST]) == 0
    capsys.readouterr()
    before = snapshot(tmp_path)
    png = next(iter(sorted((folder / "test").rglob("*.png"))))
    for target, manifest in ((src_npz, f"{src_npz}.manifest.json"), (png, folder / "manifest.json")):
        line = _error(capsys, main(_export_args(tmp_path, src_csv, "--save-recipe", str(target), "--force")))
        assert line == (f"error: {target} is part of an mnist-desktop export (listed in {manifest}); refusing to "
                        "replace it with the recipe, even with --force: choose another name")
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("fmt,name", [("npz", "o.npz.manifest.json"), ("npz", "o.npz"), ("npy", "o/r.json")])
def test_4_save_recipe_is_never_the_export_itself(tmp_path, capsys, fmt, name):
    out = tmp_path / "o"
    target = tmp_path / name
    code = main(["export", "--out", str(out if fmt == "npy" else tmp_path / "o.npz"), "--format", fmt, *FAST,
                 "--save-recipe", str(target), "--force"])
    line = _error(capsys, code)
    assert line.startswith(f"error: {target}: --save-recipe names the export itself")
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_4_save_recipe_replaces_a_recipe_but_a_text_file_only_with_force(tmp_path, src_csv, notes, capsys):
    line = _error(capsys, main(_export_args(tmp_path, src_csv, "--save-recipe", str(notes))))
    assert line.startswith(f"error: {notes} exists and is not an earlier mnist-desktop recipe")
    assert notes.read_bytes() == NOTES and not (tmp_path / "o.npz").exists()
    r = tmp_path / "r.json"
    Recipe().save(r)
    assert main(_export_args(tmp_path, src_csv, "--save-recipe", str(r), "--rotation", "7")) == 0
    assert Recipe.load(r).augment.rotation == 7


def test_4_recipe_save_from_python(tmp_path, notes):
    with pytest.raises(TargetExistsError, match=r"force=True"):
        Recipe().save(notes)
    assert notes.read_bytes() == NOTES
    Recipe().save(notes, force=True)
    assert Recipe.load(notes) == Recipe()


# ---------------------------------------------------------------------- 6: user files in export folders
@pytest.mark.parametrize("fmt,where", [("npy", "my_notes.txt"), ("png", "test/3/my_notes.txt")])
def test_6_a_users_file_inside_an_export_folder_is_kept(tmp_path, small_source, capsys, fmt, where):
    out = tmp_path / "exp"
    args = ["export", "--source", str(small_source), "--out", str(out), "--format", fmt, *FAST]
    assert main(args) == 0
    capsys.readouterr()
    mine = out / where
    mine.write_bytes(NOTES)
    before = snapshot(out)
    line = _error(capsys, main([*args, "--force", "--rotation", "5"]))
    assert line == (f"error: {mine} is not part of the earlier export in {out} (its manifest.json does not list it); "
                    "refusing to replace the folder, even with --force: move the file out or choose another folder")
    assert snapshot(out) == before
    with pytest.raises(UnsafeTargetError, match="my_notes.txt"):
        export(load_dataset(str(small_source)), Recipe(), out, fmt, overwrite=True)
    mine.unlink()
    assert main([*args, "--force", "--rotation", "5"]) == 0


# ---------------------------------------------------------------------- 12: --out . / --out ''
@pytest.mark.parametrize("args,flag", [
    (["map", "--out", "."], "--out"),
    (["map", "--out", ""], "--out"),
    (["map", "--out", "m.csv", "--png", "."], "--png"),
    (["evaluate", "--out", "."], "--out"),
    (["evaluate", "--out", ""], "--out"),
    (["export", "--format", "npz", "--out", "."], "--out"),
    (["export", "--format", "npy", "--out", ""], "--out"),
    (["export", "--format", "npz", "--out", "x.npz", "--save-recipe", ".."], "--save-recipe"),
    (["gui", "--screenshot", "."], "--screenshot"),
])
def test_12_an_output_without_a_file_name_is_a_usage_error(args, flag, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exc:
        main(args)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and f"error: argument {flag}: " in err and "names no file" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["", ".", ".."])
def test_12_the_python_writers_refuse_no_file_name(name):
    for save in (Picture(np.zeros((2, 2, 3), np.uint8)).save, Recipe().save):
        with pytest.raises(UnsafeTargetError, match="names no file"):
            save(name)


# ---------------------------------------------------------------------- the rule itself
def test_a_write_that_fails_leaves_the_target_byte_identical(tmp_path):
    target = tmp_path / "map.npy"
    target.write_bytes(NOTES)

    def half_then_fail(f):
        f.write(b"half a file")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError) as exc:
        write_output(target, half_then_fail, kind="map", force=True)
    assert exc.value.filename == str(target)  # the user's path, never the temporary
    assert target.read_bytes() == NOTES and sorted(p.name for p in tmp_path.iterdir()) == ["map.npy"]


def test_picture_save_replaces_our_picture_and_other_files_only_with_force(tmp_path, notes):
    pic = Picture(np.full((3, 5, 3), 9, np.uint8))
    with pytest.raises(TargetExistsError, match=r"force=True"):
        pic.save(notes)
    assert notes.read_bytes() == NOTES
    target = tmp_path / "p.png"
    pic.save(target)
    pic.save(target)  # ours
    assert is_our_picture(target) and target.read_bytes() == pic.png


# ---------------------------------------------------------------------- issue 23 item 11: the umask
@pytest.mark.parametrize("mask", [0o022, pytest.param(0o077, marks=pytest.mark.slow),
                                  pytest.param(0o002, marks=pytest.mark.slow)])
def test_outputs_follow_the_umask_like_exports(tmp_path, src_csv, umask, mask, sample_dataset):
    umask(mask)
    expected = 0o666 & ~mask
    written = [tmp_path / n for n in ("r.json", "p.png", "m.csv", "m.npy", "m.png", "report.json", "e.npz",
                                      "saved.json", "e.npz.manifest.json")]
    Recipe().save(written[0])
    Picture(np.zeros((2, 2, 3), np.uint8)).save(written[1])
    assert main([*MAP, "--source", str(src_csv), "--out", str(written[2]), "--png", str(written[4])]) == 0
    Map.from_coords(sample_dataset, np.zeros((len(sample_dataset), 2), np.float32), MapParams()).save(written[3])
    assert main(["evaluate", "--source", str(src_csv), "--out", str(written[5])]) == 0
    assert main(["export", "--source", str(src_csv), "--out", str(written[6]), "--format", "npz", *FAST,
                 "--save-recipe", str(written[7])]) == 0
    assert {p.name: oct(_mode(p)) for p in written} == {p.name: oct(expected) for p in written}
