"""Tile texts: names of several words stay apart when the tile is narrow."""

from __future__ import annotations

from mnist_desktop.core.view.tile_text import tile_texts

COARSE = ("aquatic_mammals", "fish", "flowers", "food_containers", "fruit_and_vegetables",
          "household_electrical_devices", "household_furniture", "insects", "large_carnivores",
          "large_man-made_outdoor_things", "large_natural_outdoor_scenes", "large_omnivores_and_herbivores",
          "medium_mammals", "non-insect_invertebrates", "people", "reptiles", "small_mammals", "trees",
          "vehicles_1", "vehicles_2")


def fitting(name: str, chars: int) -> str:
    return next(t for t in tile_texts(name) if len(t) <= chars)


def test_cifar100_superclasses_stay_apart_in_eight_characters():
    shown = {name: fitting(name, 8) for name in COARSE}
    large = [shown[n] for n in COARSE if n.startswith("large_")]
    assert len(set(large)) == 4, large  # cut at the end, all four were "large_c…"-like "lar…"
    assert shown["vehicles_1"] != shown["vehicles_2"]
    assert shown["household_furniture"] != shown["household_electrical_devices"]
    assert shown["large_carnivores"].startswith("l.carn")


def test_one_word_names_are_cut_at_the_end_and_every_list_ends_with_one_letter():
    assert tile_texts("automobile")[:3] == ["automobile", "automobil…", "automobi…"]
    assert tile_texts("7") == ["7"]
    for name in (*COARSE, "automobile", "Ankle boot", "T-shirt/top"):
        texts = tile_texts(name)
        assert texts[0] == name and texts[-1] == name[0] + "…"
        assert all(len(t) <= len(name) for t in texts) and len(set(texts)) == len(texts)


def test_in_four_characters_the_large_superclasses_are_still_told_apart():
    large = [fitting(n, 4) for n in COARSE if n.startswith("large_")]
    assert large == ["l.c…", "lmot", "lnos", "loah"]
