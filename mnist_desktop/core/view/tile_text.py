"""The texts a tile may show for a class name, from the whole name down to one letter.

A tile has room for a few characters. Cutting a name at the end makes the
names of one dataset collide: CIFAR-100's superclasses "large_carnivores",
"large_man-made_outdoor_things" and "large_natural_outdoor_scenes" all become
"lar…", and "vehicles_1" / "vehicles_2" both "vehi…". A name of several words
is therefore shortened word by word first: the leading words to their
initials, the last word kept ("l.carnivores", "l.m.o.things", "v.1") and
then cut ("l.carn…"), then the initials alone ("lmot"). The whole name is always in the hover text and the
detail view.
"""

from __future__ import annotations

import re

_WORDS = re.compile(r"[ _]+")


def tile_texts(name: str) -> list[str]:
    """Candidate texts for ``name``, longest first, ending with its first letter and an ellipsis.

    The caller measures them and shows the first that fits its tile.
    """
    words = [w for w in _WORDS.split(name.strip()) if w]
    if len(words) < 2:
        return _cut(name, keep=1)
    head = ".".join(w[0] for w in words[:-1]) + "."
    short = [head + t for t in _cut(words[-1], keep=1)]
    initials = "".join(w[0] for w in words)  # "lmot": still apart where "l.m.o.t…" does not fit
    texts = [name, *short, initials, name[0] + "…"]
    return list(dict.fromkeys(t for t in texts if len(t) <= len(name)))


def _cut(text: str, keep: int) -> list[str]:
    """``text``, then ``text`` cut to fewer and fewer characters (at least ``keep``) with an ellipsis."""
    return [text] + [text[:k] + "…" for k in range(len(text) - 1, keep - 1, -1)]
