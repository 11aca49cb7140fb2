"""How much to trust the label ranking on this data: the note ``check`` and the Suspicious panel show.

The ranking judges each label with models of pixels (deskewed PCA,
neighbours, a random-feature ridge), never a trained network. On grey digits
that works; on colour it is misled, because two images of one class can
differ more in colour than two classes differ in shape. Measured with
``benchmarks/bench_colour_trust.py`` on the coloured MNIST the tests use
(each digit painted in its own random colours, so colour says nothing about
the class) with planted label flips, against the same digits in grey. Real
photos (CIFAR) separate far worse than digits by pixels, so there the
ranking is weaker still; that is not measured here.
"""

from __future__ import annotations

from ..dataset import Dataset

__all__ = ["trust_note", "COLOUR_MEASURED"]

#: bench_colour_trust.py --n 2000 --flips 20 --seeds 1: share of the planted flips among the flagged
#: samples, share of the top K (K = the number of flips) that are flips, and correct labels flagged
#: "mislabelled" on the same set without flips (per cent), for colour and for the same digits in grey.
COLOUR_MEASURED = {"colour": {"found": 75, "top": 45, "false_alarms": 12.9},
                   "grey": {"found": 100, "top": 80, "false_alarms": 4.2}}


def trust_note(dataset: Dataset) -> str:
    """One paragraph on how far to trust the ranking of ``dataset``; empty for grey data (it is tuned on it)."""
    if not dataset.is_colour:
        return ""
    c, g = COLOUR_MEASURED["colour"], COLOUR_MEASURED["grey"]
    return (f"Colour data: trust this ranking less than on grey digits. It compares pixels without a trained "
            f"network, and colour misleads it. On coloured MNIST with 1% of the labels flipped it flagged "
            f"{c['found']}% of the flips (grey: {g['found']}%), {c['top']}% of its top-ranked were flips (grey: "
            f"{g['top']}%), and it flagged {c['false_alarms']:g}% of correct labels too (grey: "
            f"{g['false_alarms']:g}%). On photos such as CIFAR expect less. Review what it lists; do not "
            f"exclude all flagged samples blindly.")
