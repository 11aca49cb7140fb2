"""The notebook API: short reprs, PNG pictures, Keras-style load_data, the map-style dataset adapter."""

from __future__ import annotations

import gzip
import pydoc

import numpy as np
import pytest

import mnist_desktop as md
from mnist_desktop.core.dataset import Dataset
from mnist_desktop.core.idx import write_idx
from mnist_desktop.core.view.charts import matrix_rgb
from mnist_desktop.core.draw.glyphs import text_mask, text_size
from small_data import small

ROTATE = md.Recipe(augment=md.AugParams(rotation=15, copies=2, keep_original=True), seed=3,
                   excluded={"test": [1, 4]})


def decode_png(data: bytes) -> np.ndarray:
    """(H, W, 3) uint8 pixels of PNG bytes, decoded by Qt (the GUI's own reader)."""
    from PySide6.QtGui import QImage

    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    img = QImage.fromData(data, "PNG")
    assert not img.isNull(), "Qt could not decode the PNG"
    img = img.convertToFormat(QImage.Format.Format_RGB888)
    w, h, stride = img.width(), img.height(), img.bytesPerLine()
    rows = np.frombuffer(img.constBits(), np.uint8, count=h * stride).reshape(h, stride)
    return rows[:, :3 * w].reshape(h, w, 3).copy()


@pytest.fixture(scope="module")
def two_splits(sample_dataset) -> Dataset:
    return small(sample_dataset)


@pytest.fixture(scope="module")
def report(two_splits):
    return md.analyze(two_splits)


# ---------------------------------------------------------------------- reprs
def test_dataset_and_split_reprs_are_one_short_line(sample_dataset, two_splits):
    text = repr(sample_dataset)
    assert text.startswith("Dataset('mnist', source='sample', test=10,000 x 28x28 uint8") and "10 classes" in text
    assert "train=240 x 28x28 uint8, test=160 x 28x28 uint8" in repr(two_splits)
    split = repr(sample_dataset.splits["test"])
    assert split.startswith("Split('test', 10,000 x 28x28 uint8, labels 0-9")
    long_source = Dataset("x", "x", dict(two_splits.splits), two_splits.class_names, "/very/long" * 80)
    for r in (text, split, repr(two_splits), repr(long_source), str(sample_dataset)):
        assert len(r) < 300 and "\n" not in r


def test_recipe_repr_shows_only_what_differs_from_the_defaults():
    assert repr(md.Recipe()) == "Recipe()"
    r = md.Recipe(normalize=md.NormParams("zscore", mean=0.1307, std=0.3081),
                  augment=md.AugParams(rotation=10, copies=2), seed=7, excluded={"train": range(50_000)})
    text = repr(r)
    for part in ("normalize='zscore'", "mean=0.1307", "std=0.3081", "rotation=10", "copies=2", "seed=7",
                 "train: 50,000"):
        assert part in text
    for default in ("translate", "shear", "noise", "keep_original", "scope", "split="):
        assert default not in text
    assert len(text) < 300


def test_quality_report_repr_counts_the_flags(report):
    text = repr(report)
    assert text.startswith(f"QualityReport({len(report):,} images, {report.n_flagged:,} flagged")
    i = int(report.order[0])
    assert f"top: {report.split[i]} {report.index[i]} labelled {report.label[i]}" in text
    assert len(text) < 300 and "\n" not in text


def test_processed_adapter_and_picture_reprs_are_short(two_splits):
    processed = md.process(two_splits, ROTATE)
    assert repr(processed).startswith("Processed(train=720 x 28x28 float32, test=474 x 28x28 float32; Recipe(")
    items = md.ImageDataset(two_splits, "test", recipe=ROTATE)
    assert repr(items).startswith("ImageDataset('mnist', split='test', 474 items of 28x28 processed")
    for r in (repr(processed), repr(items), repr(md.show(two_splits))):
        assert len(r) < 300


# ---------------------------------------------------------------------- pictures
@pytest.mark.parametrize("kind", ["dataset", "split", "processed"])
def test_repr_png_decodes_with_its_size_and_stays_small(sample_dataset, two_splits, kind):
    obj = {"dataset": sample_dataset, "split": two_splits.splits["train"],
           "processed": md.process(two_splits, md.Recipe())}[kind]
    data = obj._repr_png_()
    pixels = decode_png(data)
    assert pixels.shape[0] > 200 and pixels.shape[1] > 400 and len(data) < 200_000


