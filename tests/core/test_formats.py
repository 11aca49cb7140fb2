"""Readers of the forms MNIST-style data comes in, picked by content (core/formats)."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from formats_data import image_folder, kaggle_csv, letters47, rowcol_csv, small_images
from mnist_desktop import DatasetError, load_dataset, write_idx
from mnist_desktop.core.dataset import UNLABELLED
from mnist_desktop.core.formats import detect
from mnist_files import write_mnist


def test_kaggle_folder_train_labelled_test_unlabelled(tmp_path, sample_dataset):
    x, y = small_images(sample_dataset, 60)
    kaggle_csv(tmp_path / "train.csv", x[:40], y[:40])
    kaggle_csv(tmp_path / "test.csv", x[40:], None)
    (tmp_path / "sample_submission.csv").write_text("ImageId,Label\n1,0\n2,0\n")
    seen = []
    ds = load_dataset(tmp_path, progress=lambda d, t: seen.append((d, t)))
    assert ds.format == "csv" and ds.split_names == ("train", "test")
    assert np.array_equal(ds.splits["train"].images, x[:40]) and np.array_equal(ds.splits["train"].labels, y[:40])
    test = ds.splits["test"]
    assert not test.labelled and np.all(test.labels == UNLABELLED) and np.array_equal(test.images, x[40:])
    assert ds.unlabelled_splits == ("test",) and ds.label_text(int(test.labels[0])) == "-"
    assert any("sample_submission.csv" in n for n in ds.notes)
    assert seen[-1][0] == seen[-1][1]


def test_mnist_in_csv_rowcol_layout_any_size(tmp_path, sample_dataset):
    x, y = small_images(sample_dataset, 30, size=16)
    ds = load_dataset(rowcol_csv(tmp_path / "mnist_test.csv", x, y))
    assert ds.split_names == ("test",) and ds.splits["test"].images.shape == (30, 16, 16)
    assert np.array_equal(ds.images, x) and np.array_equal(ds.labels, y)


@pytest.mark.parametrize("row, message", [
    ("3," + ",".join(["0"] * 783), "line 3: 784 values, expected 785"),
    ("3,abc" + ",0" * 783, "line 3: pixel value 'abc' is not a whole number"),
    ("3,300" + ",0" * 783, "line 3: pixel value 300 is out of range 0..255"),
    ("-1" + ",0" * 784, "line 3: label -1 is negative"),
])
def test_bad_csv_rows_name_file_and_line(tmp_path, sample_dataset, row, message):
    x, y = small_images(sample_dataset, 2)
    path = kaggle_csv(tmp_path / "train.csv", x, y)
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[:2] + [row] + lines[2:]) + "\n")
    with pytest.raises(DatasetError) as err:
        load_dataset(path)
    assert str(err.value).startswith(f"{path}: {message}")


def test_keras_npz_any_subset_and_single_pairs(tmp_path, sample_dataset):
    x, y = small_images(sample_dataset, 50)
    np.savez_compressed(tmp_path / "mnist.npz", x_train=x[:30], y_train=y[:30], x_test=x[30:], y_test=y[30:])
    ds = load_dataset(tmp_path / "mnist.npz")
    assert ds.format == "npz" and ds.split_names == ("train", "test")
    assert np.array_equal(ds.images, x) and np.array_equal(ds.labels, y)
    np.savez(tmp_path / "pair.npz", images=x, labels=y.astype(np.int64))
    ds = load_dataset(tmp_path / "pair.npz")
    assert np.array_equal(ds.images, x) and ds.labels.dtype == np.uint8 and np.array_equal(ds.labels, y)
    assert isinstance(ds.splits["train"].images, np.memmap)  # stored member: mapped, not read
    np.savez(tmp_path / "test_only.npz", x_test=x)
    ds = load_dataset(tmp_path / "test_only.npz")
    assert ds.split_names == ("test",) and not ds.splits["test"].labelled


def test_npz_with_objects_is_refused_not_unpickled(tmp_path):
    np.savez(tmp_path / "evil.npz", x_train=np.array([object()] * 3, dtype=object))
    with pytest.raises(DatasetError, match="holds Python objects; refusing to unpickle"):
        load_dataset(tmp_path / "evil.npz")


def test_float_data_opens_as_float_with_a_uint8_rendering(tmp_path, sample_dataset):
    x, y = small_images(sample_dataset, 20)
    xf = (x / np.float32(255)).astype(np.float32)
    np.save(tmp_path / "x_train.npy", xf)
    np.save(tmp_path / "y_train.npy", y)
    ds = load_dataset(tmp_path)
    s = ds.splits["train"]
    assert ds.format == "npy" and s.images.dtype == np.float32 and np.array_equal(s.images, xf)
    assert s.value_range == (0.0, 1.0) and np.array_equal(s.pixels, x)


def test_image_folder_png_classes_sorted_like_imagefolder(tmp_path, sample_dataset):
    x, y = small_images(sample_dataset, 40)
    names = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    image_folder(tmp_path / "digits", x, y, names)
    ds = load_dataset(tmp_path / "digits")
    assert ds.format == "images" and ds.class_names == tuple(sorted(set(names[k] for k in y)))
    got = {(ds.class_names[int(lab)], img.tobytes()) for img, lab in zip(ds.images, ds.labels)}
    assert got == {(names[int(lab)], img.tobytes()) for img, lab in zip(x, y)}


def test_image_folder_jpeg_splits_and_grey_rgb(tmp_path, sample_dataset):
    x, y = small_images(sample_dataset, 30)
    image_folder(tmp_path / "set" / "train", x[:20], y[:20], ext="jpg")
    image_folder(tmp_path / "set" / "test", x[20:], y[20:], ext="jpg", mode="RGB")
    ds = load_dataset(tmp_path / "set")
    assert ds.split_names == ("test", "train") or ds.split_names == ("train", "test")
    train = ds.splits["train"]
    assert train.images.shape == (20, 28, 28) and sorted(train.labels.tolist()) == sorted(y[:20].tolist())
    order = np.lexsort((np.arange(20), y[:20]))  # class by class, then file name
    assert np.abs(train.images.astype(int) - x[:20][order].astype(int)).max() <= 8  # JPEG q=100
    assert any("read as grayscale" in n for n in ds.notes)


def test_image_folder_reads_colour_refuses_odd_sizes(tmp_path, sample_dataset):
    from PIL import Image

    x, y = small_images(sample_dataset, 6)
    image_folder(tmp_path / "a", x, y)
    odd = tmp_path / "a" / str(int(y[0])) / "odd.png"
    Image.fromarray(np.zeros((20, 21), np.uint8)).save(odd)
    with pytest.raises(DatasetError, match=r"odd.png: 21x20 pixels, .* all images must be one size"):
        load_dataset(tmp_path / "a")
    odd.unlink()
    red = np.dstack([x[0], x[0] // 2, x[0]])
    Image.fromarray(red, "RGB").save(tmp_path / "a" / str(int(y[0])) / "red.png")
    ds = load_dataset(tmp_path / "a")
    assert ds.is_colour and ds.channels == 3 and ds.image_shape == (28, 28, 3) and len(ds) == 7
    split = ds.splits[ds.split_names[0]]
    row = [i for i in range(7) if np.array_equal(split.images[i], red)]
    assert len(row) == 1  # the colour file exactly; the grey files repeat their value in R, G, B
    grey_rows = [i for i in range(7) if i != row[0]]
    assert all(np.array_equal(split.images[i][..., 0], split.images[i][..., 2]) for i in grey_rows)
    Image.fromarray(np.dstack([x[1], x[1], x[1], np.full_like(x[1], 128)]), "RGBA").save(
        tmp_path / "a" / str(int(y[0])) / "alpha.png")
    ds = load_dataset(tmp_path / "a")
    assert len(ds) == 8 and any("1 RGBA or palette images converted to RGB" in n for n in ds.notes)


def test_emnist_names_are_shown_upright_with_class_names(tmp_path, sample_dataset):
    x, y = letters47(sample_dataset, 94)
    write_idx(tmp_path / "emnist-balanced-train-images-idx3-ubyte.gz", np.ascontiguousarray(x.transpose(0, 2, 1)))
    write_idx(tmp_path / "emnist-balanced-train-labels-idx1-ubyte.gz", y)
    ds = load_dataset(tmp_path)
    assert ds.format == "emnist" and ds.key == "emnist-balanced" and len(ds.class_names) == 47
    assert ds.class_names[10] == "A" and ds.class_names[36] == "a" and ds.class_names[46] == "t"
    assert np.array_equal(ds.images, x) and np.array_equal(ds.labels, y)
    one = load_dataset(tmp_path / "emnist-balanced-train-images-idx3-ubyte.gz")
    assert np.array_equal(one.images, x) and one.class_names == ds.class_names


def test_emnist_letters_mapping_file(tmp_path, sample_dataset):
    x = np.ascontiguousarray(sample_dataset.images[:3])
    write_idx(tmp_path / "emnist-letters-test-images-idx3-ubyte", x)
    write_idx(tmp_path / "emnist-letters-test-labels-idx1-ubyte", np.array([1, 2, 26], np.uint8))
    (tmp_path / "emnist-letters-mapping.txt").write_text("1 65 97\n2 66 98\n26 90 122\n")
    ds = load_dataset(tmp_path)
    assert [ds.class_names[k] for k in ds.labels] == ["A/a", "B/b", "Z/z"]


def test_torchvision_root_with_raw_folder(tmp_path, sample_dir):
    raw = tmp_path / "data" / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for name in ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
        (raw / name[:-3]).write_bytes(gzip.decompress((sample_dir / name).read_bytes()))
    ds = load_dataset(tmp_path / "data")
    assert ds.key == "mnist" and len(ds) == 10000 and ds.title == "MNIST"
    (tmp_path / "data" / "FashionMNIST" / "raw").mkdir(parents=True)
    for name in ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"):
        (tmp_path / "data" / "FashionMNIST" / "raw" / name).write_bytes((raw / name).read_bytes())
    with pytest.raises(DatasetError, match="holds several datasets"):
        load_dataset(tmp_path / "data")
    assert load_dataset(tmp_path / "data" / "FashionMNIST").class_names[0] == "T-shirt/top"


def test_content_decides_not_the_extension(tmp_path, sample_dataset):
    x, y = small_images(sample_dataset, 5)
    disguised = kaggle_csv(tmp_path / "digits.npz", x, y)
    assert detect(disguised) == "csv" and np.array_equal(load_dataset(disguised).images, x)
    page = tmp_path / "train.csv"
    page.write_text("<!DOCTYPE html><html><title>Sign in</title></html>")
    with pytest.raises(DatasetError, match="train.csv: is a web page"):
        load_dataset(page)
    junk = tmp_path / "notes.txt"
    junk.write_text("hello world\n")
    with pytest.raises(DatasetError, match=r"notes.txt: not a dataset file this tool reads; expected MNIST"):
        load_dataset(junk)


def test_empty_and_odd_channel_arrays_rejected(tmp_path):
    np.save(tmp_path / "x_train.npy", np.zeros((3, 0, 0), np.uint8))
    with pytest.raises(DatasetError,
                       match=r"x_train.npy: the images have no pixels \(0x0\); an image needs at least 1x1"):
        load_dataset(tmp_path)
    np.save(tmp_path / "x_train.npy", np.zeros((3, 8, 8, 5), np.uint8))
    with pytest.raises(DatasetError, match=r"x_train.npy: expected 1 or 3 colour channels \(last axis\), "
                       r"found shape \(3, 8, 8, 5\)"):
        load_dataset(tmp_path)


def test_idx_images_file_alone_is_unlabelled(tmp_path, sample_dataset):
    x, _ = small_images(sample_dataset, 7)
    write_idx(tmp_path / "digits-idx3-ubyte", x)
    ds = load_dataset(tmp_path / "digits-idx3-ubyte")
    assert len(ds) == 7 and not ds.splits[ds.split_names[0]].labelled


def test_browser_shows_unlabelled_samples_and_counts_only_labels(tmp_path, sample_dataset):
    from mnist_desktop.core.view.browse import Browser

    x, y = small_images(sample_dataset, 30)
    kaggle_csv(tmp_path / "train.csv", x[:20], y[:20])
    kaggle_csv(tmp_path / "test.csv", x[20:], None)
    b = Browser(load_dataset(tmp_path), page_size=16)
    assert len(b.visible) == 30 and b.counts_by_label().sum() == 20
    b.set_filter(labels=[int(y[0])])
    assert len(b.visible) == int((y[:20] == y[0]).sum()) + 10
    b.set_filter(splits=["test"])
    assert b.visible.tolist() == list(range(20, 30))


def test_png_named_file_that_is_not_an_image_is_named(tmp_path, sample_dataset):
    x, y = small_images(sample_dataset, 4)
    image_folder(tmp_path / "a", x, y)
    (tmp_path / "a" / str(int(y[0])) / "broken.png").write_bytes(b"not a png at all")
    (tmp_path / "a" / str(int(y[0])) / "notes.txt").write_text("skipped")
    with pytest.raises(DatasetError, match=r"broken.png: cannot be decoded as an image"):
        load_dataset(tmp_path / "a")


def test_own_png_fast_path_matches_pillow(sample_dataset):
    import io

    from PIL import Image

    from mnist_desktop.core.draw.png import decode_gray, encode_gray

    x, _ = small_images(sample_dataset, 3, size=16)
    for img in x:
        blob = encode_gray(img)
        assert np.array_equal(decode_gray(blob), img)
        assert np.array_equal(np.asarray(Image.open(io.BytesIO(blob))), img)
    buf = io.BytesIO()
    Image.fromarray(x[0]).save(buf, "PNG", optimize=True)  # Pillow's filters: the fast path declines or agrees
    fast = decode_gray(buf.getvalue())
    assert fast is None or np.array_equal(fast, x[0])


def test_idx_under_mnist_names_with_47_classes_opens_with_a_note(tmp_path, sample_dataset):
    x, y = letters47(sample_dataset, 94)
    write_mnist(tmp_path, train=(x, y), test=(x[:10], y[:10]), gz=False)
    ds = load_dataset(tmp_path)
    assert ds.class_names == tuple(str(i) for i in range(47))
    assert ds.splits["train"].labels.tolist() == y.tolist()
    assert any("labels go up to 46" in n and "classes 0..46" in n for n in ds.notes)


def test_idx_under_mnist_names_with_stray_large_labels_stays_an_error(tmp_path, sample_dataset):
    x, y = letters47(sample_dataset, 94)
    y = y % 10
    y[[3, 7]] = [12, 46]  # classes 10..45 never occur: damage, not a bigger class set
    write_mnist(tmp_path, train=(x, y), gz=False)
    with pytest.raises(DatasetError, match=r"train-labels-idx1-ubyte: label 12 at index 3 is out of range"):
        load_dataset(tmp_path)
