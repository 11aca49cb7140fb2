"""One field table: every recipe field's range and words live on its FieldRange, and the flags say them."""

from __future__ import annotations

import re
from dataclasses import fields

import pytest

from mnist_desktop.cli import main
from mnist_desktop.core.processing.aug_params import AUG_GROUPS, AUG_RANGES, AugParams
from mnist_desktop.core.processing.normalize import NORM_RANGES, NormParams
from mnist_desktop.core.processing.recipe import SEED_RANGE, Recipe

#: Fields that are no number (a switch, a choice): no range to describe.
NOT_NUMBERS = {"augment.keep_original", "augment.crop_mode", "normalize.method", "normalize.scope"}
#: Statistics a recipe file may pin but no flag sets (the data gives them).
FILE_ONLY = {"normalize.low", "normalize.high"}


def recipe_fields():
    """(dotted name, FieldRange) of every numeric field of a recipe."""
    table = {f"augment.{n}": s for n, s in AUG_RANGES.items()} | {f"normalize.{n}": s for n, s in NORM_RANGES.items()}
    table["seed"] = SEED_RANGE
    return table


def test_every_numeric_recipe_field_has_a_range_with_words():
    declared = ({f"augment.{f.name}" for f in fields(AugParams)} | {f"normalize.{f.name}" for f in fields(NormParams)}
                | {"seed"})
    table = recipe_fields()
    assert declared - NOT_NUMBERS == set(table)
    for name, spec in table.items():
        assert spec.label and spec.help and spec.help[0].islower(), name
        assert spec.lo <= spec.hi and spec.range_text in spec.describe(), name
    grouped = {n: s for n, s in AUG_RANGES.items() if s.group}
    assert {s.group for s in grouped.values()} == set(AUG_GROUPS)
    for name, spec in grouped.items():  # a switched-on group is filled with typical values, each one valid
        assert AugParams(**{name: spec.typical}).problems() == [], name
        if spec.identity is not None:
            assert AugParams(**{name: spec.identity}).is_identity, name
            assert not AugParams(**{name: spec.typical}).is_identity, name


@pytest.mark.parametrize("command", ["export", "evaluate"])
def test_flag_help_gives_each_fields_range(command, capsys):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    text = " ".join(capsys.readouterr().out.split())  # argparse wraps lines
    for name, spec in recipe_fields().items():
        if name in FILE_ONLY:
            continue
        flag = "--" + name.rpartition(".")[2].replace("_", "-")
        entry = re.search(re.escape(flag) + r" (?:\[[^\s\]]+\]|[^\s\]]+) (.*?)(?= --|$)", text)  # not the usage line
        assert entry, flag
        assert spec.help in entry.group(1) and spec.range_text in entry.group(1), flag
    assert f"0 to {int(SEED_RANGE.hi):,}" in text and "default 0" in text
    assert Recipe().seed == 0
