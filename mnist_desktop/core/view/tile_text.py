"""The texts a tile may show for a class name, from the whole name down to one letter.

A tile has room for a few characters. Cutting a name at the end makes the
names of one dataset collide: CIFAR-100's superclasses "large_carnivores",
"large_man-made_outdoor_things" and "large_natural_outdoor_scenes" all become
"lar…", and "vehicles_1" / "vehicles_2" both "vehi…". A name of several words
can also be shortened word by word: the leading words to their initials, the
last word kept ("l.carnivores", "l.m.o.things", "v.1") and then cut
("l.carn…"), then the initials alone ("lmot"). Neither way is always the
better one ("palm_tree" and "pine_tree" are both "p.tree" but "palm…" and
"pine…"), so :func:`class_tile_texts` offers first, longest first, the texts
that no other class of the dataset can show, then the others. The whole name
is always in the hover text and the detail view.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

_WORDS = re.compile(r"[ _]+")

#: Beyond this many classes the texts are not compared across classes (the names are
#: then mostly numbers, whose cuts are what they are), and are made one class at a time.
COMPARE_LIMIT = 1000


def tile_texts(name: str) -> list[str]:
    """Candidate texts for ``name`` alone, in order of preference, ending with its first letter and "…".

    The whole name, its cuts word by word when it has several words, its plain
    cuts; the caller shows the first that fits its tile.
    """
    words = [w for w in _WORDS.split(name.strip()) if w]
    texts = [name]
    if len(words) >= 2:
        head = ".".join(w[0] for w in words[:-1]) + "."
        texts += [head + t for t in _cut(words[-1], keep=1)]
        texts.append("".join(w[0] for w in words))  # "lmot": still apart where "l.m.o.t…" does not fit
    texts += _cut(name, keep=1)[1:]
    texts = [t for t in dict.fromkeys(texts) if len(t) <= len(name) and t != name[:1] + "…"]
    texts.sort(key=len, reverse=True)  # stable: at equal length the word-by-word cut comes first
    return texts + ([name[0] + "…"] if len(name) > 1 else [])


def class_tile_texts(names: Sequence[str]) -> list[list[str]] | None:
    """Per class, :func:`tile_texts` with the texts no other class offers first (both longest first).

    None when there are more than :data:`COMPARE_LIMIT` classes: use
    :func:`tile_texts` per class then.
    """
    if len(names) > COMPARE_LIMIT:
        return None
    candidates = [tile_texts(str(n)) for n in names]
    owners = Counter(t for texts in candidates for t in set(texts))
    return [[t for t in texts if owners[t] == 1] + [t for t in texts if owners[t] > 1] for texts in candidates]


def _cut(text: str, keep: int) -> list[str]:
    """``text``, then ``text`` cut to fewer and fewer characters (at least ``keep``) with an ellipsis."""
    return [text] + [text[:k] + "…" for k in range(len(text) - 1, keep - 1, -1)]
