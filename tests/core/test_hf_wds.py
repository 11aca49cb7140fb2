"""``--format hf`` and ``--format wds`` (issue 25): what ``datasets``, ``webdataset`` and ``tarfile`` read back.

Every pixel and label is compared with ``md.load_data`` / ``md.process`` of
the same recipe, the recipe read back from the export's own manifest.
"""

from __future__ import annotations

import gc
import glob
import io
import json
import os
import sys
import tarfile
import threading
import warnings
from pathlib import Path

import numpy as np
import PIL
import pytest
from PIL import Image

import mnist_desktop as md
from mnist_desktop.cli import main
from mnist_desktop.core.errors import Cancelled
from mnist_desktop.core.export.estimate import estimate
from mnist_desktop.core.export.exporter import export
from mnist_desktop.core.export.shards import TAR_END, ustar_header
from mnist_desktop.core.processing.normalize import NormParams, to_uint8
from mnist_desktop.core.processing.recipe import Recipe

from small_data import small

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # no test may reach the network (set before datasets is imported)
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
datasets = pytest.importorskip("datasets")
wds = pytest.importorskip("webdataset")

DONE_WHEN = ["export", "--source", "sample", "--val-fraction", "0.1", "--balance", "oversample", "--size", "32",
             "--channels", "3"]


def _load_hf(folder: Path, cache: Path):
    datasets.disable_progress_bars()
    return datasets.load_dataset("parquet", data_dir=str(folder), cache_dir=str(cache))


def _hf_images(rows) -> np.ndarray:
    """The image column as one array, decoded by ``datasets`` (which needs Pillow 9.4, above our floor of 9.2:
    on older Pillow, ``make test-min``, the PNG bytes datasets returns are decoded here)."""
    if tuple(int(p) for p in PIL.__version__.split(".")[:2]) >= (9, 4):
        return np.stack([np.asarray(im) for im in rows["image"]])
    raw = rows.cast_column("image", datasets.Image(decode=False))["image"]
    assert all(r["path"] is None for r in raw)
    return np.stack([np.asarray(Image.open(io.BytesIO(r["bytes"]))) for r in raw])


def _wds_samples(folder: Path, split: str) -> list[tuple[np.ndarray, int, dict]]:
    urls = sorted(glob.glob(str(folder / f"{split}-*.tar")))
    with warnings.catch_warnings():  # webdataset 1.0 leaves its shard files to the garbage collector
        warnings.simplefilter("ignore", ResourceWarning)
        pipe = wds.WebDataset(urls, shardshuffle=False, empty_check=False).decode("rgb8").to_tuple("png", "cls",
                                                                                                    "json")
        samples = list(pipe)
        del pipe
        gc.collect()
    return samples


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    """The issue's done-when command, once as hf and once as wds."""
    base = tmp_path_factory.mktemp("hfwds")
    for fmt in ("hf", "wds"):
        assert main([*DONE_WHEN, "--format", fmt, "--out", str(base / fmt)]) == 0
    return base


@pytest.fixture(scope="module")
def expected(exports):
    """{split: (x, y)} of the recipe in the hf export's manifest, computed in memory, as the uint8 a PNG holds.

    The default normalization scales to 0..1 float32; the PNGs hold round(255 x), the pixels after the
    target stage (what ``--format png`` writes too).
    """
    recipe = Recipe.load(exports / "hf" / "manifest.json")
    assert recipe.normalize.method == "scale"
    (x_train, y_train), _ = md.load_data("sample", recipe)
    x_val, y_val = md.process("sample", recipe)["val"]
    return {"train": (to_uint8(x_train, recipe.normalize), y_train), "val": (to_uint8(x_val, recipe.normalize), y_val)}


@pytest.mark.slow
def test_the_done_when_hf_export_is_what_datasets_reads(exports, expected, tmp_path):
    d = _load_hf(exports / "hf", tmp_path / "cache")
    assert set(d) == {"train", "val"}
    features = d["train"].features
    assert isinstance(features["image"], datasets.Image)
    assert isinstance(features["label"], datasets.ClassLabel)
    assert features["label"].names == list(md.load_dataset("sample").class_names)
    for split, (x, y) in expected.items():
        assert x.shape[1:] == (32, 32, 3) and x.dtype == np.uint8
        rows = d[split]
        assert len(rows) == len(x)
        assert np.array_equal(_hf_images(rows), x)
        assert np.array_equal(np.asarray(rows["label"]), y)
    assert len(expected["val"][0]) == 1000  # a 10 % val split of the 10,000 samples
    assert len(set(np.bincount(expected["train"][1]).tolist())) == 1  # oversampled: every class as big