def test_encoded_pixels_are_the_picture_and_tiles_are_the_images(two_splits):
    from mnist_desktop.core.draw.mosaic import tile_origin

    scale = 3
    pic = md.show(two_splits, [5, 300], cols=2, scale=scale)
    assert np.array_equal(decode_png(pic.png), pic.rgb)
    assert pic.size == (pic.rgb.shape[1], pic.rgb.shape[0])
    caption = text_size("0", scale)[0] + 6 * scale
    for k, i in enumerate((5, 300)):  # each tile is its image enlarged 3x, grey (R == G == B)
        y, x = tile_origin(k, 2, (28 + 9, 28), 2)
        tile = pic.rgb[caption + scale * y:, scale * x:][:28 * scale, :28 * scale]
        assert np.array_equal(tile[..., 0], two_splits.images[i].repeat(scale, 0).repeat(scale, 1))
        assert np.array_equal(tile[..., 0], tile[..., 2])


def test_show_accepts_masks_arrays_and_caps_the_tiles(two_splits, tmp_path):
    mask = np.zeros(len(two_splits), bool)
    mask[[1, 2, 3]] = True
    assert md.show(two_splits, mask).size == md.show(two_splits, [1, 2, 3]).size
    floats = two_splits.images[:10] / np.float32(255)
    assert np.array_equal(md.show(floats).rgb, md.show(two_splits.images[:10]).rgb)
    capped = md.show(two_splits, np.arange(400))
    assert capped.size == md.show(two_splits, np.arange(256)).size[:1] + capped.size[1:]
    assert len(capped.png) < 200_000
    md.show(two_splits, []).save(tmp_path / "empty.png")
    assert decode_png((tmp_path / "empty.png").read_bytes()).shape[0] > 0


def test_quality_picture_shows_the_top_suspects(report, two_splits):
    data = report._repr_png_()
    assert decode_png(data).shape[1] > 800 and len(data) < 200_000
    bare = md.QualityReport(**{f: getattr(report, f) for f in report.__dataclass_fields__})
    assert bare._repr_png_() is None  # not made by analyze: no images to draw
    from mnist_desktop.core.quality.display import quality_picture
    assert quality_picture(bare, two_splits, top=8).rgb.shape[1] < decode_png(data).shape[1] + 1


def test_matrix_png_writes_every_number_legibly():
    m = np.array([[980, 0, 3], [12, 1_135, 0], [7, 1, 1_010]])
    names = ["0", "1", "2"]
    rgb = matrix_rgb(m, names, names, title="confusion", row_title="true", col_title="predicted")
    assert np.array_equal(decode_png(md.matrix_png(m, names, names, title="confusion", row_title="true",
                                                   col_title="predicted")), rgb)
    # cells wide enough for "1,135" at scale 2 (10x14-pixel glyphs) in each of the 3 columns
    assert rgb.shape[1] > 3 * text_size("1,135", 2)[1] and rgb.shape[0] > 4 * text_size("0", 2)[0]
    rng = np.random.default_rng(0)  # 47 classes (EMNIST balanced), every cell a 2- to 4-digit count
    big = rng.poisson(30, (47, 47))
    np.fill_diagonal(big, rng.integers(2000, 2400, 47))
    assert len(md.matrix_png(big, [str(i) for i in range(47)], [str(i) for i in range(47)])) < 200_000
    with pytest.raises(ValueError, match="matrix"):
        md.matrix_png(m, names, names[:2])


def test_font_draws_letters_digits_and_marks_unknown_characters():
    assert text_mask("AB").shape == (7, 11) and text_mask("ab").tolist() == text_mask("AB").tolist()
    assert text_mask("~").tolist() == text_mask("?").tolist()
    assert not np.array_equal(text_mask("O"), text_mask("0"))


