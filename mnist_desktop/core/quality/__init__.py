"""Quality: suspicious samples (mislabelled, duplicated, blank, odd).

``report`` is the entry point (:func:`analyze`, :class:`QualityReport`; ``display`` its repr and picture);
``pipeline`` runs the named steps; ``label_models``, ``ridge`` and ``duplicates`` are its
parts (PCA, k-NN and deskew come from :mod:`..numeric`).
"""

from .report import REASONS, QualityParams, QualityReport, analyze, flagged_indices

__all__ = ["REASONS", "QualityParams", "QualityReport", "analyze", "flagged_indices"]