@pytest.mark.slow
def test_the_done_when_wds_export_is_what_webdataset_and_tarfile_read(exports, expected):
    names = json.loads((exports / "wds" / "manifest.json").read_text())["dataset"]["class_names"]
    for split, (x, y) in expected.items():
        samples = _wds_samples(exports / "wds", split)
        assert len(samples) == len(x)
        assert np.array_equal(np.stack([s[0] for s in samples]), x)
        assert [s[1] for s in samples] == y.tolist()
        info = [s[2] for s in samples]
        assert [i["label"] for i in info] == y.tolist() == [i["original_label"] for i in info]
        assert [i["class_name"] for i in info] == [names[k] for k in y]
        # plain tarfile: three members per sample, .png/.cls/.json, the key without a dot
        with tarfile.open(exports / "wds" / f"{split}-000000.tar") as tar:
            members = tar.getmembers()
            assert len(members) == 3 * len(x)
            first = members[0].name[:-len(".png")]
            assert [m.name for m in members[:3]] == [f"{first}.png", f"{first}.cls", f"{first}.json"]
            assert "." not in first and tar.extractfile(members[1]).read() == str(y[0]).encode()
            with Image.open(io.BytesIO(tar.extractfile(members[0]).read())) as im:
                assert im.mode == "RGB" and np.array_equal(np.asarray(im), x[0])
    val_info = [s[2] for s in _wds_samples(exports / "wds", "val")]
    assert {i["copy"] for i in val_info} == {-1} and all(i["split"] == "test" for i in val_info)


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["hf", "wds"])
def test_the_manifest_reproduces_the_export_byte_for_byte(exports, fmt, tmp_path):
    first = json.loads((exports / fmt / "manifest.json").read_text())
    assert first["format"] == fmt and first["counts"]["val"]["rows"] == 1000
    assert main(["export", "--source", "sample", "--recipe", str(exports / fmt / "manifest.json"), "--format", fmt,
                 "--out", str(tmp_path / "again")]) == 0
    again = json.loads((tmp_path / "again" / "manifest.json").read_text())
    assert again["files"] == first["files"] and len(first["files"]) == 2
    assert again["counts"] == first["counts"]


@pytest.fixture(scope="module")
def small_ds(sample_dataset):
    return small(sample_dataset, 300, 200)


@pytest.mark.parametrize("fmt", ["hf", "wds"])
def test_shards_are_bounded_and_read_back_in_order(small_ds, fmt, tmp_path):
    limit = 48 << 10
    recipe = Recipe(NormParams("none"))
    est = estimate(small_ds, recipe, fmt, shard_bytes=limit)
    result = export(small_ds, recipe, tmp_path / fmt, fmt, shard_bytes=limit)
    shards = [f for f in result.files if f["path"] != "manifest.json"]
    per_split = {s: [f for f in shards if Path(f["path"]).name.startswith(s + "-")] for s in ("train", "test")}
    assert all(len(v) >= 2 for v in per_split.values()), [f["path"] for f in shards]
    slack = 0 if fmt == "wds" else 8 << 10  # a parquet footer is not counted in advance
    assert max(f["bytes"] for f in shards) <= limit + slack
    assert abs(est.files - (len(result.files) + 1)) <= 1  # the estimate counts the manifest too
    total = sum(f["bytes"] for f in result.files)
    assert total < est.bytes < 1.25 * total + (72 << 10)  # never short (the space check); + the manifest's allowance
    want = md.process(small_ds, recipe)
    if fmt == "hf":
        n = len(per_split["test"])
        names = [Path(f["path"]).name for f in per_split["test"]]
        assert names == [f"test-{k:05d}-of-{n:05d}.parquet" for k in range(n)]
        d = _load_hf(tmp_path / fmt, tmp_path / "cache")
        for split, (x, y) in want.items():
            assert np.array_equal(_hf_images(d[split]), x)
            assert d[split]["label"] == y.tolist()
            assert d[split]["index"] == list(range(len(x)))
    else:
        for split, (x, y) in want.items():
            samples = _wds_samples(tmp_path / fmt, split)
            assert np.array_equal(np.stack([s[0][..., 0] for s in samples]), x)
            assert [s[1] for s in samples] == y.tolist()
            for f in per_split[split]:  # every shard a complete tar that plain tarfile lists
                with tarfile.open(tmp_path / fmt / f["path"]) as tar:
                    assert len(tar.getnames()) % 3 == 0 and (tmp_path / fmt / f["path"]).stat().st_size % TAR_END == 0


