"""Quality: suspicious samples (mislabelled, duplicated, blank, odd).

``report`` is the entry point (:func:`analyze`, :class:`QualityReport`);
``pipeline`` runs the named steps; ``deskew``, ``neighbours`` (PCA and exact
k-NN in blocks), ``label_models`` and ``duplicates`` are its parts.
"""

from .report import REASONS, QualityParams, QualityReport, analyze, flagged_indices

__all__ = ["REASONS", "QualityParams", "QualityReport", "analyze", "flagged_indices"]
