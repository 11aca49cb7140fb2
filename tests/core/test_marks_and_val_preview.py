"""Core pieces behind the window's truth (#23, #25): corrected labels, merging a recipe file's marks,
and val rows previewed exactly as exported."""

from __future__ import annotations

import numpy as np
import pytest

from mnist_desktop.core.export.exporter import export
from mnist_desktop.core.processing.aug_params import AugParams
from mnist_desktop.core.processing.marks import merge_marks, relabels_from_json, relabels_to_json
from mnist_desktop.core.processing.normalize import to_uint8
from mnist_desktop.core.processing.preview import Previewer, preview_page
from mnist_desktop.core.processing.recipe import Recipe
from mnist_desktop.core.processing.sampling import SamplingParams
from mnist_desktop.core.processing.split_plan import held_out, split_rows
from mnist_desktop.core.view.browse import Browser

from small_data import small


@pytest.fixture(scope="module")
def ds(sample_dataset):
    return small(sample_dataset, 600, 100)


def test_corrected_labels_are_what_the_export_writes(ds, tmp_path):
    own = int(ds.splits["test"].labels[7])
    recipe = Recipe(relabelled={"test": {7: (own + 1) % 10}, "train": {3: 9, 10_000: 1}})
    labels = recipe.corrected_labels(ds)
    assert labels[ds.to_global("test", 7)] == (own + 1) % 10 and labels[3] == 9
    assert recipe.relabelled_count(ds) == 2 - (int(ds.splits["train"].labels[3]) == 9)
    assert recipe.relabelled_count() == 3  # one of them points past this data's train split
    with np.load(export(ds, Recipe(relabelled={"test": {7: (own + 1) % 10}, "train": {3: 9}}),
                        tmp_path / "o.npz", "npz").path) as data:
        np.testing.assert_array_equal(np.concatenate([data["y_train"], data["y_test"]]), labels)
    assert Recipe().corrected_labels(ds) is ds.labels  # nothing copied when nothing is corrected


def test_the_browser_filters_and_counts_by_the_corrected_labels(ds):
    b = Browser(ds)
    recipe = Recipe(relabelled={"train": {0: 9}})
    old = int(ds.labels[0])
    before = b.counts_by_label()
    b.set_label_values(recipe.corrected_labels(ds))
    after = b.counts_by_label()
    assert after[9] == before[9] + (old != 9) and after[old] == before[old] - (old != 9)
    b.set_filter(labels=[9])
    assert 0 in b.visible.tolist()


def test_merge_keeps_this_datasets_exclusions_and_adds_the_files_that_fit(ds):
    current = Recipe(excluded={"train": [1, 2, 3]}, relabelled={"train": {5: 1}})
    loaded = Recipe(augment=AugParams(rotation=10), excluded={"train": [3, 4], "test": [99, 100], "val": [0]},
                    relabelled={"train": {5: 2, 6: 3}, "test": {0: 12}})
    m = merge_marks(current, loaded, ds)
    assert m.recipe.augment.rotation == 10
    assert m.recipe.excluded_indices("train").tolist() == [1, 2, 3, 4]
    assert m.recipe.excluded_indices("test").tolist() == [99]  # test has 100 samples: 100 does not fit
    assert m.recipe.relabelled_in("train") == {5: 2, 6: 3}  # the file's label wins where both relabel
    assert m.recipe.relabelled_in("test") == {}  # label 12 is no class of this data
    assert (m.kept, m.added, m.excluded, m.relabels_kept, m.relabels_added, m.unfit) == (3, 2, 5, 1, 2, 3)
    assert m.sentence() == ("exclusions: 3 of this dataset kept + 2 from the file = 5; relabels: 1 kept + 2 "
                            "from the file; 3 of the file's marks do not fit this dataset and were left out")
    assert merge_marks(Recipe(), Recipe(), ds).sentence() == ""


def test_relabels_round_trip_their_stored_form():
    r = Recipe(relabelled={"test": {3: 1, 12: 0}})
    assert Recipe(relabelled=relabels_from_json(relabels_to_json(r.relabelled))) == r
    assert relabels_from_json("not json") == {} and relabels_from_json('{"test": {"x": 1, "2": -1}}') == {"test": {}}


def test_the_preview_shows_val_rows_as_exported_unaugmented(ds, tmp_path):
    recipe = Recipe(augment=AugParams(rotation=20, noise=0.2, copies=2), sampling=SamplingParams(val_fraction=0.2),
                    seed=3)
    resolved = recipe.resolve(ds)
    val = split_rows(ds, resolved, "val").indices
    train_rows = split_rows(ds, resolved, "train")
    assert held_out(ds, resolved, "train", val).all()
    assert not held_out(ds, resolved, "test", np.arange(5)).any()
    page = np.concatenate([val[:20], train_rows.indices[:20:2]])  # global = train index (train comes first)
    values, display = preview_page(ds, page, resolved)
    with np.load(export(ds, recipe, tmp_path / "o.npz", "npz").path) as data:
        x_val, x_train = data["x_val"], data["x_train"]
    np.testing.assert_array_equal(values[:20], x_val[:20])  # bit for bit the exported val rows
    # a train sample shows copy 0, the first of its two exported rows
    first_rows = np.searchsorted(train_rows.indices, train_rows.indices[:20:2])
    np.testing.assert_array_equal(values[20:], x_train[first_rows])
    np.testing.assert_array_equal(display, to_uint8(values, resolved.normalize))
    # the detail view's rows of a val sample: its original only
    preview = Previewer(ds).compute(page, int(val[0]), recipe)
    assert len(preview.rows) == 1
    np.testing.assert_array_equal(preview.rows[0], to_uint8(x_val[:1], resolved.normalize)[0])


def test_class_means_count_a_relabelled_image_for_its_new_class(ds):
    from mnist_desktop.core.stats import ClassMeans

    recipe = Recipe(relabelled={"train": {0: 9, 1: 9}})
    labels = recipe.corrected_labels(ds)
    moved = np.flatnonzero(labels != ds.labels)
    got = ClassMeans(ds).means(("train",), (ds.pixels[moved], ds.labels[moved].astype(np.intp),
                                            labels[moved].astype(np.intp)))
    train = ds.splits["train"]
    for k in range(10):
        expected = train.pixels[labels[:len(train)] == k].astype(np.float64).mean(axis=0)
        np.testing.assert_allclose(got[k], expected)