def test_float_exports_hold_the_png_export_pixels_and_relabels_keep_the_original(small_ds, tmp_path):
    recipe = Recipe.from_dict({"version": 1, "normalize": {"method": "zscore"}, "split": "test",
                               "relabelled": {"test": {"5": 3}}})
    export(small_ds, recipe, tmp_path / "wds", "wds")
    export(small_ds, recipe, tmp_path / "hf", "hf")
    processed = md.process(small_ds, recipe)
    x, y = processed["test"]
    pixels = to_uint8(x, processed.recipe.normalize)
    samples = _wds_samples(tmp_path / "wds", "test")
    assert np.array_equal(np.stack([s[0][..., 0] for s in samples]), pixels)
    assert samples[5][1] == 3 and samples[5][2]["original_label"] == int(small_ds.splits["test"].labels[5])
    d = _load_hf(tmp_path / "hf", tmp_path / "cache")
    assert set(d) == {"test"} and d["test"]["label"] == y.tolist() and d["test"]["label"][5] == 3
    assert np.array_equal(_hf_images(d["test"]), pixels)


def test_without_pyarrow_hf_says_what_to_install(monkeypatch, capsys, tmp_path):
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # what an environment without it looks like to find_spec
    assert main(["export", "--source", "sample", "--format", "hf", "--out", str(tmp_path / "hf")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: --format hf needs the pyarrow package")
    assert "pip install 'mnist-desktop[hf]'" in err[0]
    assert not (tmp_path / "hf").exists()
    assert main(["export", "--source", "sample", "--format", "wds", "--out", str(tmp_path / "wds"),
                 "--dry-run"]) == 0  # wds needs nothing


@pytest.mark.parametrize("fmt", ["hf", "wds"])
def test_a_cancelled_export_leaves_nothing_and_keeps_the_earlier_one(small_ds, fmt, tmp_path):
    out = tmp_path / "out"
    export(small_ds, Recipe(NormParams("none"), split="test"), out, fmt)
    before = sorted(p.name for p in out.rglob("*"))
    stop = threading.Event()
    with pytest.raises(Cancelled):
        export(small_ds, Recipe(NormParams("none")), out, fmt, overwrite=True, chunk_size=64, cancel=stop,
               progress=lambda done, total: done and stop.set())
    assert sorted(p.name for p in out.rglob("*")) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no temporaries beside it


@pytest.mark.parametrize("name,size", [("0.png", 345), ("12345_7.json", 0), ("9.cls", 1), ("k" * 100, 8**11 - 1)])
def test_the_tar_headers_are_the_bytes_tarfile_writes(name, size):
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode, info.uid, info.gid, info.uname, info.gname = size, 0, 0o644, 0, 0, "", ""
    assert ustar_header(name, size) == info.tobuf(tarfile.USTAR_FORMAT, "utf-8", "surrogateescape")


def test_47_classes_and_an_unlabelled_split(sample_dataset, tmp_path):
    from formats_data import letters47, small_images
    from mnist_desktop.core.dataset import Dataset
    from mnist_desktop.core.formats.common import make_split

    _, y = letters47(sample_dataset, 141)
    x, _ = small_images(sample_dataset, 141, size=16)
    names = tuple(f"c{k}" for k in range(47))
    ds = Dataset("t", "t", {"train": make_split("train", x[:94], y[:94]), "test": make_split("test", x[94:], None)},
                 names, "memory", format="npy")
    recipe = Recipe(NormParams("none"))
    export(ds, recipe, tmp_path / "hf", "hf")
    export(ds, recipe, tmp_path / "wds", "wds")
    d = _load_hf(tmp_path / "hf", tmp_path / "cache")
    assert d["train"].features["label"].names == list(names)
    assert d["train"]["label"] == y[:94].tolist() and d["test"]["label"] == [-1] * 47  # -1: no label
    assert np.array_equal(_hf_images(d["test"]), x[94:])
    with tarfile.open(tmp_path / "wds" / "test-000000.tar") as tar:
        names_in = tar.getnames()
        info = json.loads(tar.extractfile("0.json").read())
    assert len(names_in) == 2 * 47 and not any(n.endswith(".cls") for n in names_in)
    assert info == {"index": 0, "copy": 0, "split": "test"}  # no label, original_label or class_name
    with tarfile.open(tmp_path / "wds" / "train-000000.tar") as tar:
        first = json.loads(tar.extractfile("0.json").read())
    assert first["class_name"] == names[y[0]] and first["label"] == y[0]
