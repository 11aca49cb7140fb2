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

#: ``bench_colour_trust.py --n 5000 --flips 50 --seeds 2`` (medians), colour and the same digits in grey:
#: per cent of the 50 planted flips among the flagged samples ("found") and in the top 50 ("top");
#: flagged samples per planted flip found ("one_in": 391 / 49 colour, 165 / 49.5 grey); per cent of the
#: correct labels flagged "mislabelled" on the same images without flips (332 and 108 of 5,000).
#: ``--kind plausible --flips 25 --no-clean`` (0.5 % realistic errors: ambiguous digits moved to their
#: second most plausible class): per cent of them among the flagged ("real_found") and in the top 1 %
#: ("real_top").
COLOUR_MEASURED = {"colour": {"found": 98, "top": 64, "one_in": 8, "false_alarms": 6.6, "real_found": 72,
                              "real_top": 30},
                   "grey": {"found": 99, "top": 84, "one_in": 3, "false_alarms": 2.2, "real_found": 96,
                            "real_top": 64}}


def trust_note(dataset: Dataset, *, short: bool = False) -> str:
    """How far to trust the label ranking of ``dataset``: empty for grey data (the ranking is tuned on it).

    ``short`` gives the few lines the Suspicious panel shows (the full note is its tooltip).
    """
    if not dataset.is_colour:
        return ""
    c, g = COLOUR_MEASURED["colour"], COLOUR_MEASURED["grey"]
    if short:
        return (f"Colour data: trust this ranking less. Colour misleads its pixel models: on coloured MNIST "
                f"1 in {c['one_in']} flagged samples was a planted flip (grey: 1 in {g['one_in']}), and it "
                f"missed {100 - c['real_found']}% of realistic label errors (grey: {100 - g['real_found']}%). "
                "Expect less on photos (CIFAR). Review before excluding.")
    return (f"Colour data: trust this ranking less than on grey digits. It judges labels with pixel models, not "
            f"a trained network, and colour misleads them. On coloured MNIST (5,000 images, 1% of the labels "
            f"flipped at random) it still flagged {c['found']}% of the flips (grey: {g['found']}%), but flagged "
            f"far more samples: 1 in {c['one_in']} flagged samples was a flip (grey: 1 in {g['one_in']}), "
            f"{c['top']}% of its top 50 were flips (grey: {g['top']}%), and {c['false_alarms']:g}% of the correct "
            f"labels were flagged (grey: {g['false_alarms']:g}%). Realistic errors are harder: with 0.5% of the "
            f"labels moved to the second most plausible class of ambiguous digits, it flagged {c['real_found']}% "
            f"of them (grey: {g['real_found']}%) and put {c['real_top']}% in its top 1% (grey: {g['real_top']}%). "
            "On photos such as CIFAR expect less. Review what it lists; do not exclude all flagged samples "
            "blindly.")