# ---------------------------------------------------------------------- arrays
def test_load_data_sample_equals_the_idx_files(sample_dir):
    idx2numpy = pytest.importorskip("idx2numpy")
    (x_train, y_train), (x_test, y_test) = md.load_data("sample")
    with gzip.open(sample_dir / "t10k-images-idx3-ubyte.gz") as f:
        ref_x = idx2numpy.convert_from_file(f)
    with gzip.open(sample_dir / "t10k-labels-idx1-ubyte.gz") as f:
        ref_y = idx2numpy.convert_from_file(f)
    assert np.array_equal(x_test, ref_x) and np.array_equal(y_test, ref_y)
    assert x_test.dtype == y_test.dtype == np.uint8 and x_test.flags.writeable
    assert x_train.shape == (0, 28, 28) and y_train.shape == (0,) and x_train.dtype == y_train.dtype == np.uint8


def test_load_data_from_a_folder_with_both_splits(tmp_path, two_splits):
    for split, prefix in (("train", "train"), ("test", "t10k")):
        s = two_splits.splits[split]
        write_idx(tmp_path / f"{prefix}-images-idx3-ubyte", np.ascontiguousarray(s.images))  # memory-mapped
        write_idx(tmp_path / f"{prefix}-labels-idx1-ubyte.gz", np.ascontiguousarray(s.labels))
    (x_train, y_train), (x_test, y_test) = md.load_data(tmp_path)
    assert np.array_equal(x_train, two_splits.splits["train"].images) and len(y_test) == 160
    x_train[0, 0, 0] = 1  # writable like Keras' arrays; the file is untouched
    assert type(x_train) is np.ndarray


def test_load_data_with_a_recipe_equals_the_export(tmp_path, two_splits):
    md.export(two_splits, ROTATE, tmp_path / "out.npz", "npz")
    ROTATE.save(tmp_path / "r.json")
    (x_train, y_train), (x_test, y_test) = md.load_data(two_splits, recipe=tmp_path / "r.json")
    with np.load(tmp_path / "out.npz") as ref:
        for name, arr in (("x_train", x_train), ("y_train", y_train), ("x_test", x_test), ("y_test", y_test)):
            assert np.array_equal(arr, ref[name]) and arr.dtype == ref[name].dtype, name
    (x_train, _), (x_test, y_test) = md.load_data(two_splits, md.Recipe(split="test"))
    assert x_train.shape == (0, 28, 28) and x_train.dtype == np.float32 and len(x_test) == len(y_test) == 160


# ---------------------------------------------------------------------- adapter
def test_image_dataset_items_are_the_rows_of_the_split(two_splits):
    raw = md.ImageDataset(two_splits, "train")
    assert len(raw) == 240
    x, y = raw[7]
    assert np.array_equal(x, two_splits.splits["train"].images[7]) and y == two_splits.splits["train"].labels[7]
    assert isinstance(y, int) and np.array_equal(raw[-1][0], raw[239][0])
    with pytest.raises(IndexError, match="240 items"):
        raw[240]
    items = md.ImageDataset(two_splits, "test", recipe=ROTATE, transform=lambda a: a[None],
                            target_transform=lambda t: t + 100)
    x_ref, y_ref = md.process(two_splits, ROTATE)["test"]
    xs, ys = zip(*items)
    assert np.array_equal(np.stack(xs)[:, 0], x_ref) and np.array_equal(np.array(ys) - 100, y_ref)
    assert [int(b[1]) for b in items.__getitems__([3, 0, -1])] == [ys[3], ys[0], ys[-1]]
    with pytest.raises(md.DatasetError, match="no validation split"):
        md.ImageDataset(two_splits, "validation")


def test_image_dataset_with_a_torch_dataloader(two_splits):
    torch = pytest.importorskip("torch")
    from torch.utils.data import DataLoader

    items = md.ImageDataset(two_splits, "test", recipe=ROTATE)
    batches = list(DataLoader(items, batch_size=64, shuffle=False))
    x = torch.cat([b[0] for b in batches]).numpy()
    y = torch.cat([b[1] for b in batches]).numpy()
    x_ref, y_ref = md.process(two_splits, ROTATE)["test"]
    assert batches[0][0].shape == (64, 28, 28) and batches[0][0].dtype == torch.float32
    assert np.array_equal(x, x_ref) and np.array_equal(y, y_ref)


# ---------------------------------------------------------------------- help()
def test_help_lists_the_public_names_with_docstrings():
    text = pydoc.render_doc(md, renderer=pydoc.plaintext)
    for name in ("load_data", "process", "ImageDataset", "show", "matrix_png", "Picture", "Processed"):
        assert name in md.__all__ and name in text
        assert (getattr(md, name).__doc__ or "").strip(), name
