"""Tile texts: the classes of one dataset stay apart when the tile is narrow."""

from __future__ import annotations

import pytest

from mnist_desktop.core.view.tile_text import COMPARE_LIMIT, class_tile_texts, tile_texts

COARSE = ("aquatic_mammals", "fish", "flowers", "food_containers", "fruit_and_vegetables",
          "household_electrical_devices", "household_furniture", "insects", "large_carnivores",
          "large_man-made_outdoor_things", "large_natural_outdoor_scenes", "large_omnivores_and_herbivores",
          "medium_mammals", "non-insect_invertebrates", "people", "reptiles", "small_mammals", "trees",
          "vehicles_1", "vehicles_2")
TREES = ("maple_tree", "oak_tree", "palm_tree", "pine_tree", "willow_tree")
CIFAR10 = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")


def shown(names, chars: int) -> list[str]:
    """What each class shows on a tile with room for ``chars`` characters."""
    return [next(t for t in texts if len(t) <= chars) for texts in class_tile_texts(names)]


@pytest.mark.parametrize("chars", [12, 8, 6, 5, 4])
def test_cifar100_superclasses_stay_apart(chars):
    texts = shown(COARSE, chars)
    large = [t for n, t in zip(COARSE, texts) if n.startswith("large_")]
    assert len(set(large)) == 4, large  # cut at the end, all four read "lar…"
    assert texts[COARSE.index("vehicles_1")] != texts[COARSE.index("vehicles_2")]
    assert len(set(texts)) == len(COARSE), texts


@pytest.mark.parametrize("chars", [8, 6, 5, 4])
def test_names_sharing_their_last_word_stay_apart(chars):
    texts = shown(TREES, chars)  # word by word, palm_tree and pine_tree are both "p.tree"
    assert len(set(texts)) == len(TREES), texts


def test_whole_names_where_they_fit_and_one_letter_last():
    assert shown(CIFAR10, 10) == list(CIFAR10)
    assert shown(["7", "1"], 1) == ["7", "1"]
    for name in (*COARSE, *TREES, *CIFAR10, "Ankle boot", "T-shirt/top"):
        texts = tile_texts(name)
        assert texts[0] == name and texts[-1] == name[0] + "…"
        assert all(len(t) <= len(name) for t in texts) and len(set(texts)) == len(texts)


def test_many_classes_are_not_compared():
    assert class_tile_texts([str(i) for i in range(COMPARE_LIMIT + 1)]) is None
